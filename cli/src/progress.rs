//! Following a task (a deploy, a settings change, a rollback) until it ends,
//! as `tcb run deploy --verbose` does but by default: each step as it starts
//! and ends, and the task's log lines as they come. On a terminal a status
//! line (the step running, the time so far) is redrawn in place; in a CI log
//! every line is a plain line, no `\r`.
//!
//! The task is polled with `DescribeServerManageTask` about every second;
//! its log is `DescribeCloudRunProcessLog` by the `RunId` of the task's
//! deploy record (`DescribeCloudRunDeployRecord`), the way the guide's tool
//! finds it (CLOUD-API.md §5, §13).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use console_shared::actions::{
    DescribeCloudRunDeployRecord, DescribeCloudRunProcessLog, DescribeCloudRunServerDetail, DescribeServerManageTask,
    ManageTaskRequest, ProcessLogRequest, ServerManageTaskInfo, ServerRequest,
};
use console_shared::secrets::mask_log_line;
use console_shared::vocab::{RecordStatus, ReleaseType, StepStatus, TaskStatus};
use serde::Serialize;

use crate::client::Client;
use crate::error::{CliError, CliResult};
use crate::output::Out;

/// How often the task and its log are read.
const POLL: Duration = Duration::from_secs(1);
/// Polls that may fail in a row (a dropped connection, a console restart)
/// before watching gives up; the task itself goes on either way.
const TOLERATED_FAILURES: u32 = 5;
/// Polls that may find no task before giving up: a cloud may take a moment
/// to show a task it has just accepted.
const TOLERATED_MISSING: u32 = 10;
/// The longest a deploy is watched: a task the cloud never ends must not
/// hold a CI job for ever.
const WATCH_MAX: Duration = Duration::from_secs(60 * 60);

/// How a watched task ended, for the command's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Watched {
    pub task_id: i64,
    /// The version the task made (or, for a rollback, put back online).
    pub version_name: String,
    /// `finished`, or `running` for a gray release whose deploy is over and
    /// whose release stays open (the new version online at 0 %).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Whether the task opened a gray release (`--gray`).
    pub gray: bool,
}

/// What a deploy ends with: the version, its traffic share, the domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Online {
    pub version_name: String,
    /// The version's share of the traffic, in percent.
    pub flow_ratio: i64,
    pub domain: String,
}

impl Online {
    /// One sentence for a person.
    pub fn line(&self) -> String {
        let domain = if self.domain.is_empty() { String::new() } else { format!(" at {}", self.domain) };
        format!("Version {} is online with {}% of the traffic{domain}.", self.version_name, self.flow_ratio)
    }
}

/// Reads where `version` stands once its task ended: its share of the
/// traffic and the service's domain (`DescribeCloudRunServerDetail`).
pub async fn online(client: &Client, env: &str, service: &str, version: &str) -> CliResult<Online> {
    let request = ServerRequest { env_id: env.into(), server_name: service.into() };
    // The deploy has succeeded by now: a dropped connection while reading
    // where it stands is tried again rather than failing the CI job.
    let mut tries = 0;
    let detail = loop {
        match client.call::<DescribeCloudRunServerDetail>(&request).await {
            Err(CliError::Network(_)) if tries < TOLERATED_FAILURES => {
                tries += 1;
                tokio::time::sleep(POLL).await;
            }
            answer => break answer?,
        }
    };
    let flow_ratio = detail
        .online_version_infos
        .iter()
        .find(|v| v.version_name == version)
        .and_then(|v| v.flow_ratio.trim().parse::<i64>().ok())
        .unwrap_or(0);
    Ok(Online { version_name: version.to_string(), flow_ratio, domain: detail.base_info.default_domain_name })
}

/// Follows task `task_id` of `service` (0: the service's current task, as
/// `CreateCloudRunServer` and `UpdateCloudRunServer` answer 0) until it
/// ends. A failed or cancelled task is [`CliError::Deploy`] (exit 3).
/// Ctrl-C stops the watching, not the task, and says how to look again.
pub async fn watch(client: &Client, out: &Out, env: &str, service: &str, task_id: i64) -> CliResult<Watched> {
    watch_after(client, out, env, service, task_id, 0).await
}

