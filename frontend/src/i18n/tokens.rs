//! Personal access tokens in words: the rules' verdicts, the list's cells
//! and the audit log's "via token".

use console_shared::dto::{ApiError, console_codes};
use console_shared::permissions::Role;
use console_shared::tokens::{NAME_MAX, TokenRuleError};

use super::*;

/// A token rule's verdict, said at the field it belongs to.
pub fn token_rule_error(e: &TokenRuleError, lang: Lang) -> String {
    match (e, lang) {
        (TokenRuleError::NameEmpty, Lang::En) => "Give the token a name.".into(),
        (TokenRuleError::NameEmpty, Lang::Zh) => "请为令牌命名。".into(),
        (TokenRuleError::NameTooLong, Lang::En) => format!("At most {NAME_MAX} characters."),
        (TokenRuleError::NameTooLong, Lang::Zh) => format!("最多 {NAME_MAX} 个字符。"),
        (TokenRuleError::NameControl, Lang::En) => {
            "A name cannot hold a line break, a tab or an invisible character.".into()
        }
        (TokenRuleError::NameControl, Lang::Zh) => "名称不能包含换行符、制表符或不可见字符。".into(),
        (TokenRuleError::NoEnv, Lang::En) => "Choose at least one environment.".into(),
        (TokenRuleError::NoEnv, Lang::Zh) => "请至少选择一个环境。".into(),
        (TokenRuleError::Expiry, Lang::En) => "Choose how long it lasts.".into(),
        (TokenRuleError::Expiry, Lang::Zh) => "请选择有效期。".into(),
    }
}

/// The name field's help: what a good name says, and its limit.
pub fn token_name_help(lang: Lang) -> String {
    match lang {
        Lang::En => format!("What it is for, such as “laptop” or “deploy from CI”. At most {NAME_MAX} characters."),
        Lang::Zh => format!("它的用途，例如“笔记本电脑”或“CI 部署”。最多 {NAME_MAX} 个字符。"),
    }
}

/// An expiry choice: "30 days".
pub fn days_text(days: u32, lang: Lang) -> String {
    match (days, lang) {
        (1, Lang::En) => "1 day".into(),
        (n, Lang::En) => format!("{n} days"),
        (n, Lang::Zh) => format!("{n} 天"),
    }
}

/// Under the expiry choice: when it would end, in the browser's zone.
pub fn expires_on(when: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("It would expire on {when}."),
        Lang::Zh => format!("将于 {when} 过期。"),
    }
}

/// Why a role is not offered: a chosen environment where the caller's own is lower.
pub fn role_above_yours(env: &str, yours: Role, lang: Lang) -> String {
    let yours = role_name(Some(yours), lang);
    match lang {
        Lang::En => format!("Above your role in {env} ({yours})."),
        Lang::Zh => format!("高于你在 {env} 中的角色（{yours}）。"),
    }
}

/// An environment to choose, with the caller's role there: "Your role: Owner".
pub fn your_role_there(role: Role, lang: Lang) -> String {
    labelled(Msg::YourRole.text(lang), role_name(Some(role), lang), lang)
}

/// When a token was last used, and from where.
pub fn last_used_text(when: &str, ip: Option<&str>, lang: Lang) -> String {
    match (ip, lang) {
        (Some(ip), Lang::En) => format!("{when} from {ip}"),
        (Some(ip), Lang::Zh) => format!("{when}，来自 {ip}"),
        (None, _) => when.to_string(),
    }
}

/// The question before a revoke.
pub fn confirm_revoke_token(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Revoke “{name}”? Whatever uses it, a CLI or a CI job, is refused from now on."),
        Lang::Zh => format!("确定撤销“{name}”？使用它的命令行或 CI 任务将立即被拒绝。"),
    }
}

/// The revoke button's name for screen readers: which token.
pub fn revoke_label(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Revoke {name}"),
        Lang::Zh => format!("撤销 {name}"),
    }
}

/// The heading over a token just made.
pub fn new_token_title(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Your new token “{name}”"),
        Lang::Zh => format!("你的新令牌“{name}”"),
    }
}

/// When the per-user cap is reached: what to do.
pub fn tokens_at_cap(max: usize, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("You hold {max} active tokens, the most one person may: revoke one you no longer use first.")
        }
        Lang::Zh => format!("你已有 {max} 个有效令牌，已达上限：请先撤销一个不再使用的令牌。"),
    }
}

/// In the audit log, beside the user: the token a call was made with.
pub fn via_token(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("via token «{name}»"),
        Lang::Zh => format!("通过令牌「{name}」"),
    }
}

/// A refused creation as the form shows it, in the user's language: the
/// name taken, or the cap reached.
pub fn token_refusal(mut e: ApiError, lang: Lang) -> ApiError {
    if e.code == console_codes::TOKEN_NAME_TAKEN {
        e.message = Msg::ErrTokenNameTaken.text(lang).into();
    } else if e.code == console_codes::TOKEN_LIMIT {
        e.message = tokens_at_cap(console_shared::tokens::PER_USER_MAX, lang);
    }
    e
}
