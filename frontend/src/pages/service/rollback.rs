//! Rolling back to an older version (R-RB-1..4): which versions can be a
//! target and why the others cannot (R-RB-2: only older ones; going forward
//! is an update), and the confirm panel with the field-by-field difference
//! between the online version's configuration and the target's. The
//! rollback's task is then followed on its live progress page.

use std::collections::BTreeMap;
use std::future::Future;

use console_shared::actions::{
    DeployRecord, DescribeVersionDetail, DescribeVersionDetailRequest, DescribeVersionDetailResponse,
    SubmitServerRollback, SubmitServerRollbackRequest,
};
use console_shared::dto::ApiError;
use console_shared::permissions::Endpoint;
use console_shared::traffic;
use console_shared::vocab::RecordStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::ServiceCtx;
use super::diff::{Config, ConfigDiff, Diff, compare};
use crate::api;
use crate::components::{ErrorNote, Loaded, Reason, error_of, join_all};
use crate::i18n::{
    Lang, Msg, after_rollback, lang, online_now, rollback_diff_caption, rollback_explain, rollback_newer, rollback_to,
    t,
};
use crate::pages::env_layout::EnvCtx;

/// Why a version cannot be a rollback target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotTarget {
    /// Nothing is online to roll back from.
    NothingOnline,
    /// It is the online version itself.
    Online,
    /// Its image and configuration are gone; only its record remains.
    Deleted,
    /// It is newer than the online version (named): that is an update.
    Newer(String),
    /// It failed or was cancelled: it never served, so there is nothing to return to.
    NeverServed,
}

impl NotTarget {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            NotTarget::NothingOnline => Msg::RollbackNothingOnline.text(lang).into(),
            NotTarget::Online => Msg::RollbackOnline.text(lang).into(),
            NotTarget::Deleted => Msg::RollbackDeleted.text(lang).into(),
            NotTarget::Newer(online) => rollback_newer(online, lang),
            NotTarget::NeverServed => Msg::RollbackNeverServed.text(lang).into(),
        }
    }
}

/// R-RB-2 (`traffic::is_older`, as localcloud decides it): whether `version`
/// was made before `online`, by number, else by first deploy (the records
/// are newest first, so a version's first deploy is its last record).
fn is_older(version: &str, online: &str, records: &[DeployRecord]) -> bool {
    traffic::is_older(version, online, || {
        let first = |v: &str| records.iter().rposition(|r| r.deploy_id == v);
        matches!((first(version), first(online)), (Some(v), Some(o)) if v > o)
    })
}

/// R-RB-2: why `version` cannot be a rollback target while `online`
/// serves, or `None` when it can. `records` are the service's, newest first.
pub fn not_target(version: &str, records: &[DeployRecord], online: Option<&str>) -> Option<NotTarget> {
    let Some(online) = online else { return Some(NotTarget::NothingOnline) };
    let mine: Vec<&DeployRecord> = records.iter().filter(|r| r.deploy_id == version).collect();
    if version == online {
        Some(NotTarget::Online)
    } else if mine.first().is_none_or(|r| r.image_url.is_none()) {
        Some(NotTarget::Deleted)
    } else if !is_older(version, online, records) {
        Some(NotTarget::Newer(online.to_string()))
    } else if !mine.iter().any(|r| r.status == RecordStatus::Running) {
        Some(NotTarget::NeverServed)
    } else {
        None
    }
}

/// Both versions' frozen configurations (R-VER-3), asked for together.
type Details = (DescribeVersionDetailResponse, DescribeVersionDetailResponse);

/// A configuration's variables, revealed.
type Vars = BTreeMap<String, String>;

/// Two requests sent together, answered in their order.
async fn both<F: Future>(a: F, b: F) -> (F::Output, F::Output) {
    let mut answers = join_all(vec![a, b]).await;
    match (answers.pop(), answers.pop()) {
        (Some(b), Some(a)) => (a, b),
        _ => unreachable!("join_all answers every future it is given"),
    }
}

