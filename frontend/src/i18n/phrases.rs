//! Texts with values in them, in both languages: names, numbers, errors.

use console_shared::api::codes;
use console_shared::dto::{ApiError, console_codes};
use console_shared::permissions::{Need, Role};
use console_shared::region::Region;
use console_shared::rules::{Charset, RuleError, shown};
use console_shared::vocab::RecordStatus;

use super::{Lang, Msg};

pub fn region_name(region: Region, lang: Lang) -> &'static str {
    match (region, lang) {
        (Region::Beijing, Lang::En) => "Beijing",
        (Region::Shanghai, Lang::En) => "Shanghai",
        (Region::Guangzhou, Lang::En) => "Guangzhou",
        (Region::Beijing, Lang::Zh) => "北京",
        (Region::Shanghai, Lang::Zh) => "上海",
        (Region::Guangzhou, Lang::Zh) => "广州",
    }
}

/// "Guangzhou (ap-guangzhou)", or the raw id for a region the console does not know.
pub fn region_label(id: &str, lang: Lang) -> String {
    match Region::parse(id) {
        Some(r) => format!("{} ({})", region_name(r, lang), r.id()),
        None => id.to_string(),
    }
}

pub fn package_name(package: &str, lang: Lang) -> &str {
    match (package, lang) {
        ("Trial", Lang::Zh) => "体验版",
        ("Standard", Lang::Zh) => "标准版",
        ("Professional", Lang::Zh) => "专业版",
        ("Enterprise", Lang::Zh) => "企业版",
        (other, _) => other,
    }
}

/// Environment and service states in words.
pub fn status_text(status: &str, lang: Lang) -> String {
    let msg = match status.to_ascii_lowercase().as_str() {
        "normal" => Msg::StatusNormal,
        "unavailable" => Msg::StatusUnavailable,
        "creating" => Msg::StatusCreating,
        "create_failed" => Msg::StatusCreateFailed,
        "deploying" => Msg::StatusDeploying,
        "deploy_failed" => Msg::StatusFailedDeploy,
        "cancelled" => Msg::StatusCancelledDeploy,
        "running" => Msg::StatusRunning,
        "freezing" => Msg::StatusFreezing,
        "freeze_fail" => Msg::StatusFreezeFailed,
        "froze" => Msg::StatusFrozen,
        "unfreezing" => Msg::StatusUnfreezing,
        "unfreeze_fail" => Msg::StatusUnfreezeFailed,
        "deleting" => Msg::StatusDeleting,
        "delete_failed" => Msg::StatusDeleteFailed,
        "abnormal" => Msg::StatusAbnormal,
        "build_failed" => Msg::StatusBuildFailed,
        // An instance's phase.
        "pending" => Msg::StatusPending,
        "terminating" => Msg::StatusTerminating,
        "succeeded" => Msg::StatusCompleted,
        "failed" => Msg::StatusFailedDeploy,
        "unknown" => Msg::StatusUnknown,
        _ => return status.to_string(),
    };
    msg.text(lang).into()
}

/// A deploy record's state in words. The cloud says `running` for a deploy
/// that succeeded (its version runs), which read as "in progress" beside a
/// deploy time; it is said as "Deployed" here.
pub fn record_status_text(status: &RecordStatus, lang: Lang) -> String {
    match status {
        RecordStatus::Running => Msg::RecordDeployed.text(lang).into(),
        other => status_text(other.as_str(), lang),
    }
}

/// A deploy step's name as the cloud gives it, in the user's language;
/// names this console does not know pass through as they are.
pub fn step_name(name: &str, lang: Lang) -> String {
    use console_shared::vocab::Step;
    let zh = match Step::from(name) {
        Step::Validate => "校验代码包",
        Step::Build => "构建镜像",
        Step::Push => "推送镜像",
        Step::Pull => "拉取镜像",
        Step::Create => "创建版本",
        Step::Start => "启动实例",
        Step::Health => "健康检查",
        Step::Release => "切换流量",
        // A step this console does not know shows as the cloud names it.
        Step::Other(_) => name,
    };
    match lang {
        Lang::En => name.to_string(),
        Lang::Zh => zh.to_string(),
    }
}

/// A version's or service's settings in one line, e.g. "0.5 core / 1 GiB · port 80 · 0–50 instances".
pub fn settings_line(cpu: f64, mem: f64, port: i64, min: i64, max: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{cpu} core / {mem} GiB · port {port} · {min}–{max} instances"),
        Lang::Zh => format!("{cpu} 核 / {mem} GiB · 端口 {port} · {min}–{max} 个实例"),
    }
}

/// A CPU/memory pair: "0.5 core / 1 GiB".
pub fn spec_text(cpu: f64, mem: f64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{cpu} core / {mem} GiB"),
        Lang::Zh => format!("{cpu} 核 / {mem} GiB"),
    }
}

/// Scaling policies in words: "CPU above 60%, memory above 80%".
pub fn policies_text(policies: &[(&str, u64)], lang: Lang) -> String {
    let one = |kind: &str, at: u64| match (kind, lang) {
        ("cpu", Lang::En) => format!("CPU above {at}%"),
        ("cpu", Lang::Zh) => format!("CPU 超过 {at}%"),
        ("mem", Lang::En) => format!("memory above {at}%"),
        ("mem", Lang::Zh) => format!("内存超过 {at}%"),
        ("cpu/mem", Lang::En) => format!("CPU or memory above {at}%"),
        ("cpu/mem", Lang::Zh) => format!("CPU 或内存超过 {at}%"),
        (other, _) => format!("{other} > {at}%"),
    };
    let sep = if lang == Lang::Zh { "，" } else { ", " };
    policies.iter().map(|(kind, at)| one(kind, *at)).collect::<Vec<_>>().join(sep)
}

