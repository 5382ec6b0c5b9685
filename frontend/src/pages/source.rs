//! Where a new version comes from (R-DEP-2): a ready-made image, or a code
//! package (a zip with a Dockerfile) uploaded through the BFF first. The
//! create form and the service page's redeploy share it.

use console_shared::actions::{DeployParam, DiffConfigItem};
use console_shared::dto::ApiError;
use console_shared::rules;
use console_shared::vocab::{ConfigKey, ReleaseType};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

use crate::api;
use crate::components::{Field, FormError};
use crate::i18n::{Msg, Subject, lang, rule_error_about, t};

pub const IMAGE: &str = "image";
pub const PACKAGE: &str = "package";

/// The source as a form edits it.
#[derive(Clone, Copy)]
pub struct Source {
    kind: RwSignal<&'static str>,
    image: RwSignal<String>,
    package: RwSignal<Option<web_sys::File>, LocalStorage>,
    dockerfile: RwSignal<String>,
    build_dir: RwSignal<String>,
    /// Bytes sent and total while the package uploads.
    progress: RwSignal<Option<(f64, f64)>>,
    /// Whether the user tried to submit: empty fields show their error then.
    attempted: RwSignal<bool>,
}

/// What a submission carries: the package to upload first, if any.
pub type Upload = Option<SendWrapper<web_sys::File>>;

impl Source {
    /// A source starting as `kind`, with the image and Dockerfile settings
    /// of the version online now, if any.
    pub fn new(
        kind: &'static str,
        image: String,
        dockerfile: &str,
        build_dir: &str,
        attempted: RwSignal<bool>,
    ) -> Self {
        let or = |v: &str, d: &str| if v.is_empty() { d.to_string() } else { v.to_string() };
        Source {
            kind: RwSignal::new(kind),
            image: RwSignal::new(image),
            package: RwSignal::new_local(None),
            dockerfile: RwSignal::new(or(dockerfile, "Dockerfile")),
            build_dir: RwSignal::new(or(build_dir, ".")),
            progress: RwSignal::new(None),
            attempted,
        }
    }

    fn is_package(&self) -> bool {
        self.kind.get() == PACKAGE
    }

    /// The rules' verdicts, empty values included.
    fn image_rule(&self) -> Option<String> {
        let image = self.image.get();
        rules::image_reference(image.trim()).err().map(|e| rule_error_about(Subject::Image, &e, lang()))
    }

    fn package_rule(&self) -> Option<String> {
        match self.package.get() {
            Some(f) => rules::package_file(&f.name(), f.size() as u64, rules::PACKAGE_MAX_BYTES).err(),
            None => Some(rules::RuleError::Empty),
        }
        .map(|e| rule_error_about(Subject::Package, &e, lang()))
    }

    fn dockerfile_rule(&self) -> Option<String> {
        rules::dockerfile_name(&self.dockerfile.get()).err().map(|e| rule_error_about(Subject::Dockerfile, &e, lang()))
    }

    fn build_dir_rule(&self) -> Option<String> {
        rules::build_dir(&self.build_dir.get()).err().map(|e| rule_error_about(Subject::BuildDir, &e, lang()))
    }

    /// What a field shows: a malformed value as typed, an empty one only
    /// after a submit.
    fn image_error(&self) -> Option<String> {
        let empty = self.image.with(|i| i.trim().is_empty());
        if empty && !self.attempted.get() { None } else { self.image_rule() }
    }

    fn package_error(&self) -> Option<String> {
        if self.package.with(Option::is_none) && !self.attempted.get() { None } else { self.package_rule() }
    }

    /// Every error of the chosen source, in the order of its fields; `prefix`
    /// is the one given to [`SourceFields`].
    pub fn errors(&self, prefix: &str) -> Vec<FormError> {
        let lang = lang();
        let field = |name: &str, label: Msg, message: Option<String>| {
            message.map(|m| FormError::new(format!("{prefix}-{name}"), label.text(lang), m))
        };
        if self.is_package() {
            [
                field("package", Msg::PackageFile, self.package_rule()),
                field("dockerfile", Msg::DockerfileName, self.dockerfile_rule()),
                field("build-dir", Msg::BuildDir, self.build_dir_rule()),
            ]
            .into_iter()
            .flatten()
            .collect()
        } else {
            field("image", Msg::ImageUrl, self.image_rule()).into_iter().collect()
        }
    }

    /// `DeployInfo` for the chosen source; a package's names are filled in
    /// after its upload, by [`upload_into`].
    pub fn deploy_param(&self, remark: String) -> DeployParam {
        let package = self.kind.get_untracked() == PACKAGE;
        DeployParam {
            deploy_type: self.kind.get_untracked().into(),
            image_url: (!package).then(|| self.image.get_untracked().trim().to_string()),
            deploy_remark: (!remark.is_empty()).then_some(remark),
            release_type: Some(ReleaseType::Full),
            ..Default::default()
        }
    }

