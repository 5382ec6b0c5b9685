//! The product rules' verdicts in words: what a checked value is, why it
//! was refused, and the form warnings built on them.

use console_shared::rules::{Charset, RuleError, shown};

use super::*;

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

/// What a field's rule allows, as advice ("use letters, digits and '_'");
/// `None` for free text, which
/// refuses only control and text-direction characters.
fn allowed(charset: Charset, lang: Lang) -> Option<&'static str> {
    Some(match (charset, lang) {
        (Charset::EnvAlias, Lang::En) => "use a–z, 0–9 and '-'",
        (Charset::EnvAlias, Lang::Zh) => "只能用 a–z、0–9 和 '-'",
        (Charset::EnvId, Lang::En) => "use letters, digits and '-'",
        (Charset::EnvId, Lang::Zh) => "只能用字母、数字和 '-'",
        (Charset::Username, Lang::En) => "use a–z, 0–9, '.', '_' and '-'",
        (Charset::Username, Lang::Zh) => "只能用 a–z、0–9、'.'、'_' 和 '-'",
        (Charset::ServiceName, Lang::En) => "use letters, digits, '-' and '_'",
        (Charset::ServiceName, Lang::Zh) => "只能用字母、数字、'-' 和 '_'",
        (Charset::VarName, Lang::En) => "use letters, digits and '_'",
        (Charset::VarName, Lang::Zh) => "只能用字母、数字和 '_'",
        (Charset::Text, _) => return None,
    })
}

/// A refused character, explained by the rule of the field it was typed
/// in. A space is named, not quoted: a quoted blank reads as nothing.
fn invalid_char(c: char, charset: Charset, lang: Lang) -> String {
    let shown = shown(c);
    match (allowed(charset, lang), c, lang) {
        (Some(ok), ' ', Lang::En) => format!("Spaces are not allowed: {ok}."),
        (Some(ok), ' ', Lang::Zh) => format!("不允许使用空格：{ok}。"),
        (Some(ok), _, Lang::En) => format!("{shown} is not allowed: {ok}."),
        (Some(ok), _, Lang::Zh) => format!("不允许使用 {shown}：{ok}。"),
        (None, _, Lang::En) => format!("Control and text-direction characters are not allowed ({shown})."),
        (None, _, Lang::Zh) => format!("不允许使用控制字符或文字方向字符（{shown}）。"),
    }
}

/// A variable name (typed, or a pasted `a=1&b=2` pair) that breaks the
/// variable-name rule, named: "“MY VAR” contains a space: use letters,
/// digits and '_'."
pub fn bad_pair(pair: &str, e: &RuleError, lang: Lang) -> String {
    match (e, lang) {
        (RuleError::InvalidChar(' ', charset), _) => {
            let ok = allowed(*charset, lang).unwrap_or_default();
            match lang {
                Lang::En => format!("“{pair}” contains a space: {ok}."),
                Lang::Zh => format!("“{pair}”含有空格：{ok}。"),
            }
        }
        (_, Lang::En) => format!("“{pair}”: {}", rule_error_about(Subject::VarName, e, lang)),
        (_, Lang::Zh) => format!("“{pair}”：{}", rule_error_about(Subject::VarName, e, lang)),
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
