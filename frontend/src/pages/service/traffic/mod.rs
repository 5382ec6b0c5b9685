//! The traffic of an open gray release (R-UPD-2..4, R-UPD-6): the stable
//! and the new version with what each gets now; a split by percentage (a
//! slider with presets) or by URL parameter (`url.rs`); and finishing or
//! abandoning the release, each confirmed with the traffic it leaves.
//! Beside the split set, the split observed (`observed.rs`).

mod observed;
mod url;

use console_shared::actions::{
    ObjectKv, OperateServerManage, OperateServerManageRequest, ReleaseGray, ReleaseGrayRequest, ReleaseOrderInfo,
    VersionFlowInfo,
};
use console_shared::dto::ApiError;
use console_shared::traffic::{Split, UrlRule};
use console_shared::vocab::{OperateType, TrafficType};
use leptos::prelude::*;

use super::ServiceCtx;
use crate::api;
use crate::components::{ConfirmStep, ErrorNote, Reason, error_of};
use crate::i18n::{
    Msg, abandon_label, at_full, confirm_abandon, confirm_finish, finish_label, gray_abandoned, gray_finished,
    gray_intro, lang, percent_split, share_text, slider_label, t, version_role,
};
use crate::pages::env_layout::EnvCtx;
use observed::ObservedSplit;
use url::UrlRuleForm;

stylance::import_crate_style!(style, "src/pages/service/traffic/traffic.module.css");

/// The canary's shares the presets offer, in percent.
const PRESETS: [u8; 6] = [1, 5, 10, 25, 50, 100];

/// The two versions of an open release order.
#[derive(Debug, Clone, PartialEq)]
struct Pair {
    stable: String,
    canary: String,
}

/// The split an open release order describes. A URL rule sits on the
/// version that is not the default (R-UPD-4); an order that names none
/// falls back to its `TrafficTypeValues`.
pub fn split_of(order: &ReleaseOrderInfo) -> Split {
    if order.traffic_type == TrafficType::UrlParams {
        let sides = [(&order.current_version, false), (&order.release_version, true)];
        if let Some((v, to_canary)) = sides.iter().find(|(v, _)| !v.is_default_priority && !v.url_param.key.is_empty())
        {
            let rule = UrlRule { key: v.url_param.key.clone(), value: v.url_param.value.clone() };
            return Split::Url { rule, to_canary: *to_canary };
        }
        if let Some(kv) = order.traffic_type_values.first() {
            let rule = UrlRule { key: kv.key.clone(), value: kv.value.clone() };
            return Split::Url { rule, to_canary: !order.release_version.is_default_priority };
        }
    }
    Split::Percent(order.flow_ratio.clamp(0, 100) as u8)
}

/// `ReleaseGray` by percentage, as the `tcb` CLI sends it (CLOUD-API.md §12):
/// the stable version is the default, the two shares sum to 100.
fn flow_request(env: String, service: String, pair: &Pair, canary: u8) -> ReleaseGrayRequest {
    let canary = i64::from(canary.min(100));
    let item = |version: &str, default: bool, ratio: i64, priority: i64| VersionFlowInfo {
        version_name: version.to_string(),
        is_default_priority: default,
        flow_ratio: Some(ratio),
        url_param: None,
        priority: Some(priority),
    };
    ReleaseGrayRequest {
        env_id: env,
        server_name: service,
        gray_type: "gray".into(),
        traffic_type: TrafficType::Flow,
        version_flow_items: Some(vec![item(&pair.stable, true, 100 - canary, 1), item(&pair.canary, false, canary, 2)]),
        gray_flow_ratio: Some(canary),
        ..Default::default()
    }
}

/// `ReleaseGray` by URL parameter (R-UPD-4): the rule's version carries the
/// parameter, the other one is the default for every other request.
fn url_request(env: String, service: String, pair: &Pair, rule: &UrlRule, to_canary: bool) -> ReleaseGrayRequest {
    let (target, default) = if to_canary { (&pair.canary, &pair.stable) } else { (&pair.stable, &pair.canary) };
    ReleaseGrayRequest {
        env_id: env,
        server_name: service,
        gray_type: "gray".into(),
        traffic_type: TrafficType::UrlParams,
        version_flow_items: Some(vec![
            VersionFlowInfo {
                version_name: target.clone(),
                is_default_priority: false,
                url_param: Some(ObjectKv { key: rule.key.clone(), value: rule.value.clone() }),
                priority: Some(1),
                ..Default::default()
            },
            VersionFlowInfo {
                version_name: default.clone(),
                is_default_priority: true,
                priority: Some(2),
                ..Default::default()
            },
        ]),
        ..Default::default()
    }
}

