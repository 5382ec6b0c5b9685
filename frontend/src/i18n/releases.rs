//! Texts with values for updates, settings and the timeline.

use console_shared::wording::{InstanceEvent, ScaleCause, ScaleEvent};

use super::Lang;

/// Why nothing else can change a service while a gray release is open
/// (R-UPD-6): it ends only by finishing or abandoning it.
pub fn gray_open_busy(canary: &str, stable: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "A gray release is open on this service ({canary} beside {stable}), and only one update can run at a \
             time. Finish or abandon it first."
        ),
        Lang::Zh => format!(
            "该服务有一个未结束的灰度发布（{canary} 与 {stable}），同一时间只能进行一项更新。请先完成或放弃该灰度发布。"
        ),
    }
}

/// The caption of the running-versus-settings comparison after a rollback.
pub fn running_differs(version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Where {version}, running now, differs from the settings"),
        Lang::Zh => format!("正在运行的 {version} 与配置的不同之处"),
    }
}

/// The running configuration's column: "Running now (shop-001)".
pub fn running_column(version: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Running now ({version})"),
        Lang::Zh => format!("当前运行（{version}）"),
    }
}

/// Who made a timeline event: a user, or the platform itself (scaling,
/// a deploy's end).
pub fn timeline_who(who: Option<&str>, lang: Lang) -> String {
    match (who, lang) {
        (Some(user), Lang::En) => format!("by {user}"),
        (Some(user), Lang::Zh) => format!("操作人：{user}"),
        (None, Lang::En) => "by the platform".into(),
        (None, Lang::Zh) => "由平台自动执行".into(),
    }
}

/// A variable row's name field, told apart from the other rows': "Name of variable 2".
pub fn var_name_label(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Name of variable {n}"),
        Lang::Zh => format!("变量 {n} 的名称"),
    }
}

/// A variable row's value field: "Value of variable 2".
pub fn var_value_label(n: usize, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Value of variable {n}"),
        Lang::Zh => format!("变量 {n} 的值"),
    }
}

/// A variable row's Remove: "Remove GREETING", or "Remove variable 2" while it has no name.
pub fn var_remove_label(name: &str, n: usize, lang: Lang) -> String {
    match (name.trim().is_empty(), lang) {
        (false, Lang::En) => format!("Remove {name}"),
        (false, Lang::Zh) => format!("移除 {name}"),
        (true, Lang::En) => format!("Remove variable {n}"),
        (true, Lang::Zh) => format!("移除变量 {n}"),
    }
}

/// A list in a sentence: "a, b, c", or "a、b、c" in Chinese.
pub fn list_text(items: &[String], lang: Lang) -> String {
    items.join(if lang == Lang::Zh { "、" } else { ", " })
}

/// The cloud's error code of a refused change: "error code ResourceInUse".
pub fn error_code(code: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("error code {code}"),
        Lang::Zh => format!("错误码 {code}"),
    }
}

/// An instance's crash or restart in words.
pub fn instance_event_text(e: &InstanceEvent, lang: Lang) -> String {
    match (e, lang) {
        (InstanceEvent::Crashed { instance, how }, Lang::En) => {
            format!("Instance {instance} exited unexpectedly ({how}); restarting it")
        }
        (InstanceEvent::Crashed { instance, how }, Lang::Zh) => format!("实例 {instance} 意外退出（{how}），正在重启"),
        (InstanceEvent::Restarted { instance }, Lang::En) => format!("Instance {instance} restarted and serves again"),
        (InstanceEvent::Restarted { instance }, Lang::Zh) => format!("实例 {instance} 已重启，恢复服务"),
        (InstanceEvent::RestartFailed { instance, why }, Lang::En) => {
            format!("Instance {instance} could not restart ({why}); trying again")
        }
        (InstanceEvent::RestartFailed { instance, why }, Lang::Zh) => {
            format!("实例 {instance} 重启失败（{why}），正在重试")
        }
    }
}