/// Confirms a rollback from `online` to `target`, after showing what
/// changes between their configurations; then opens the rollback's progress.
/// `images` are the two versions' images, as their records name them.
#[component]
pub fn RollbackPanel(
    online: String,
    target: String,
    images: (Option<String>, Option<String>),
    /// Why the rollback cannot start now (the role, a running deploy, the target).
    why: Signal<Option<String>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let navigate = use_navigate();
    let versions = (online.clone(), target.clone());
    let details = LocalResource::new(move || {
        let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
        let ask = |version: &String| {
            let req = DescribeVersionDetailRequest {
                env_id: env.clone(),
                server_name: service.clone(),
                version_name: version.clone(),
                channel: None,
            };
            api::cloud::<DescribeVersionDetail>(&req)
        };
        let asked = both(ask(&versions.0), ask(&versions.1));
        async move {
            let (a, b) = asked.await;
            Ok::<Details, ApiError>((a?, b?))
        }
    });
    let loaded = Memo::new(move |_| details.get());
    // Secret values arrive masked; comparing them needs them revealed (audited).
    let reveal = {
        let versions = (online.clone(), target.clone());
        Action::new_local(move |_: &()| {
            let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
            let asked = both(
                api::reveal_version_secrets(&env, &service, &versions.0),
                api::reveal_version_secrets(&env, &service, &versions.1),
            );
            async move {
                let (a, b) = asked.await;
                Ok::<(Vars, Vars), ApiError>((a?.env_params, b?.env_params))
            }
        })
    };
    let diff = Signal::derive(move || {
        loaded.with(|d| match d {
            Some(Ok((a, b))) => {
                let (mut before, mut after) =
                    (Config::of_version(a, images.0.clone()), Config::of_version(b, images.1.clone()));
                if let Some(Ok((va, vb))) = reveal.value().get() {
                    (before, after) = (before.revealed(va), after.revealed(vb));
                }
                compare(&before, &after)
            }
            _ => Diff::default(),
        })
    });
    let submit = {
        let (online, target) = (online.clone(), target.clone());
        Action::new_local(move |_: &()| {
            let req = SubmitServerRollbackRequest {
                env_id: ctx.env_id.get_untracked(),
                server_name: svc.name.get_untracked(),
                current_version_name: online.clone(),
                rollback_version_name: target.clone(),
                operator_remark: None,
            };
            async move { api::cloud::<SubmitServerRollback>(&req).await }
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(r)) = submit.value().get() {
            let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
            navigate(&format!("/envs/{env}/services/{service}/tasks/{}", r.task_id), Default::default());
        }
    });
    let ready = move || matches!(loaded.get(), Some(Ok(_)));
    let locked = move || why.with(Option::is_some) || !ready() || submit.pending().get();
    let described = move || why.with(Option::is_some).then_some("rollback-panel-why");
    let reveal_why = Signal::derive(move || ctx.denial(Endpoint::RevealSecrets.rule().need).filter(|r| !r.is_empty()));
    let reveal_locked = move || ctx.denial(Endpoint::RevealSecrets.rule().need).is_some() || reveal.pending().get();
    let texts = |f: fn(&str, Lang) -> String, v: &String| {
        let v = v.clone();
        Signal::derive(move || f(&v, lang()))
    };
    let title = texts(rollback_to, &target);
    let caption = {
        let (online, target) = (online.clone(), target.clone());
        Signal::derive(move || rollback_diff_caption(&online, &target, lang()))
    };
    let explain = {
        let (online, target) = (online.clone(), target.clone());
        move || rollback_explain(&online, &target, lang())
    };
    let (before, after) = (texts(online_now, &online), texts(after_rollback, &target));
    view! {
        <section id="rollback-panel" class="stack card" aria-labelledby="rollback-title" data-testid="rollback"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_close.run(());
                }
            }>
            <h4 id="rollback-title" class="h3" tabindex="-1">{title}</h4>
            <p class="help">{explain}</p>
            <Loaded value=loaded retry=Callback::new(move |_| details.refetch()) let:_details>
                <ConfigDiff caption before after diff>
                    <div class="row">
                        <button type="button" class="button" aria-describedby="rollback-secrets-help"
                            disabled=reveal_locked on:click=move |_| {
                                reveal.dispatch(());
                            }>
                            {t(Msg::CompareSecrets)}
                        </button>
                        <span id="rollback-secrets-help" class="help">{t(Msg::CompareSecretsHelp)}</span>
                    </div>
                    <Reason id="rollback-secrets-why" text=reveal_why />
                    <ErrorNote error=error_of(reveal) />
                </ConfigDiff>
            </Loaded>
            <Reason id="rollback-panel-why" text=why />
            <div class="row">
                <button type="button" class="button primary" aria-describedby=described disabled=locked
                    on:click=move |_| {
                        submit.dispatch(());
                    }>
                    {title}
                </button>
                <button type="button" class="button" on:click=move |_| on_close.run(())>{t(Msg::Cancel)}</button>
            </div>
            <ErrorNote error=error_of(submit) />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(version: &str, status: RecordStatus, image: bool) -> DeployRecord {
        DeployRecord {
            deploy_id: version.into(),
            deploy_time: String::new(),
            status,
            run_id: format!("run-{version}"),
            build_id: 0,
            flow_ratio: 0,
            image_url: image.then(|| format!("shop:{version}")),
            scale_status: String::new(),
            has_traffic: false,
            traffic_type: "FLOW".into(),
            is_releasing: false,
        }
    }

    /// shop-005 failed, shop-004 runs newer than the online shop-003 (after a
    /// rollback to it), shop-002 was cancelled, shop-001 was deleted.
    fn records() -> Vec<DeployRecord> {
        use RecordStatus::*;
        vec![
            record("shop-005", DeployFailed, true),
            record("shop-003", Running, true),
            record("shop-004", Running, true),
            record("shop-003", Running, true),
            record("shop-002", Cancelled, true),
            record("shop-001", Running, false),
            record("shop-000", Running, true),
        ]
    }

    #[test]
    fn r_rb_2_only_older_versions_that_served_are_targets() {
        let list = records();
        let online = Some("shop-003");
        assert_eq!(not_target("shop-000", &list, online), None);
        assert_eq!(not_target("shop-003", &list, online), Some(NotTarget::Online));
        assert_eq!(not_target("shop-004", &list, online), Some(NotTarget::Newer("shop-003".into())));
        assert_eq!(not_target("shop-005", &list, online), Some(NotTarget::Newer("shop-003".into())));
        assert_eq!(not_target("shop-002", &list, online), Some(NotTarget::NeverServed));
        assert_eq!(not_target("shop-001", &list, online), Some(NotTarget::Deleted));
        assert_eq!(not_target("shop-000", &list, None), Some(NotTarget::NothingOnline));
    }

    #[test]
    fn versions_without_numbers_are_ordered_by_their_first_deploy() {
        let list = vec![
            record("beta", RecordStatus::Running, true),
            record("alpha", RecordStatus::Running, true),
            record("beta", RecordStatus::Running, true),
            record("gamma", RecordStatus::Running, true),
        ];
        // beta was first deployed after gamma and before alpha.
        assert!(!is_older("beta", "gamma", &list));
        assert!(is_older("beta", "alpha", &list));
        assert_eq!(not_target("gamma", &list, Some("beta")), None);
        assert_eq!(not_target("alpha", &list, Some("beta")), Some(NotTarget::Newer("beta".into())));
    }

    #[test]
    fn every_reason_reads_in_both_languages() {
        for reason in [NotTarget::NothingOnline, NotTarget::Online, NotTarget::Deleted, NotTarget::Newer("s-1".into())]
        {
            assert_ne!(reason.text(Lang::En), reason.text(Lang::Zh));
        }
        assert!(NotTarget::Newer("shop-003".into()).text(Lang::En).contains("shop-003"));
    }
}