/// How logs are collected (`LogType`), in words.
pub fn log_type_text(log_type: &str, lang: Lang) -> String {
    match log_type {
        "none" => Msg::LogNone.text(lang).into(),
        "default" => Msg::LogStdout.text(lang).into(),
        "custom" => Msg::LogCustom.text(lang).into(),
        other => other.to_string(),
    }
}

/// The colon after a label: ": ", or the full-width "：" in Chinese.
pub fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::Zh => "：",
    }
}

/// "Log collection: Standard output", with the colon of the language.
pub fn labelled(label: &str, value: &str, lang: Lang) -> String {
    format!("{label}{}{value}", colon(lang))
}

/// A deploy's usage in short: "17.5 core·min · 35.0 GiB·min".
pub fn usage_short(core_min: f64, gib_min: f64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{core_min:.1} core·min · {gib_min:.1} GiB·min"),
        Lang::Zh => format!("{core_min:.1} 核·分钟 · {gib_min:.1} GiB·分钟"),
    }
}

/// A deploy's usage: "35 core·min and 35 GiB·min".
pub fn usage_text(core_min: f64, gib_min: f64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{core_min} core·min and {gib_min} GiB·min"),
        Lang::Zh => format!("{core_min} 核·分钟、{gib_min} GiB·分钟"),
    }
}

/// After a mode's name: " (min 10)".
pub fn min_note(n: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!(" (min {n})"),
        Lang::Zh => format!("（最小 {n}）"),
    }
}

/// The cost chart's axes: "10 inst." and "60 min".
pub fn chart_axes(top: f64, minutes: f64, lang: Lang) -> (String, String) {
    match lang {
        Lang::En => (format!("{top} inst."), format!("{minutes} min")),
        Lang::Zh => (format!("{top} 个实例"), format!("{minutes} 分钟")),
    }
}

/// How long a step took: "42 s", "3 min 5 s".
pub fn duration_text(secs: i64, lang: Lang) -> String {
    match (secs < 60, lang) {
        (true, Lang::En) => format!("{secs} s"),
        (true, Lang::Zh) => format!("{secs} 秒"),
        (false, Lang::En) => format!("{} min {} s", secs / 60, secs % 60),
        (false, Lang::Zh) => format!("{} 分 {} 秒", secs / 60, secs % 60),
    }
}

/// Why a deploy or a step failed: the reasons localcloud and the BFF give
/// in the user's language; the real cloud's own texts as they are.
pub fn fail_reason_text(reason: &str, lang: Lang) -> String {
    use console_shared::wording::FailReason;
    let Some(known) = FailReason::parse(reason) else { return reason.to_string() };
    match (known, lang) {
        (FailReason::TaskGone, _) => Msg::ReasonTaskGone.text(lang).into(),
        (FailReason::Cancelled, _) => Msg::ReasonCancelled.text(lang).into(),
        (FailReason::Restarted, _) => Msg::ReasonRestarted.text(lang).into(),
        (FailReason::RestartedDuringDeploy, _) => Msg::ReasonRestartedDuringDeploy.text(lang).into(),
        (FailReason::ImageMissing(image), Lang::En) => format!("The image {image} does not exist."),
        (FailReason::ImageMissing(image), Lang::Zh) => format!("镜像 {image} 不存在。"),
        (FailReason::InstanceNotStarted(why), Lang::En) => format!("An instance could not start: {why}"),
        (FailReason::InstanceNotStarted(why), Lang::Zh) => format!("实例无法启动：{why}"),
        (FailReason::Unhealthy(status), Lang::En) => format!("The health check got {status} from an instance."),
        (FailReason::Unhealthy(status), Lang::Zh) => format!("健康检查从实例收到 {status}。"),
        (FailReason::Unreachable(why), Lang::En) => format!("The health check could not reach an instance: {why}"),
        (FailReason::Unreachable(why), Lang::Zh) => format!("健康检查无法连接到实例：{why}"),
    }
}

/// Every action the audit log records, with its name in Chinese: the cloud
/// actions, the BFF's endpoints and the sign-in events.
const AUDIT_ACTIONS: &[(&str, &str)] = &[
    ("CreateCloudRunEnv", "新建环境"),
    ("DescribeCloudRunEnvs", "查看环境列表"),
    ("DescribeEnvBaseInfo", "查看环境信息"),
    ("DestroyEnv", "删除环境"),
    ("DescribeCloudBaseBuildService", "获取代码包上传地址"),
    ("DescribeCloudBaseRunBuildLog", "查看构建日志"),
    ("DeleteCloudRunVersions", "删除版本"),
    ("DescribeCloudRunServers", "查看服务列表"),
    ("DescribeVersionDetail", "查看版本详情"),
    ("DescribeCloudRunPodList", "查看实例列表"),
    ("CreateCloudRunServer", "新建服务"),
    ("UpdateCloudRunServer", "部署新版本"),
    ("DescribeCloudRunServerDetail", "查看服务详情"),
    ("DescribeCloudRunDeployRecord", "查看部署记录"),
    ("DescribeServerManageTask", "查看部署任务"),
    ("DescribeCloudRunProcessLog", "查看部署日志"),
    ("OperateServerManage", "操作部署任务"),
    ("DeleteCloudRunServer", "删除服务"),
    ("ListUsers", "查看用户列表"),
    ("CreateUser", "添加用户"),
    ("UpdateUser", "修改用户"),
    ("DeleteUser", "删除用户"),
    ("ChangePassword", "修改密码"),
    ("ListSessions", "查看会话"),
    ("EndSession", "结束会话"),
    ("MyAccess", "查看我的权限"),
    ("ListMembers", "查看成员"),
    ("AddMember", "添加成员"),
    ("ChangeMemberRole", "修改成员角色"),
    ("RemoveMember", "移除成员"),
    ("ReadAudit", "查看环境审计日志"),
    ("ReadAllAudit", "查看全部审计日志"),
    ("WatchDeploy", "查看部署进度"),
    ("HubStats", "查看实时连接统计"),
    ("UploadPackage", "上传代码包"),
    ("RevealSecrets", "显示密钥的值"),
    ("Login", "登录"),
    ("Logout", "退出登录"),
    ("SessionExpired", "会话结束"),
];

