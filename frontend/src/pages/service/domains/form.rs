//! Binding a domain (R-DOM-1, R-DOM-2) and editing one in place (R-DOM-4):
//! the domain name checked as it is typed with the shared rule; the
//! protocol, HTTPS first; the certificate and its key, pasted or read from
//! text files; and the BFF's check of them, asked for a moment after the
//! typing stops (the full check would weigh ~70 KB in the wasm). Submitting
//! uploads the certificate (`UploadCertificate`), then binds or modifies
//! the route with its id, saying which step runs; a refusal is shown next
//! to what caused it, and the inputs stay.

use std::time::Duration;

use console_shared::actions::{
    CERTIFICATE_TYPE_SERVER, CreateHTTPServiceRoute, HttpServiceDomainParam, HttpServiceRouteRequest,
    ModifyHTTPServiceRoute, UploadCertificate, UploadCertificateRequest,
};
use console_shared::certs::{
    CertCheck, CertField, CertProblem, DomainError, MAX_PEM_BYTES, PrivateKeyPem, domain_name,
};
use console_shared::dto::{ApiError, CertCheckRequest};
use console_shared::vocab::DomainProtocol;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::cert_preview::CertPreview;
use super::data::{Bound, slug};
use super::{DomainsCtx, style};
use crate::api;
use crate::components::{ConfirmStep, ErrorNote, Field, Reason, focus_by_id, local_time};
use crate::i18n::{
    CertContext, FileRefusal, Msg, already_listed, cert_problem, domain_cloud_error, domain_error, drop_https_question,
    edit_title, file_refusal, lang, t,
};
use crate::pages::env_layout::EnvCtx;
use crate::pages::service::ServiceCtx;

/// How long the typing must pause before the certificate is checked.
const DEBOUNCE: Duration = Duration::from_millis(400);

/// The protocols a form offers (R-DOM-2: HTTPS first among them, and chosen
/// when adding).
const CHOICES: [DomainProtocol; 3] = [DomainProtocol::Http, DomainProtocol::Https, DomainProtocol::HttpToHttps];

/// What the BFF is asked to check: the texts and the domain they are for.
#[derive(Clone, PartialEq)]
struct CheckInput {
    certificate: String,
    key: String,
    domain: Option<String>,
}

impl CheckInput {
    fn request(&self) -> CertCheckRequest {
        CertCheckRequest {
            certificate: self.certificate.clone(),
            private_key: (!self.key.trim().is_empty()).then(|| PrivateKeyPem::new(self.key.clone())),
            domain: self.domain.clone(),
        }
    }
}

/// Where the check of what is typed stands.
#[derive(Clone, PartialEq)]
pub enum Check {
    /// Nothing to check: no certificate is needed, or none is typed.
    Idle,
    /// Asked, or about to be, for what is typed now.
    Checking,
    Done(CertCheck),
    /// The check could not be made; the upload checks again.
    Failed(ApiError),
}

/// The parts the add and edit forms share: the protocol, the certificate
/// and its key, why a file was not read, and the check of them.
#[derive(Clone, Copy)]
pub struct CertForm {
    /// Starts the ids of the form's controls.
    prefix: StoredValue<String>,
    pub protocol: RwSignal<DomainProtocol>,
    pub certificate: RwSignal<String>,
    pub key: RwSignal<String>,
    cert_file: RwSignal<Option<FileRefusal>>,
    key_file: RwSignal<Option<FileRefusal>>,
    pub check: Memo<Check>,
}

impl CertForm {
    /// A form whose ids start with `prefix`, for a certificate checked
    /// against `domain` (when it is a valid name).
    pub fn new(prefix: String, protocol: DomainProtocol, domain: Signal<Option<String>>) -> Self {
        let protocol = RwSignal::new(protocol);
        let (certificate, key) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
        let typed = Memo::new(move |_| {
            let needed = protocol.with(DomainProtocol::needs_certificate);
            (needed && certificate.with(|c| !c.trim().is_empty())).then(|| CheckInput {
                certificate: certificate.get(),
                key: key.get(),
                domain: domain.get(),
            })
        });
        // Debounced: what is typed is asked about once the typing pauses.
        let asked = RwSignal::new(None::<CheckInput>);
        let pending = StoredValue::new(None::<TimeoutHandle>);
        Effect::new(move |_| {
            let input = typed.get();
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let handle = match input {
                None => {
                    asked.set(None);
                    None
                }
                Some(input) => set_timeout_with_handle(move || asked.set(Some(input)), DEBOUNCE).ok(),
            };
            pending.set_value(handle);
        });
        on_cleanup(move || {
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
        });
        // The answer names what it answers: one for older text is not shown.
        let answer = LocalResource::new(move || {
            let input = asked.get();
            async move {
                let input = input?;
                let answer = api::check_certificate(&input.request()).await;
                Some((input, answer))
            }
        });
        let check = Memo::new(move |_| match typed.get() {
            None => Check::Idle,
            Some(now) => match answer.get().flatten() {
                Some((input, Ok(check))) if input == now => Check::Done(check),
                Some((input, Err(e))) if input == now => Check::Failed(e),
                _ => Check::Checking,
            },
        });
        CertForm {
            prefix: StoredValue::new(prefix),
            protocol,
            certificate,
            key,
            cert_file: RwSignal::new(None),
            key_file: RwSignal::new(None),
            check,
        }
    }