/// A scaling event in words: "shop-002: 1 → 0 instance(s), no requests
/// during the observation window (scaled to zero)".
pub fn scale_event_text(e: &ScaleEvent, lang: Lang) -> String {
    let (version, from, to) = (e.version, e.from, e.to);
    let why = match (e.cause, lang) {
        (ScaleCause::Load, Lang::En) => "load above the scaling threshold",
        (ScaleCause::Load, Lang::Zh) => "负载超过扩容阈值",
        (ScaleCause::Calm, Lang::En) => "load well below the scaling threshold",
        (ScaleCause::Calm, Lang::Zh) => "负载远低于扩容阈值",
        (ScaleCause::Idle, Lang::En) => "no requests during the observation window",
        (ScaleCause::Idle, Lang::Zh) => "观察期内没有请求",
        (ScaleCause::ColdStart, Lang::En) => "a request arrived with no instance running (cold start)",
        (ScaleCause::ColdStart, Lang::Zh) => "没有实例运行时收到请求（冷启动）",
        (ScaleCause::Drained, Lang::En) => "it lost its traffic and the drain window ended",
        (ScaleCause::Drained, Lang::Zh) => "已无流量且排空期已结束",
    };
    match lang {
        Lang::En => format!("{version}: {from} → {to} instance(s), {why}"),
        Lang::Zh => format!("{version}：实例从 {from} 个变为 {to} 个，原因：{why}"),
    }
}

#[cfg(test)]
mod tests {
    use console_shared::wording::{ScaleCause, ScaleEvent};

    use super::*;
    use crate::i18n::tests::untranslated_words;

    fn both(f: impl Fn(Lang) -> String) -> (String, String) {
        (f(Lang::En), f(Lang::Zh))
    }

    #[test]
    fn instance_events_read_in_both_languages() {
        let crashed = InstanceEvent::Crashed { instance: "shop-001-ab", how: "signal: 9 (SIGKILL)" };
        let (en, zh) = both(|l| instance_event_text(&crashed, l));
        assert_eq!(en, "Instance shop-001-ab exited unexpectedly (signal: 9 (SIGKILL)); restarting it");
        assert_eq!(zh, "实例 shop-001-ab 意外退出（signal: 9 (SIGKILL)），正在重启");
        let line = crashed.to_string();
        assert_eq!(InstanceEvent::parse(&line), Some(crashed), "the timeline reads back what the cloud wrote");
    }

    #[test]
    fn release_texts_are_translated_and_name_their_values() {
        let causes = [ScaleCause::Load, ScaleCause::Calm, ScaleCause::Idle, ScaleCause::ColdStart, ScaleCause::Drained];
        let mut samples: Vec<(String, String)> = causes
            .into_iter()
            .map(|cause| both(|l| scale_event_text(&ScaleEvent { version: "shop-002", from: 1, to: 0, cause }, l)))
            .collect();
        samples.extend([
            both(|l| gray_open_busy("shop-003", "shop-002", l)),
            both(|l| running_differs("shop-001", l)),
            both(|l| running_column("shop-001", l)),
            both(|l| timeline_who(Some("li2"), l)),
            both(|l| timeline_who(None, l)),
            both(|l| list_text(&["CPU".into(), "JSON".into()], l)),
            both(|l| error_code("E42", l)),
            both(|l| var_name_label(2, l)),
            both(|l| var_value_label(2, l)),
            both(|l| var_remove_label("GREETING_1", 2, l)),
            both(|l| var_remove_label("", 2, l)),
        ]);
        for (en, zh) in samples {
            assert_ne!(en, zh, "not translated: {zh}");
            assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
        }
        let busy = gray_open_busy("shop-003", "shop-002", Lang::En);
        assert!(busy.contains("shop-003") && busy.contains("shop-002") && busy.contains("Finish or abandon"));
        let idle = ScaleEvent { version: "shop-002", from: 1, to: 0, cause: ScaleCause::Idle };
        assert_eq!(scale_event_text(&idle, Lang::Zh), "shop-002：实例从 1 个变为 0 个，原因：观察期内没有请求");
    }
}