/// An audit action's name in the user's language, when it differs from the
/// recorded name (which the action filter takes, so it is shown too).
pub fn audit_action(action: &str, lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::En => None,
        Lang::Zh => AUDIT_ACTIONS.iter().find(|(name, _)| *name == action).map(|(_, zh)| *zh),
    }
}

/// An audit entry's detail in the user's language; a detail the BFF does
/// not write itself (a cloud error code) is shown as it is.
pub fn audit_detail(action: &str, detail: &str, lang: Lang) -> String {
    use console_shared::wording::{AuditDetail as D, SessionEnd, UserChange};
    let Some(known) = D::parse(action, detail) else { return detail.to_string() };
    let role = |name: &str| Role::parse(name).map_or(name.to_string(), |r| role_name(Some(r), lang).to_string());
    let refused = |n: u64| match (n, lang) {
        (0, _) => String::new(),
        (n, Lang::En) => format!("; {n} attempt(s) refused before"),
        (n, Lang::Zh) => format!("；此前已拒绝 {n} 次尝试"),
    };
    match (known, lang) {
        (D::Permission, _) => Msg::DetailPermission.text(lang).into(),
        (D::CloudUnreachable, _) => Msg::DetailCloudUnreachable.text(lang).into(),
        (D::SessionEnded(SessionEnd::AccountDisabled), _) => Msg::DetailAccountDisabled.text(lang).into(),
        (D::SessionEnded(SessionEnd::AbsoluteLifetime), _) => Msg::DetailAbsoluteLifetime.text(lang).into(),
        (D::SessionEnded(SessionEnd::IdleTooLong), _) => Msg::DetailIdleTooLong.text(lang).into(),
        (D::WrongCurrentPassword, _) => Msg::DetailWrongCurrentPassword.text(lang).into(),
        (D::SignedIn { ip, refused_before }, Lang::En) => format!("From {ip}{}", refused(refused_before)),
        (D::SignedIn { ip, refused_before }, Lang::Zh) => format!("来自 {ip}{}", refused(refused_before)),
        (D::BadCredentials { ip, refused_before }, Lang::En) => {
            format!("Wrong username or password, from {ip}{}", refused(refused_before))
        }
        (D::BadCredentials { ip, refused_before }, Lang::Zh) => {
            format!("用户名或密码错误，来自 {ip}{}", refused(refused_before))
        }
        (D::TooManyAttempts { ip }, Lang::En) => format!("Too many attempts from {ip}; further ones are counted"),
        (D::TooManyAttempts { ip }, Lang::Zh) => format!("来自 {ip} 的尝试过多；之后的尝试只计数"),
        (D::User(name), Lang::En) => format!("User {name}"),
        (D::User(name), Lang::Zh) => format!("用户 {name}"),
        (D::UserChanged(name, change), Lang::En) => {
            let what = match change {
                UserChange::Disabled => "disabled",
                UserChange::Enabled => "enabled",
                UserChange::Renamed => "renamed",
            };
            format!("User {name} {what}")
        }
        (D::UserChanged(name, change), Lang::Zh) => {
            let what = match change {
                UserChange::Disabled => "已停用",
                UserChange::Enabled => "已启用",
                UserChange::Renamed => "已改名",
            };
            format!("用户 {name} {what}")
        }
        (D::TooManyWrongPasswords { ip }, Lang::En) => {
            format!("Too many wrong current passwords from {ip}; signed out")
        }
        (D::TooManyWrongPasswords { ip }, Lang::Zh) => format!("来自 {ip} 的当前密码错误次数过多，已注销"),
        (D::MemberAdded { username, role: r }, Lang::En) => format!("{username} as {}", role(r)),
        (D::MemberAdded { username, role: r }, Lang::Zh) => format!("{username}，角色：{}", role(r)),
        (D::RoleChanged { username, from, to }, Lang::En) => format!("{username}: {} → {}", role(from), role(to)),
        (D::RoleChanged { username, from, to }, Lang::Zh) => format!("{username}：{} → {}", role(from), role(to)),
        (D::MemberRemoved { username, role: r }, Lang::En) => format!("{username} (was {})", role(r)),
        (D::MemberRemoved { username, role: r }, Lang::Zh) => format!("{username}（原为{}）", role(r)),
        (D::PackageUploaded { name, version, bytes }, Lang::En) => format!("{name} {version} ({bytes} bytes)"),
        (D::PackageUploaded { name, version, bytes }, Lang::Zh) => format!("{name} {version}（{bytes} 字节）"),
        (D::SecretsRevealed { service, version, names }, _) => {
            let what = version.unwrap_or(Msg::OnlineConfiguration.text(lang));
            let names = match (names.is_empty(), lang) {
                (false, Lang::En) => names.join(", "),
                (false, Lang::Zh) => names.join("、"),
                (true, Lang::En) => "no secret-looking variables".into(),
                (true, Lang::Zh) => "没有看起来像密钥的变量".into(),
            };
            labelled(&format!("{service} {what}"), &names, lang)
        }
    }
}

