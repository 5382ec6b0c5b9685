//! The Domains tab: the custom domains bound to the service (R-DOM-1..4).
//! The default domain is for testing only (R-SVC-2); here a domain the user
//! owns is bound with its HTTPS certificate (`form.rs`; the certificate's
//! fields in `cert_fields.rs`, checked first by the BFF: `cert_preview.rs`;
//! the upload and the binding in `submit.rs`), and each bound domain shows the CNAME record to
//! create and whether DNS points at it yet (`card.rs`). A certificate that
//! expires within 30 days is flagged here, on the overview and on the
//! environment's services list (`expiry.rs`).
//!
//! Viewers see it all; the controls that change something are disabled
//! with the reason.

mod card;
mod cert_fields;
mod cert_preview;
mod data;
mod expiry;
mod form;
mod submit;

use console_shared::actions::CreateHTTPServiceRoute;
use console_shared::dto::ApiError;
use console_shared::vocab::RouteStatus;
use leptos::prelude::*;

use super::ServiceCtx;
use crate::components::{ErrorNote, Keyed, Loaded, Reason, focus_by_id, now, poll_while};
use crate::i18n::{Msg, bound_announcement, lang, saved_announcement, t, unbound_announcement};
use crate::pages::env_layout::{EnvCtx, named};
use card::{DomainCard, title_id};
use data::{Bound, service_domains};
pub use expiry::{CertExpiryNotice, Expiring, ServiceCertFlag, env_expiring};
use form::AddForm;

stylance::import_crate_style!(style, "src/pages/service/domains/domains.module.css");

/// What the page last did, announced (`role="status"`) until the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// Bound: the announcement carries the CNAME record to create (R-DOM-3).
    Bound(String),
    Saved(String),
    Unbound(String),
}

/// What the page's parts share.
#[derive(Clone, Copy)]
pub struct DomainsCtx {
    /// The service's domains: the last good answer, or the first error.
    list: Memo<Option<Result<Vec<Bound>, ApiError>>>,
    /// Asks the cloud again.
    pub refresh: Callback<()>,
    /// Asked again, not answered yet.
    pub refreshing: Signal<bool>,
    /// When the last answer came (Unix seconds): "checked at".
    pub answered_at: Memo<Option<i64>>,
    /// The domain whose DNS status was asked for again.
    pub checking: RwSignal<Option<String>>,
    pub said: RwSignal<Option<Said>>,
    /// A domain whose card takes focus once it is listed.
    focus: RwSignal<Option<String>>,
    /// Why the caller may not change domains here (the role), if so.
    pub why: Signal<Option<String>>,
}

impl DomainsCtx {
    /// One domain's row, as the list has it now.
    pub fn row(&self, domain: &str) -> Option<Bound> {
        self.list.with(|l| match l {
            Some(Ok(rows)) => rows.iter().find(|b| b.name() == domain).cloned(),
            _ => None,
        })
    }

    /// Whether `domain` is bound to this service already, as listed now.
    pub fn listed(&self, domain: &str) -> bool {
        self.list.with(|l| match l {
            Some(Ok(rows)) => rows.iter().any(|b| b.name().eq_ignore_ascii_case(domain)),
            _ => false,
        })
    }

    fn said_text(&self) -> Option<String> {
        let lang = lang();
        self.said.get().and_then(|said| match said {
            // Said once the row, with its CNAME, is listed.
            Said::Bound(d) => self.row(&d).map(|b| bound_announcement(&d, &b.route.cname, lang)),
            Said::Saved(d) => Some(saved_announcement(&d, lang)),
            Said::Unbound(d) => Some(unbound_announcement(&d, lang)),
        })
    }
}