    /// The settings a package build reads: where its Dockerfile is.
    pub fn items(&self) -> Vec<DiffConfigItem> {
        if self.kind.get_untracked() != PACKAGE {
            return vec![];
        }
        vec![
            DiffConfigItem::string(ConfigKey::Dockerfile, self.dockerfile.get_untracked().trim()),
            DiffConfigItem::string(ConfigKey::BuildDir, self.build_dir.get_untracked().trim()),
        ]
    }

    pub fn upload(&self) -> Upload {
        if self.kind.get_untracked() == PACKAGE { self.package.get_untracked().map(SendWrapper::new) } else { None }
    }
}

/// Uploads the package, if any, and names it in `deploy`; the source's
/// progress bar follows the upload.
pub async fn upload_into(
    source: Source,
    env: &str,
    service: &str,
    file: Upload,
    deploy: &mut DeployParam,
) -> Result<(), ApiError> {
    let Some(file) = file else { return Ok(()) };
    let progress = source.progress;
    progress.set(Some((0.0, file.size())));
    let uploaded = api::upload_package(env, service, &file, move |sent, total| progress.set(Some((sent, total)))).await;
    progress.set(None);
    let uploaded = uploaded?;
    deploy.package_name = Some(uploaded.package_name);
    deploy.package_version = Some(uploaded.package_version);
    Ok(())
}

/// The source's fields: the choice, then the image or the package with its
/// Dockerfile name and build directory, and the upload's progress. `id`
/// prefixes the element ids; `locked` disables everything.
#[component]
pub fn SourceFields(source: Source, id: &'static str, #[prop(into, optional)] locked: Signal<bool>) -> impl IntoView {
    let ids = move |field: &str| format!("{id}-{field}");
    view! {
        <fieldset class="field">
            <legend>{t(Msg::Source)}</legend>
            <div class="row">
                {[(IMAGE, Msg::SourceImage), (PACKAGE, Msg::SourcePackage)]
                    .into_iter()
                    .map(|(value, label)| view! {
                        <label class="inline">
                            <input type="radio" name=ids("source") value=value prop:checked=move || source.kind.get() == value
                                disabled=move || locked.get() on:change=move |_| source.kind.set(value) />
                            {t(label)}
                        </label>
                    })
                    .collect_view()}
            </div>
        </fieldset>
        <Show when=move || !source.is_package()>
            <Field id=ids("image") label=Msg::ImageUrl help=Msg::ImageHelp error=Signal::derive(move || source.image_error())>
                <input id=ids("image") autocomplete="off" spellcheck="false" placeholder="nginx:1.27" bind:value=source.image
                    disabled=move || locked.get()
                    aria-describedby=format!("{id}-image-help {id}-image-error")
                    aria-invalid=move || source.image_error().is_some().to_string() />
            </Field>
        </Show>
        <Show when=move || source.is_package()>
            <Field id=ids("package") label=Msg::PackageFile help=Msg::PackageHelp error=Signal::derive(move || source.package_error())>
                <input id=ids("package") type="file" accept=".zip,application/zip" disabled=move || locked.get()
                    aria-describedby=format!("{id}-package-help {id}-package-error")
                    aria-invalid=move || source.package_error().is_some().to_string()
                    on:change=move |ev| {
                        let file = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                            .and_then(|input| input.files())
                            .and_then(|files| files.get(0));
                        source.package.set(file);
                    } />
            </Field>
            <div class="row">
                <Field id=ids("dockerfile") label=Msg::DockerfileName help=Msg::DockerfileHelp
                    error=Signal::derive(move || source.dockerfile_rule())>
                    <input id=ids("dockerfile") autocomplete="off" spellcheck="false" bind:value=source.dockerfile
                        disabled=move || locked.get()
                        aria-describedby=format!("{id}-dockerfile-help {id}-dockerfile-error")
                        aria-invalid=move || source.dockerfile_rule().is_some().to_string() />
                </Field>
                <Field id=ids("build-dir") label=Msg::BuildDir help=Msg::BuildDirHelp
                    error=Signal::derive(move || source.build_dir_rule())>
                    <input id=ids("build-dir") autocomplete="off" spellcheck="false" bind:value=source.build_dir
                        disabled=move || locked.get()
                        aria-describedby=format!("{id}-build-dir-help {id}-build-dir-error")
                        aria-invalid=move || source.build_dir_rule().is_some().to_string() />
                </Field>
            </div>
        </Show>
        {move || source.progress.get().map(|(sent, total)| view! {
            <div class="field" role="status">
                <label for=ids("upload-progress")>{t(Msg::Uploading)}</label>
                <progress id=ids("upload-progress") max=total.to_string() value=sent.to_string()
                    aria-label=move || Msg::UploadProgress.text(lang())>
                </progress>
                <span class="muted">{format!("{:.0}%", if total > 0.0 { sent / total * 100.0 } else { 0.0 })}</span>
            </div>
        })}
    }
}
