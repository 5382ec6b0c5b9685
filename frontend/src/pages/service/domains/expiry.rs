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
use console_shared::actions::ModifyHTTPServiceRoute;

use crate::i18n::{cert_expiry_notice, lang, renew_hint, see_domains_tab, service_cert_flag};
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
    // A viewer cannot renew it: they are told whom to ask, and may still look.
    let can_edit = move || ctx.denial_of::<ModifyHTTPServiceRoute>().is_none();
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
                    {move || {
                        if can_edit() {
                            view! { <a href=href>{move || renew_hint(true, lang())}</a> }.into_any()
                        } else {
                            view! {
                                <p>{move || renew_hint(false, lang())} " " <a href=href>{move || see_domains_tab(lang())}</a></p>
                            }
                            .into_any()
                        }
                    }}
                </div>
            }
        })
    }
}

/// The badge on a service's row of the environment's list: its soonest
/// certificate to expire, when one is that close, naming the domain and
/// leading to the service's Domains tab.
#[component]
pub fn ServiceCertFlag(#[prop(into)] expiring: Signal<Vec<Expiring>>, service: String) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let href = format!("/envs/{}/services/{service}/domains", ctx.env_id.get_untracked());
    // The list is soonest first.
    let soonest = move || {
        expiring.with(|l| l.iter().find(|e| e.service == service).map(|e| (e.domain.clone(), e.days_left(now()))))
    };
    move || {
        let href = href.clone();
        soonest().map(|(domain, days)| {
            view! {
                " "
                <a class="badge warn" href=href data-testid="cert-expiry">
                    {move || service_cert_flag(&domain, days, lang())}
                </a>
            }
        })
    }
}