/// What a checked value is, so an empty or wrong value is explained in its
/// own words ("Enter a service name.", not "Enter a name." for an image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    EnvName,
    ServiceName,
    Image,
    Package,
    Dockerfile,
    BuildDir,
    VarName,
    Username,
    DisplayName,
    Password,
}

/// A rule's verdict on `subject`, in the user's language.
pub fn rule_error_about(subject: Subject, e: &RuleError, lang: Lang) -> String {
    let empty = match subject {
        Subject::EnvName => Msg::EmptyEnvName,
        Subject::ServiceName => Msg::EmptyServiceName,
        Subject::Image => Msg::EmptyImage,
        Subject::Package => Msg::EmptyPackage,
        Subject::Dockerfile => Msg::EmptyDockerfile,
        Subject::BuildDir => Msg::EmptyBuildDir,
        Subject::VarName => Msg::EmptyVarName,
        Subject::Username => Msg::EmptyUsername,
        Subject::DisplayName => Msg::EmptyDisplayName,
        Subject::Password => Msg::EmptyPassword,
    };
    match (e, subject, lang) {
        (RuleError::Empty, _, _) => empty.text(lang).into(),
        _ => rule_error(e, lang),
    }
}

pub fn rule_error(e: &RuleError, lang: Lang) -> String {
    match (e, lang) {
        (RuleError::Empty, _) => Msg::RuleEmpty.text(lang).into(),
        (RuleError::MustStartWithLowercase, _) => Msg::RuleStartLower.text(lang).into(),
        (RuleError::TrailingHyphen, _) => Msg::RuleTrailingHyphen.text(lang).into(),
        (RuleError::TooLong(n), Lang::En) => format!("At most {n} characters."),
        (RuleError::TooLong(n), Lang::Zh) => format!("最多 {n} 个字符。"),
        (RuleError::MustStartWithLetter, Lang::En) => "Start with a letter.".into(),
        (RuleError::MustStartWithLetter, Lang::Zh) => "请以字母开头。".into(),
        (RuleError::MustEndWithLetterOrDigit, Lang::En) => "End with a letter or a digit.".into(),
        (RuleError::MustEndWithLetterOrDigit, Lang::Zh) => "请以字母或数字结尾。".into(),
        (RuleError::OutOfRange(a, b), Lang::En) => format!("Between {a} and {b}."),
        (RuleError::OutOfRange(a, b), Lang::Zh) => format!("取值范围 {a}–{b}。"),
        (RuleError::MinAboveMax, Lang::En) => "The minimum must not exceed the maximum.".into(),
        (RuleError::MinAboveMax, Lang::Zh) => "最小值不能大于最大值。".into(),
        (RuleError::TooShort(n), Lang::En) => format!("At least {n} characters."),
        (RuleError::TooShort(n), Lang::Zh) => format!("至少 {n} 个字符。"),
        (RuleError::InvalidChar(c, charset), _) => invalid_char(*c, *charset, lang),
        (RuleError::NotOneOf(list), Lang::En) => format!("Choose one of {list}."),
        (RuleError::NotOneOf(list), Lang::Zh) => format!("请从 {list} 中选择。"),
        (RuleError::OutsidePackage, Lang::En) => "Use a relative path inside the package, without '..'.".into(),
        (RuleError::OutsidePackage, Lang::Zh) => "请填写代码包内的相对路径，不能包含 '..'。".into(),
        (RuleError::NotAFileName, Lang::En) => "A file name only, without '/'.".into(),
        (RuleError::NotAFileName, Lang::Zh) => "只填文件名，不能包含 '/'。".into(),
        (RuleError::NotZip, Lang::En) => "Choose a .zip file.".into(),
        (RuleError::NotZip, Lang::Zh) => "请选择 .zip 文件。".into(),
        (RuleError::TooLarge(n), Lang::En) => format!("At most {} MiB.", n / (1024 * 1024)),
        (RuleError::TooLarge(n), Lang::Zh) => format!("最大 {} MiB。", n / (1024 * 1024)),
        (RuleError::NotAnImageReference, Lang::En) => {
            "Enter an image reference such as nginx:1.27 or registry.example.com/team/app:v1.".into()
        }
        (RuleError::NotAnImageReference, Lang::Zh) => {
            "请填写镜像地址，例如 nginx:1.27 或 registry.example.com/team/app:v1。".into()
        }
    }
}

/// A refused character, explained by the rule of the field it was typed in.
fn invalid_char(c: char, charset: Charset, lang: Lang) -> String {
    let c = shown(c);
    match (charset, lang) {
        (Charset::EnvAlias, Lang::En) => format!("{c} is not allowed: use a–z, 0–9 and '-'."),
        (Charset::EnvAlias, Lang::Zh) => format!("不允许使用 {c}：只能用 a–z、0–9 和 '-'。"),
        (Charset::EnvId, Lang::En) => format!("{c} is not allowed: use letters, digits and '-'."),
        (Charset::EnvId, Lang::Zh) => format!("不允许使用 {c}：只能用字母、数字和 '-'。"),
        (Charset::Username, Lang::En) => format!("{c} is not allowed: use a–z, 0–9, '.', '_' and '-'."),
        (Charset::Username, Lang::Zh) => format!("不允许使用 {c}：只能用 a–z、0–9、'.'、'_' 和 '-'。"),
        (Charset::ServiceName, Lang::En) => format!("{c} is not allowed: use letters, digits, '-' and '_'."),
        (Charset::ServiceName, Lang::Zh) => format!("不允许使用 {c}：只能用字母、数字、'-' 和 '_'。"),
        (Charset::VarName, Lang::En) => format!("{c} is not allowed: use letters, digits and '_'."),
        (Charset::VarName, Lang::Zh) => format!("不允许使用 {c}：只能用字母、数字和 '_'。"),
        (Charset::Text, Lang::En) => format!("Control and text-direction characters are not allowed ({c})."),
        (Charset::Text, Lang::Zh) => format!("不允许使用控制字符或文字方向字符（{c}）。"),
    }
}