/// The service's newest task, to pass to [`watch_after`] before starting a
/// deploy that answers task 0.
pub async fn newest_task(client: &Client, env: &str, service: &str) -> CliResult<i64> {
    let request =
        ManageTaskRequest { env_id: env.into(), server_name: service.into(), task_id: 0, operator_remark: None };
    let answer = client.call::<DescribeServerManageTask>(&request).await?;
    Ok(if answer.is_exist { answer.task.id } else { 0 })
}

/// [`watch`], where task 0 must be newer than `before`: a cloud that
/// registers the new task a moment late would otherwise show the last one,
/// already over, as this deploy's success.
pub async fn watch_after(
    client: &Client,
    out: &Out,
    env: &str,
    service: &str,
    task_id: i64,
    before: i64,
) -> CliResult<Watched> {
    let mut watcher = Watcher::new(client, out, env, service, task_id);
    watcher.before = before;
    let ended = {
        let run = watcher.run();
        tokio::pin!(run);
        tokio::select! {
            ended = &mut run => Some(ended),
            _ = tokio::signal::ctrl_c() => None,
        }
    };
    watcher.clear_status();
    ended.unwrap_or_else(|| {
        let log = watcher
            .run_id
            .as_deref()
            .map(|r| format!(" or `tcbr cloudrun logs process -e {env} -s {service} --run-id {r}`"))
            .unwrap_or_default();
        Err(CliError::Interrupted(format!(
            "Stopped watching; the task goes on in the cloud. See how it ends with \
             `tcbr cloudrun record list -e {env} -s {service}`{log}."
        )))
    })
}

/// When a printed line happened: its second, then its place within it.
type Timed = (String, Order);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Order {
    Starts,
    Log,
    Ends,
}

struct Watcher<'a> {
    client: &'a Client,
    out: &'a Out,
    env: &'a str,
    service: &'a str,
    task_id: i64,
    started: Instant,
    /// Each step's last status seen, so only changes are printed.
    steps: HashMap<String, StepStatus>,
    run_id: Option<String>,
    /// Log lines already printed.
    printed: usize,
    /// A status line is on the terminal and must be cleared before a line.
    status_shown: bool,
    /// While following task 0: tasks up to this id are an earlier deploy's.
    before: i64,
}

impl<'a> Watcher<'a> {
    fn new(client: &'a Client, out: &'a Out, env: &'a str, service: &'a str, task_id: i64) -> Self {
        Watcher {
            client,
            out,
            env,
            service,
            task_id,
            started: Instant::now(),
            steps: HashMap::new(),
            run_id: None,
            printed: 0,
            status_shown: false,
            before: 0,
        }
    }

    async fn run(&mut self) -> CliResult<Watched> {
        let (mut failures, mut missing) = (0, 0);
        loop {
            if self.started.elapsed() > WATCH_MAX {
                return Err(CliError::Network(format!(
                    "{} is still deploying after {} minutes; watching stopped, the task goes on in the cloud. See how \
                     it ends with `tcbr cloudrun record list -e {} -s {}`.",
                    self.service,
                    WATCH_MAX.as_secs() / 60,
                    self.env,
                    self.service
                )));
            }
            match self.poll().await {
                Ok(Some(task)) => {
                    failures = 0;
                    if let Some(done) = self.ended(&task).await? {
                        return Ok(done);
                    }
                }
                Ok(None) => {
                    missing += 1;
                    if missing > TOLERATED_MISSING {
                        return Err(CliError::Network(format!(
                            "The cloud shows no task for {} to follow; see `tcbr cloudrun record list -e {} -s {}`.",
                            self.service, self.env, self.service
                        )));
                    }
                }
                // A refusal (no such service, no permission) will not pass.
                Err(e @ CliError::Cloud { .. }) => return Err(e),
                Err(e) => {
                    failures += 1;
                    if failures > TOLERATED_FAILURES {
                        return Err(e);
                    }
                }
            }
            self.draw_status();
            tokio::time::sleep(POLL).await;
        }
    }

