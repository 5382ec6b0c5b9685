//! One bound domain: its state, protocol and certificate (flagged when it
//! expires within 30 days), the CNAME record to create at the DNS provider
//! with a copy button and the DNS status, checked again on demand
//! (R-DOM-3); editing it in place (R-DOM-4) and unbinding it, confirmed.
//!
//! The card is drawn once per domain and reads its row from the page's
//! list, so a refresh updates the text in place and focus stays where it was.

use console_shared::actions::{
    DeleteHTTPServiceRoute, DeleteHTTPServiceRouteRequest, HttpServiceDomain, ModifyHTTPServiceRoute,
};
use console_shared::certs::{days_left, expires_soon};
use console_shared::time::parse_cst;
use console_shared::vocab::{DnsStatus, DomainProtocol, RouteStatus};
use leptos::prelude::*;

use super::data::{Bound, slug};
use super::form::EditForm;
use super::{DomainsCtx, Said, style};
use crate::api;
use crate::components::{ConfirmStep, ErrorNote, error_of, focus_by_id, local_time, now, zoned};
use crate::i18n::{
    Msg, checked_at, dns_status, expiry_text, for_domain, lang, protocol_name, route_status, t, unbind_question,
    validity_text,
};
use crate::pages::env_layout::EnvCtx;
use crate::pages::service::ServiceCtx;

/// The id of a card's heading, which takes focus once the domain is bound.
pub fn title_id(domain: &str) -> String {
    format!("domain-{}-title", slug(domain))
}

/// Where the domain is opened: over HTTPS unless it is served over HTTP.
fn address(route: &HttpServiceDomain) -> String {
    let scheme = match route.protocol {
        DomainProtocol::Http | DomainProtocol::HttpsToHttp => "http",
        _ => "https",
    };
    format!("{scheme}://{}/", route.domain)
}

#[component]
pub fn DomainCard(domain: String) -> impl IntoView {
    let page = expect_context::<DomainsCtx>();
    let row = {
        let domain = domain.clone();
        Memo::new(move |_| page.row(&domain))
    };
    // Each part follows its own field, so one that changes leaves the others alone.
    let status = Memo::new(move |_| row.with(|r| r.as_ref().map(|b| b.route.status.clone()).unwrap_or_default()));
    let open = Memo::new(move |_| row.with(|r| r.as_ref().map(|b| address(&b.route)).unwrap_or_default()));
    let protocol = Memo::new(move |_| row.with(|r| r.as_ref().map(|b| b.route.protocol.clone()).unwrap_or_default()));
    let end = Memo::new(move |_| row.with(|r| r.as_ref().and_then(Bound::cert_end)));
    let soon = move || end.get().map(|end| (expires_soon(end, now()), days_left(end, now())));
    let title = title_id(&domain);
    // The view builds children before their parent's attributes: these go first.
    let (labelled_by, data_domain) = (title.clone(), domain.clone());
    view! {
        <li class=format!("card {}", style::item) data-testid="domain-row" data-domain=data_domain>
            <article class="stack" aria-labelledby=labelled_by>
                <div class=style::head>
                    <h4 id=title class="h3 break" tabindex="-1">{domain.clone()}</h4>
                    <span class="badge" data-testid="domain-status"
                        class:ok=move || status.get() == RouteStatus::Success
                        class:bad=move || status.get() == RouteStatus::Fail
                        class:busy=move || matches!(status.get(), RouteStatus::Processing | RouteStatus::EoPendingVerification)>
                        {move || route_status(&status.get(), lang())}
                    </span>
                    {move || soon().filter(|(soon, _)| *soon).map(|(_, days)| view! {
                        <span class="badge warn" data-testid="cert-expiry">{move || expiry_text(days, lang())}</span>
                    })}
                </div>
                <Show when=move || status.get() == RouteStatus::Fail>
                    <p class="warning">{t(Msg::RouteFailHelp)}</p>
                </Show>
                <dl class="facts">
                    <dt>{t(Msg::Protocol)}</dt>
                    <dd data-testid="domain-protocol">{move || protocol_name(&protocol.get(), lang())}</dd>
                    <dt>{move || zoned(t(Msg::DomainCertificate)())}</dt>
                    <dd data-testid="domain-certificate"><CertFacts row /></dd>
                    <dt>{t(Msg::OpenDomain)}</dt>
                    <dd>
                        <a class="break" href=move || open.get() target="_blank" rel="noopener noreferrer"
                            data-testid="domain-open">{move || open.get()}</a>
                    </dd>
                </dl>
                <DnsRecord domain=domain.clone() row />
                <Manage domain row />
            </article>
        </li>
    }
}