/// A pasted `a=1&b=2` pair that breaks the variable-name rule, named.
pub fn bad_pair(pair: &str, e: &RuleError, lang: Lang) -> String {
    match lang {
        Lang::En => format!("“{pair}”: {}", rule_error_about(Subject::VarName, e, lang)),
        Lang::Zh => format!("“{pair}”：{}", rule_error_about(Subject::VarName, e, lang)),
    }
}

pub fn service_exists(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("A service named {name} already exists in this environment."),
        Lang::Zh => format!("本环境中已有名为 {name} 的服务。"),
    }
}

/// The create-environment form's warning: the alias is already in use.
pub fn alias_taken(alias: &str, ids: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "You already have an environment named {alias} ({ids}). The new one gets its own ID, but two \
             environments with one name are easy to mix up."
        ),
        Lang::Zh => format!("已有名为 {alias} 的环境（{ids}）。新环境会有自己的 ID，但同名环境容易混淆。"),
    }
}

/// Why nothing else can change a service while a deploy runs (R-SVC-4).
pub fn service_busy(version: Option<&str>, lang: Lang) -> String {
    match (version.filter(|v| !v.is_empty()), lang) {
        (Some(v), Lang::En) => format!(
            "A deploy ({v}) is running on this service, and only one update can run at a time. Wait for it to end, \
             or cancel it."
        ),
        (None, Lang::En) => "A deploy is running on this service, and only one update can run at a time. Wait for \
                             it to end, or cancel it."
            .into(),
        (Some(v), Lang::Zh) => format!("该服务正在部署（{v}），同一时间只能进行一项更新。请等待部署结束，或取消它。"),
        (None, Lang::Zh) => "该服务正在部署，同一时间只能进行一项更新。请等待部署结束，或取消它。".into(),
    }
}

/// The deploy page's title: which version of which service.
pub fn deploy_title(version: &str, service: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Deploy of {version} · {service}"),
        Lang::Zh => format!("{service} · 部署 {version}"),
    }
}

/// How a deploy ended, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Succeeded,
    Failed,
    Cancelled,
    Unknown,
}

/// The outcome's first sentence. `previous` is the version that was online
/// when the deploy started (empty for a first deploy).
pub fn deploy_outcome(ending: Ending, version: &str, previous: &str, lang: Lang) -> String {
    match (ending, previous.is_empty(), lang) {
        (Ending::Succeeded, _, Lang::En) => format!("Deployed: {version} is online with all the traffic."),
        (Ending::Succeeded, _, Lang::Zh) => format!("部署成功：{version} 已上线并承接全部流量。"),
        (Ending::Failed, false, Lang::En) => {
            format!("The deploy failed. {previous}, the version online before, keeps serving, untouched.")
        }
        (Ending::Failed, false, Lang::Zh) => format!("部署失败。此前在线的版本 {previous} 继续提供服务，不受影响。"),
        (Ending::Failed, true, Lang::En) => {
            "The deploy failed. No version was online before it, so the service still has none.".into()
        }
        (Ending::Failed, true, Lang::Zh) => "部署失败。此前没有在线版本，因此该服务仍没有在线版本。".into(),
        (Ending::Cancelled, _, Lang::En) => {
            format!("Cancelled: {version} never went online. You can start a new deploy now.")
        }
        (Ending::Cancelled, _, Lang::Zh) => format!("已取消：{version} 从未上线。现在就可以开始新的部署。"),
        (Ending::Unknown, _, _) => Msg::DeployUnknown.text(lang).into(),
    }
}

/// "It answers at" before the service's domain, after a successful deploy.
pub fn answers_at(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "It answers at",
        Lang::Zh => "访问地址：",
    }
}

pub fn confirm_disable_user(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Disable {name}? Their sessions end and they cannot sign in until enabled again."),
        Lang::Zh => format!("确定停用 {name}？其会话将结束，重新启用前无法登录。"),
    }
}

pub fn confirm_delete_user(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Delete {name}? Their sessions end and they lose every membership."),
        Lang::Zh => format!("确定删除 {name}？其会话将结束，并失去所有环境成员身份。"),
    }
}

pub fn confirm_role_change(name: &str, from: Option<Role>, to: Role, lang: Lang) -> String {
    let (from, to) = (role_name(from, lang), role_name(Some(to), lang));
    match lang {
        Lang::En => format!("Change the role of {name} from {from} to {to}?"),
        Lang::Zh => format!("确定将 {name} 的角色从{from}改为{to}？"),
    }
}

pub fn confirm_remove_member(name: &str, env: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Remove {name} from {env}? They lose access to it at once."),
        Lang::Zh => format!("确定将 {name} 移出 {env}？其访问权限将立即失效。"),
    }
}

pub fn confirm_delete_version(version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Delete {version}? Its image and frozen configuration are removed for good; its deploy record stays."
        ),
        Lang::Zh => format!("确定删除 {version}？其镜像与配置将被永久删除；部署记录会保留。"),
    }
}