/// Sets the split: sends a `ReleaseGray` and refreshes the page once it is
/// accepted.
fn apply_action(svc: ServiceCtx) -> Action<ReleaseGrayRequest, Result<(), ApiError>> {
    let apply = Action::new_local(move |req: &ReleaseGrayRequest| {
        let req = req.clone();
        async move { api::cloud::<ReleaseGray>(&req).await.map(|_| ()) }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = apply.value().get() {
            svc.refresh.run(());
        }
    });
    apply
}

/// The panel, while a gray release is open. What it says after the release
/// ended stays, so the end is announced where the panel was.
#[component]
pub fn Traffic() -> impl IntoView {
    let svc = expect_context::<ServiceCtx>();
    let pair = Memo::new(move |_| {
        svc.release.with(|o| {
            o.as_ref().map(|o| Pair {
                stable: o.current_version.version_name.clone(),
                canary: o.release_version.version_name.clone(),
            })
        })
    });
    let ended = RwSignal::new(None::<(OperateType, Pair)>);
    view! {
        {move || pair.get().map(|pair| view! { <Panel pair ended /> })}
        // Always there, so the end is announced as it is written.
        <p role="status" class:notice=move || ended.with(Option::is_some) class:ok=move || ended.with(Option::is_some)>
            {move || {
                ended.get().map(|(op, pair)| match op {
                    OperateType::Done => gray_finished(&pair.canary, lang()),
                    _ => gray_abandoned(&pair.canary, &pair.stable, lang()),
                })
            }}
        </p>
    }
}

#[component]
fn Panel(pair: Pair, ended: RwSignal<Option<(OperateType, Pair)>>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    ended.set(None);
    let split = Memo::new(move |_| svc.release.with(|o| o.as_ref().map(split_of)));
    // The canary's deploy still runs: the split waits for it (CLOUD-API.md §12).
    let releasing = Memo::new(move |_| svc.release.with(|o| o.as_ref().is_some_and(|o| o.is_releasing)));
    let still = move || releasing.get().then(|| Msg::GrayStillDeploying.text(lang()).to_string());
    let split_why = Signal::derive(move || ctx.denial_of::<ReleaseGray>().filter(|r| !r.is_empty()).or_else(still));
    let split_locked = Signal::derive(move || ctx.denial_of::<ReleaseGray>().is_some() || releasing.get());
    let end_why = Signal::derive(move || {
        ctx.denial_of::<OperateServerManage>()
            .filter(|r| !r.is_empty())
            .or_else(still)
            .or_else(|| svc.gray_task.with(Option::is_none).then(|| Msg::GrayTaskUnknown.text(lang()).to_string()))
    });
    let end_locked = Signal::derive(move || {
        ctx.denial_of::<OperateServerManage>().is_some() || releasing.get() || svc.gray_task.with(Option::is_none)
    });
    let end = {
        let pair = pair.clone();
        let end = Action::new_local(move |op: &OperateType| {
            let req = OperateServerManageRequest {
                env_id: ctx.env_id.get_untracked(),
                server_name: svc.name.get_untracked(),
                task_id: svc.gray_task.get_untracked().unwrap_or_default(),
                operate_type: op.clone(),
                operator_remark: None,
            };
            let op = op.clone();
            async move { api::cloud::<OperateServerManage>(&req).await.map(|_| op) }
        });
        Effect::new(move |_| {
            if let Some(Ok(op)) = end.value().get() {
                ended.set(Some((op, pair.clone())));
                svc.refresh.run(());
            }
        });
        end
    };
    let by_url = RwSignal::new(matches!(split.get_untracked(), Some(Split::Url { .. })));
    let intro = {
        let pair = pair.clone();
        move || gray_intro(&pair.canary, &pair.stable, lang())
    };
    view! {
        <section class=format!("stack {}", style::panel) aria-labelledby="gray-title" data-testid="traffic">
            <h3 id="gray-title" class="h3">{t(Msg::GrayTitle)}</h3>
            <p class="help">{intro}</p>
            <Now pair=pair.clone() split />
            <ObservedSplit stable=pair.stable.clone() canary=pair.canary.clone() />
            <fieldset class="field">
                <legend>{t(Msg::SplitBy)}</legend>
                <div class="row">
                    <label class="inline">
                        <input type="radio" name="gray-split" prop:checked=move || !by_url.get()
                            on:change=move |_| by_url.set(false) />
                        {t(Msg::SplitByPercent)}
                    </label>
                    <label class="inline">
                        <input type="radio" name="gray-split" prop:checked=move || by_url.get()
                            on:change=move |_| by_url.set(true) />
                        {t(Msg::SplitByUrl)}
                    </label>
                </div>
            </fieldset>
            <Reason id="gray-split-why" text=split_why />
            // Both forms stay mounted, so switching keeps what was typed.
            <PercentForm pair=pair.clone() split hidden=by_url.into() why=split_why locked=split_locked />
            <UrlRuleForm pair=pair.clone() split hidden=Signal::derive(move || !by_url.get()) why=split_why
                locked=split_locked />
            <EndRelease pair end why=end_why locked=end_locked />
        </section>
    }
}