    /// A control's id: `{prefix}-{part}`.
    pub fn id(&self, part: &str) -> String {
        format!("{}-{part}", self.prefix.get_value())
    }

    pub fn needs_certificate(&self) -> bool {
        self.protocol.with(DomainProtocol::needs_certificate)
    }

    /// What is shown under `field`: its own problems and, under the key, a
    /// key that is not the certificate's (the key is what to change).
    fn field_problems(&self, field: CertField) -> Vec<CertProblem> {
        self.check.with(|c| match c {
            Check::Done(c) => c
                .problems
                .iter()
                .filter(|p| {
                    p.field == Some(field)
                        || (field == CertField::PrivateKey
                            && p.field.is_none()
                            && p.code == "InvalidParameter.CertificateKeyMismatch")
                })
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    }

    /// What the check read of the certificate, for a problem's details.
    pub fn context(&self) -> CertContext {
        self.check.with(|c| match c {
            Check::Done(CertCheck { summary: Some(s), .. }) => CertContext {
                names: s.dns_names.clone(),
                from: Some(local_time(s.not_before)),
                until: Some(local_time(s.not_after)),
            },
            _ => CertContext::default(),
        })
    }

    /// Whether a chosen file was refused and its reason is shown.
    pub fn file_refused(&self) -> bool {
        self.cert_file.with(Option::is_some) || self.key_file.with(Option::is_some)
    }

    /// The certificate and key to upload: when the protocol needs them and
    /// both are there.
    fn pem(&self) -> Option<(String, String)> {
        let (cert, key) = (self.certificate.get_untracked(), self.key.get_untracked());
        (self.protocol.with_untracked(DomainProtocol::needs_certificate)
            && !cert.trim().is_empty()
            && !key.trim().is_empty())
        .then_some((cert, key))
    }

    /// Why the certificate part keeps the form from being sent, if it does.
    /// `can_keep`: a certificate is in place already (editing), so leaving
    /// both fields empty keeps it.
    pub fn blocked(&self, can_keep: bool) -> Option<Msg> {
        if !self.needs_certificate() {
            return None;
        }
        // A refused file is said under its field until the text changes.
        if self.file_refused() {
            return Some(Msg::FixCertificate);
        }
        let (cert_empty, key_empty) =
            (self.certificate.with(|c| c.trim().is_empty()), self.key.with(|k| k.trim().is_empty()));
        if cert_empty && key_empty && can_keep {
            return None;
        }
        if cert_empty {
            return Some(Msg::NeedCertificate);
        }
        if key_empty {
            return Some(Msg::NeedPrivateKey);
        }
        self.check.with(|c| match c {
            Check::Idle | Check::Checking => Some(Msg::NeedCheckedCertificate),
            Check::Done(c) if !c.problems.is_empty() => Some(Msg::FixCertificate),
            Check::Done(_) | Check::Failed(_) => None,
        })
    }
}

/// The text of a chosen file, when it is text: UTF-8 with no NUL byte. A
/// DER certificate or a PKCS#12 bundle is neither (R-DOM-2).
pub fn pem_text(bytes: &[u8]) -> Option<String> {
    if bytes.contains(&0) {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    Some(text.strip_prefix('\u{feff}').unwrap_or(text).to_string())
}

/// Reads `file` into `into` when it is PEM-sized text; otherwise says why
/// in `refused`, and the field keeps what it had.
fn read_pem_file(file: web_sys::File, into: RwSignal<String>, refused: RwSignal<Option<FileRefusal>>) {
    let name = file.name();
    if file.size() > MAX_PEM_BYTES as f64 {
        refused.set(Some(FileRefusal::TooLarge(name, MAX_PEM_BYTES)));
        return;
    }
    leptos::task::spawn_local(async move {
        let outcome = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buffer) => pem_text(&js_sys::Uint8Array::new(&buffer).to_vec()).ok_or(FileRefusal::NotText(name)),
            Err(_) => Err(FileRefusal::Unreadable(name)),
        };
        match outcome {
            Ok(text) => {
                into.try_set(text);
                refused.try_set(None);
            }
            Err(why) => {
                refused.try_set(Some(why));
            }
        }
    });
}

/// The protocol, one radio button each with what it means.
#[component]
fn ProtocolField(form: CertForm, choices: Vec<DomainProtocol>, #[prop(into)] locked: Signal<bool>) -> impl IntoView {
    let name = form.id("protocol");
    view! {
        <fieldset class="field">
            <legend>{t(Msg::Protocol)}</legend>
            {choices
                .into_iter()
                .map(|p| {
                    let (label, help) = match &p {
                        DomainProtocol::Http => (Msg::ProtocolHttp, Msg::ProtocolHttpHelp),
                        DomainProtocol::Https => (Msg::ProtocolHttps, Msg::ProtocolHttpsHelp),
                        DomainProtocol::HttpToHttps => (Msg::ProtocolHttpToHttps, Msg::ProtocolHttpToHttpsHelp),
                        DomainProtocol::HttpAndHttps => (Msg::ProtocolHttpAndHttps, Msg::ProtocolOtherHelp),
                        _ => (Msg::ProtocolHttpsToHttp, Msg::ProtocolOtherHelp),
                    };
                    let id = form.id(&format!("protocol-{}", p.as_str().to_ascii_lowercase().replace('_', "-")));
                    let help_id = format!("{id}-help");
                    let (checked, chosen) = (p.clone(), p.clone());
                    view! {
                        <div>
                            <label class="inline">
                                <input type="radio" name=name.clone() id=id value=p.as_str().to_string()
                                    aria-describedby=help_id.clone() disabled=locked
                                    prop:checked=move || form.protocol.with(|now| *now == checked)
                                    on:change=move |_| form.protocol.set(chosen.clone()) />
                                {t(label)}
                            </label>
                            <p id=help_id class="help">{t(help)}</p>
                        </div>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// One PEM text: a text area, a file to read it from instead, and what is
/// wrong with it (a refused file, the check's problems).
#[component]
fn PemField(form: CertForm, field: CertField, #[prop(into)] locked: Signal<bool>) -> impl IntoView {
    let (value, refused, label, help, from_file, part, placeholder) = match field {
        CertField::Certificate => (
            form.certificate,
            form.cert_file,
            Msg::CertificatePem,
            Msg::CertificateHelp,
            Msg::CertFromFile,
            "cert",
            "-----BEGIN CERTIFICATE-----",
        ),
        CertField::PrivateKey => (
            form.key,
            form.key_file,
            Msg::PrivateKeyPem,
            Msg::PrivateKeyHelp,
            Msg::KeyFromFile,
            "key",
            "-----BEGIN PRIVATE KEY-----",
        ),
    };
    let id = form.id(part);
    let file_id = format!("{id}-file");
    let (help_id, error_id) = (format!("{id}-help"), format!("{id}-error"));
    let problems = move || form.field_problems(field);
    let invalid = move || (refused.with(Option::is_some) || !problems().is_empty()).to_string();
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <textarea id=id.clone() class=style::pem rows="6" spellcheck="false" autocomplete="off"
                autocapitalize="off" wrap="off" placeholder=placeholder data-testid=format!("{part}-pem")
                aria-describedby=format!("{help_id} {error_id}") aria-invalid=invalid disabled=locked
                prop:value=move || value.get() on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    // The text changed: a refused file's reason is no longer about it.
                    refused.set(None);
                }></textarea>
            <p id=help_id class="help">{t(help)}</p>
            <div class=style::file>
                <label for=file_id.clone()>{t(from_file)}</label>
                // Binary kinds too, so that choosing one says why it cannot be used.
                <input id=file_id type="file"
                    accept=".pem,.crt,.cer,.cert,.der,.key,.txt,.pfx,.p12,.p7b,text/plain,application/x-pem-file"
                    disabled=locked
                    data-testid=format!("{part}-file") aria-describedby=error_id.clone()
                    on:change=move |ev| {
                        let input = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
                        if let Some(input) = input {
                            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                                read_pem_file(file, value, refused);
                            }
                            // The same file chosen again reads it again.
                            input.set_value("");
                        }
                    } />
            </div>
            <div id=error_id class="field-error" aria-live="polite">
                {move || refused.get().map(|r| view! { <p>{file_refusal(&r, lang())}</p> })}
                {move || {
                    problems()
                        .into_iter()
                        .map(|p| view! { <p>{cert_problem(&p, &form.context(), lang())}</p> })
                        .collect_view()
                }}
            </div>
        </div>
    }
}

/// The certificate's part of a form: its fields and the check, shown while
/// the protocol needs a certificate. Hidden, not removed, when it does not,
/// so switching back keeps what was typed.
#[component]
fn CertificateFields(
    form: CertForm,
    #[prop(into)] locked: Signal<bool>,
    /// Said above the fields (editing: how to keep the current certificate).
    #[prop(optional)]
    note: Option<Msg>,
) -> impl IntoView {
    view! {
        <div class:hidden=move || !form.needs_certificate()>
            <div class="stack">
                {note.map(|n| view! { <p class="help">{t(n)}</p> })}
                <PemField form field=CertField::Certificate locked />
                <PemField form field=CertField::PrivateKey locked />
                <CertPreview form />
            </div>
        </div>
    }
}

/// The steps a submit goes through, said while each runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Upload,
    Bind,
    Save,
}

impl Step {
    fn running(self) -> Msg {
        match self {
            Step::Upload => Msg::StepUploading,
            Step::Bind => Msg::StepBinding,
            Step::Save => Msg::StepSaving,
        }
    }
}

/// A submit that failed: at which step, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    step: Step,
    /// Whether the certificate was uploaded before the step failed.
    uploaded: bool,
    error: ApiError,
}

/// Where a refusal is shown: next to what caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Domain,
    Certificate,
    Form,
}

impl Failure {
    fn place(&self) -> Place {
        let code = self.error.code.as_str();
        if code.starts_with("InvalidParameter.Domain") || code.starts_with("ResourceInUse") {
            Place::Domain
        } else if self.step == Step::Upload
            || code.starts_with("InvalidParameter.Certificate")
            || code.starts_with("InvalidParameter.PrivateKey")
        {
            Place::Certificate
        } else {
            Place::Form
        }
    }

