//! A certificate that expires within 30 days ([`expires_soon`]), or has,
//! flagged outside the Domains tab too: a notice on the service's overview
//! that leads to the tab, and a badge on the environment's services list.
//! Both say it in words, not in colour alone. Either stays silent when the
//! domains cannot be read: the Domains tab says why.
//!
//! [`expires_soon`]: console_shared::certs::expires_soon

use leptos::prelude::*;

use super::data::{expiring_of, service_domains};
use crate::components::now;
use crate::i18n::{Msg, cert_expiry_notice, lang, service_cert_flag, t};
use crate::pages::env_layout::{EnvCtx, named};
use crate::pages::service::ServiceCtx;

pub use super::data::{Expiring, env_expiring};

/// The overview's notice, one line per domain, with the way to renew.
#[component]
pub fn CertExpiryNotice() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let asked = LocalResource::new(move || {
        let (env, service) = (ctx.env_id.get(), svc.name.get());
        async move {
            let bound = service_domains(named(env).await, named(service).await).await?;
            Ok::<_, console_shared::dto::ApiError>(expiring_of(&bound, now()))
        }
    });
    let soon = Memo::new(move |_| asked.get().and_then(Result::ok).unwrap_or_default());
    let href = move || format!("/envs/{}/services/{}/domains", ctx.env_id.get(), svc.name.get());
    move || {
        let list = soon.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="warning stack" data-testid="cert-expiry-notice">
                    {list
                        .into_iter()
                        .map(|e| {
                            let days = e.days_left(now());
                            view! { <p>{move || cert_expiry_notice(&e.domain, days, lang())}</p> }
                        })
                        .collect_view()}
                    <a href=href>{t(Msg::RenewOnDomainsTab)}</a>
                </div>
            }
        })
    }
}

/// The badge on a service's row of the environment's list: its soonest
/// certificate to expire, when one is that close.
#[component]
pub fn ServiceCertFlag(#[prop(into)] expiring: Signal<Vec<Expiring>>, service: String) -> impl IntoView {
    // The list is soonest first.
    let days = move || expiring.with(|l| l.iter().find(|e| e.service == service).map(|e| e.days_left(now())));
    move || {
        days().map(|days| {
            view! {
                " "
                <span class="badge warn" data-testid="cert-expiry">{move || service_cert_flag(days, lang())}</span>
            }
        })
    }
}