/// The certificate's names and validity, from `DescribeCertificateDetail`.
#[component]
fn CertFacts(row: Memo<Option<Bound>>) -> impl IntoView {
    let cert = Memo::new(move |_| row.with(|r| r.as_ref().and_then(|b| b.cert.clone())));
    move || match cert.get() {
        None => view! { <span>{t(Msg::NoCertificate)}</span> }.into_any(),
        Some(Err(e)) => view! {
            <span>{t(Msg::CertUnreadable)}</span>
            <ErrorNote error=Signal::derive(move || Some(e.clone())) />
        }
        .into_any(),
        Some(Ok(d)) => {
            let names = if d.subject_alt_name.is_empty() { d.domain.clone() } else { d.subject_alt_name.join(", ") };
            let (from, until) = (parse_cst(&d.cert_begin_time), parse_cst(&d.cert_end_time));
            let valid = move || match (from, until) {
                (Some(from), Some(until)) => {
                    validity_text(&local_time(from), &local_time(until), days_left(until, now()), lang())
                }
                _ => format!("{} – {}", d.cert_begin_time, d.cert_end_time),
            };
            view! {
                <code class="break" data-testid="domain-cert-names">{names}</code>
                <p class="help" data-testid="domain-cert-validity">{valid}</p>
            }
            .into_any()
        }
    }
}

/// The CNAME record to create at the DNS provider and whether the domain
/// points at it (R-DOM-3).
#[component]
fn DnsRecord(domain: String, row: Memo<Option<Bound>>) -> impl IntoView {
    let page = expect_context::<DomainsCtx>();
    let cname = Memo::new(move |_| row.with(|r| r.as_ref().map(|b| b.route.cname.clone()).unwrap_or_default()));
    let dns = Memo::new(move |_| row.with(|r| r.as_ref().map(|b| b.route.dns_status.clone()).unwrap_or_default()));
    let id = slug(&domain);
    let (title_id, value_id) = (format!("dns-{id}-title"), format!("dns-{id}-value"));
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        copied.set(None);
        let text = cname.get_untracked();
        leptos::task::spawn_local(async move {
            let ok = copy_text(&text).await;
            copied.try_set(Some(ok));
        });
    };
    let asked_here = {
        let domain = domain.clone();
        move || page.checking.with(|c| c.as_deref() == Some(domain.as_str()))
    };
    let checking = {
        let asked_here = asked_here.clone();
        move || asked_here() && page.refreshing.get()
    };
    let check = {
        let domain = domain.clone();
        move |_| {
            page.checking.set(Some(domain.clone()));
            page.refresh.run(());
        }
    };
    let words = move || dns_status(&dns.get(), lang());
    let labelled_by = title_id.clone();
    let check_label = checking.clone();
    view! {
        <section class=style::record aria-labelledby=labelled_by>
            <h5 id=title_id class="h3">{t(Msg::DnsRecordTitle)}</h5>
            <p class="help">{t(Msg::DnsRecordHelp)}</p>
            <dl class="facts">
                <dt>{t(Msg::DnsHost)}</dt>
                <dd><code class="break" data-testid="cname-host">{domain.clone()}</code></dd>
                <dt>{t(Msg::DnsType)}</dt>
                <dd><code>"CNAME"</code></dd>
                <dt>{t(Msg::DnsValue)}</dt>
                <dd class="row">
                    <code id=value_id.clone() class="break" data-testid="cname-value">{move || cname.get()}</code>
                    <button type="button" class="button" data-testid="cname-copy" aria-describedby=value_id
                        disabled=move || cname.with(String::is_empty) on:click=copy>
                        {t(Msg::CopyValue)}
                    </button>
                    <span role="status" class="help" data-testid="cname-copied">
                        {move || copied.get().map(|ok| if ok { t(Msg::Copied)() } else { t(Msg::CopyFailed)() })}
                    </span>
                </dd>
                <dt>{t(Msg::DnsStatusLabel)}</dt>
                <dd class="stack">
                    // Announced when a check again brings an answer, the time included.
                    <div role="status" class=style::dns>
                        <span class="badge" data-testid="dns-status" data-status=move || dns.get().as_str().to_string()
                            class:ok=move || dns.get() == DnsStatus::Ok
                            class:bad=move || dns.get() == DnsStatus::Invalid>
                            {move || words().0}
                        </span>
                        " "
                        // Only where the user asked: a poll elsewhere is not announced here.
                        <span class="help">
                            {move || {
                                asked_here()
                                    .then(|| page.answered_at.get())
                                    .flatten()
                                    .map(|at| checked_at(&local_time(at), lang()))
                            }}
                        </span>
                        <p class="help">{move || words().1}</p>
                    </div>
                    <div>
                        <button type="button" class="button" data-testid="dns-check" disabled=checking
                            on:click=check>
                            {move || if check_label() { t(Msg::CheckingDns)() } else { t(Msg::CheckAgain)() }}
                        </button>
                    </div>
                </dd>
            </dl>
        </section>
    }
}