    /// What was done and what was not, when the error alone does not say.
    fn outcome(&self) -> Option<Msg> {
        match (self.step, self.uploaded) {
            (Step::Upload, _) => Some(Msg::FailedUpload),
            (Step::Bind, true) => Some(Msg::FailedBind),
            (Step::Save, true) => Some(Msg::FailedSave),
            (Step::Bind | Step::Save, false) => None,
        }
    }
}

/// `UploadCertificate` (R-DOM-2): the id to bind with. The same certificate
/// uploaded again answers the id it already has.
async fn upload(certificate: String, key: String) -> Result<String, ApiError> {
    let req = UploadCertificateRequest {
        certificate_public_key: certificate,
        certificate_private_key: Some(PrivateKeyPem::new(key)),
        certificate_type: Some(CERTIFICATE_TYPE_SERVER.into()),
        ..Default::default()
    };
    let r = api::cloud::<UploadCertificate>(&req).await?;
    Ok(r.repeat_cert_id.filter(|id| !id.is_empty()).unwrap_or(r.certificate_id))
}

/// `ModifyHTTPServiceRoute` (R-DOM-4): the protocol, and the renewed
/// certificate when there is one; the routes and, without a new one, the
/// certificate stay as they are.
fn modify_request(
    env_id: String,
    domain: String,
    protocol: DomainProtocol,
    cert_id: Option<String>,
) -> HttpServiceRouteRequest {
    HttpServiceRouteRequest {
        env_id,
        domain: HttpServiceDomainParam { domain, cert_id, protocol: Some(protocol), ..Default::default() },
    }
}

/// What a submit sends.
#[derive(Clone)]
struct Submit {
    env_id: String,
    service: String,
    domain: String,
    protocol: DomainProtocol,
    pem: Option<(String, String)>,
    /// Binding a new domain (create), or changing a bound one (modify).
    create: bool,
}

/// Uploads the certificate when there is one, then binds or modifies the
/// route with its id; `step` follows along. Answers the domain.
async fn send(s: Submit, step: RwSignal<Option<Step>>) -> Result<String, Failure> {
    let mut uploaded = false;
    let cert_id = match s.pem {
        Some((cert, key)) => {
            step.try_set(Some(Step::Upload));
            let id = upload(cert, key).await.map_err(|error| Failure { step: Step::Upload, uploaded, error })?;
            uploaded = true;
            Some(id)
        }
        None => None,
    };
    let (next, result) = if s.create {
        step.try_set(Some(Step::Bind));
        let req = HttpServiceRouteRequest::whole_domain(s.env_id, s.domain.clone(), s.service, s.protocol, cert_id);
        (Step::Bind, api::cloud::<CreateHTTPServiceRoute>(&req).await.map(|_| ()))
    } else {
        step.try_set(Some(Step::Save));
        let req = modify_request(s.env_id, s.domain.clone(), s.protocol, cert_id);
        (Step::Save, api::cloud::<ModifyHTTPServiceRoute>(&req).await.map(|_| ()))
    };
    result.map(|()| s.domain).map_err(|error| Failure { step: next, uploaded, error })
}

type SendAction = Action<Submit, Result<String, Failure>>;

fn send_action(step: RwSignal<Option<Step>>, done: Callback<String>) -> SendAction {
    let action = Action::new_local(move |s: &Submit| send(s.clone(), step));
    Effect::new(move |_| {
        if let Some(Ok(domain)) = action.value().get() {
            done.run(domain);
        }
    });
    action
}

/// The failure of the last submit, when it belongs at `place`; a refusal
/// about the domain or its certificate in the user's language.
fn failure_at(action: SendAction, place: Place, form: CertForm) -> Signal<Option<ApiError>> {
    Signal::derive(move || {
        let error = action.value().with(|v| match v {
            Some(Err(f)) if f.place() == place => Some(f.error.clone()),
            _ => None,
        })?;
        Some(match domain_cloud_error(&error.code, &error.message, &form.context(), lang()) {
            Some(message) => ApiError { message, ..error },
            None => error,
        })
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_dom_2_only_text_files_are_read() {
        assert_eq!(pem_text(b"-----BEGIN CERTIFICATE-----\n").as_deref(), Some("-----BEGIN CERTIFICATE-----\n"));
        // A byte-order mark is not part of the PEM text.
        assert_eq!(pem_text("\u{feff}-----BEGIN".as_bytes()).as_deref(), Some("-----BEGIN"));
        // DER starts with a SEQUENCE tag and a long length: not UTF-8.
        assert_eq!(pem_text(&[0x30, 0x82, 0x03, 0x5a, 0x30, 0x82]), None);
        // A NUL byte is never in PEM text, even where the rest is valid UTF-8.
        assert_eq!(pem_text(b"MII\0BIjAN"), None);
    }

    #[test]
    fn r_dom_4_an_edit_keeps_the_routes_and_without_a_new_certificate_the_old_one() {
        let keep = modify_request("env-1".into(), "api.example.com".into(), DomainProtocol::HttpToHttps, None);
        assert_eq!(
            serde_json::to_value(&keep).unwrap(),
            serde_json::json!({"EnvId": "env-1", "Domain": {"Domain": "api.example.com", "Protocol": "HTTP_TO_HTTPS"}})
        );
        let renew =
            modify_request("env-1".into(), "api.example.com".into(), DomainProtocol::Https, Some("lc-2".into()));
        assert_eq!(renew.domain.cert_id.as_deref(), Some("lc-2"));
        assert_eq!(renew.domain.routes, None);
    }

    #[test]
    fn a_refusal_is_shown_next_to_what_caused_it() {
        let failure = |step, code: &str| Failure {
            step,
            uploaded: step != Step::Upload,
            error: ApiError { code: code.into(), message: String::new(), request_id: None },
        };
        assert_eq!(failure(Step::Bind, "ResourceInUse.Domain").place(), Place::Domain);
        assert_eq!(failure(Step::Bind, "InvalidParameter.Domain").place(), Place::Domain);
        assert_eq!(failure(Step::Upload, "InvalidParameter.PrivateKey").place(), Place::Certificate);
        assert_eq!(failure(Step::Upload, "Console.Network").place(), Place::Certificate);
        assert_eq!(failure(Step::Bind, "InvalidParameter.CertificateDomainMismatch").place(), Place::Certificate);
        assert_eq!(failure(Step::Bind, "ResourceNotFound.Service").place(), Place::Form);
        assert_eq!(failure(Step::Bind, "InternalError").outcome(), Some(Msg::FailedBind));
        assert_eq!(failure(Step::Upload, "InternalError").outcome(), Some(Msg::FailedUpload));
        let not_uploaded = Failure { uploaded: false, ..failure(Step::Save, "InternalError") };
        assert_eq!(not_uploaded.outcome(), None);
    }
}
