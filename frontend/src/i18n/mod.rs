//! zh-CN and en. Every message is one enum variant with both texts side by
//! side, so a missing translation is a compile error, not a blank label.
//! Texts with values in them (names, numbers) are functions in [`phrases`].
//! No text names a SPEC rule ID: those are for code and tests, not users.
//!
//! Not `leptos_i18n` (STYLE.md's pick), measured on this app in autumn 2026:
//! 0.6 with four messages moved to it (one interpolated, one plural) made
//! the served wasm 26.6 KB larger after brotli (15.7 KB without plurals and
//! ICU data) and added 116 crates, about 2 minutes to a clean build here.
//! The enum below needs no crate and, like the library's keys, is checked at
//! compile time. What neither checks, an English word left in a Chinese
//! text, a test in `phrases` does.

mod audit;
mod domains;
mod logs;
mod monitoring;
mod phrases;
mod releases;
mod rules;
#[cfg(test)]
mod tests;
mod tokens;
mod traffic;

pub use audit::*;
pub use domains::*;
pub use logs::*;
pub use monitoring::*;
pub use phrases::*;
pub use releases::*;
pub use rules::*;
pub use tokens::*;
pub use traffic::*;

use leptos::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") { Lang::Zh } else { Lang::En }
    }
}

macro_rules! messages {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            /// Every message, for tests that check them all.
            #[cfg(test)]
            pub const ALL: &[Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::Zh) => $zh,)*
                }
            }
        }
    };
}

