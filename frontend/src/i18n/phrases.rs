//! Texts with values in them, in both languages: names, numbers, errors.

use console_shared::dto::{ApiError, console_codes};
use console_shared::permissions::{Need, Role};
use console_shared::region::Region;
use console_shared::rules::RuleError;

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
        _ => return status.to_string(),
    };
    msg.text(lang).into()
}

/// A deploy record's state in words. The cloud says `running` for a deploy
/// that succeeded (its version runs), which read as "in progress" beside a
/// deploy time; it is said as "Deployed" here.
pub fn record_status_text(status: &str, lang: Lang) -> String {
    match status {
        "running" => Msg::RecordDeployed.text(lang).into(),
        other => status_text(other, lang),
    }
}

/// A deploy step's name as the cloud gives it, in the user's language;
/// names this console does not know pass through as they are.
pub fn step_name(name: &str, lang: Lang) -> String {
    use console_shared::actions::steps;
    let zh = match name {
        steps::VALIDATE => "校验代码包",
        steps::BUILD => "构建镜像",
        steps::PUSH => "推送镜像",
        steps::PULL => "拉取镜像",
        steps::CREATE => "创建版本",
        steps::START => "启动实例",
        steps::HEALTH => "健康检查",
        steps::RELEASE => "切换流量",
        _ => name,
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
        (RuleError::InvalidChar(c), Subject::ServiceName, Lang::En) => {
            format!("'{c}' is not allowed: use letters, digits, '-' and '_'.")
        }
        (RuleError::InvalidChar(c), Subject::ServiceName, Lang::Zh) => {
            format!("不允许使用 '{c}'：只能用字母、数字、'-' 和 '_'。")
        }
        (RuleError::InvalidChar(c), Subject::VarName, Lang::En) => {
            format!("'{c}' is not allowed: use letters, digits and '_'.")
        }
        (RuleError::InvalidChar(c), Subject::VarName, Lang::Zh) => {
            format!("不允许使用 '{c}'：只能用字母、数字和 '_'。")
        }
        (RuleError::InvalidChar(c), Subject::Username, Lang::En) => {
            format!("'{c}' is not allowed: use a–z, 0–9, '.', '_' and '-'.")
        }
        (RuleError::InvalidChar(c), Subject::Username, Lang::Zh) => {
            format!("不允许使用 '{c}'：只能用 a–z、0–9、'.'、'_' 和 '-'。")
        }
        (RuleError::InvalidChar(c), Subject::DisplayName, Lang::En) => {
            format!("Control and text-direction characters are not allowed (U+{:04X}).", u32::from(*c))
        }
        (RuleError::InvalidChar(c), Subject::DisplayName, Lang::Zh) => {
            format!("不允许使用控制字符或文字方向字符（U+{:04X}）。", u32::from(*c))
        }
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
        (RuleError::InvalidChar(c), Lang::En) => {
            format!("'{c}' is not allowed: use a–z, 0–9 and '-'.")
        }
        (RuleError::InvalidChar(c), Lang::Zh) => {
            format!("不允许使用 '{c}'：只能用 a–z、0–9 和 '-'。")
        }
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
        "UnsupportedRegion" => Some(Msg::ErrUnsupportedRegion),
        code if code.starts_with("ResourceNotFound") => Some(Msg::ErrNotFound),
        _ => None,
    };
    match (msg, lang) {
        (Some(m), _) => m.text(lang).into(),
        (None, _) if e.code == "ResourceInUse" => format!("{} {}", Msg::ErrInUse.text(lang), e.message),
        // The numbers are in the message; the lead-in is translated.
        (None, Lang::Zh) if e.code.starts_with("LimitExceeded") => {
            format!("{}{}", Msg::ErrLimitExceeded.text(lang), e.message)
        }
        (None, Lang::Zh) if e.code == console_codes::FORBIDDEN => {
            format!("{}（{}）", Msg::ErrForbidden.text(lang), e.message)
        }
        (None, _) => e.message.clone(),
    }
}

/// Whether an error says the thing asked about does not exist.
pub fn is_not_found(e: &ApiError) -> bool {
    e.code.starts_with("ResourceNotFound") || e.code == console_codes::NOT_FOUND
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
                rule_error(&RuleError::InvalidChar('x'), lang),
            ];
            for text in samples {
                assert!(!names_a_rule_id(&text), "{text}");
            }
        }
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
        assert!(rule_error_about(Subject::ServiceName, &RuleError::InvalidChar('.'), Lang::En).contains("'_'"));
    }

    #[test]
    fn a_failed_deploy_names_the_version_that_keeps_serving() {
        let text = deploy_outcome(Ending::Failed, "shop-002", "shop-001", Lang::En);
        assert!(text.contains("shop-001") && !text.contains("if any"));
        assert!(deploy_outcome(Ending::Failed, "shop-001", "", Lang::Zh).contains("没有在线版本"));
    }

    #[test]
    fn a_deploy_record_that_runs_reads_as_deployed() {
        assert_eq!(record_status_text("running", Lang::En), "Deployed");
        assert_eq!(record_status_text("deploying", Lang::En), "Deploying");
    }
}
