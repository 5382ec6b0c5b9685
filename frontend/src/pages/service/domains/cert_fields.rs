//! The parts of the add and edit forms that carry a certificate (R-DOM-2):
//! the protocol, HTTPS first; the certificate and its key, pasted or read
//! from text files; and the BFF's check of them, asked for a moment after
//! the typing stops (the full check would weigh ~70 KB in the wasm).

use std::time::Duration;

use console_shared::certs::{CertCheck, CertField, CertProblem, MAX_PEM_BYTES, PrivateKeyPem};
use console_shared::dto::{ApiError, CertCheckRequest};
use console_shared::vocab::DomainProtocol;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::cert_preview::CertPreview;
use super::style;
use crate::api;
use crate::components::local_time;
use crate::i18n::{CertContext, FileRefusal, Msg, cert_problem, file_refusal, lang, t};

/// How long the typing must pause before the certificate is checked.
const DEBOUNCE: Duration = Duration::from_millis(400);

/// The protocols a form offers (R-DOM-2: HTTPS first among them, and chosen
/// when adding).
pub(super) const CHOICES: [DomainProtocol; 3] =
    [DomainProtocol::Http, DomainProtocol::Https, DomainProtocol::HttpToHttps];

/// What the BFF is asked to check: the texts and the domain they are for.
#[derive(Clone, PartialEq)]
struct CheckInput {
    certificate: String,
    key: String,
    domain: Option<String>,
}

impl CheckInput {
    pub(super) fn request(&self) -> CertCheckRequest {
        CertCheckRequest {
            certificate: self.certificate.clone(),
            private_key: (!self.key.trim().is_empty()).then(|| PrivateKeyPem::new(self.key.clone())),
            domain: self.domain.clone(),
        }
    }
}

/// Where the check of what is typed stands.
#[derive(Clone, PartialEq)]
pub(super) enum Check {
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
pub(super) struct CertForm {
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
    pub(super) fn field_problems(&self, field: CertField) -> Vec<CertProblem> {
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
    pub(super) fn pem(&self) -> Option<(String, String)> {
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
fn pem_text(bytes: &[u8]) -> Option<String> {
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
pub(super) fn ProtocolField(
    form: CertForm,
    choices: Vec<DomainProtocol>,
    #[prop(into)] locked: Signal<bool>,
) -> impl IntoView {
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
pub(super) fn CertificateFields(
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
}