messages! {
    AppName => "CloudBase Run Console", "云托管控制台";
    SkipToContent => "Skip to content", "跳到主要内容";
    MainNav => "Main", "主导航";
    NavEnvironments => "Environments", "环境";
    Environment => "Environment", "环境";
    ChooseEnvironment => "Choose an environment", "选择环境";
    Language => "Language", "语言";
    Theme => "Theme", "主题";
    ThemeSystem => "System", "跟随系统";
    ThemeLight => "Light", "浅色";
    ThemeDark => "Dark", "深色";
    SignOut => "Sign out", "退出登录";
    SignIn => "Sign in", "登录";
    SigningIn => "Signing in…", "正在登录…";
    Username => "Username", "用户名";
    Password => "Password", "密码";
    LoginTitle => "Sign in to the console", "登录控制台";
    LoginSubtitle => "Deploy and run containers on CloudBase Run.", "在云托管上部署和运行容器。";
    SessionExpired => "Your session ended. Sign in again to continue where you were.", "会话已结束，请重新登录以回到刚才的页面。";
    Loading => "Loading…", "加载中…";
    EnvsTitle => "Environments", "环境";
    EnvsIntro => "Each environment is isolated: its own services, billing and member permissions.", "每个环境相互隔离：服务、计费和成员权限各自独立。";
    CreateEnv => "Create environment", "新建环境";
    ColName => "Name", "名称";
    ColEnvId => "Environment ID", "环境 ID";
    ColRegion => "Region", "地域";
    ColStatus => "Status", "状态";
    ColCreated => "Created", "创建时间";
    EmptyEnvsTitle => "No environments yet", "还没有环境";
    EmptyEnvsBody => "Everything lives in an environment, so create one to start. A common setup is one per stage (test, staging, production) or one per tenant.", "所有资源都属于某个环境，请先新建一个环境。常见做法是按阶段（测试、预发布、生产）或按租户各建一个环境。";
    EmptyEnvsMember => "Ask a platform administrator to create an environment or to add you to one.", "请联系平台管理员创建环境，或把你加入某个环境。";
    OnlyAdminsCreate => "Only platform administrators can create environments.", "只有平台管理员可以新建环境。";
    RegionLocked => "Region locked", "地域已锁定";
    RegionLockExplain => "The region was chosen when this environment was created and can never change. To run somewhere else, create a new environment in that region.", "地域在创建环境时选定，之后永远无法更改。如需在其他地域运行，请在该地域新建环境。";
    RegionLabel => "Region", "地域";
    RegionWarning => "Choose carefully: the region can never be changed after the environment is created.", "请谨慎选择：环境创建后，地域永远无法更改。";
    RegionRequired => "Choose a region.", "请选择地域。";
    AliasLabel => "Environment name", "环境名称";
    AliasHelp => "Lower-case letters, digits and '-', starting with a letter, at most 32 characters. It also starts the environment ID.", "小写字母、数字和 '-'，以字母开头，最多 32 个字符；它也是环境 ID 的前缀。";
    PackageLabel => "Package", "套餐";
    TypicalUses => "Typical setups", "典型用法";
    UseStages => "One environment per stage: test, staging and production, with fewer members and stricter roles in production.", "按阶段各建一个环境：测试、预发布和生产；生产环境成员更少、权限更严。";
    UseTenants => "One environment per tenant of a SaaS business, so each customer's services and billing stay apart.", "SaaS 业务按租户各建一个环境，使每个客户的服务与计费彼此隔离。";
    Create => "Create", "创建";
    Creating => "Creating…", "正在创建…";
    Cancel => "Cancel", "取消";
    Details => "Details", "详情";
    Package => "Package", "套餐";
    Created => "Created", "创建时间";
    ServicesHeading => "Services", "服务";
    DangerZone => "Danger zone", "危险操作";
    DeleteEnv => "Delete environment", "删除环境";
    DeleteEnvIrreversible => "Deleting is irreversible: the environment and its ID are gone for good, and so is every service domain that was in it.", "删除不可撤销：环境及其 ID 将永久消失，其中所有服务的域名也随之失效。";
    TypeIdToConfirm => "Type the environment ID to confirm", "输入环境 ID 以确认";
    Deleting => "Deleting…", "正在删除…";
    NotFoundTitle => "Page not found", "页面不存在";
    BackToEnvs => "Back to environments", "返回环境列表";
    EnvNotFound => "This environment does not exist, or you are not a member of it.", "该环境不存在，或你不是它的成员。";
    StatusNormal => "Normal", "正常";
    StatusUnavailable => "Unavailable", "不可用";
    RequestId => "Request ID", "请求 ID";
    Retry => "Try again", "重试";
    ErrBadCredentials => "The username or password is incorrect.", "用户名或密码错误。";
    ErrNetwork => "The console server cannot be reached. Check your connection and try again.", "无法连接控制台服务器，请检查网络后重试。";
    ErrUpstreamUnreachable => "The cloud API cannot be reached right now; nothing was changed. Try again shortly.", "暂时无法连接云 API，未做任何更改，请稍后重试。";
    ErrUpstreamTimeout => "The cloud API did not answer in time. The operation may or may not have been applied; reload to check.", "云 API 响应超时，操作可能已执行也可能未执行，请刷新后确认。";
    ErrForbidden => "You do not have permission to do this.", "你没有执行此操作的权限。";
    ErrCommonPassword => "That password is one of the most commonly used ones, which attackers try first. Choose another.", "这是最常用的密码之一，攻击者会最先尝试。请换一个。";
    ErrTooManyAttempts => "Too many failed attempts. Wait a few minutes and try again.", "失败次数过多。请等几分钟再试。";
    ErrBusy => "The console is busy checking passwords; try again in a few seconds.", "控制台正忙于校验密码，请几秒后再试。";
    ErrTooLarge => "What you sent is too large.", "提交的内容过大。";
    ErrRequestTimeout => "The request took too long and was stopped; try again.", "请求耗时过长已被中止，请重试。";
    ErrDatabaseUnavailable => "The console cannot store anything right now; an administrator must restart it. Nothing was changed.", "控制台暂时无法保存任何数据，需要管理员重启。没有任何改动。";
    ErrLimitExceeded => "A quota is used up:", "已超出配额：";
    ErrCsrf => "The request was refused because it did not come from this console page. Reload the page and try again.", "请求未来自本控制台页面，已被拒绝。请刷新页面后重试。";
    ErrInUse => "Not possible while it is in use:", "资源正在使用中，暂时无法操作：";
    ErrUnsupportedRegion => "Choose Beijing, Shanghai or Guangzhou.", "请选择北京、上海或广州。";
    ErrNotFound => "It does not exist (any more).", "该资源不存在或已被删除。";
    ErrInternal => "Something went wrong on the server; nothing was changed.", "服务器出错，未做任何更改。";
    RuleEmpty => "Enter a value.", "请填写此项。";
    RuleStartLower => "Start with a lower-case letter (a–z).", "请以小写字母（a–z）开头。";
    RuleTrailingHyphen => "Do not end with '-'.", "不能以 '-' 结尾。";
    NavUsers => "Users", "用户";
    NavAudit => "Audit log", "审计日志";
    NavAccount => "Account", "账号";
    TabOverview => "Overview", "概览";
    TabMembers => "Members", "成员";
    TabAudit => "Audit log", "审计日志";
    EnvSections => "Environment sections", "环境导航";
    YourRole => "Your role", "你的角色";
    RoleAdmin => "Platform admin", "平台管理员";
    RoleOwner => "Owner", "所有者";
    RoleDeveloper => "Developer", "开发者";
    RoleViewer => "Viewer", "观察者";
    RoleNone => "Not a member", "非成员";
    RolesExplain => "Owners manage members and can delete the environment; developers create, deploy and change services; viewers only read.", "所有者可管理成员并删除环境；开发者可创建、部署和修改服务；观察者只能查看。";
    OnlyAdmins => "Only platform administrators can do this.", "只有平台管理员可以执行此操作。";
    ChangePasswordTitle => "Change password", "修改密码";
    MustChangePassword => "Choose your own password before you continue: the one you were given was temporary.", "继续之前请设置你自己的密码：之前拿到的是临时密码。";
    CurrentPassword => "Current password", "当前密码";
    NewPassword => "New password", "新密码";
    ConfirmPassword => "New password again", "再次输入新密码";
    PasswordsDiffer => "The two new passwords differ.", "两次输入的新密码不一致。";
    PasswordHelp => "At least 10 characters. Changing it signs out your other sessions.", "至少 10 个字符。修改后，你的其他会话将被注销。";
    SavePassword => "Change password", "修改密码";
    PasswordChanged => "Password changed. Your other sessions were signed out.", "密码已修改，其他会话已注销。";
    SessionsTitle => "Your sessions", "你的会话";
    SessionsIntro => "Everywhere you are signed in. End any session you do not recognise.", "你登录过的所有地方。如有不认识的会话，请结束它。";
    ColDevice => "Device", "设备";
    ColIp => "Address", "地址";
    ColLastSeen => "Last seen", "最近活动";
    ColSignedIn => "Signed in", "登录时间";
    ThisDevice => "This session", "当前会话";
    EndSession => "End session", "结束会话";
    UsersTitle => "Users", "用户";
    UsersIntro => "People who can sign in. What they may do is set per environment, on its Members page.", "可以登录的人。他们能做什么，在各环境的“成员”页中设置。";
    CreateUserTitle => "Add a user", "添加用户";
    DisplayName => "Display name", "显示名称";
    InitialPassword => "Initial password", "初始密码";
    InitialPasswordHelp => "Give it to the user privately; they must change it when they first sign in.", "请私下告知用户；他们首次登录时必须修改。";
    AddUser => "Add user", "添加用户";
    ColUser => "User", "用户";
    ColState => "State", "状态";
    StateActive => "Active", "正常";
    StateDisabled => "Disabled", "已停用";
    StateMustChange => "Must change password", "待修改密码";
    Disable => "Disable", "停用";
    Enable => "Enable", "启用";
    Delete => "Delete", "删除";
    Confirm => "Confirm", "确认";
    MembersTitle => "Members", "成员";
    AddMemberTitle => "Add a member", "添加成员";
    Role => "Role", "角色";
    Add => "Add", "添加";
    Remove => "Remove", "移除";
    RoleOf => "Role of", "角色：";
    NoMembers => "No members yet.", "还没有成员。";
    AuditTitle => "Audit log", "审计日志";
    AuditIntro => "Every change, allowed or refused, and every sign-in.", "所有变更（无论允许或拒绝）以及每次登录。";
    FilterUser => "User", "用户";
    FilterAction => "Action", "操作";
    FilterOutcome => "Outcome", "结果";
    FilterFrom => "From", "起始";
    FilterTo => "Until", "截止";
    Any => "Any", "全部";
    OutcomeAllowed => "Allowed", "允许";
    OutcomeDenied => "Denied", "拒绝";
    OutcomeFailed => "Failed", "失败";
    ExportCsv => "Export CSV", "导出 CSV";
    ColTime => "Time", "时间";
    ColEnv => "Environment", "环境";
    ColDetail => "Detail", "详情";
    NoAuditEntries => "Nothing matches these filters.", "没有符合筛选条件的记录。";
    AuditPages => "Audit log pages", "审计日志分页";
    RevealSecrets => "Show secret values", "显示密钥的值";
    HideSecrets => "Hide secret values", "隐藏密钥的值";
    RevealSecretsHelp => "Values of names that look secret are hidden; showing them is recorded in the audit log.", "看起来像密钥的变量值已隐藏；显示它们会记录在审计日志中。";
    NewerEntries => "Newer entries", "较新的记录";
    OlderEntries => "Older entries", "较早的记录";
    Apply => "Apply filters", "应用筛选";
    NewVersion => "Deploy a new version", "部署新版本";
    NewVersionHelp => "A new version from an image or a new code package, with the settings of the Settings tab. If it fails, the online version keeps serving.", "使用“配置”页中的配置，从镜像或新的代码包创建新版本。失败时在线版本继续提供服务。";
    DeployNow => "Deploy", "部署";
    Instances => "Instances", "实例";
    ShowConfig => "Configuration", "配置";
    FrozenConfig => "Frozen when this version was created: later changes to the settings do not touch it.", "该版本创建时即已固定，之后修改配置不会影响它。";
    InstancesIntro => "Running instances of this service. Low-cost mode keeps one while a version is online; high-availability mode keeps the minimum.", "该服务正在运行的实例。低成本模式在版本在线时保留 1 个；高可用模式保持最小实例数。";
    ColInstance => "Instance", "实例";
    NoInstances => "No instance is running.", "没有正在运行的实例。";
    CreateService => "Create service", "新建服务";
    NoServicesTitle => "No services yet", "还没有服务";
    NoServicesBody => "A service is one unit of your business with its own domain. Create one from a container image; the console shows every deploy step as it happens.", "服务是一个独立的业务单元，拥有自己的域名。从容器镜像新建服务，控制台会实时展示每个部署步骤。";
    ColService => "Service", "服务";
    ColDomain => "Default domain", "默认域名";
    ColTraffic => "Traffic", "流量";
    ColLastDeploy => "Last deploy", "最近部署";
    NoTraffic => "No version online", "无在线版本";
    NeverDeployed => "Not yet", "尚未部署";
    DeleteVersion => "Delete version", "删除版本";
    VersionHasTraffic => "It receives traffic: deploy another version first.", "该版本正在接收流量：请先部署其他版本。";
    VersionDeploying => "It is being deployed.", "该版本正在部署。";
    VersionDeleted => "Version deleted", "版本已删除";
    ServiceName => "Service name", "服务名称";
    ServiceNameHelp => "A letter first; letters, digits, '-' or '_'; a letter or digit last; at most 60 characters. Unique in the environment.", "以字母开头；可含字母、数字、'-' 或 '_'；以字母或数字结尾；最多 60 个字符；在环境内唯一。";
    ImageUrl => "Container image", "容器镜像";
    Source => "Deploy from", "部署方式";
    SourceImage => "A ready-made image", "现成镜像";
    SourcePackage => "Source code (zip with a Dockerfile)", "源代码（含 Dockerfile 的 zip）";
    PackageFile => "Code package", "代码包";
    PackageHelp => "A .zip of your source code, at most 100 MiB. It is built from its Dockerfile; dependencies are installed by the Dockerfile, not uploaded.", "源代码的 .zip 文件，最大 100 MiB。将按其中的 Dockerfile 构建；依赖由 Dockerfile 安装，无需上传。";
    DockerfileName => "Dockerfile name", "Dockerfile 名称";
    DockerfileHelp => "The Dockerfile's file name inside the build directory.", "构建目录中 Dockerfile 的文件名。";
    BuildDir => "Build directory", "构建目录";
    BuildDirHelp => "The build context, relative to the package root; . is the root.", "构建上下文，相对于代码包根目录；. 表示根目录。";
    Uploading => "Uploading the package…", "正在上传代码包…";
    UploadProgress => "Upload progress", "上传进度";
    ImageHelp => "An image URL such as nginx:1.27. On the local cloud, localcloud/fail-health and localcloud/slow-start show the failure paths.", "镜像地址，例如 nginx:1.27。在本地云上，可用 localcloud/fail-health 和 localcloud/slow-start 演示失败流程。";
    Port => "Port", "端口";
    PortHelp => "The one port your service listens on (HTTP only, 1–65535).", "服务监听的唯一端口（仅 HTTP，1–65535）。";
    Spec => "CPU / memory", "CPU / 内存";
    MinInstances => "Minimum instances", "最小实例数";
    MaxInstances => "Maximum instances", "最大实例数";
    InstancesHelp => "Minimum 0 is low-cost mode: scales to zero without traffic. Above 0 is high-availability mode: instances keep running. At most 50.", "最小为 0 即低成本模式：无流量时缩容到 0。大于 0 为高可用模式：实例持续运行。最多 50。";
    Scaling => "Scale out when", "扩容条件";
    CpuAbove => "CPU above (%)", "CPU 超过（%）";
    MemAbove => "Memory above (%)", "内存超过（%）";
    LogCollection => "Log collection", "日志采集";
    LogNone => "None", "不采集";
    LogStdout => "Standard output", "标准输出";
    LogCustom => "Custom (log set and topic)", "自定义（日志集和主题）";
    LogSet => "Log set ID", "日志集 ID";
    LogTopic => "Log topic ID", "日志主题 ID";
    LogFormat => "Log format", "日志格式";
    EnvVars => "Environment variables", "环境变量";
    EnvVarName => "Name", "名称";
    EnvVarValue => "Value", "值";
    AddVariable => "Add variable", "添加变量";
    PasteVars => "Paste a=1&b=2", "粘贴 a=1&b=2";
    PasteVarsHelp => "As the CLI's --envParams: pairs joined by &. Values of names that look secret are masked.", "与命令行 --envParams 相同：用 & 连接的键值对。看起来像密钥的变量值会被遮盖。";
    ParseVars => "Add these", "添加";
    Remark => "Remark", "备注";
    Limits => "Platform limits", "平台限制";
    LimitsText => "Services speak HTTP only and are reached through a domain name; one listening port; no Docker Compose, no WAF, and not for stateful services such as databases or Redis.", "服务仅支持 HTTP，并通过域名访问；只能监听一个端口；不支持 Docker Compose 和 WAF，不适合数据库、Redis 等有状态服务。";
    Deploy => "Create and deploy", "创建并部署";
    Deploying => "Starting the deploy…", "正在开始部署…";
    CostTitle => "What it costs", "费用估算";
    CostLowCost => "Low-cost (min 0)", "低成本（最小 0）";
    CostHa => "High availability", "高可用";
    CostDeploy => "The deploy itself", "部署本身";
    CostIdle => "Per month with no traffic", "无流量时每月";
    CostAssume => "Deploy duration (minutes)", "部署时长（分钟）";
    CpuPrice => "¥ per core·hour", "元 / 核·小时";
    MemPrice => "¥ per GiB·hour", "元 / GiB·小时";
    CostNote => "Usage is billed per second of CPU and memory. Unit prices are WeChat CloudRun's published list prices; edit them to match your package.", "按 CPU 与内存的秒级用量计费。单价为微信云托管公布的刊例价，可按你的套餐修改。";
    CostExamples => "Worked examples", "计算示例";
    CostStale => "Fix the form's errors to see what it costs.", "请先修正表单中的错误，再查看费用。";
    ChartLowCost => "1 instance for 35 minutes, then 0", "35 分钟内 1 个实例，之后为 0";
    ChartHa => "10 instances, all the time", "始终 10 个实例";
    LogFormatLine => "line", "单行文本";
    StatusFreezing => "Freezing", "冻结中";
    StatusFreezeFailed => "Freeze failed", "冻结失败";
    StatusFrozen => "Frozen", "已冻结";
    StatusUnfreezing => "Unfreezing", "解冻中";
    StatusUnfreezeFailed => "Unfreeze failed", "解冻失败";
    StatusDeleting => "Deleting", "删除中";
    StatusDeleteFailed => "Delete failed", "删除失败";
    StatusAbnormal => "Abnormal", "异常";
    StatusBuildFailed => "Build failed", "构建失败";
    StatusPending => "Pending", "等待中";
    StatusTerminating => "Stopping", "正在停止";
    StatusCompleted => "Completed", "已完成";
    StatusUnknown => "Unknown", "未知";
    ReasonTaskGone => "The cloud no longer knows this deploy's task.", "云端已不存在此次部署的任务。";
    ReasonCancelled => "Cancelled by the user.", "已被用户取消。";
    ReasonRestarted => "localcloud restarted while this step ran.", "该步骤进行时 localcloud 重启了。";
    ReasonRestartedDuringDeploy => "localcloud restarted during the deploy.", "部署过程中 localcloud 重启了。";
    DetailPermission => "No permission", "无权限";
    DetailCloudUnreachable => "The cloud API could not be reached or did not answer in time", "无法连接云 API 或响应超时";
    DetailAccountDisabled => "The account was disabled", "账号已停用";
    DetailAbsoluteLifetime => "The session reached its longest lifetime", "会话已达到最长时限";
    DetailIdleTooLong => "Idle too long", "空闲时间过长";
    DetailWrongCurrentPassword => "Wrong current password", "当前密码错误";
    OnlineConfiguration => "online configuration", "在线配置";
    ErrUpstreamInvalid => "The cloud API answered something the console does not understand.", "云 API 返回了控制台无法识别的内容。";
    ErrNotForwarded => "The console does not forward this cloud action.", "控制台不转发此云 API 操作。";
    ErrPackageTooLarge => "The code package is too large; nothing was stored.", "代码包过大，未保存任何内容。";
    DeployTitle => "Deploy", "部署";
    Live => "Live", "实时";
    Reconnecting => "Connection lost, reconnecting…", "连接中断，正在重连…";
    Resumed => "Reconnected; nothing was missed.", "已重新连接，没有遗漏。";
    StepTodo => "Waiting", "等待中";
    StepRunning => "Running", "进行中";
    StepFinished => "Done", "完成";
    StepFailed => "Failed", "失败";
    StepCancelled => "Cancelled", "已取消";
    BuildLog => "Build and deploy log", "构建与部署日志";
    FollowingLog => "Following the newest lines; scroll up to pause.", "正在跟随最新日志；向上滚动可暂停。";
    BackToService => "Go to the service", "前往服务";
    CancelDeploy => "Cancel deploy", "取消部署";
    CancelExplain => "Cancelling keeps the new version from ever going online and frees the service for a new deploy at once. The step running now may still finish in the background; cancelling a first deploy keeps the service.", "取消后，新版本永远不会上线，服务可立即开始新的部署。当前步骤可能仍在后台完成；取消首次部署不会删除服务。";
    Cancelling => "Cancelling…", "正在取消…";
    DefaultDomainWarning => "The default domain is for testing only: it is performance-limited and has no SLA.", "默认域名仅供测试：性能受限且没有 SLA。";
    OnlineVersion => "Online version", "在线版本";
    Traffic => "Traffic", "流量";
    NothingOnline => "No version is online yet.", "还没有在线版本。";
    NoEnvVars => "None set", "未设置";
    BuiltFrom => "built from", "构建自";
    Settings => "Settings", "配置";
    DeployRecords => "Deploy records", "部署记录";
    ColVersion => "Version", "版本";
    ColImage => "Image", "镜像";
    ViewDeploy => "Deploy log", "部署日志";
    DeleteService => "Delete service", "删除服务";
    DeleteServiceLoses => "Deleting is irreversible. Lost for good: the default domain (never reused, a new service of the same name gets a different one), every version and its image, and the deploy records. Custom domains stop working until bound elsewhere.", "删除不可撤销。将永久失去：默认域名（不会复用，同名新服务会得到不同的域名）、所有版本及其镜像、部署记录。自定义域名将失效，直到绑定到其他服务。";
    TypeNameToConfirm => "Type the service name to confirm", "输入服务名称以确认";
    StatusDeploying => "Deploying", "部署中";
    StatusCreating => "Creating", "创建中";
    StatusCreateFailed => "First deploy failed", "首次部署失败";
    StatusFailedDeploy => "Failed", "失败";
    StatusCancelledDeploy => "Cancelled", "已取消";
    StatusRunning => "Running", "运行中";
    RecordDeployed => "Deployed", "已部署";
    Menu => "Menu", "菜单";
    ServiceNotFound => "This service does not exist (any more).", "该服务不存在或已被删除。";
    DeployNotFound => "This deploy does not exist.", "该部署不存在。";
    BackToEnv => "Back to the environment", "返回环境";
    WatchDeploy => "Watch the deploy", "查看部署进度";
    FixThese => "Fix these to continue:", "请先修正以下问题：";
    EmptyServiceName => "Enter a service name.", "请输入服务名称。";
    EmptyImage => "Enter a container image, such as nginx:1.27.", "请输入容器镜像，例如 nginx:1.27。";
    EmptyPackage => "Choose a code package (a .zip file).", "请选择代码包（.zip 文件）。";
    EmptyEnvName => "Enter an environment name.", "请输入环境名称。";
    EmptyUsername => "Enter a username.", "请输入用户名。";
    EmptyDisplayName => "Enter a display name.", "请输入显示名称。";
    EmptyDockerfile => "Enter the Dockerfile's name.", "请输入 Dockerfile 的名称。";
    EmptyBuildDir => "Enter the build directory (. is the package root).", "请输入构建目录（. 表示代码包根目录）。";
    EmptyVarName => "Enter the variable's name.", "请输入变量名。";
    EmptyPassword => "Enter a password.", "请输入密码。";
    PasteNotAdded => "Press “Add these” to add the pasted variables, or clear the field.", "请点击“添加”加入粘贴的变量，或清空该输入框。";
    LinkClosed => "The live view could not connect.", "无法连接实时进度。";
    Reconnect => "Reconnect", "重新连接";
    DeployUnknown => "The console lost track of this deploy; the service page shows how it ended.", "控制台未能跟踪到此次部署的结果，请在服务页面查看。";
    TaskLabel => "Task", "任务";
    // Settings, the update form and the service tabs.
    ServiceSections => "Service sections", "服务导航";
    TabTimeline => "Timeline", "动态";
    GrayOpen => "Gray release open", "灰度发布中";
    SettingsHelp => "Saving makes a new version from the online version's image with these settings and deploys it; once it is healthy it takes all the traffic. If it fails, the online version keeps serving.", "保存后，将用在线版本的镜像和这些配置创建新版本并部署；新版本健康后承接全部流量。失败时在线版本继续提供服务。";
    CodeConfig => "Code configuration", "代码配置";
    RunConfig => "Run configuration", "运行配置";
    ScalingConfig => "Scaling", "扩缩容";
    DockerfileReadOnly => "Read-only here: only a build from a new code package reads them. Change them when you deploy a new package from the overview.", "此处只读：只有用新代码包构建时才会读取它们。请在概览页部署新代码包时修改。";
    SecretsKept => "Secret values stay masked; leave a masked value as it is to keep it.", "密钥的值保持遮盖；保留遮盖的值不变即可沿用原值。";
    LogChangeRedeploys => "Changing how logs are collected deploys a new version, as every other setting here does.", "修改日志采集方式会部署新版本，这里的其他配置也一样。";
    SaveAndDeploy => "Save and deploy", "保存并部署";
    Saving => "Starting the deploy…", "正在开始部署…";
    NothingToSave => "Nothing to save: these are the settings the service runs with.", "没有需要保存的修改：服务正在使用这些配置运行。";
    SettingsNeedOnline => "No version is online, so there is nothing to change yet: deploy one from the overview first.", "还没有在线版本，暂时无法修改配置：请先在概览页部署一个版本。";
    RunningDiffersHelp => "After a rollback the service runs an older version's configuration, which differs from these settings. The next update, or saving here, uses these settings.", "回滚后，服务使用旧版本的配置运行，它与这些配置不同。下一次更新或在此保存时，将使用这些配置。";
    SettingsColumn => "Settings (next update)", "配置（下次更新使用）";
    ReleaseChoice => "How the new version goes online", "新版本的上线方式";
    ReleaseFull => "Full update", "全量更新";
    ReleaseGray => "Gray release", "灰度发布";
    ReleaseFullExplain => "Once the new version is healthy it takes all the traffic; the old version keeps running for 30 minutes, then goes offline.", "新版本健康后承接全部流量；旧版本继续运行 30 分钟后下线。";
    ReleaseGrayExplain => "The new version comes online with 0 % of the traffic and you set the split; nothing else can be updated until you finish or abandon the gray release.", "新版本上线时流量为 0 %，由你设置流量比例；在完成或放弃灰度发布之前，无法进行其他更新。";
    GrayNeedsOnline => "A gray release needs a version online to split the traffic with.", "灰度发布需要一个在线版本来分配流量。";
    // END settings.
    // Traffic, gray release and rollback.
    DiffSetting => "Setting", "配置项";
    DiffSame => "Nothing differs.", "没有差异。";
    DiffUnset => "Not set", "未设置";
    SecretChanged => "•••••• (changed)", "••••••（已更改）";
    NoScaling => "No condition", "无扩容条件";
    LogPath => "Log path", "日志路径";
    GrayTitle => "Gray release", "灰度发布";
    TrafficNow => "Traffic now", "当前流量";
    SplitBy => "Split the traffic", "流量分配方式";
    SplitByPercent => "By percentage", "按百分比";
    SplitByUrl => "By URL parameter", "按 URL 参数";
    Presets => "Presets", "常用比例";
    ApplySplit => "Apply", "应用";
    SplitApplied => "Applied: new requests are split this way.", "已应用：新的请求将按此分配。";
    RuleGoesTo => "Requests that match go to", "匹配的请求发往";
    UrlKey => "Parameter name", "参数名";
    UrlKeyHelp => "A query-string parameter: in ?env=beta, the part before =.", "URL 查询字符串中的参数：在 ?env=beta 中即 = 之前的部分。";
    UrlValue => "Value", "参数值";
    UrlValueHelp => "* matches any run of characters: v* matches v1 and v2.", "* 匹配任意长度的字符：v* 可匹配 v1 和 v2。";
    EmptyUrlKey => "Enter the parameter's name.", "请输入参数名。";
    EmptyUrlValue => "Enter the value to match.", "请输入要匹配的参数值。";
    UrlKeyChars => "The name cannot contain =, &, # or ?.", "参数名不能包含 =、&、# 或 ?。";
    ApplyRule => "Apply the rule", "应用规则";
    UrlTest => "Which version serves this URL?", "哪个版本处理这个 URL？";
    UrlTestHelp => "Paste a URL or a query string: the answer follows the gateway's own rule.", "粘贴一个 URL 或查询字符串：结果与网关使用同一条规则。";
    UrlTestIncomplete => "Enter the parameter's name and value first.", "请先填写参数名和参数值。";
    GrayEndExplain => "Finishing gives the new version all the traffic; abandoning takes it offline. Either ends the gray release, and other updates can start again.", "完成发布会让新版本承接全部流量；放弃则让新版本下线。两者都会结束灰度发布，之后才能开始其他更新。";
    GrayTaskUnknown => "The gray release's task is not known yet; wait a moment.", "尚未获取到该灰度发布的任务，请稍候。";
    GrayStillDeploying => "The new version is still being deployed; wait for its deploy to end.", "新版本仍在部署中，请等待部署结束。";
    RollBack => "Roll back", "回滚";
    RollbackOnline => "It is the online version.", "这是当前在线的版本。";
    RollbackNeverServed => "It never went online, so there is nothing to return to.", "该版本从未上线，无法回滚到它。";
    RollbackDeleted => "It was deleted; only its record remains.", "该版本已删除，只保留了部署记录。";
    RollbackNothingOnline => "No version is online to roll back from.", "当前没有在线版本，无法回滚。";
    CompareSecrets => "Compare the secret values too", "同时比较密钥的值";
    CompareSecretsHelp => "Reads both versions' secret values, which is recorded in the audit log; no value is shown.", "将读取两个版本的密钥值，此操作会记录在审计日志中；不会显示任何值。";
    TrafficByUrl => "By URL rule", "按 URL 规则";
    TrafficDefault => "Default (other requests)", "默认（其余请求）";
    TrafficOnNewest => "Shown on the version's newest record", "见该版本最新的记录";
    RecordRollback => "Rollback", "回滚";
    ColActions => "Actions", "操作";
    // END traffic.
    // Timeline.
    TimelineIntro => "What happened to this service, newest first: deploys, settings and traffic changes, gray releases, rollbacks and scaling, with who did each. It updates while open.", "该服务发生过的事情，最新的在前：部署、配置与流量变更、灰度发布、回滚和扩缩容，以及操作人。页面打开时会自动更新。";
    TimelineEmpty => "Nothing has happened to this service yet", "该服务还没有任何动态";
    TimelineEmptyNext => "Deploys, settings and traffic changes, rollbacks and scaling show here as they happen. Start with an update from the overview.", "部署、配置与流量变更、回滚和扩缩容发生时会显示在这里。可以先在概览页更新服务。";
    TlDeployAsked => "Deploy started", "开始部署";
    TlGrayAsked => "Gray release started", "开始灰度发布";
    TlSettingsChanged => "Settings changed", "修改配置";
    TlTrafficSplit => "Traffic split set", "设置流量分配";
    TlGrayFinished => "Gray release finished", "完成灰度发布";
    TlGrayAbandoned => "Gray release abandoned", "放弃灰度发布";
    TlDeployCancelled => "Deploy cancelled", "取消部署";
    TlRollbackAsked => "Rollback started", "开始回滚";
    TlVersionReady => "Version ready", "版本已就绪";
    TlVersionFailed => "Version failed", "版本失败";
    TlScaled => "Instances changed", "实例数变化";
    TlInstanceEvent => "Instance crashed or restarted", "实例崩溃或重启";
    TlFailed => "Refused or failed", "被拒绝或失败";
    // END timeline.
    // Custom domains.
    TabDomains => "Domains", "域名";
    DomainsTitle => "Custom domains", "自定义域名";
    DomainsIntro => "Serve real users on a domain you own: the default domain is for testing only. HTTPS is the default; each domain then needs one CNAME record at your DNS provider.", "用你自己的域名为真实用户提供服务：默认域名仅供测试。默认使用 HTTPS；绑定后，每个域名还需要在你的 DNS 服务商处添加一条 CNAME 记录。";
    AddDomain => "Add a domain", "添加域名";
    DomainsEmptyTitle => "No custom domain yet", "还没有自定义域名";
    DomainsEmptyBody => "The default domain is for testing only: it is performance-limited and has no SLA. Bind a domain you own, such as api.example.com, with its HTTPS certificate; the console then shows the CNAME record to create at your DNS provider.", "默认域名仅供测试：性能受限且没有 SLA。请绑定你自己的域名（例如 api.example.com）及其 HTTPS 证书，控制台随后会给出需要在 DNS 服务商处添加的 CNAME 记录。";
    DomainName => "Domain name", "域名";
    DomainNameHelp => "A host name you own, such as api.example.com. A domain serves one service; for several names, bind each one.", "你拥有的主机名，例如 api.example.com。一个域名只对应一个服务；如有多个名称，请逐个绑定。";
    Protocol => "Protocol", "协议";
    ProtocolHttp => "HTTP only", "仅 HTTP";
    ProtocolHttpHelp => "No certificate and no encryption: browsers mark the site as not secure.", "不使用证书、不加密：浏览器会把网站标记为不安全。";
    ProtocolHttps => "HTTPS only", "仅 HTTPS";
    ProtocolHttpsHelp => "Recommended: served over HTTPS with your certificate; plain HTTP requests are refused.", "推荐：使用你的证书通过 HTTPS 提供服务；普通 HTTP 请求会被拒绝。";
    ProtocolHttpToHttps => "HTTP → HTTPS", "HTTP 跳转 HTTPS";
    ProtocolHttpToHttpsHelp => "Served over HTTPS; plain HTTP requests are redirected to HTTPS.", "通过 HTTPS 提供服务；普通 HTTP 请求会被重定向到 HTTPS。";
    ProtocolHttpAndHttps => "HTTP and HTTPS", "HTTP 和 HTTPS";
    ProtocolHttpsToHttp => "HTTPS → HTTP", "HTTPS 跳转 HTTP";
    ProtocolOtherHelp => "Set outside this console; keep it, or choose one of the others.", "在控制台之外设置；可以保留，也可以改选其他方式。";
    CertificatePem => "Certificate (PEM)", "证书（PEM）";
    CertificateHelp => "The certificate chain as PEM text: your domain's certificate first, then its intermediate certificates. It starts with -----BEGIN CERTIFICATE-----.", "PEM 格式的证书链：先是域名的证书，然后是中间证书。以 -----BEGIN CERTIFICATE----- 开头。";
    PrivateKeyPem => "Private key (PEM)", "私钥（PEM）";
    PrivateKeyHelp => "The certificate's private key as unencrypted PEM text. It is checked, then stored encrypted, and never shown again.", "证书的私钥，未加密的 PEM 文本。它会被校验，然后加密存储，之后不会再显示。";
    CertFromFile => "Or read the certificate from a file", "或从文件读取证书";
    KeyFromFile => "Or read the private key from a file", "或从文件读取私钥";
    CertChecking => "Checking the certificate…", "正在校验证书…";
    CertPreviewTitle => "The certificate", "证书信息";
    CertSubject => "Subject", "主题";
    CertNames => "Names it covers", "覆盖的域名";
    CertIssuer => "Issuer", "颁发者";
    CertValidity => "Valid", "有效期";
    CertCovers => "Covers the domain", "覆盖该域名";
    CertKeyMatches => "Private key matches", "私钥匹配";
    CertNoNames => "None: browsers need the domain among the certificate's names", "无：浏览器要求域名位于证书的域名列表中";
    CertSelfSigned => "Self-signed: browsers warn about it unless they are told to trust it.", "自签名证书：除非浏览器被设置为信任它，否则会显示警告。";
    CertCheckFailed => "The certificate could not be checked now; it is checked again when you submit.", "暂时无法校验证书；提交时会再次校验。";
    NotCheckedNoKey => "Not checked yet: add the private key", "尚未校验：请填写私钥";
    NotCheckedNoDomain => "Not checked yet: enter a valid domain name", "尚未校验：请填写有效的域名";
    Yes => "Yes", "是";
    No => "No", "否";
    NeedDomainName => "Enter a valid domain name.", "请填写有效的域名。";
    NeedCertificate => "Paste the certificate, or read it from a file.", "请粘贴证书，或从文件读取。";
    NeedPrivateKey => "Paste the private key, or read it from a file.", "请粘贴私钥，或从文件读取。";
    NeedCheckedCertificate => "Wait until the certificate is checked.", "请等待证书校验完成。";
    FixCertificate => "Fix the certificate problems shown next to the fields.", "请先修正输入框旁列出的证书问题。";
    NothingToChange => "Nothing to change: choose another protocol, or add a renewed certificate and its key.", "没有需要修改的内容：请选择其他协议，或填写新的证书及其私钥。";
    BindDomain => "Bind domain", "绑定域名";
    StepUploading => "Uploading the certificate…", "正在上传证书…";
    StepBinding => "Binding the domain…", "正在绑定域名…";
    StepSaving => "Saving the domain…", "正在保存域名设置…";
    FailedUpload => "The certificate was not uploaded, so nothing else was done.", "证书未上传，因此没有进行后续操作。";
    FailedSave => "The new certificate was uploaded, but the domain still uses its previous settings.", "新证书已上传，但域名仍在使用之前的设置。";
    FailedBind => "The certificate was uploaded, but the domain was not bound.", "证书已上传，但域名未绑定。";
    DomainCertificate => "Certificate", "证书";
    NoCertificate => "None: served over HTTP only", "无：仅通过 HTTP 提供服务";
    CertUnreadable => "Its details could not be read.", "无法读取证书详情。";
    OpenDomain => "Open", "打开";
    RouteSuccess => "Active", "生效中";
    RouteFail => "Not serving", "无法访问";
    RouteFailHelp => "Requests to this domain get an error: the service it was bound to was deleted, or its certificate expired. Renew the certificate, or unbind the domain and bind it to another service.", "访问该域名会得到错误：它绑定的服务已被删除，或者证书已过期。请更新证书，或解绑该域名后绑定到其他服务。";
    RouteProcessing => "Being set up", "配置中";
    RoutePending => "Waiting for ownership verification", "等待域名所有权验证";
    DnsRecordTitle => "DNS record", "DNS 记录";
    DnsRecordHelp => "Create this record at your DNS provider, so that the domain reaches this service.", "请在你的 DNS 服务商处添加这条记录，使该域名指向此服务。";
    DnsHost => "Host", "主机记录";
    DnsType => "Type", "记录类型";
    DnsValue => "Value", "记录值";
    CopyValue => "Copy value", "复制记录值";
    Copied => "Copied", "已复制";
    CopyFailed => "Could not copy: select the value and copy it yourself.", "复制失败：请选中记录值后手动复制。";
    DnsStatusLabel => "DNS status", "DNS 状态";
    DnsOk => "Points here", "已指向此处";
    DnsOkHelp => "The domain's CNAME record points at the value above: requests reach this service.", "该域名的 CNAME 记录指向上面的记录值：请求会到达此服务。";
    DnsEmpty => "No record yet", "尚无记录";
    DnsEmptyHelp => "The domain has no CNAME record yet: create the record above. DNS changes can take a few minutes to spread.", "该域名还没有 CNAME 记录：请添加上面的记录。DNS 变更可能需要几分钟才能生效。";
    DnsInvalid => "Points elsewhere", "指向其他地址";
    DnsInvalidHelp => "The domain's CNAME record points somewhere else: change its value to the one above.", "该域名的 CNAME 记录指向了其他地址：请把记录值改为上面的值。";
    DnsUnresolved => "Could not be checked", "无法检查";
    DnsUnresolvedHelp => "No DNS resolver answered (this machine may be offline), so nothing is known about the record either way. Check again later.", "没有任何 DNS 解析服务器应答（本机可能处于离线状态），因此无法判断记录是否正确。请稍后重新检查。";
    CheckAgain => "Check again", "重新检查";
    CheckingDns => "Checking…", "正在检查…";
    EditDomain => "Edit", "编辑";
    EditDomainHelp => "Upload a renewed certificate or change the protocol: the domain stays bound, and new HTTPS connections use the new certificate.", "上传新证书或修改协议：域名保持绑定，新的 HTTPS 连接将使用新证书。";
    KeepCertificate => "Leave both empty to keep the current certificate.", "两项都留空即继续使用当前证书。";
    SaveDomain => "Save", "保存";
    Unbind => "Unbind", "解绑";
    RenewOnDomainsTab => "Renew it on the Domains tab", "请在“域名”页更新证书";
    // END domains.
    // Monitoring.
    TabMonitoring => "Monitoring", "监控";
    MonRange => "Time range", "时间范围";
    MonLastHour => "Last hour", "近 1 小时";
    MonToday => "Today", "今天";
    MonWeek => "7 days", "近 7 天";
    MonMonth => "30 days", "近 30 天";
    MonCustom => "Custom", "自定义";
    MonFrom => "From", "开始时间";
    MonTo => "To", "结束时间";
    MonApply => "Show this range", "查看该时间范围";
    MonRangeMissing => "Enter both a start and an end time.", "请填写开始时间和结束时间。";
    MonVersion => "Version", "版本";
    MonWholeService => "Whole service", "整个服务";
    MonVersionHelp => "A version's charts add its CPU and memory utilisation, with the thresholds at which it scales out.", "选择版本后还会显示该版本的 CPU 和内存利用率，以及触发扩容的阈值。";
    MonRefresh => "Refresh", "刷新";
    MonUpdating => "Updating…", "正在更新…";
    MonNoTraffic => "No traffic yet: open the service's domain to send requests.", "还没有流量：打开服务的域名发送请求。";
    MonCalls => "Calls", "调用次数";
    MonResponseTime => "Average response time", "平均响应时间";
    MonQps => "Requests per second", "每秒请求数";
    MonHttpErrors => "HTTP errors", "HTTP 错误数";
    MonCpuUsed => "CPU usage", "CPU 使用量";
    MonMemUsed => "Memory usage", "内存使用量";
    MonInstances => "Instances", "实例数";
    MonUnhealthy => "Unhealthy instances", "不健康实例数";
    MonCpuRatio => "CPU utilisation", "CPU 利用率";
    MonMemRatio => "Memory utilisation", "内存利用率";
    MonUnitRequests => "requests", "次";
    MonUnitResponses => "responses", "次";
    MonUnitMs => "ms", "毫秒";
    MonUnitPerSecond => "requests/s", "次/秒";
    MonUnitCores => "cores", "核";
    MonUnitMib => "MiB", "MiB";
    MonUnitInstances => "instances", "个";
    MonUnitPercent => "%", "%";
    MonMax => "Max", "最大";
    MonMin => "Min", "最小";
    MonAvg => "Avg", "平均";
    MonShowData => "Show data", "查看数据";
    MonTime => "Time", "时间";
    MonValue => "Value", "数值";
    // END monitoring.
    // Logs.
    TabLogs => "Logs", "日志";
    LogsIntro => "What the service's instances write to standard output and standard error, or to the log file set for it, newest first.", "服务实例写到标准输出和标准错误（或为它设置的日志文件）的内容，最新的在前。";
    LogsRange => "Time range", "时间范围";
    RangeLast15Min => "Last 15 minutes", "最近 15 分钟";
    RangeLastHour => "Last hour", "最近 1 小时";
    RangeLast24Hours => "Last 24 hours", "最近 24 小时";
    RangeLast7Days => "Last 7 days", "最近 7 天";
    RangeCustom => "Custom", "自定义";
    RangeFrom => "From", "开始时间";
    RangeTo => "To", "结束时间";
    RangeInvalid => "Choose a start and an end, the start before the end.", "请选择开始和结束时间，且开始时间早于结束时间。";
    LogsQuery => "Query", "查询语句";
    LogsQueryHelp => "Words, \"quoted phrases\" and field:value, combined with the operators and fields below. Leave it empty to see every line.", "可以输入词语、“带引号的短语”和 字段:值，并用下面的运算符和字段组合。留空则显示所有日志。";
    LogsOperators => "Operators", "运算符";
    LogsFields => "Fields", "字段";
    LogsExamples => "Examples", "示例";
    LogsSearch => "Search", "搜索";
    LogsAllVersions => "All versions", "全部版本";
    LogsAllInstances => "All instances", "全部实例";
    LogsFollow => "Follow live", "实时跟踪";
    LogsFollowHelp => "New lines appear at the top while the list is scrolled to its top; scroll down and they wait for you.", "列表在顶部时，新日志会出现在最上方；向下滚动后，新日志会等你回来再显示。";
    LogsLoadMore => "Load more", "加载更多";
    LogsNoOlder => "That is every line in this range.", "此时间范围内的日志已全部显示。";
    LogsEmpty => "No logs in this range: widen the range, or send a request to the service's domain", "此时间范围内没有日志：请扩大时间范围，或向服务的域名发送一个请求";
    LogsOff => "Logging is off for this service: turn it on in Settings → Log collection", "此服务未开启日志采集：请在“配置 → 日志采集”中开启";
    LogsToSettings => "Open Settings", "打开配置";
    LogsList => "Log lines, newest first", "日志（最新的在前）";
    LogsRawLine => "Raw line", "原始日志";
    LogsTrimmed => "Older lines were taken off the page to keep it fast: search again to see them.", "为保持页面流畅，较早的日志已从页面移除：重新搜索即可查看。";
    LogsLevel => "Level", "级别";
    LogsStream => "Stream", "输出流";
    LogsQueryRefused => "The query was refused:", "查询语句有误：";
    // Observed traffic, on the traffic panel.
    TrafficObserved => "Observed in the last 15 minutes", "最近 15 分钟的实际流量";
    TrafficObservedHelp => "The share of requests each version answered, its error rate and its average response time; refreshed every 15 seconds.", "各版本实际处理的请求占比、错误率和平均响应时间，每 15 秒刷新一次。";
    TrafficNoRequests => "No requests in the last 15 minutes: open the service's domain to send some.", "最近 15 分钟没有请求：打开服务的域名发送一些请求。";
    ColShare => "Share", "占比";
    ColRequests => "Requests", "请求数";
    ColErrorRate => "Error rate", "错误率";
    ColAvgResponse => "Average response time", "平均响应时间";
    // END logs.
    // Personal access tokens, on the Account page.
    TokensTitle => "Personal access tokens", "个人访问令牌";
    TokensIntro => "For the tcbr command-line tool and CI jobs: a token acts for you in the environments you choose, with a role no higher than yours, until it expires or you revoke it. No password or cloud key pair needs to leave your hands, and every call made with a token is in the audit log under your name and the token's.", "供 tcbr 命令行工具和 CI 任务使用：令牌在你选定的环境中代表你操作，角色不高于你自己的，直到过期或被你撤销。你无需交出密码或云端密钥对；用令牌发起的每次调用都会以你的名义和令牌名称记入审计日志。";
    TokensEmptyTitle => "No tokens yet", "还没有令牌";
    TokensEmptyBody => "Create one below for each place that needs it, such as your laptop or one CI pipeline, so that each can be revoked on its own. Give it only the environments and the role that job needs.", "请在下方为每个需要它的地方（例如你的电脑或某条 CI 流水线）分别创建令牌，以便单独撤销。只授予该任务所需的环境和角色。";
    ColExpires => "Expires", "过期时间";
    ColLastUsed => "Last used", "最近使用";
    TokenNeverUsed => "Never", "从未使用";
    TokenExpired => "Expired", "已过期";
    Revoke => "Revoke", "撤销";
    CreateTokenTitle => "Create a token", "创建令牌";
    TokenName => "Name", "名称";
    TokenEnvs => "Environments it reaches", "可访问的环境";
    TokenEnvsHelp => "Your own role in each is shown beside it.", "每个环境旁显示你自己在其中的角色。";
    TokenRoleHelp => "Its role in every environment it reaches, never higher than yours there. Owners manage members; developers create, deploy and change services; viewers only read.", "令牌在其可访问的每个环境中的角色，不能高于你在该环境中的角色。所有者可管理成员；开发者可创建、部署和修改服务；观察者只能查看。";
    TokenExpiry => "Expires after", "有效期";
    CreateTokenButton => "Create token", "创建令牌";
    NoGrantable => "You are not a member of any environment yet, so a token would reach nothing. Ask an environment's owner to add you.", "你还不是任何环境的成员，令牌将无法访问任何内容。请让某个环境的所有者把你加入。";
    TokenShownOnce => "Copy it now: it will not be shown again. The console keeps only a hash of it, so a lost token cannot be recovered; revoke it and create another.", "请立即复制：它不会再次显示。控制台只保存它的哈希值，丢失后无法找回，只能撤销后重新创建。";
    TokenLabel => "Token", "令牌";
    CopyToken => "Copy token", "复制令牌";
    TokenExample => "Try it with the tcbr command-line tool", "用 tcbr 命令行工具试一试";
    TokenExampleHelp => "In CI, keep the token in a secret variable rather than in a script or a shell history.", "在 CI 中，请把令牌存为保密变量，不要写进脚本或留在命令历史中。";
    CopyCommand => "Copy command", "复制命令";
    TokenDismiss => "Done: hide the token", "完成，隐藏令牌";
    ErrTokenNameTaken => "You already have a token with this name: choose another, or revoke that one first.", "你已有同名令牌：请换一个名称，或先撤销那个令牌。";
    // END tokens.
}

/// The current language, from context.
pub fn lang() -> Lang {
    expect_context::<RwSignal<Lang>>().get()
}

/// A reactive text for `msg`, for use in `view!`.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let lang = expect_context::<RwSignal<Lang>>();
    move || msg.text(lang.get())
}
