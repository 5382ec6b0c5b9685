//! `run service:config`: changes settings the way the console's settings
//! page does, with `SubmitServerConfigChangeDiff`: the changed values over
//! the online version's make a new version from the same image, released in
//! full (R-UPD-5). `--envParams` goes over the existing variables, new keys
//! winning, as the guide says. It applies without asking, as the guide's
//! tool does (it has no `--noConfirm`), and is followed like a deploy.

use console_shared::actions::{
    DescribeCloudRunServerDetail, ServerRequest, SubmitServerConfigChangeDiff, SubmitServerConfigChangeDiffRequest,
};

use super::{Deployed, online_settings, options};
use crate::args::{Config, Service};
use crate::client::Client;
use crate::commands::check_service;
use crate::error::{CliError, CliResult};
use crate::output::Out;
use crate::progress;

pub async fn config(client: &Client, out: Out, service: &Service, config: Config) -> CliResult<()> {
    let (env, name) = (service.env_id.as_str(), service.service_name.as_str());
    check_service(env, name)?;
    let given = options::given(&config, None)?;
    if given.is_empty() {
        return Err(CliError::usage(
            "Say what to change: --cpu, --mem, --minNum, --maxNum, --policyDetails, --customLogs or --envParams.",
        ));
    }
    let request = ServerRequest { env_id: env.into(), server_name: name.into() };
    let detail = client.call::<DescribeCloudRunServerDetail>(&request).await?;
    let (online, before) = online_settings(client, env, name, &detail).await?;
    let Some(online) = online else {
        return Err(CliError::usage(format!(
            "Nothing of {name} is online: a settings change starts from the online version; deploy one first."
        )));
    };
    let after = before.clone().with(&given, true)?;
    let items = after.changes_from(&before);
    if items.is_empty() {
        let unchanged = serde_json::json!({"EnvId": env, "ServiceName": name, "VersionName": online, "Changed": false});
        out.done(&unchanged, || vec![format!("Nothing to change: {online} already runs with these settings.")]);
        return Ok(());
    }
    out.say(format!("Changing the settings of {name} in {env} (a new version from {online}'s image):"));
    for line in after.lines() {
        out.say(line);
    }
    let request = SubmitServerConfigChangeDiffRequest {
        env_id: env.into(),
        server_name: name.into(),
        conf: None,
        items: Some(items),
    };
    let (answer, request_id) = client.call_traced::<SubmitServerConfigChangeDiff>(&request).await?;
    let task_id = answer.task_id;
    let watched = progress::watch(client, &out, env, name, task_id).await?;
    let online = progress::online(client, env, name, &watched.version_name).await?;
    let deployed = Deployed::new(env, name, watched, online.clone(), request_id);
    out.done(&deployed, || deployed.lines(&online));
    Ok(())
}
