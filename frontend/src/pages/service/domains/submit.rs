//! What a submit sends: the certificate uploaded (`UploadCertificate`),
//! then the route bound or modified with its id, saying which step runs;
//! and where a refusal is shown, next to what caused it.

use console_shared::actions::{
    CERTIFICATE_TYPE_SERVER, CreateHTTPServiceRoute, HttpServiceDomainParam, HttpServiceRouteRequest,
    ModifyHTTPServiceRoute, UploadCertificate, UploadCertificateRequest,
};
use console_shared::certs::PrivateKeyPem;
use console_shared::dto::ApiError;
use console_shared::vocab::DomainProtocol;
use leptos::prelude::*;

use super::cert_fields::CertForm;
use crate::api;
use crate::i18n::{Msg, domain_cloud_error, lang};

/// The steps a submit goes through, said while each runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Upload,
    Bind,
    Save,
}

impl Step {
    pub(super) fn running(self) -> Msg {
        match self {
            Step::Upload => Msg::StepUploading,
            Step::Bind => Msg::StepBinding,
            Step::Save => Msg::StepSaving,
        }
    }
}

/// A submit that failed: at which step, and why.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Failure {
    step: Step,
    /// Whether the certificate was uploaded before the step failed.
    uploaded: bool,
    error: ApiError,
}

/// Where a refusal is shown: next to what caused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Domain,
    Certificate,
    Form,
}

impl Failure {
    pub(super) fn place(&self) -> Place {
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
    pub(super) fn outcome(&self) -> Option<Msg> {
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
pub(super) async fn upload(certificate: String, key: String) -> Result<String, ApiError> {
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
pub(super) struct Submit {
    pub(super) env_id: String,
    pub(super) service: String,
    pub(super) domain: String,
    pub(super) protocol: DomainProtocol,
    pub(super) pem: Option<(String, String)>,
    /// Binding a new domain (create), or changing a bound one (modify).
    pub(super) create: bool,
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

pub(super) type SendAction = Action<Submit, Result<String, Failure>>;

pub(super) fn send_action(step: RwSignal<Option<Step>>, done: Callback<String>) -> SendAction {
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
pub(super) fn failure_at(action: SendAction, place: Place, form: CertForm) -> Signal<Option<ApiError>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
