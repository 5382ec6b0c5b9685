//! Texts with values for gray releases, traffic splits, rollbacks and
//! configuration diffs.

use console_shared::traffic::Split;

use super::Lang;

/// A variable as a compared field: "Variable DB_HOST".
pub fn variable_field(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Variable {name}"),
        Lang::Zh => format!("变量 {name}"),
    }
}

/// Secret variables whose values arrived masked, so they were not compared.
pub fn secrets_not_compared(names: &[String], lang: Lang) -> String {
    match lang {
        Lang::En => format!("Secret values are hidden, so these were not compared: {}.", names.join(", ")),
        Lang::Zh => format!("密钥的值已隐藏，以下变量未做比较：{}。", names.join("、")),
    }
}

pub fn gray_intro(canary: &str, stable: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{canary} is being released gradually beside {stable}. Give it a share of the traffic, or the requests \
             a URL parameter picks; then finish the release or abandon it."
        ),
        Lang::Zh => format!(
            "{canary} 正在与 {stable} 一同灰度发布。可以给它一部分流量，或让带有某个 URL 参数的请求发往它；之后完成或放弃本次发布。"
        ),
    }
}

/// A version and its part in the release: "shop-003 (new)".
pub fn version_role(version: &str, canary: bool, lang: Lang) -> String {
    match (canary, lang) {
        (true, Lang::En) => format!("{version} (new)"),
        (false, Lang::En) => format!("{version} (stable)"),
        (true, Lang::Zh) => format!("{version}（新版本）"),
        (false, Lang::Zh) => format!("{version}（稳定版本）"),
    }
}

/// What one side of the release (`canary` or the stable one) gets now.
pub fn share_text(split: &Split, canary: bool, lang: Lang) -> String {
    match split {
        Split::Percent(p) => format!("{}%", if canary { *p } else { 100 - (*p).min(100) }),
        Split::Url { rule, to_canary } if *to_canary == canary => match lang {
            Lang::En => format!("Requests with {}={}", rule.key, rule.value),
            Lang::Zh => format!("带有 {}={} 的请求", rule.key, rule.value),
        },
        Split::Url { .. } => match lang {
            Lang::En => "Every other request (the default version)".into(),
            Lang::Zh => "其余所有请求（默认版本）".into(),
        },
    }
}

/// The slider's label.
pub fn slider_label(canary: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Traffic to {canary} (%)"),
        Lang::Zh => format!("发往 {canary} 的流量（%）"),
    }
}

/// The split the slider sets: "30% to shop-003, 70% to shop-002".
pub fn percent_split(canary: &str, stable: &str, percent: u8, lang: Lang) -> String {
    let rest = 100 - percent.min(100);
    match lang {
        Lang::En => format!("{percent}% to {canary}, {rest}% to {stable}"),
        Lang::Zh => format!("{percent}% 发往 {canary}，{rest}% 发往 {stable}"),
    }
}

/// A URL rule in a sentence.
pub fn rule_summary(key: &str, value: &str, target: &str, default: &str, lang: Lang) -> String {
    match lang {
        Lang::En => {
            format!("Requests whose URL has {key}={value} go to {target}; every other request goes to {default}.")
        }
        Lang::Zh => format!("URL 中带有 {key}={value} 的请求发往 {target}；其余请求发往 {default}。"),
    }
}

/// The URL tester's answer, for the rule in force (`applied`) or for the
/// rule as typed, which is not applied yet.
pub fn url_served_by(version: &str, matched: bool, applied: bool, lang: Lang) -> String {
    match (applied, matched, lang) {
        (true, true, Lang::En) => format!("{version} serves it: the rule matches."),
        (true, false, Lang::En) => format!("{version}, the default version, serves it: the rule does not match."),
        (true, true, Lang::Zh) => format!("由 {version} 处理：规则匹配。"),
        (true, false, Lang::Zh) => format!("由默认版本 {version} 处理：规则不匹配。"),
        (false, true, Lang::En) => {
            format!("Under the rule as typed above (not applied yet), {version} would serve it: the rule matches.")
        }
        (false, false, Lang::En) => format!(
            "Under the rule as typed above (not applied yet), {version}, the default version, would serve it: the \
             rule does not match."
        ),
        (false, true, Lang::Zh) => format!("按上方输入的规则（尚未应用），将由 {version} 处理：规则匹配。"),
        (false, false, Lang::Zh) => format!("按上方输入的规则（尚未应用），将由默认版本 {version} 处理：规则不匹配。"),
    }
}

pub fn finish_label(canary: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Finish: all traffic to {canary}"),
        Lang::Zh => format!("完成发布：全部流量发往 {canary}"),
    }
}

pub fn abandon_label(canary: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Abandon: take {canary} offline"),
        Lang::Zh => format!("放弃发布：下线 {canary}"),
    }
}

/// Finishing, with the traffic after it (R-UPD-3).
pub fn confirm_finish(canary: &str, stable: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Finish the gray release? {canary} will get 100%; {stable} goes offline in 30 minutes."),
        Lang::Zh => format!("确定完成灰度发布？{canary} 将承接 100% 流量；{stable} 将在 30 分钟后下线。"),
    }
}

/// What 100 % on the slider means (R-UPD-3): the release ends, by Finish.
pub fn at_full(canary: &str, stable: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "At 100% the gray release ends: {canary} gets all the traffic and {stable} goes offline in 30 minutes. \
             To do that, use Finish below."
        ),
        Lang::Zh => format!(
            "设为 100% 即结束灰度发布：{canary} 承接全部流量，{stable} 将在 30 分钟后下线。要结束发布，请使用下方的“完成发布”。"
        ),
    }
}

