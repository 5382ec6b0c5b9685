//! Texts with values in them, in both languages: names, numbers, errors.

use console_shared::api::codes;
use console_shared::dto::{ApiError, console_codes};
use console_shared::permissions::{Need, Role};
use console_shared::region::Region;
use console_shared::vocab::{ChangeType, RecordStatus};

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
        Step::ScaleDown => "缩容旧版本",
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

/// The deploy page's title: what the task does (a deploy, a rollback to
/// `version`, or a settings change making `version`), of which service.
pub fn deploy_title(change: &ChangeType, version: &str, service: &str, lang: Lang) -> String {
    match (change, lang) {
        (ChangeType::Rollback, Lang::En) => format!("Rollback to {version} · {service}"),
        (ChangeType::Rollback, Lang::Zh) => format!("{service} · 回滚到 {version}"),
        (ChangeType::Config, Lang::En) => format!("Settings change: {version} · {service}"),
        (ChangeType::Config, Lang::Zh) => format!("{service} · 修改配置：{version}"),
        (_, Lang::En) => format!("Deploy of {version} · {service}"),
        (_, Lang::Zh) => format!("{service} · 部署 {version}"),
    }
}

/// How a deploy ended, named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Succeeded,
    /// A gray update deployed; its release is open until finished or abandoned.
    GrayOpen,
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
        (Ending::GrayOpen, _, Lang::En) => format!(
            "Deployed for a gray release: {version} is online with 0 % of the traffic and {previous} keeps the rest. \
             Set the split on the service page, then finish or abandon the release."
        ),
        (Ending::GrayOpen, _, Lang::Zh) => format!(
            "灰度版本部署成功：{version} 已上线，当前流量为 0 %，其余流量仍由 {previous} 承接。请在服务页面设置流量比例，然后完成或放弃灰度发布。"
        ),
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
        // In an environment's pages the SPA asks for the role there, which
        // is stricter than the BFF's "in any environment".
        (Need::EnvRole(r) | Need::AnyEnvRole(r), Lang::En) => format!("Needs the {} role in {env}.", r.name()),
        (Need::EnvRole(r) | Need::AnyEnvRole(r), Lang::Zh) => {
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
