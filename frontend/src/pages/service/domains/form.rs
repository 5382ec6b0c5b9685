//! Binding a domain (R-DOM-1, R-DOM-2) and editing one in place (R-DOM-4):
//! the domain name checked as it is typed with the shared rule, the
//! certificate's fields (`cert_fields`), and the submit (`submit`); the
//! inputs stay when it fails.

use console_shared::actions::{CreateHTTPServiceRoute, ModifyHTTPServiceRoute, UploadCertificate};
use console_shared::certs::{DomainError, domain_name};
use console_shared::vocab::DomainProtocol;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::cert_fields::{CHOICES, CertForm, CertificateFields, ProtocolField};
use super::data::{Bound, slug};
use super::submit::{Place, SendAction, Step, Submit, failure_at, send_action};
use super::{DomainsCtx, style};
use crate::components::{ConfirmStep, ErrorNote, Field, Reason, focus_by_id};
use crate::i18n::{Msg, already_listed, domain_error, drop_https_question, edit_title, lang, t};
use crate::pages::env_layout::EnvCtx;
use crate::pages::service::ServiceCtx;

/// A refusal of the name that is only an unfinished one ("api", "api.",
/// "my-"): said once the field is left, not while it is typed.
fn unfinished(e: &DomainError, text: &str) -> bool {
    matches!(e, DomainError::SingleLabel)
        || (matches!(e, DomainError::EmptyLabel | DomainError::LabelHyphen) && text.ends_with(['.', '-']))
}

/// The submit button with the step that runs, why it cannot be pressed, and
/// what a failure left undone; and Cancel.
#[component]
fn Actions(
    form: CertForm,
    action: SendAction,
    step: RwSignal<Option<Step>>,
    label: Msg,
    /// Why the form cannot be sent now.
    why: Signal<Option<String>>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let why_id = form.id("why");
    let pending = action.pending();
    let described = {
        let why_id = why_id.clone();
        move || why.with(|w| w.as_ref().is_some_and(|w| !w.is_empty())).then(|| why_id.clone())
    };
    view! {
        <Reason id=why_id text=Signal::derive(move || why.get().filter(|w| !w.is_empty())) />
        <div class="row">
            <button id=form.id("submit") type="submit" class="button primary" data-testid="domain-submit"
                aria-describedby=described
                disabled=move || why.with(Option::is_some) || pending.get()>
                {move || match (pending.get(), step.get()) {
                    (true, Some(s)) => t(s.running())(),
                    _ => t(label)(),
                }}
            </button>
            <button type="button" class="button" disabled=pending on:click=move |_| on_cancel.run(())>
                {t(Msg::Cancel)}
            </button>
        </div>
        <p role="status" class="help">
            {move || match (pending.get(), step.get()) {
                (true, Some(s)) => Some(t(s.running())()),
                _ => action.value().with(|v| match v {
                    Some(Err(f)) => f.outcome().map(|m| m.text(lang())),
                    _ => None,
                }),
            }}
        </p>
        <ErrorNote error=failure_at(action, Place::Form, form) />
    }
}

/// Moves focus to the Cancel of the confirm step inside `id` (the safe
/// answer), scrolled into view; Escape there cancels.
pub fn focus_confirm(id: &str) {
    let Some(wrapper) = document().get_element_by_id(id) else { return };
    let cancel = wrapper.query_selector(".confirm .row button:last-child").ok().flatten();
    if let Some(el) = cancel.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
        el.scroll_into_view_with_bool(false);
    }
}