    /// One round: the task, then the log (so it holds at least what the
    /// task's state says happened); step changes and new log lines are
    /// printed together in the order they happened.
    async fn poll(&mut self) -> CliResult<Option<ServerManageTaskInfo>> {
        let answer = self
            .client
            .call::<DescribeServerManageTask>(&ManageTaskRequest {
                env_id: self.env.into(),
                server_name: self.service.into(),
                task_id: self.task_id,
                operator_remark: None,
            })
            .await?;
        if !answer.is_exist {
            return Ok(None);
        }
        let task = answer.task;
        // An earlier deploy's task: the new one is not registered yet.
        if self.task_id == 0 && task.id <= self.before {
            return Ok(None);
        }
        // Task 0 names "the current one": follow that one by its id from now
        // on, so a task started after it is never mistaken for it.
        if self.task_id == 0 && task.id > 0 {
            self.task_id = task.id;
            self.line(format!("Task {} for version {}", task.id, task.version_name));
        }
        if self.run_id.is_none() {
            self.run_id = self.find_run_id(&task.version_name).await;
        }
        let mut lines = self.new_log_lines().await;
        lines.extend(self.step_lines(&task));
        // Within a second: steps starting, then the log, then steps ending;
        // stable, so log lines keep their order.
        lines.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, line) in lines {
            self.line(line);
        }
        Ok(Some(task))
    }

    /// The steps that changed since the last round, each with when it did.
    fn step_lines(&mut self, task: &ServerManageTaskInfo) -> Vec<(Timed, String)> {
        let mut lines = Vec::new();
        for step in &task.steps {
            let name = step.name.to_string();
            if self.steps.get(&name) == Some(&step.status) {
                continue;
            }
            self.steps.insert(name.clone(), step.status.clone());
            let line = match &step.status {
                StepStatus::Todo => continue,
                StepStatus::Running => format!("-> {name}"),
                StepStatus::Finished => format!("ok {name} ({}s)", step.cost_time.max(0)),
                StepStatus::Failed if step.fail_reason.is_empty() => format!("!! {name} failed"),
                StepStatus::Failed => format!("!! {name} failed: {}", step.fail_reason),
                StepStatus::Cancelled => format!("-- {name} cancelled"),
                StepStatus::Other(other) => format!("   {name}: {other}"),
            };
            let at = if step.status == StepStatus::Running || step.end_time.is_empty() {
                (step.start_time.clone(), Order::Starts)
            } else {
                (step.end_time.clone(), Order::Ends)
            };
            lines.push((at, line));
        }
        lines
    }

    /// New lines of the task's log, each with its time (a line without one
    /// takes the line before's). Reading the log is best effort: a log that
    /// cannot be read never fails the deploy it describes.
    async fn new_log_lines(&mut self) -> Vec<(Timed, String)> {
        let Some(run_id) = self.run_id.clone() else { return Vec::new() };
        let request = ProcessLogRequest { env_id: self.env.into(), run_id };
        let Ok(log) = self.client.call::<DescribeCloudRunProcessLog>(&request).await else { return Vec::new() };
        // A log that shrank (a cloud that keeps only its tail) starts over.
        if log.logs.len() < self.printed {
            self.printed = 0;
        }
        let mut at = String::new();
        let mut lines = Vec::new();
        for line in log.logs.iter().skip(self.printed) {
            if let Some(time) = line.get(..19).filter(|t| console_shared::time::parse_cst_exact(t).is_some()) {
                at = time.to_string();
            }
            // The BFF masks too; a key-pair route reads the cloud unmasked.
            lines.push(((at.clone(), Order::Log), format!("   {}", mask_log_line(line))));
        }
        self.printed = log.logs.len();
        lines
    }

    /// The `RunId` of the version's deploy record (the newest one for it),
    /// else of the newest record, as the guide's tool takes it.
    async fn find_run_id(&self, version: &str) -> Option<String> {
        let request = ServerRequest { env_id: self.env.into(), server_name: self.service.into() };
        let records = self.client.call::<DescribeCloudRunDeployRecord>(&request).await.ok()?.deploy_records;
        // The version's own record; else the newest only while it is still
        // deploying (surely this one), never an older deploy's log.
        let record = records
            .iter()
            .find(|r| r.deploy_id == version)
            .or(records.first().filter(|r| r.status == RecordStatus::Deploying))?;
        Some(record.run_id.clone()).filter(|r| !r.is_empty())
    }

    /// `Some` when the task has ended (or, for a gray release, its deploy has).
    async fn ended(&mut self, task: &ServerManageTaskInfo) -> CliResult<Option<Watched>> {
        let over = match &task.status {
            TaskStatus::Finished | TaskStatus::Failed | TaskStatus::Cancelled => true,
            TaskStatus::Running => task.gray_deployed(),
            // A status this tool does not know: keep watching, as the console does.
            TaskStatus::Other(_) => false,
        };
        if !over {
            return Ok(None);
        }
        if matches!(task.status, TaskStatus::Failed | TaskStatus::Cancelled) {
            let how = if task.status == TaskStatus::Cancelled { "was cancelled" } else { "failed" };
            let reason = if task.fail_reason.is_empty() { String::new() } else { format!(": {}", task.fail_reason) };
            let log = self
                .run_id
                .as_deref()
                .map(|r| {
                    format!(" Its log: `tcbr cloudrun logs process -e {} -s {} --run-id {r}`.", self.env, self.service)
                })
                .unwrap_or_default();
            return Err(CliError::Deploy {
                message: format!("The deploy of {} {how}{reason}.{log}", task.version_name),
                data: serde_json::json!({
                    "EnvId": self.env,
                    "ServiceName": self.service,
                    "TaskId": task.id,
                    "VersionName": task.version_name,
                    "Status": task.status.to_string(),
                    "RunId": self.run_id,
                    "FailReason": task.fail_reason,
                }),
            });
        }
        Ok(Some(Watched {
            task_id: task.id,
            version_name: task.version_name.clone(),
            status: task.status.to_string(),
            run_id: self.run_id.clone(),
            gray: task.release_type == ReleaseType::Gray,
        }))
    }

    /// A line for the log of the deploy, above the status line.
    fn line(&mut self, text: String) {
        self.clear_status();
        self.out.say(text);
    }

    /// On a terminal: the step running and the time so far, redrawn in place.
    fn draw_status(&mut self) {
        if !self.out.live {
            return;
        }
        let running = self
            .steps
            .iter()
            .find(|(_, s)| **s == StepStatus::Running)
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| "waiting".into());
        self.out.progress(format!("   {running}… {}s", self.started.elapsed().as_secs()));
        self.status_shown = true;
    }

    fn clear_status(&mut self) {
        if self.status_shown {
            self.out.progress("");
            // `progress("")` left the cursor at the start of an empty line.
            self.status_shown = false;
        }
    }
}