#[component]
pub fn DomainsPage() -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    // Each ask is numbered, so the page knows when the newest is answered.
    let asked = RwSignal::new(0_u32);
    let fetched = LocalResource::new(move || {
        let (env, service, n) = (ctx.env_id.get(), svc.name.get(), asked.get());
        async move {
            let (env, service) = (named(env).await, named(service).await);
            let answer = service_domains(env, service).await;
            (n, now(), answer)
        }
    });
    // A refresh that fails keeps the list shown; its error is said above it.
    let list = Memo::new(move |prev: Option<&Option<Result<Vec<Bound>, ApiError>>>| {
        match (fetched.get().map(|(_, _, answer)| answer), prev.cloned().flatten()) {
            (Some(Err(_)), Some(Ok(shown))) => Some(Ok(shown)),
            (Some(answer), _) => Some(answer),
            (None, prev) => prev,
        }
    });
    let refresh_error = Signal::derive(move || match (fetched.get(), list.get()) {
        (Some((_, _, Err(e))), Some(Ok(_))) => Some(e),
        _ => None,
    });
    let answered = Memo::new(move |_| fetched.get().map(|(n, _, _)| n));
    let answered_at = Memo::new(move |_| fetched.get().map(|(_, at, _)| at));
    let refresh = Callback::new(move |_| asked.update(|n| *n += 1));
    let why = Signal::derive(move || ctx.denial_of::<CreateHTTPServiceRoute>().filter(|r| !r.is_empty()));
    let page = DomainsCtx {
        list,
        refresh,
        refreshing: Signal::derive(move || answered.get() != Some(asked.get())),
        answered_at,
        checking: RwSignal::new(None),
        said: RwSignal::new(None),
        focus: RwSignal::new(None),
        why,
    };
    provide_context(page);
    // A domain being set up becomes active (or fails) by itself: followed.
    let processing = move || {
        list.with_untracked(
            |l| matches!(l, Some(Ok(rows)) if rows.iter().any(|b| b.route.status == RouteStatus::Processing)),
        )
    };
    poll_while(processing, move || refresh.run(()));
    // R-DOM-3: a domain just bound takes focus once listed, its CNAME announced.
    Effect::new(move |_| {
        let Some(domain) = page.focus.get() else { return };
        if page.row(&domain).is_some() {
            page.focus.set(None);
            request_animation_frame(move || focus_by_id(&title_id(&domain)));
        }
    });

    let adding = RwSignal::new(false);
    let close_add = Callback::new(move |_| {
        adding.set(false);
        request_animation_frame(|| focus_by_id("domain-add"));
    });
    let on_bound = Callback::new(move |domain: String| {
        adding.set(false);
        page.said.set(Some(Said::Bound(domain.clone())));
        page.focus.set(Some(domain));
        refresh.run(());
    });
    let empty = move || list.with(|l| matches!(l, Some(Ok(rows)) if rows.is_empty()));
    view! {
        <section class="stack" aria-labelledby="domains-title">
            <div class="page-head">
                <h3 id="domains-title" class="h3" tabindex="-1">{t(Msg::DomainsTitle)}</h3>
                <Show when=move || !empty() && !adding.get()>
                    <AddButton adding />
                </Show>
            </div>
            <p class="help">{t(Msg::DomainsIntro)}</p>
            <Reason id="domains-why" text=why notice=true />
            <p id="domains-status" role="status" data-testid="domains-status"
                class:notice=move || page.said.with(Option::is_some) class:ok=move || page.said.with(Option::is_some)>
                {move || page.said_text()}
            </p>
            <Show when=move || adding.get()>
                <AddForm on_cancel=close_add on_bound />
            </Show>
            <ErrorNote error=refresh_error />
            <Loaded value=list retry=refresh let:rows>
                <Show
                    when=move || rows.with(|r| !r.is_empty())
                    fallback=move || view! {
                        <Show when=move || !adding.get()>
                            <Empty adding />
                        </Show>
                    }
                >
                    <ul class=style::list data-testid="domains">
                        <Keyed
                            each=move || rows.with(|r| r.iter().map(|b| b.name().to_string()).collect::<Vec<_>>())
                            key=|domain| domain.clone()
                            let:domain
                        >
                            <DomainCard domain />
                        </Keyed>
                    </ul>
                </Show>
            </Loaded>
        </section>
    }
}

/// Opens the add form; disabled, with the page's reason, for viewers.
#[component]
fn AddButton(adding: RwSignal<bool>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let page = expect_context::<DomainsCtx>();
    let locked = move || ctx.denial_of::<CreateHTTPServiceRoute>().is_some();
    view! {
        <button id="domain-add" type="button" class="button primary" data-testid="domain-add"
            aria-expanded=move || adding.get().to_string() aria-controls="domain-add-form"
            aria-describedby=move || page.why.with(Option::is_some).then_some("domains-why")
            disabled=locked on:click=move |_| adding.set(true)>
            {t(Msg::AddDomain)}
        </button>
    }
}

/// No domain yet: what one is for, and the way to add one.
#[component]
fn Empty(adding: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="empty" data-testid="domains-empty">
            <h4 class="h3">{t(Msg::DomainsEmptyTitle)}</h4>
            <p>{t(Msg::DomainsEmptyBody)}</p>
            <AddButton adding />
        </div>
    }
}