/// Copies `text` to the clipboard; `false` where the browser cannot (no
/// clipboard outside a secure context, or permission refused).
async fn copy_text(text: &str) -> bool {
    let navigator = window().navigator();
    // Absent outside a secure context: calling it would throw.
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).is_ok_and(|c| !c.is_undefined());
    if !has_clipboard {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok()
}

/// Edit and Unbind, each with its form or confirm step; for viewers,
/// disabled with the page's reason.
#[component]
fn Manage(domain: String, row: Memo<Option<Bound>>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let page = expect_context::<DomainsCtx>();
    let id = slug(&domain);
    let (edit_id, unbind_id, form_id) = (format!("edit-{id}"), format!("unbind-{id}"), format!("edit-{id}-form"));
    let editing = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let unbind = {
        let domain = domain.clone();
        Action::new_local(move |_: &()| {
            let req = DeleteHTTPServiceRouteRequest {
                env_id: ctx.env_id.get_untracked(),
                domain: domain.clone(),
                paths: None,
            };
            async move { api::cloud::<DeleteHTTPServiceRoute>(&req).await.map(|_| ()) }
        })
    };
    {
        let domain = domain.clone();
        Effect::new(move |_| {
            if let Some(Ok(())) = unbind.value().get() {
                asking.set(false);
                page.said.set(Some(Said::Unbound(domain.clone())));
                page.refresh.run(());
                // The card goes: focus goes back to the list's heading.
                focus_by_id("domains-title");
            }
        });
    }
    let edit_locked = Signal::derive(move || ctx.denial_of::<ModifyHTTPServiceRoute>().is_some());
    let unbind_locked =
        Signal::derive(move || ctx.denial_of::<DeleteHTTPServiceRoute>().is_some() || unbind.pending().get());
    // Kept while the unbinding runs: its Confirm says it is busy.
    let confirming = move || asking.get() && ctx.denial_of::<DeleteHTTPServiceRoute>().is_none();
    // Only a reason on screen is referred to: the page's, for a viewer.
    let why = move || page.why.with(Option::is_some).then_some("domains-why");
    let names = {
        let domain = domain.clone();
        move |msg: Msg| {
            let domain = domain.clone();
            move || for_domain(msg, &domain, lang())
        }
    };
    let question = {
        let domain = domain.clone();
        Signal::derive(move || unbind_question(&domain, &svc.name.get(), lang()))
    };
    let on_saved = {
        let domain = domain.clone();
        Callback::new(move |_: String| {
            editing.set(false);
            page.said.set(Some(Said::Saved(domain.clone())));
            page.refresh.run(());
            focus_by_id(&title_id(&domain));
        })
    };
    let close_edit = {
        let edit_id = edit_id.clone();
        Callback::new(move |_| {
            editing.set(false);
            focus_by_id(&edit_id);
        })
    };
    let unbind_cancel = {
        let unbind_id = unbind_id.clone();
        Callback::new(move |_| {
            asking.set(false);
            focus_by_id(&unbind_id);
        })
    };
    view! {
        <div class="row">
            <button id=edit_id type="button" class="button" data-testid="domain-edit" aria-label=names(Msg::EditDomain)
                aria-expanded=move || editing.get().to_string() aria-controls=form_id aria-describedby=why
                disabled=edit_locked on:click=move |_| {
                    asking.set(false);
                    editing.update(|e| *e = !*e);
                }>
                {t(Msg::EditDomain)}
            </button>
            <button id=unbind_id type="button" class="button" data-testid="domain-unbind" aria-label=names(Msg::Unbind)
                aria-expanded=move || asking.get().to_string() aria-describedby=why disabled=unbind_locked
                on:click=move |_| {
                    editing.set(false);
                    asking.set(true);
                }>
                {t(Msg::Unbind)}
            </button>
        </div>
        <Show when=confirming>
            <ConfirmStep
                id=format!("unbind-{id}-question")
                question
                busy=unbind.pending()
                on_confirm=Callback::new(move |_| {
                    unbind.dispatch(());
                })
                on_cancel=unbind_cancel
            />
        </Show>
        <ErrorNote error=error_of(unbind) />
        <Show when=move || editing.get()>
            {move || row.get_untracked().map(|bound| view! { <EditForm bound on_cancel=close_edit on_saved /> })}
        </Show>
    }
}