/// A count of bytes towards a known total, shown as it goes: on a terminal
/// one line redrawn at most ten times a second; in a CI log a plain line at
/// each quarter, so a log gets a few lines, not thousands.
pub struct Meter {
    out: Out,
    what: &'static str,
    total: u64,
    drawn: Option<Instant>,
    quarter: u64,
}

impl Meter {
    /// Starts the meter with a first line, `what` being e.g. "Uploading".
    pub fn new(out: Out, what: &'static str, total: u64) -> Meter {
        let meter = Meter { out, what, total, drawn: None, quarter: 0 };
        if !out.live {
            out.progress(format!("{what} {}…", size(total)));
        }
        meter
    }

    pub fn update(&mut self, done: u64) {
        let percent = (done.saturating_mul(100) / self.total.max(1)).min(100);
        if self.out.live {
            if self.drawn.is_some_and(|at| at.elapsed() < Duration::from_millis(100)) && done < self.total {
                return;
            }
            self.drawn = Some(Instant::now());
            self.out.progress(format!("{} {} of {} ({percent}%)", self.what, size(done), size(self.total)));
        } else if percent / 25 > self.quarter && percent < 100 {
            self.quarter = percent / 25;
            self.out.progress(format!("{} {percent}%", self.what));
        }
    }

    /// Ends the meter with its last line.
    pub fn finish(&mut self, line: impl AsRef<str>) {
        self.out.progress(line);
        self.out.progress_done();
    }
}

/// Bytes for a person: `512 B`, `3.4 KB`, `12.0 MB` (powers of 1024).
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::size;

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1536), "1.5 KB");
        assert_eq!(size(12 * 1024 * 1024), "12.0 MB");
    }
}