/// What each version gets now.
#[component]
fn Now(pair: Pair, split: Memo<Option<Split>>) -> impl IntoView {
    let share = move |canary: bool| move || split.with(|s| s.as_ref().map(|s| share_text(s, canary, lang())));
    let (stable, canary) = (pair.stable.clone(), pair.canary.clone());
    view! {
        <h4 class="h3">{t(Msg::TrafficNow)}</h4>
        <dl class="facts" data-testid="traffic-now">
            <dt>{move || version_role(&stable, false, lang())}</dt>
            <dd>{share(false)}</dd>
            <dt>{move || version_role(&canary, true, lang())}</dt>
            <dd>{share(true)}</dd>
        </dl>
    }
}

/// The split by percentage: a slider (arrow keys move it by 1 %) and
/// presets. 100 % ends the release (R-UPD-3): there the form says so and
/// leaves it to Finish, below, instead of offering a second Finish.
#[component]
fn PercentForm(
    pair: Pair,
    split: Memo<Option<Split>>,
    hidden: Signal<bool>,
    why: Signal<Option<String>>,
    locked: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let apply = apply_action(svc);
    let initial = match split.get_untracked() {
        Some(Split::Percent(p)) => p,
        _ => 0,
    };
    let percent = RwSignal::new(initial);
    // A new choice: what was said about the last one no longer applies.
    let choose = move |p: u8| {
        percent.set(p);
        apply.value().set(None);
    };
    let full = move || percent.get() == 100;
    // "Applied" only while the form shows what is in force.
    let applied = move || {
        matches!(apply.value().get(), Some(Ok(()))) && split.with(|s| *s == Some(Split::Percent(percent.get())))
    };
    // Only a reason on screen is referred to.
    let described = move || why.with(Option::is_some).then_some("gray-split-why");
    let full_note = {
        let pair = pair.clone();
        move || at_full(&pair.canary, &pair.stable, lang())
    };
    let told = {
        let pair = pair.clone();
        move || percent_split(&pair.canary, &pair.stable, percent.get(), lang())
    };
    let label = {
        let canary = pair.canary.clone();
        move || slider_label(&canary, lang())
    };
    let submit = {
        let pair = pair.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if !full() {
                let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
                apply.dispatch(flow_request(env, service, &pair, percent.get_untracked()));
            }
        }
    };
    view! {
        // Hidden by a wrapper: `.hidden` does not win over `.stack`.
        <div class:hidden=hidden>
            <form class="stack" novalidate on:submit=submit data-testid="split-percent">
                <div class="field">
                    <label for="gray-percent">{label}</label>
                    <input id="gray-percent" type="range" min="0" max="100" step="1" class=style::slider
                        prop:value=move || percent.get().to_string()
                        aria-valuetext=told.clone()
                        aria-describedby=described
                        disabled=locked
                        on:input=move |ev| choose(event_target_value(&ev).parse().unwrap_or(0)) />
                    <output for="gray-percent">{told}</output>
                </div>
                <div class="chips" role="group" aria-label=t(Msg::Presets)>
                    {PRESETS.into_iter().map(|p| view! {
                        <button type="button" class="chip" disabled=locked
                            aria-pressed=move || (percent.get() == p).to_string()
                            on:click=move |_| choose(p)>
                            {format!("{p}%")}
                        </button>
                    }).collect_view()}
                </div>
                <Show
                    when=full
                    fallback=move || view! {
                        <div class="row">
                            <button type="submit" class="button primary" aria-describedby=described
                                disabled=move || locked.get() || apply.pending().get()>
                                {t(Msg::ApplySplit)}
                            </button>
                        </div>
                    }
                >
                    <p class="warning">{full_note.clone()}</p>
                </Show>
                <p role="status" class="help">{move || applied().then(t(Msg::SplitApplied))}</p>
                <ErrorNote error=error_of(apply) />
            </form>
        </div>
    }
}

