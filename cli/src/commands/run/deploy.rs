//! `run service:create`, `run service:deploy` and `run deploy`: a new
//! version from an image (`--custom_image`) or a directory (`--path`,
//! packaged and uploaded), created with `CreateCloudRunServer` or
//! `UpdateCloudRunServer` (`ReleaseType` `GRAY` with `--gray`: the version
//! comes online at 0 %), then followed to its end.
//!
//! The order: every option checked (no call); the service read, and a
//! deploy still running refused, as the guide's tool does; the question
//! asked; the directory packaged and uploaded; the deploy started.

use std::sync::{Arc, Mutex};

use console_shared::actions::{
    CreateCloudRunServer, CreateCloudRunServerRequest, DeployParam, DescribeCloudRunDeployRecord,
    DescribeCloudRunServerDetail, DescribeCloudRunServerDetailResponse, DiffConfigItem, ServerRequest,
    UpdateCloudRunServer, UpdateCloudRunServerRequest,
};
use console_shared::api::codes;
use console_shared::rules;
use console_shared::vocab::{ConfigKey, DeployType, RecordStatus, ReleaseType};

use super::options::{self, Given, Settings};
use super::{Deployed, online_settings};
use crate::args::{DeployOpts, Service};
use crate::client::Client;
use crate::commands::check_service;
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::package;
use crate::progress::{self, Meter};

/// Which of the three commands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mode {
    /// `service:create`: the service must not exist.
    Create,
    /// `service:deploy`: the service must exist.
    Update,
    /// `deploy`: either.
    Either,
}

/// Where the new version's image comes from, checked.
enum Source {
    Image(String),
    /// The directory, and the Dockerfile's path inside it.
    Directory {
        root: std::path::PathBuf,
        build_dir: String,
        dockerfile: String,
    },
}

/// Every option checked with the shared rules; nothing is sent.
fn check(service: &Service, opts: &DeployOpts, mode: Mode) -> CliResult<(Source, Given)> {
    check_service(&service.env_id, &service.service_name)?;
    let source = match (&opts.path, &opts.custom_image) {
        (Some(root), None) => {
            let build_dir = opts.target_dir.clone().unwrap_or_else(|| ".".into());
            rules::build_dir(&build_dir).map_err(|e| CliError::usage(format!("--targetDir {build_dir}: {e}.")))?;
            let name = opts.dockerfile.clone().unwrap_or_else(|| "Dockerfile".into());
            rules::dockerfile_name(&name).map_err(|e| CliError::usage(format!("--dockerfile {name}: {e}.")))?;
            Source::Directory { root: root.clone(), dockerfile: rules::dockerfile_path(&build_dir, &name), build_dir }
        }
        (None, Some(image)) => {
            if opts.target_dir.is_some() || opts.dockerfile.is_some() {
                return Err(CliError::usage("--targetDir and --dockerfile go with --path: an image is not built."));
            }
            rules::image_reference(image).map_err(|e| CliError::usage(format!("--custom_image {image}: {e}.")))?;
            Source::Image(image.clone())
        }
        _ => {
            let what = if mode == Mode::Create { "A service is created with its first version: say" } else { "Say" };
            return Err(CliError::usage(format!(
                "{what} what to deploy: --path DIR (a directory with a Dockerfile) or --custom_image IMAGE."
            )));
        }
    };
    if let Some(remark) = &opts.remark {
        rules::remark(remark).map_err(|e| CliError::usage(format!("--remark: {e}.")))?;
    }
    if opts.gray && mode == Mode::Create {
        return Err(CliError::usage(
            "--gray: a gray release compares a new version with the online one; a new service's first deploy is a full release.",
        ));
    }
    let given = options::given(&opts.config, opts.container_port)?;
    Ok((source, given))
}