/// Adding a domain: its name, the protocol (HTTPS chosen), the certificate.
#[component]
pub fn AddForm(on_cancel: Callback<()>, on_bound: Callback<String>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let domain = RwSignal::new(String::new());
    // R-DOM-1, as the cloud decides it; surrounding spaces are a slip.
    let parsed = Memo::new(move |_| domain.with(|d| domain_name(d.trim())));
    let form = CertForm::new("add".into(), DomainProtocol::Https, Signal::derive(move || parsed.get().ok()));
    let step = RwSignal::new(None::<Step>);
    let action = send_action(step, on_bound);
    let page = expect_context::<DomainsCtx>();
    // Left once, or submitted: an unfinished name is said from then on.
    let touched = RwSignal::new(false);
    let domain_error_text = Signal::derive(move || {
        // As it is typed; an empty field is said beside the button instead.
        let text = domain.with(|d| d.trim().to_string());
        match parsed.get() {
            Ok(name) if page.listed(&name) => Some(already_listed(&name, lang())),
            Err(e) if !text.is_empty() && (touched.get() || !unfinished(&e, &text)) => Some(domain_error(&e, lang())),
            _ => None,
        }
    });
    let locked = Signal::derive(move || ctx.denial_of::<CreateHTTPServiceRoute>().is_some() || action.pending().get());
    // The role first, then the name, then the certificate.
    let why = Signal::derive(move || {
        let role = ctx
            .denial_of::<CreateHTTPServiceRoute>()
            .or_else(|| if form.needs_certificate() { ctx.denial_of::<UploadCertificate>() } else { None });
        role.or_else(|| parsed.with(Result::is_err).then(|| Msg::NeedDomainName.text(lang()).to_string()))
            .or_else(|| match parsed.get() {
                // R-DOM-1: refused here, before any certificate is uploaded.
                Ok(name) if page.listed(&name) => Some(already_listed(&name, lang())),
                _ => None,
            })
            .or_else(|| form.blocked(false).map(|m| m.text(lang()).to_string()))
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if why.with_untracked(Option::is_some) || action.pending().get_untracked() {
            return;
        }
        let Ok(name) = parsed.get_untracked() else { return };
        action.dispatch(Submit {
            env_id: ctx.env_id.get_untracked(),
            service: svc.name.get_untracked(),
            domain: name,
            protocol: form.protocol.get_untracked(),
            pem: form.pem(),
            create: true,
        });
    };
    // Opened to be filled in: the name comes first.
    request_animation_frame(|| focus_by_id("add-domain"));
    view! {
        <form id="domain-add-form" class=format!("card stack {}", style::form) novalidate
            aria-labelledby="domain-add-title" data-testid="domain-add-form" on:submit=submit>
            <h4 id="domain-add-title" class="h3">{t(Msg::AddDomain)}</h4>
            <Field id="add-domain" label=Msg::DomainName help=Msg::DomainNameHelp error=domain_error_text>
                <input id="add-domain" type="text" inputmode="url" autocomplete="off" spellcheck="false"
                    autocapitalize="off" placeholder="api.example.com" data-testid="domain-name"
                    aria-describedby="add-domain-help add-domain-error"
                    aria-invalid=move || domain_error_text.with(Option::is_some).to_string()
                    disabled=locked prop:value=move || domain.get()
                    on:input=move |ev| domain.set(event_target_value(&ev))
                    on:blur=move |_| touched.set(true) />
            </Field>
            <ErrorNote error=failure_at(action, Place::Domain, form) />
            <ProtocolField form choices=CHOICES.to_vec() locked />
            <CertificateFields form locked />
            <ErrorNote error=failure_at(action, Place::Certificate, form) />
            <Actions form action step label=Msg::BindDomain why on_cancel />
        </form>
    }
}

/// Editing a bound domain in place (R-DOM-4): a renewed certificate, the
/// protocol, or both; the binding stays.
#[component]
pub fn EditForm(bound: Bound, on_cancel: Callback<()>, on_saved: Callback<String>) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let domain = bound.route.domain.clone();
    let current = bound.route.protocol.clone();
    let has_cert = !bound.route.cert_id.is_empty();
    let prefix = format!("edit-{}", slug(&domain));
    let form = CertForm::new(prefix.clone(), current.clone(), Signal::stored(Some(domain.clone())));
    let step = RwSignal::new(None::<Step>);
    let action = send_action(step, on_saved);
    // A protocol set elsewhere (the CLI, another console) stays offered.
    let mut choices = CHOICES.to_vec();
    if !choices.contains(&current) && !matches!(current, DomainProtocol::Other(_)) {
        choices.push(current.clone());
    }
    let changed = {
        let current = current.clone();
        // Hidden fields (a protocol without HTTPS) change nothing.
        move || {
            form.protocol.with(|p| *p != current)
                || (form.needs_certificate() && form.certificate.with(|c| !c.trim().is_empty()))
        }
    };
    let locked = Signal::derive(move || ctx.denial_of::<ModifyHTTPServiceRoute>().is_some() || action.pending().get());
    let why = Signal::derive(move || {
        let role = ctx.denial_of::<ModifyHTTPServiceRoute>().or_else(|| {
            let uploading = form.needs_certificate() && form.certificate.with(|c| !c.trim().is_empty());
            if uploading { ctx.denial_of::<UploadCertificate>() } else { None }
        });
        role.or_else(|| form.blocked(has_cert).map(|m| m.text(lang()).to_string()))
            .or_else(|| (!changed()).then(|| Msg::NothingToChange.text(lang()).to_string()))
    });
    let send = {
        let domain = domain.clone();
        move || {
            action.dispatch(Submit {
                env_id: ctx.env_id.get_untracked(),
                service: svc.name.get_untracked(),
                domain: domain.clone(),
                protocol: form.protocol.get_untracked(),
                pem: form.pem(),
                create: false,
            });
        }
    };
    // HTTPS given up (HTTP only) is confirmed first: its links stop working.
    let asking = RwSignal::new(false);
    let drops_https = {
        let current = current.clone();
        move || current.needs_certificate() && form.protocol.with(|p| *p == DomainProtocol::Http)
    };
    Effect::new(move |_| {
        form.protocol.track();
        asking.set(false);
    });
    let submit = {
        let send = send.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if why.with_untracked(Option::is_some) || action.pending().get_untracked() {
                return;
            }
            if drops_https() {
                asking.set(true);
                return;
            }
            send();
        }
    };
    let confirm_id = format!("{prefix}-drop-https");
    let question = {
        let domain = domain.clone();
        Signal::derive(move || drop_https_question(&domain, lang()))
    };
    let on_confirm = Callback::new(move |_| {
        asking.set(false);
        send();
    });
    let on_no = {
        let submit_id = form.id("submit");
        Callback::new(move |_| {
            asking.set(false);
            focus_by_id(&submit_id);
        })
    };
    {
        let confirm_id = confirm_id.clone();
        Effect::new(move |_| {
            if asking.get() {
                let confirm_id = confirm_id.clone();
                request_animation_frame(move || focus_confirm(&confirm_id));
            }
        });
    }
    let title_id = format!("{prefix}-title");
    let first = form.id(&format!("protocol-{}", current.as_str().to_ascii_lowercase().replace('_', "-")));
    request_animation_frame(move || focus_by_id(&first));
    let title = move || edit_title(&domain, lang());
    let labelled_by = title_id.clone();
    view! {
        <form id=format!("{prefix}-form") class=format!("stack {}", style::form) novalidate
            aria-labelledby=labelled_by data-testid="domain-edit-form" on:submit=submit>
            <h5 id=title_id class="h3">{title}</h5>
            <p class="help">{t(Msg::EditDomainHelp)}</p>
            <ProtocolField form choices locked />
            {if has_cert {
                view! { <CertificateFields form locked note=Msg::KeepCertificate /> }.into_any()
            } else {
                view! { <CertificateFields form locked /> }.into_any()
            }}
            <ErrorNote error=failure_at(action, Place::Certificate, form) />
            <ErrorNote error=failure_at(action, Place::Domain, form) />
            <Actions form action step label=Msg::SaveDomain why on_cancel />
            <Show when=move || asking.get()>
                <div id=confirm_id.clone()>
                    <ConfirmStep id=format!("{}-question", confirm_id) question on_confirm on_cancel=on_no
                        busy=action.pending() />
                </div>
            </Show>
        </form>
    }
}