/// Abandoning, with the traffic after it (R-UPD-3).
pub fn confirm_abandon(canary: &str, stable: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Abandon the gray release? {canary} goes offline; {stable} gets 100%."),
        Lang::Zh => format!("确定放弃灰度发布？{canary} 将下线；{stable} 承接 100% 流量。"),
    }
}

pub fn gray_finished(canary: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The gray release is finished: {canary} has all the traffic."),
        Lang::Zh => format!("灰度发布已完成：{canary} 承接全部流量。"),
    }
}

pub fn gray_abandoned(canary: &str, stable: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The gray release is abandoned: {canary} goes offline and {stable} keeps all the traffic."),
        Lang::Zh => format!("灰度发布已放弃：{canary} 下线，{stable} 继续承接全部流量。"),
    }
}

/// The rollback button's name and the rollback panel's title. In Chinese
/// the button's visible word, 回滚, stands apart in its name: voice control
/// matches a name's words, and 回滚到 would be one.
pub fn rollback_to(version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Roll back to {version}"),
        Lang::Zh => format!("回滚：{version}"),
    }
}

/// What a rollback does (R-RB-1, R-RB-3).
pub fn rollback_explain(online: &str, target: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "{target} starts again with its own frozen configuration; once it is healthy it gets 100% of the \
             traffic and {online} scales down. The settings page keeps its values, and the next update uses them."
        ),
        Lang::Zh => format!(
            "{target} 将按它创建时固定的配置重新启动；健康检查通过后承接 100% 流量，{online} 随后缩容。配置页的取值保持不变，下次更新将使用这些取值。"
        ),
    }
}

pub fn rollback_diff_caption(online: &str, target: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("What changes from {online} to {target}"),
        Lang::Zh => format!("从 {online} 回滚到 {target} 的配置变化"),
    }
}

pub fn online_now(version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{version} (online now)"),
        Lang::Zh => format!("{version}（当前在线）"),
    }
}

pub fn after_rollback(version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{version} (after the rollback)"),
        Lang::Zh => format!("{version}（回滚后）"),
    }
}

/// R-RB-2: why a newer version is no rollback target.
pub fn rollback_newer(online: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Newer than {online}, the online version: going forward is an update, not a rollback."),
        Lang::Zh => format!("比在线版本 {online} 更新：切换到更新的版本属于更新，不是回滚。"),
    }
}

#[cfg(test)]
mod tests {
    use console_shared::traffic::UrlRule;

    use super::super::tests::untranslated_words;
    use super::*;

    /// Each text with its values, in both languages: translated, and the
    /// Chinese one keeps no English word but names and values.
    #[test]
    fn every_release_text_reads_in_both_languages() {
        let url = Split::Url { rule: UrlRule { key: "env".into(), value: "beta*".into() }, to_canary: true };
        let texts: Vec<Box<dyn Fn(Lang) -> String>> = vec![
            Box::new(|l| variable_field("DB_HOST_1", l)),
            Box::new(|l| secrets_not_compared(&["DB_PASSWORD_1".into(), "API_KEY_2".into()], l)),
            Box::new(|l| gray_intro("shop-003", "shop-002", l)),
            Box::new(|l| version_role("shop-003", true, l)),
            Box::new(|l| version_role("shop-002", false, l)),
            Box::new(move |l| share_text(&url, true, l)),
            Box::new(|l| {
                share_text(
                    &Split::Url { rule: UrlRule { key: "v".into(), value: "2".into() }, to_canary: true },
                    false,
                    l,
                )
            }),
            Box::new(|l| slider_label("shop-003", l)),
            Box::new(|l| percent_split("shop-003", "shop-002", 30, l)),
            Box::new(|l| rule_summary("env", "beta*", "shop-003", "shop-002", l)),
            Box::new(|l| url_served_by("shop-003", true, true, l)),
            Box::new(|l| url_served_by("shop-002", false, true, l)),
            Box::new(|l| url_served_by("shop-003", true, false, l)),
            Box::new(|l| url_served_by("shop-002", false, false, l)),
            Box::new(|l| finish_label("shop-003", l)),
            Box::new(|l| abandon_label("shop-003", l)),
            Box::new(|l| confirm_finish("shop-003", "shop-002", l)),
            Box::new(|l| confirm_abandon("shop-003", "shop-002", l)),
            Box::new(|l| at_full("shop-003", "shop-002", l)),
            Box::new(|l| gray_finished("shop-003", l)),
            Box::new(|l| gray_abandoned("shop-003", "shop-002", l)),
            Box::new(|l| rollback_to("shop-001", l)),
            Box::new(|l| rollback_explain("shop-003", "shop-001", l)),
            Box::new(|l| rollback_diff_caption("shop-003", "shop-001", l)),
            Box::new(|l| online_now("shop-003", l)),
            Box::new(|l| after_rollback("shop-001", l)),
            Box::new(|l| rollback_newer("shop-003", l)),
        ];
        for text in texts {
            let (en, zh) = (text(Lang::En), text(Lang::Zh));
            assert_ne!(en, zh, "not translated: {zh}");
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
    }

    /// R-UPD-3: each confirmation says where the traffic goes.
    #[test]
    fn finishing_and_abandoning_state_the_traffic_after() {
        assert_eq!(
            confirm_finish("shop-003", "shop-002", Lang::En),
            "Finish the gray release? shop-003 will get 100%; shop-002 goes offline in 30 minutes."
        );
        assert_eq!(
            confirm_abandon("shop-003", "shop-002", Lang::En),
            "Abandon the gray release? shop-003 goes offline; shop-002 gets 100%."
        );
        assert_eq!(share_text(&Split::Percent(30), false, Lang::En), "70%");
    }
}