pub async fn deploy(client: &Client, out: Out, service: &Service, opts: DeployOpts, mode: Mode) -> CliResult<()> {
    let (source, given) = check(service, &opts, mode)?;
    let (env, name) = (service.env_id.as_str(), service.service_name.as_str());
    // Without a terminal nobody can answer: refuse now rather than wait.
    if !opts.no_confirm && !out.can_ask {
        return Err(CliError::usage(
            "There is no terminal to confirm the deploy on: add --noConfirm to deploy without asking (as in CI).",
        ));
    }

    let detail = read_detail(client, env, name).await?;
    match (&detail, mode) {
        (Some(_), Mode::Create) => {
            return Err(CliError::usage(format!(
                "The service {name} already exists in {env}: deploy a new version with `tcbr run service:deploy` or `tcbr run deploy`."
            )));
        }
        (None, Mode::Update) => {
            return Err(CliError::usage(format!(
                "There is no service {name} in {env}: create it with `tcbr run service:create`, or use `tcbr run deploy`."
            )));
        }
        (None, Mode::Either) if opts.gray => {
            return Err(CliError::usage(format!(
                "--gray: there is no service {name} in {env} yet, and a new service's first deploy is a full release."
            )));
        }
        _ => {}
    }
    let (base, online) = match &detail {
        Some(detail) => {
            refuse_while_deploying(client, env, name).await?;
            let online = online_settings(client, env, name, detail).await?.1;
            if opts.keep_previous { (online.clone(), Some(online)) } else { (Settings::defaults(), Some(online)) }
        }
        None => {
            if opts.keep_previous {
                out.say("--override: a new service has no earlier version to keep values from; the defaults apply.");
            }
            (Settings::defaults(), None)
        }
    };
    let settings = base.with(&given, false)?;
    // The guide's tool starts from the defaults without --override, so a
    // redeploy silently drops the online version's variables: say which.
    if let Some(online) = online.filter(|_| !opts.keep_previous) {
        let dropped: Vec<&str> =
            online.vars.keys().filter(|k| !settings.vars.contains_key(*k)).map(String::as_str).collect();
        if !dropped.is_empty() {
            out.say(format!(
                "Warning: the online version's variables {} are not kept: add --override to keep its settings.",
                dropped.join(", ")
            ));
        }
    }

    let verb = if detail.is_some() { "Deploy a new version of" } else { "Create" };
    let gray = if opts.gray { " as a gray release (0 % of the traffic)" } else { "" };
    out.say(format!("{verb} {name} in {env}{gray}, from {}:", source_name(&source)));
    for line in settings.lines() {
        out.say(line);
    }
    if !opts.no_confirm {
        match out.confirm(&format!("Deploy {name} to {env}?")) {
            Some(true) => {}
            Some(false) => return Err(CliError::usage("Not deployed: the answer was no.")),
            None => {
                return Err(CliError::usage(
                    "There is no terminal to confirm the deploy on: add --noConfirm to deploy without asking.",
                ));
            }
        }
    }

    let (deploy_info, items) = match &source {
        Source::Image(image) => (
            DeployParam { deploy_type: DeployType::Image, image_url: Some(image.clone()), ..Default::default() },
            settings.items(),
        ),
        Source::Directory { root, build_dir, dockerfile } => {
            let (package_name, package_version) = upload(client, out, env, name, root, build_dir, dockerfile).await?;
            let mut items = settings.items();
            let file = dockerfile.rsplit('/').next().unwrap_or(dockerfile).to_string();
            items.push(DiffConfigItem::string(ConfigKey::Dockerfile, file));
            items.push(DiffConfigItem::string(ConfigKey::BuildDir, build_dir.clone()));
            let info = DeployParam {
                deploy_type: DeployType::Package,
                package_name: Some(package_name),
                package_version: Some(package_version),
                ..Default::default()
            };
            (info, items)
        }
    };
    let deploy_info = DeployParam {
        deploy_remark: opts.remark.clone(),
        release_type: Some(if opts.gray { ReleaseType::Gray } else { ReleaseType::Full }),
        ..deploy_info
    };
    // The newest task before this deploy's (an update answers task 0).
    let before = if detail.is_some() { progress::newest_task(client, env, name).await? } else { 0 };
    let (task_id, request_id) = if detail.is_some() {
        let request = UpdateCloudRunServerRequest {
            env_id: env.into(),
            server_name: name.into(),
            deploy_info,
            server_config: None,
            items: Some(items),
        };
        let (answer, request_id) = client.call_traced::<UpdateCloudRunServer>(&request).await?;
        (answer.task_id, request_id)
    } else {
        let request = CreateCloudRunServerRequest {
            env_id: env.into(),
            server_name: name.into(),
            deploy_info,
            server_config: None,
            items: Some(items),
        };
        let (answer, request_id) = client.call_traced::<CreateCloudRunServer>(&request).await?;
        (answer.task_id, request_id)
    };
    out.say("Deploying…");
    let watched = progress::watch_after(client, &out, env, name, task_id, before).await?;
    let online = progress::online(client, env, name, &watched.version_name).await?;
    let deployed = Deployed::new(env, name, watched, online.clone(), request_id);
    out.done(&deployed, || deployed.lines(&online));
    Ok(())
}