/// Finishing or abandoning the release (R-UPD-3), each after a confirm step
/// that says where the traffic goes.
#[component]
fn EndRelease(
    pair: Pair,
    end: Action<OperateType, Result<OperateType, ApiError>>,
    why: Signal<Option<String>>,
    locked: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(None::<OperateType>);
    let described = move || if why.with(Option::is_some) { "gray-end-help gray-end-why" } else { "gray-end-help" };
    let question = {
        let pair = pair.clone();
        Signal::derive(move || match asking.get() {
            Some(OperateType::Done) => confirm_finish(&pair.canary, &pair.stable, lang()),
            _ => confirm_abandon(&pair.canary, &pair.stable, lang()),
        })
    };
    let disabled = move || locked.get() || end.pending().get();
    let expanded = move |op: OperateType| move || (asking.get() == Some(op.clone())).to_string();
    let (finish, abandon) = {
        let (canary, canary2) = (pair.canary.clone(), pair.canary.clone());
        (move || finish_label(&canary, lang()), move || abandon_label(&canary2, lang()))
    };
    view! {
        <div class="stack">
            <p id="gray-end-help" class="help">{t(Msg::GrayEndExplain)}</p>
            <Reason id="gray-end-why" text=why />
            <div class="row">
                <button type="button" class="button primary" aria-describedby=described disabled=disabled
                    aria-expanded=expanded(OperateType::Done) on:click=move |_| asking.set(Some(OperateType::Done))>
                    {finish}
                </button>
                <button type="button" class="button" aria-describedby=described disabled=disabled
                    aria-expanded=expanded(OperateType::GoBack) on:click=move |_| asking.set(Some(OperateType::GoBack))>
                    {abandon}
                </button>
            </div>
            <Show when=move || asking.with(Option::is_some) && !locked.get()>
                <ConfirmStep
                    id="gray-end-confirm"
                    question
                    busy=end.pending()
                    on_confirm=Callback::new(move |_| {
                        if let Some(op) = asking.get_untracked() {
                            asking.set(None);
                            end.dispatch(op);
                        }
                    })
                    on_cancel=Callback::new(move |_| asking.set(None))
                />
            </Show>
            <ErrorNote error=error_of(end) />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use console_shared::actions::ReleaseVersionInfo;
    use console_shared::traffic::to_canary;

    use super::*;

    fn pair() -> Pair {
        Pair { stable: "shop-002".into(), canary: "shop-003".into() }
    }

    fn order(traffic_type: TrafficType) -> ReleaseOrderInfo {
        let version = |name: &str| ReleaseVersionInfo { version_name: name.into(), ..Default::default() };
        ReleaseOrderInfo {
            current_version: ReleaseVersionInfo { is_default_priority: true, ..version("shop-002") },
            release_version: version("shop-003"),
            traffic_type,
            flow_ratio: 30,
            ..Default::default()
        }
    }

    #[test]
    fn r_upd_2_a_percentage_split_is_sent_as_the_cli_sends_it() {
        let req = flow_request("e".into(), "shop".into(), &pair(), 30);
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "EnvId": "e", "ServerName": "shop", "GrayType": "gray", "TrafficType": "FLOW", "GrayFlowRatio": 30,
                "VersionFlowItems": [
                    {"VersionName": "shop-002", "IsDefaultPriority": true, "FlowRatio": 70, "Priority": 1},
                    {"VersionName": "shop-003", "IsDefaultPriority": false, "FlowRatio": 30, "Priority": 2}
                ]
            })
        );
    }

    #[test]
    fn r_upd_4_a_url_rule_sits_on_its_version_and_the_other_is_the_default() {
        let rule = UrlRule { key: "env".into(), value: "beta*".into() };
        let req = url_request("e".into(), "shop".into(), &pair(), &rule, false);
        let items = req.version_flow_items.unwrap();
        assert_eq!(req.traffic_type, TrafficType::UrlParams);
        assert_eq!((items[0].version_name.as_str(), items[0].is_default_priority), ("shop-002", false));
        assert_eq!(items[0].url_param, Some(ObjectKv { key: "env".into(), value: "beta*".into() }));
        assert_eq!((items[1].version_name.as_str(), items[1].is_default_priority), ("shop-003", true));
        assert_eq!(items[1].url_param, None);
    }

    #[test]
    fn the_split_is_read_from_the_release_order() {
        assert_eq!(split_of(&order(TrafficType::Flow)), Split::Percent(30));
        let mut url = order(TrafficType::UrlParams);
        url.release_version.url_param = ObjectKv { key: "v".into(), value: "2".into() };
        let split = split_of(&url);
        assert_eq!(split, Split::Url { rule: UrlRule { key: "v".into(), value: "2".into() }, to_canary: true });
        assert!(to_canary(&split, Some("v=2"), 0));
        // An order that names the rule only in TrafficTypeValues.
        let mut bare = order(TrafficType::UrlParams);
        bare.traffic_type_values = vec![ObjectKv { key: "v".into(), value: "1".into() }];
        assert!(matches!(split_of(&bare), Split::Url { to_canary: true, .. }));
    }
}
