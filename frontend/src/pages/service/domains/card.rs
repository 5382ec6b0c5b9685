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
use wasm_bindgen::JsCast;

use super::data::{Bound, slug};
use super::form::EditForm;
use super::form::focus_confirm;
use super::{DomainsCtx, Said, style};
use crate::api;
use crate::components::{ConfirmStep, CopyButton, ErrorNote, error_of, focus_by_id, local_time, now, zone, zoned};
use crate::i18n::{
    Msg, checked_at, days_left_text, dns_status, expiry_text, for_domain, lang, period_text, protocol_name,
    route_status, t, unbind_question,
};
use crate::pages::env_layout::EnvCtx;
use crate::pages::service::ServiceCtx;

/// The id of a card's heading, which takes focus once the domain is bound.
pub fn title_id(domain: &str) -> String {
    format!("domain-{}-title", slug(domain))
}

/// The port a URL names explicitly: `http://x.run.localhost:8081` → 8081.
fn explicit_port(url: &str) -> Option<u16> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    // An IPv6 literal's colons are inside its brackets.
    let after_host = host_port.rsplit_once(']').map_or(host_port, |(_, p)| p);
    after_host.rsplit_once(':')?.1.parse().ok()
}

/// Where the domain is opened. Where the service's default domain names a
/// port (the local cloud's gateway), the domain is reached on that port over
/// HTTP, and the gateway redirects or explains from there; otherwise over
/// HTTPS unless it is served over HTTP only.
fn address(route: &HttpServiceDomain, default_domain: &str) -> String {
    if let Some(port) = explicit_port(default_domain) {
        return format!("http://{}:{port}/", route.domain);
    }
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
    let svc = expect_context::<ServiceCtx>();
    let default_domain =
        Memo::new(move |_| svc.detail.with(|d| d.as_ref().map(|d| d.base_info.default_domain_name.clone())));
    let open = Memo::new(move |_| {
        let default_domain = default_domain.get().unwrap_or_default();
        row.with(|r| r.as_ref().map(|b| address(&b.route, &default_domain)).unwrap_or_default())
    });
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
            let valid = match (from, until) {
                (Some(from), Some(until)) => {
                    let days = days_left(until, now());
                    view! {
                        {period_text(&local_time(from), &local_time(until))}
                        " "
                        <span class="nowrap">{move || days_left_text(days, lang())}</span>
                    }
                    .into_any()
                }
                _ => period_text(&d.cert_begin_time, &d.cert_end_time).into_any(),
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
                    <CopyButton text=cname label=Msg::CopyValue described_by=value_id testid="cname-copy"
                        note_testid="cname-copied" />
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
                                    .map(|at| checked_at(&format!("{} ({})", local_time(at), zone()), lang()))
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

/// Focuses the first control of the form `id` that can take it: the
/// protocol chosen, else the first field.
fn focus_in(id: &str) {
    let Some(form) = document().get_element_by_id(id) else { return };
    let target = form
        .query_selector("input:checked:not([disabled])")
        .ok()
        .flatten()
        .or_else(|| form.query_selector("input:not([disabled]), textarea:not([disabled])").ok().flatten());
    if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
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
    let form_id_focus = form_id.clone();
    let confirm_id = format!("unbind-{id}-confirm");
    {
        // The question is brought into view with focus in it: Escape cancels.
        let confirm_id = confirm_id.clone();
        Effect::new(move |_| {
            if asking.get() {
                let confirm_id = confirm_id.clone();
                request_animation_frame(move || focus_confirm(&confirm_id));
            }
        });
    }
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
                disabled=edit_locked on:click={
                    let form_id = form_id_focus.clone();
                    move |_| {
                        asking.set(false);
                        if editing.get_untracked() {
                            // Open already: what is typed in it stays; focus goes there.
                            focus_in(&form_id);
                        } else {
                            editing.set(true);
                        }
                    }
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
            <div id=confirm_id.clone()>
                <ConfirmStep
                    id=format!("unbind-{id}-question")
                    question
                    busy=unbind.pending()
                    on_confirm=Callback::new(move |_| {
                        unbind.dispatch(());
                    })
                    on_cancel=unbind_cancel
                />
            </div>
        </Show>
        <ErrorNote error=error_of(unbind) />
        <Show when=move || editing.get()>
            {move || row.get_untracked().map(|bound| view! { <EditForm bound on_cancel=close_edit on_saved /> })}
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(protocol: DomainProtocol) -> HttpServiceDomain {
        HttpServiceDomain { domain: "shop.example.com".into(), protocol, ..Default::default() }
    }

    #[test]
    fn a_domain_opens_on_the_port_the_default_domain_names() {
        // The local cloud's gateway: its HTTP port, whatever the protocol.
        let local = "http://shop-1.run.localhost:8081";
        assert_eq!(address(&route(DomainProtocol::Https), local), "http://shop.example.com:8081/");
        assert_eq!(address(&route(DomainProtocol::Http), local), "http://shop.example.com:8081/");
        // The real cloud: no port; HTTPS unless served over HTTP only.
        let cloud = "https://shop-1-abc.ap-shanghai.run.tcloudbase.com";
        assert_eq!(address(&route(DomainProtocol::Https), cloud), "https://shop.example.com/");
        assert_eq!(address(&route(DomainProtocol::HttpToHttps), cloud), "https://shop.example.com/");
        assert_eq!(address(&route(DomainProtocol::Http), cloud), "http://shop.example.com/");
        assert_eq!(explicit_port("http://[::1]:8081/x"), Some(8081));
        assert_eq!(explicit_port("https://[::1]/x"), None);
        assert_eq!(explicit_port(""), None);
    }
}