pub fn role_name(role: Option<Role>, lang: Lang) -> &'static str {
    match role {
        Some(Role::Owner) => Msg::RoleOwner.text(lang),
        Some(Role::Developer) => Msg::RoleDeveloper.text(lang),
        Some(Role::Viewer) => Msg::RoleViewer.text(lang),
        None => Msg::RoleNone.text(lang),
    }
}

/// Why a control is disabled: "Needs the developer role in env-prod."
pub fn needs_text(need: Need, env: &str, lang: Lang) -> String {
    match (need, lang) {
        (Need::EnvRole(r), Lang::En) => format!("Needs the {} role in {env}.", r.name()),
        (Need::EnvRole(r), Lang::Zh) => {
            format!("需要在 {env} 中拥有{}角色。", role_name(Some(r), lang))
        }
        _ => Msg::OnlyAdmins.text(lang).into(),
    }
}

pub fn delete_blocked(n: i64, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("Delete its {n} service(s) first: an environment can be deleted only when it holds no services.")
        }
        Lang::Zh => format!("请先删除其中的 {n} 个服务：只有不含服务的环境才能删除。"),
    }
}

/// Where times are shown: "Times are in your time zone, UTC+8."
pub fn times_note(zone: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Times are in your time zone, {zone}."),
        Lang::Zh => format!("时间按你所在的时区（{zone}）显示。"),
    }
}

pub fn task_number(task: i64, lang: Lang) -> String {
    format!("{} #{task}", Msg::TaskLabel.text(lang))
}

/// An error in the user's language: a known code gets a translated sentence;
/// otherwise the server's own message (the cloud's texts are English).
pub fn error_text(e: &ApiError, lang: Lang) -> String {
    let msg = match e.code.as_str() {
        console_codes::BAD_CREDENTIALS => Some(Msg::ErrBadCredentials),
        crate::api::NETWORK => Some(Msg::ErrNetwork),
        console_codes::UPSTREAM_UNREACHABLE => Some(Msg::ErrUpstreamUnreachable),
        console_codes::UPSTREAM_TIMEOUT => Some(Msg::ErrUpstreamTimeout),
        console_codes::CSRF => Some(Msg::ErrCsrf),
        console_codes::INTERNAL => Some(Msg::ErrInternal),
        console_codes::PASSWORD_CHANGE_REQUIRED => Some(Msg::MustChangePassword),
        console_codes::COMMON_PASSWORD => Some(Msg::ErrCommonPassword),
        console_codes::RATE_LIMITED => Some(Msg::ErrTooManyAttempts),
        console_codes::BUSY => Some(Msg::ErrBusy),
        console_codes::PAYLOAD_TOO_LARGE => Some(Msg::ErrTooLarge),
        console_codes::TIMEOUT => Some(Msg::ErrRequestTimeout),
        console_codes::DATABASE_UNAVAILABLE => Some(Msg::ErrDatabaseUnavailable),
        console_codes::UPSTREAM_INVALID => Some(Msg::ErrUpstreamInvalid),
        console_codes::NOT_ALLOWED_ACTION => Some(Msg::ErrNotForwarded),
        codes::UNSUPPORTED_REGION => Some(Msg::ErrUnsupportedRegion),
        code if codes::family(code) == codes::RESOURCE_NOT_FOUND => Some(Msg::ErrNotFound),
        _ => None,
    };
    match (msg, lang) {
        (Some(m), _) => m.text(lang).into(),
        (None, _) if e.code == codes::RESOURCE_IN_USE => format!("{} {}", Msg::ErrInUse.text(lang), e.message),
        // The numbers are in the message; the lead-in is translated.
        (None, Lang::Zh) if e.code.starts_with("LimitExceeded") => {
            format!("{}{}", Msg::ErrLimitExceeded.text(lang), e.message)
        }
        // The BFF's own sentences name the thing or the limit; Chinese says it in general.
        (None, Lang::Zh) if e.code == console_codes::NOT_FOUND => Msg::ErrNotFound.text(lang).into(),
        (None, Lang::Zh) if e.code == console_codes::PACKAGE_TOO_LARGE => Msg::ErrPackageTooLarge.text(lang).into(),
        (None, Lang::Zh) if e.code == console_codes::FORBIDDEN => {
            format!("{}（{}）", Msg::ErrForbidden.text(lang), e.message)
        }
        (None, _) => e.message.clone(),
    }
}