fn source_name(source: &Source) -> String {
    match source {
        Source::Image(image) => format!("the image {image}"),
        Source::Directory { root, dockerfile, .. } => format!("{} ({dockerfile})", root.display()),
    }
}

/// The service's detail; `None` when it does not exist.
async fn read_detail(
    client: &Client,
    env: &str,
    name: &str,
) -> CliResult<Option<DescribeCloudRunServerDetailResponse>> {
    let request = ServerRequest { env_id: env.into(), server_name: name.into() };
    match client.call::<DescribeCloudRunServerDetail>(&request).await {
        Ok(detail) => Ok(Some(detail)),
        // Only the service's own code: a plain ResourceNotFound is the
        // environment (a typo, or the wrong -r), which must not read as
        // "no such service, create it".
        Err(CliError::Cloud { code, .. }) if code == codes::SERVER_NOT_FOUND => Ok(None),
        Err(e) => Err(e),
    }
}

/// The guide's tool refuses to start while the newest deploy record is
/// `deploying`; so does this one, before anything is uploaded.
async fn refuse_while_deploying(client: &Client, env: &str, name: &str) -> CliResult<()> {
    let request = ServerRequest { env_id: env.into(), server_name: name.into() };
    let records = client.call::<DescribeCloudRunDeployRecord>(&request).await?.deploy_records;
    match records.first() {
        Some(newest) if newest.status == RecordStatus::Deploying => Err(CliError::usage(format!(
            "A deploy of {name} is still running (version {}): wait for it to end, or cancel it, then deploy again.",
            newest.deploy_id
        ))),
        _ => Ok(()),
    }
}

/// Packages the directory and uploads it, showing both as they go.
async fn upload(
    client: &Client,
    out: Out,
    env: &str,
    name: &str,
    root: &std::path::Path,
    build_dir: &str,
    dockerfile: &str,
) -> CliResult<(String, String)> {
    let listing = package::list(root, build_dir, dockerfile)?;
    let (files, bytes) = (listing.files, listing.bytes);
    let mut meter = Meter::new(out, "Compressing", bytes);
    let package = package::zip(listing, |done| meter.update(done))?;
    let ignored =
        if package.ignored > 0 { format!(", {} left out by .dockerignore", package.ignored) } else { String::new() };
    meter.finish(format!(
        "Compressed {files} files ({}) into {}{ignored}",
        progress::size(bytes),
        progress::size(package.zip.len() as u64)
    ));
    let total = package.zip.len() as u64;
    let meter = Arc::new(Mutex::new(Meter::new(out, "Uploading", total)));
    let shown = Arc::clone(&meter);
    let names = client
        .upload_package(env, name, package.zip, move |sent| {
            if let Ok(mut m) = shown.lock() {
                m.update(sent);
            }
        })
        .await?;
    if let Ok(mut m) = meter.lock() {
        m.finish(format!("Uploaded {}", progress::size(total)));
    }
    Ok(names)
}