/// Whether an error says the thing asked about does not exist.
pub fn is_not_found(e: &ApiError) -> bool {
    codes::family(&e.code) == codes::RESOURCE_NOT_FOUND || e.code == console_codes::NOT_FOUND
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_names_are_translated_and_unknown_ones_pass_through() {
        assert_eq!(step_name("build image", Lang::Zh), "构建镜像");
        assert_eq!(step_name("build image", Lang::En), "build image");
        assert_eq!(step_name("warm caches", Lang::Zh), "warm caches");
    }

    /// SPEC rule IDs are for code and tests: no text a user reads names one.
    fn names_a_rule_id(text: &str) -> bool {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|word| {
            let mut parts = word.split('-');
            matches!((parts.next(), parts.next(), parts.next()), (Some("R"), Some(area), Some(n))
                if !area.is_empty() && area.chars().all(|c| c.is_ascii_uppercase()) && n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
        })
    }

    #[test]
    fn no_user_facing_text_names_a_rule_id() {
        assert!(names_a_rule_id("deploy another version first (R-VER-2)."));
        assert!(!names_a_rule_id("R-squared, RE-run"));
        for lang in [Lang::En, Lang::Zh] {
            for msg in Msg::ALL {
                assert!(!names_a_rule_id(msg.text(lang)), "{msg:?} in {lang:?}");
            }
            let samples = [
                delete_blocked(2, lang),
                service_busy(Some("shop-002"), lang),
                service_busy(None, lang),
                deploy_outcome(Ending::Failed, "shop-002", "shop-001", lang),
                deploy_outcome(Ending::Failed, "shop-001", "", lang),
                alias_taken("prod", "prod-1", lang),
                rule_error(&RuleError::InvalidChar('x', Charset::EnvAlias), lang),
            ];
            for text in samples {
                assert!(!names_a_rule_id(&text), "{text}");
            }
        }
    }

    /// Latin words a Chinese text may keep: names of products, formats and
    /// protocols, and units. Any other English word in a zh-CN text is a
    /// translation someone forgot.
    const KEPT_IN_CHINESE: &[&str] = &[
        "API",
        "CPU",
        "CSV",
        "Compose",
        "Docker",
        "Dockerfile",
        "GiB",
        "HTTP",
        "ID",
        "JSON",
        "MiB",
        "Redis",
        "SLA",
        "SaaS",
        "UTC",
        "WAF",
        "localcloud",
        "zip",
    ];

    /// The English words left in a Chinese text. Identifiers, examples and
    /// values (anything with a digit, `:`, `/`, `=`, `&`, or a leading `-`
    /// or `.`) and single letters (the "a–z" of a charset) are not words.
    fn untranslated_words(zh: &str) -> Vec<&str> {
        zh.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.:/=&".contains(c)))
            .map(|token| token.trim_end_matches('.'))
            .filter(|token| {
                !token.starts_with(['-', '.'])
                    && !token.contains(|c: char| c.is_ascii_digit() || ":/=&".contains(c))
                    && token.chars().filter(char::is_ascii_alphabetic).count() > 1
            })
            .filter(|word| !KEPT_IN_CHINESE.contains(word))
            .collect()
    }

    /// What a user reads in Chinese is Chinese: every message and every
    /// phrase (with values that are not words) differs from its English and
    /// keeps no English word but the allowed names and units.
    #[test]
    fn chinese_texts_leave_nothing_in_english() {
        assert_eq!(untranslated_words("核·分钟 · 35 GiB·分钟"), Vec::<&str>::new());
        assert_eq!(untranslated_words("17.5 core·min · 35 GiB·min"), vec!["core", "min", "min"]);
        assert_eq!(untranslated_words("例如 nginx:1.27，--envParams，a–z、'_'"), Vec::<&str>::new());
        for msg in Msg::ALL {
            let (en, zh) = (msg.text(Lang::En), msg.text(Lang::Zh));
            assert!(en != zh || untranslated_words(zh).is_empty(), "{msg:?} is not translated: {zh}");
            assert_eq!(untranslated_words(zh), Vec::<&str>::new(), "{msg:?}: {zh}");
        }
        use console_shared::wording::{AuditDetail, FailReason, SessionEnd, UserChange};
        let reasons = [
            FailReason::TaskGone.to_string(),
            FailReason::Cancelled.to_string(),
            FailReason::Restarted.to_string(),
            FailReason::RestartedDuringDeploy.to_string(),
            FailReason::ImageMissing("registry-1/app:v2").to_string(),
            FailReason::InstanceNotStarted("E42").to_string(),
            FailReason::Unhealthy("500").to_string(),
            FailReason::Unreachable("E61").to_string(),
        ];
        let details = [
            ("DeleteCloudRunServer", AuditDetail::Permission),
            ("DestroyEnv", AuditDetail::CloudUnreachable),
            ("Login", AuditDetail::SignedIn { ip: "10.0.0.1", refused_before: 2 }),
            ("Login", AuditDetail::BadCredentials { ip: "10.0.0.1", refused_before: 0 }),
            ("Login", AuditDetail::TooManyAttempts { ip: "10.0.0.1" }),
            ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::AccountDisabled)),
            ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::AbsoluteLifetime)),
            ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::IdleTooLong)),
            ("CreateUser", AuditDetail::User("li2")),
            ("UpdateUser", AuditDetail::UserChanged("li2", UserChange::Disabled)),
            ("UpdateUser", AuditDetail::UserChanged("li2", UserChange::Enabled)),
            ("UpdateUser", AuditDetail::UserChanged("li2", UserChange::Renamed)),
            ("ChangePassword", AuditDetail::WrongCurrentPassword),
            ("ChangePassword", AuditDetail::TooManyWrongPasswords { ip: "10.0.0.1" }),
            ("AddMember", AuditDetail::MemberAdded { username: "li2", role: "developer" }),
            ("ChangeMemberRole", AuditDetail::RoleChanged { username: "li2", from: "viewer", to: "owner" }),
            ("RemoveMember", AuditDetail::MemberRemoved { username: "li2", role: "viewer" }),
            ("UploadPackage", AuditDetail::PackageUploaded { name: "web1", version: "v2", bytes: 10 }),
            ("RevealSecrets", AuditDetail::SecretsRevealed { service: "web1", version: None, names: vec![] }),
            (
                "RevealSecrets",
                AuditDetail::SecretsRevealed { service: "web1", version: Some("web1-002"), names: vec!["KEY1"] },
            ),
        ];
        let mut samples: Vec<(String, String)> = Vec::new();
        let mut both = |f: &dyn Fn(Lang) -> String| samples.push((f(Lang::En), f(Lang::Zh)));
        for status in ["normal", "Running", "pending", "froze", "deploy_failed", "abnormal", "Terminating"] {
            both(&|l| status_text(status, l));
        }
        for step in console_shared::vocab::Step::KNOWN {
            both(&|l| step_name(step.as_str(), l));
        }
        for log in ["none", "default", "custom"] {
            both(&|l| log_type_text(log, l));
        }
        for reason in &reasons {
            both(&|l| fail_reason_text(reason, l));
        }
        for (action, detail) in &details {
            let text = detail.to_string();
            both(&|l| audit_detail(action, &text, l));
        }
        both(&|l| policies_text(&[("cpu", 60), ("mem", 80), ("cpu/mem", 70)], l));
        both(&|l| settings_line(0.5, 1.0, 80, 0, 50, l));
        both(&|l| usage_short(17.5, 35.0, l));
        both(&|l| usage_text(35.0, 35.0, l));
        both(&|l| min_note(10, l));
        both(&|l| chart_axes(10.0, 60.0, l).0);
        both(&|l| chart_axes(10.0, 60.0, l).1);
        both(&|l| duration_text(42, l));
        both(&|l| duration_text(185, l));
        both(&|l| delete_blocked(2, l));
        both(&|l| times_note("UTC+8", l));
        both(&|l| deploy_outcome(Ending::Succeeded, "web1-002", "web1-001", l));
        both(&|l| rule_error(&RuleError::TooLong(32), l));
        for (en, zh) in samples {
            assert_ne!(en, zh, "not translated: {zh}");
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
    }

    /// Every action the BFF can record has a Chinese name.
    #[test]
    fn every_audited_action_has_a_chinese_name() {
        use console_shared::permissions::Endpoint;
        let names = console_shared::actions::all()
            .map(|a| a.name)
            .chain(Endpoint::ALL.iter().map(|e| e.name()))
            .chain(["Login", "Logout", "SessionExpired"]);
        for name in names {
            assert!(audit_action(name, Lang::Zh).is_some(), "{name}");
            assert_eq!(audit_action(name, Lang::En), None);
        }
        assert_eq!(audit_action("SomethingNew", Lang::Zh), None);
        assert_eq!(audit_detail("CreateCloudRunServer", "LimitExceeded.Version", Lang::Zh), "LimitExceeded.Version");
    }

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            assert!(!msg.text(Lang::En).is_empty() && !msg.text(Lang::Zh).is_empty(), "{msg:?}");
        }
    }

    #[test]
    fn empty_values_are_named_by_what_is_missing() {
        assert_eq!(rule_error_about(Subject::Image, &RuleError::Empty, Lang::En), Msg::EmptyImage.text(Lang::En));
        assert_eq!(
            rule_error_about(Subject::Package, &RuleError::Empty, Lang::En),
            "Choose a code package (a .zip file)."
        );
        assert_eq!(rule_error_about(Subject::ServiceName, &RuleError::Empty, Lang::Zh), "请输入服务名称。");
        assert!(
            rule_error_about(Subject::ServiceName, &RuleError::InvalidChar('.', Charset::ServiceName), Lang::En)
                .contains("'_'")
        );
    }

    /// Every field's refused character is explained by its own rule: a
    /// remark or a username is not told the environment alias's charset.
    #[test]
    fn a_refused_character_is_explained_by_its_own_rule() {
        use console_shared::rules;
        let cases = [
            (rules::env_alias("pro_d").unwrap_err(), "a–z, 0–9 and '-'", "a–z、0–9 和 '-'"),
            (rules::service_name("shop.api").unwrap_err(), "letters, digits, '-' and '_'", "字母、数字、'-' 和 '_'"),
            (rules::username("li lei").unwrap_err(), "a–z, 0–9, '.', '_' and '-'", "a–z、0–9、'.'、'_' 和 '-'"),
            (rules::env_var_name("A-B").unwrap_err(), "letters, digits and '_'", "字母、数字和 '_'"),
            (rules::env_id("prod_1").unwrap_err(), "letters, digits and '-'", "字母、数字和 '-'"),
            (rules::remark("a\nb").unwrap_err(), "(U+000A)", "（U+000A）"),
            (rules::display_name("a\u{202E}b").unwrap_err(), "text-direction", "文字方向"),
        ];
        for (e, en, zh) in cases {
            assert!(rule_error(&e, Lang::En).contains(en), "{e:?}: {}", rule_error(&e, Lang::En));
            assert!(rule_error(&e, Lang::Zh).contains(zh), "{e:?}: {}", rule_error(&e, Lang::Zh));
        }
        // The subject-aware form says the same for a refused character.
        let e = rules::service_name("a b").unwrap_err();
        assert_eq!(rule_error_about(Subject::ServiceName, &e, Lang::Zh), rule_error(&e, Lang::Zh));
        assert!(rule_error(&e, Lang::En).starts_with("' ' is not allowed"));
    }

    #[test]
    fn a_failed_deploy_names_the_version_that_keeps_serving() {
        let text = deploy_outcome(Ending::Failed, "shop-002", "shop-001", Lang::En);
        assert!(text.contains("shop-001") && !text.contains("if any"));
        assert!(deploy_outcome(Ending::Failed, "shop-001", "", Lang::Zh).contains("没有在线版本"));
    }

    #[test]
    fn a_deploy_record_that_runs_reads_as_deployed() {
        assert_eq!(record_status_text(&RecordStatus::Running, Lang::En), "Deployed");
        assert_eq!(record_status_text(&RecordStatus::Deploying, Lang::En), "Deploying");
    }
}
