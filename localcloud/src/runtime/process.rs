//! Every instance is its own OS process (R-OBS-1, R-OBS-2): localcloud's own
//! program, or the console's, in the instance mode (`crate::instance`).
//! Here: starting one, watching it, stopping it, collecting its lines,
//! reading its CPU and memory from `/proc`, and ending what a previous
//! localcloud left behind.
//!
//! **Starting.** localcloud binds a free loopback port and hands the
//! listening socket to the process as its standard input, with the
//! version's variables in one environment variable (never on the command
//! line). The process's first line on standard output says it listens: the
//! instance is up then. Every process is started from one thread that lives
//! as long as the runtime ([`Spawner`]): Linux sends the parent-death
//! signal the process asked for when the *thread* that forked it ends, so a
//! thread of the blocking pool, which ends when idle, would take its
//! instances with it.
//!
//! **Never outliving localcloud.** Besides the parent-death signal and the
//! process's own watchdog, each process's pid is written to
//! `<data_dir>/instances/<id>.pid`; a new localcloud on the same data
//! directory ends every recorded process whose command line still names
//! the instance mode and that instance's directory, and removes the files.
//!
//! **A crash is real.** A supervisor per instance waits on its process. An
//! exit nobody asked for takes the instance out of the pick (unhealthy), is
//! written to the version's process log, and the process is started again
//! after a short pause that doubles while restarts fail (a process that ran
//! for a while starts again from the shortest); the instance is back in the
//! pick once the new process says it listens, on its new port. Stopping is
//! graceful: SIGTERM, which lets the workload finish the requests under way
//! (the gateway's were already answered, `instances::Instance`), then
//! SIGKILL after [`STOP_GRACE`].
//!
//! **Logs** (R-OBS-1). `LogType` decides what is collected into the
//! [`LogSink`]: `default` (and empty, or `custom` without a usable path)
//! standard output and standard error; `custom` with a path the file the
//! workload appends to under its own directory
//! (`<data_dir>/instances/<id>/<path without its leading />`), tailed, each
//! line's stream being the path as configured; `none` nothing. The pipes
//! are always drained, so a process never blocks on a full pipe.

use std::net::{Ipv4Addr, SocketAddr};
use std::os::fd::OwnedFd;
use std::path::{Component, Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use console_shared::actions::ServerBaseConfig;
use console_shared::vocab::{LogType, VersionRef};
use console_shared::wording::InstanceEvent;
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

use crate::instance;
use crate::observe::logs::LogSink;

use super::collect::{Collector, read_lines, tail};

/// How long a process has to say it listens.
const START_LIMIT: Duration = Duration::from_secs(10);

/// How long a stopping process has to finish what it serves after SIGTERM.
const STOP_GRACE: Duration = Duration::from_secs(10);

/// The first pause before a restart, and the longest.
const RESTART_FIRST: Duration = Duration::from_millis(500);
const RESTART_MOST: Duration = Duration::from_secs(8);

/// A process that ran this long before it crashed starts again after the
/// shortest pause: it was not crashing in a loop.
const RAN_WELL: Duration = Duration::from_secs(30);

/// An event of an instance for its version's process log.
#[derive(Debug)]
pub struct Event {
    pub version: VersionRef,
    pub line: String,
}

/// Where a running instance process listens, and its pid.
#[derive(Debug, Clone, Copy)]
pub struct Up {
    pub addr: SocketAddr,
    pub pid: u32,
}

/// An instance's process as the runtime reads it: `Some` while it runs and
/// said it listens, `None` while it is down or restarting.
#[derive(Default)]
pub struct Live(Mutex<Option<Up>>);

impl Live {
    pub fn get(&self) -> Option<Up> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, up: Option<Up>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = up;
    }
}

/// Starts processes from one long-lived thread (see the module doc).
struct Spawner {
    requests: std::sync::mpsc::Sender<(Command, oneshot::Sender<std::io::Result<Child>>)>,
}

impl Spawner {
    /// Its thread ends when the spawner is dropped (with the runtime).
    fn new() -> Spawner {
        let (requests, incoming) = std::sync::mpsc::channel::<(Command, oneshot::Sender<std::io::Result<Child>>)>();
        // The child is registered with the tokio runtime that waits on it.
        let runtime = tokio::runtime::Handle::try_current();
        let started = std::thread::Builder::new().name("localcloud-instances".into()).spawn(move || {
            let _entered = runtime.as_ref().ok().map(|r| r.enter());
            for (mut command, reply) in incoming {
                let spawned = match &runtime {
                    Ok(_) => command.spawn(),
                    Err(e) => Err(std::io::Error::other(format!("no async runtime to run instances on: {e}"))),
                };
                let _ = reply.send(spawned);
            }
        });
        if let Err(e) = started {
            // Every start then fails with this said (`spawn`).
            tracing::error!(error = %e, "cannot start the thread that starts instances");
        }
        Spawner { requests }
    }

    async fn spawn(&self, command: Command) -> std::io::Result<Child> {
        let gone = || std::io::Error::other("the thread that starts instances is not running");
        let (reply, spawned) = oneshot::channel();
        self.requests.send((command, reply)).map_err(|_| gone())?;
        spawned.await.map_err(|_| gone())?
    }
}

/// What to collect of an instance's lines.
#[derive(Debug, Clone, PartialEq)]
enum Collect {
    Nothing,
    Std,
    /// The custom log file, and its stream name (the path as configured).
    File {
        path: PathBuf,
        stream: String,
    },
}

/// A custom log path made relative to the instance's directory: `None` when
/// it is empty, `stdout`, or would leave the directory (`..`).
fn custom_file(configured: &str) -> Option<PathBuf> {
    let configured = configured.trim();
    if configured.is_empty() || configured == "stdout" {
        return None;
    }
    let relative = Path::new(configured.trim_start_matches('/'));
    let clean = relative.components().all(|c| matches!(c, Component::Normal(_)));
    (clean && relative.components().next().is_some()).then(|| relative.to_path_buf())
}

fn collect(config: &ServerBaseConfig, dir: &Path) -> Collect {
    match LogType::from(config.log_type.as_str()) {
        LogType::None => Collect::Nothing,
        LogType::Custom => match custom_file(&config.custom_logs) {
            Some(relative) => Collect::File { path: dir.join(relative), stream: config.custom_logs.trim().to_string() },
            None => Collect::Std,
        },
        _ => Collect::Std,
    }
}

/// One instance: what each of its processes is started with.
struct Spec {
    version: VersionRef,
    instance: String,
    image: String,
    /// The version's variables, a JSON object.
    vars: String,
    dir: PathBuf,
    pid_file: PathBuf,
    collect: Collect,
}

/// A process that said it listens.
struct Started {
    child: Child,
    up: Up,
}

/// Starts, watches and stops the instance processes.
pub struct Launcher {
    program: PathBuf,
    /// `<data_dir>/instances`, absolute: the processes run in their own directories.
    dir: PathBuf,
    logs: LogSink,
    events: mpsc::UnboundedSender<Event>,
    spawner: Spawner,
}

impl Launcher {
    /// A launcher running `program` for instances under `<data_dir>/instances`
    /// (first ending what a previous localcloud left there), and the
    /// receiving end of its events for the process logs.
    pub fn new(program: &Path, data_dir: &Path, logs: LogSink) -> (Launcher, mpsc::UnboundedReceiver<Event>) {
        let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        let dir = absolute(&data_dir.join("instances"));
        reap(&dir);
        let (events, received) = mpsc::unbounded_channel();
        let launcher = Launcher { program: absolute(program), dir, logs, events, spawner: Spawner::new() };
        (launcher, received)
    }

    /// Starts an instance's process and its supervisor; the instance stops
    /// when `stop` fires or is dropped.
    pub async fn launch(
        self: &Arc<Self>,
        version: &VersionRef,
        instance: &str,
        image: &str,
        config: &ServerBaseConfig,
        stop: oneshot::Receiver<()>,
    ) -> std::io::Result<Arc<Live>> {
        let dir = self.dir.join(instance);
        crate::private::dir(&dir)?;
        let spec = Spec {
            version: version.clone(),
            instance: instance.into(),
            image: image.into(),
            vars: vars_json(&config.env_params),
            pid_file: self.dir.join(format!("{instance}.pid")),
            collect: collect(config, &dir),
            dir,
        };
        let started = match self.start(&spec).await {
            Ok(started) => started,
            Err(e) => {
                remove(&spec).await;
                return Err(e);
            }
        };
        let live = Arc::new(Live::default());
        live.set(Some(started.up));
        tokio::spawn(self.clone().supervise(spec, started, live.clone(), stop));
        Ok(live)
    }

    /// Starts one process of the instance and waits until it listens.
    async fn start(&self, spec: &Spec) -> std::io::Result<Started> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
        let addr = listener.local_addr()?;
        let mut command = Command::new(&self.program);
        command
            .arg(instance::ARG)
            .arg("--parent")
            .arg(std::process::id().to_string())
            .arg("--dir")
            .arg(&spec.dir)
            .args(["--instance", &spec.instance, "--service", spec.version.service.as_str()])
            .args(["--version", spec.version.version.as_str(), "--image", &spec.image]);
        if let Collect::File { path, .. } = &spec.collect {
            command.arg("--log-file").arg(path);
        }
        command
            .env_clear()
            .env(instance::VARS, &spec.vars)
            .current_dir(&spec.dir)
            .stdin(Stdio::from(OwnedFd::from(listener)))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = self.spawner.spawn(command).await?;
        let pid = child.id().ok_or_else(|| std::io::Error::other("the instance process ended at once"))?;
        write_pid(&spec.pid_file, pid)?;
        let collecting = |stream: &str| {
            (spec.collect == Collect::Std).then(|| Collector {
                logs: self.logs.clone(),
                version: spec.version.clone(),
                instance: spec.instance.clone(),
                stream: stream.into(),
            })
        };
        let (ready, listening) = oneshot::channel();
        let last_words = Arc::new(Mutex::new(String::new()));
        if let Some(out) = child.stdout.take() {
            tokio::spawn(read_lines(out, collecting("stdout"), Some(ready), None));
        }
        if let Some(err) = child.stderr.take() {
            tokio::spawn(read_lines(err, collecting("stderr"), None, Some(last_words.clone())));
        }
        match tokio::time::timeout(START_LIMIT, listening).await {
            Ok(Ok(())) => Ok(Started { child, up: Up { addr, pid } }),
            Ok(Err(_)) => {
                let status = match tokio::time::timeout(Duration::from_secs(1), child.wait()).await {
                    Ok(Ok(status)) => status.to_string(),
                    _ => "no exit status".into(),
                };
                // Its error line, read to the end by now or soon.
                tokio::time::sleep(Duration::from_millis(50)).await;
                let said = last_words.lock().unwrap_or_else(|p| p.into_inner()).clone();
                let said = if said.is_empty() { String::new() } else { format!(": {said}") };
                Err(std::io::Error::other(format!("the instance process ended before it listened ({status}){said}")))
            }
            Err(_) => {
                let _ = child.kill().await;
                let limit = START_LIMIT.as_secs();
                Err(std::io::Error::other(format!("the instance process did not listen within {limit} s")))
            }
        }
    }

    /// Watches one instance's process until the instance stops: restarts it
    /// when it exits unasked, ends it when asked.
    async fn supervise(
        self: Arc<Self>,
        spec: Spec,
        mut running: Started,
        live: Arc<Live>,
        mut stop: oneshot::Receiver<()>,
    ) {
        let tail_stop = CancellationToken::new();
        let tail = match &spec.collect {
            Collect::File { path, stream } => Some(tokio::spawn(tail(
                path.clone(),
                Collector {
                    logs: self.logs.clone(),
                    version: spec.version.clone(),
                    instance: spec.instance.clone(),
                    stream: stream.clone(),
                },
                tail_stop.clone(),
            ))),
            _ => None,
        };
        let mut pause = RESTART_FIRST;
        'watch: loop {
            let since = Instant::now();
            let exited = tokio::select! {
                _ = &mut stop => {
                    terminate(&mut running.child).await;
                    break 'watch;
                }
                exited = running.child.wait() => exited,
            };
            live.set(None);
            let how = exited.map_or_else(|e| e.to_string(), |status| status.to_string());
            tracing::warn!(instance = %spec.instance, %how, "an instance process exited unasked; restarting it");
            self.event(&spec, InstanceEvent::Crashed { instance: &spec.instance, how: &how });
            if since.elapsed() >= RAN_WELL {
                pause = RESTART_FIRST;
            }
            let mut failed_before = false;
            loop {
                tokio::select! {
                    _ = &mut stop => break 'watch,
                    () = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(RESTART_MOST);
                match self.start(&spec).await {
                    Ok(started) => {
                        running = started;
                        live.set(Some(running.up));
                        self.event(&spec, InstanceEvent::Restarted { instance: &spec.instance });
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(instance = %spec.instance, error = %e, "an instance could not restart");
                        // Once per run of failures: the log says it, not each retry.
                        if !failed_before {
                            let why = e.to_string();
                            self.event(&spec, InstanceEvent::RestartFailed { instance: &spec.instance, why: &why });
                        }
                        failed_before = true;
                    }
                }
            }
        }
        live.set(None);
        tail_stop.cancel();
        if let Some(tail) = tail {
            let _ = tail.await;
        }
        remove(&spec).await;
    }

    fn event(&self, spec: &Spec, event: InstanceEvent) {
        let _ = self.events.send(Event { version: spec.version.clone(), line: event.to_string() });
    }
}

/// The version's variables as the process receives them: a JSON object of
/// strings (environment values are text). Anything else reads as none.
fn vars_json(env_params: &str) -> String {
    let vars: serde_json::Map<String, serde_json::Value> = serde_json::from_str(env_params).unwrap_or_default();
    let vars: serde_json::Map<String, serde_json::Value> = vars
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(_) => (name, value),
            other => (name, serde_json::Value::String(other.to_string())),
        })
        .collect();
    serde_json::Value::Object(vars).to_string()
}

fn write_pid(path: &Path, pid: u32) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    file.write_all(pid.to_string().as_bytes())
}

/// Removes an instance's directory and pid file.
async fn remove(spec: &Spec) {
    let _ = tokio::fs::remove_dir_all(&spec.dir).await;
    let _ = tokio::fs::remove_file(&spec.pid_file).await;
}

/// SIGTERM, then SIGKILL after the grace period.
async fn terminate(child: &mut Child) {
    let pid = child.id().and_then(|pid| rustix::process::Pid::from_raw(pid as i32));
    if let Some(pid) = pid
        && rustix::process::kill_process(pid, rustix::process::Signal::TERM).is_ok()
        && tokio::time::timeout(STOP_GRACE, child.wait()).await.is_ok()
    {
        return;
    }
    let _ = child.kill().await;
}

/// Ends the processes a previous localcloud recorded under `dir` and still
/// running as its instances, and removes their files.
fn reap(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(instance) = path.file_name().and_then(|n| n.to_str()).and_then(|n| n.strip_suffix(".pid")) else {
            continue;
        };
        let instance_dir = dir.join(instance);
        let pid = std::fs::read_to_string(&path).ok().and_then(|p| p.trim().parse::<i32>().ok());
        if let Some(pid) = pid.filter(|pid| runs_instance(*pid, &instance_dir))
            && let Some(pid) = rustix::process::Pid::from_raw(pid)
        {
            match rustix::process::kill_process(pid, rustix::process::Signal::KILL) {
                Ok(()) => tracing::info!(%instance, "ended an instance process a previous localcloud left running"),
                Err(e) => tracing::warn!(%instance, error = %e, "cannot end an instance process left running"),
            }
        }
        let _ = std::fs::remove_dir_all(&instance_dir);
        let _ = std::fs::remove_file(&path);
    }
}

/// Whether process `pid` runs the instance mode for the instance in `dir`.
fn runs_instance(pid: i32, dir: &Path) -> bool {
    let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    let dir = dir.as_os_str().as_encoded_bytes();
    args.contains(&instance::ARG.as_bytes()) && args.contains(&dir)
}

/// CPU seconds (user and system) process `pid` used, and its resident
/// memory in bytes; zeros for what cannot be read.
pub fn usage_of(pid: u32) -> (f64, u64) {
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| cpu_ticks(&s));
    let per_second = match rustix::param::clock_ticks_per_second() {
        0 => 100,
        n => n,
    };
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status")).ok().and_then(|s| rss_bytes(&s));
    (ticks.map_or(0.0, |t| t as f64 / per_second as f64), rss.unwrap_or(0))
}

/// utime + stime of a `/proc/<pid>/stat` line, in clock ticks: fields 14
/// and 15, counted after the command name, which may hold spaces and `)`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let (_, after_name) = stat.rsplit_once(')')?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// `VmRSS` of a `/proc/<pid>/status`, in bytes.
fn rss_bytes(status: &str) -> Option<u64> {
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_are_read_from_proc_text() {
        let stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 500 0 0 0 170 30 0 0 20 0 3 0 100 1000 200";
        assert_eq!(cpu_ticks(stat), Some(200), "utime 170 + stime 30, past a name holding `) `");
        assert_eq!(cpu_ticks("4242 (x) S 1"), None);
        assert_eq!(rss_bytes("Name:\tx\nVmRSS:\t    2048 kB\nThreads:\t3\n"), Some(2048 * 1024));
        assert_eq!(rss_bytes("Name:\tx\n"), None, "a kernel thread has none");
        let (cpu, rss) = usage_of(std::process::id());
        assert!(cpu >= 0.0 && rss > 0, "this process: {cpu} s, {rss} B");
    }

    #[test]
    fn log_type_decides_what_is_collected() {
        let dir = Path::new("/data/instances/web-001-ab");
        let config = |log_type: &str, path: &str| ServerBaseConfig {
            log_type: log_type.into(),
            custom_logs: path.into(),
            ..Default::default()
        };
        assert_eq!(collect(&config("", "stdout"), dir), Collect::Std);
        assert_eq!(collect(&config("default", "/var/log/a.log"), dir), Collect::Std);
        assert_eq!(collect(&config("none", "/var/log/a.log"), dir), Collect::Nothing);
        assert_eq!(
            collect(&config("custom", "/var/log/a.log"), dir),
            Collect::File { path: dir.join("var/log/a.log"), stream: "/var/log/a.log".into() }
        );
        for unusable in ["stdout", "", "/", "/var/../../etc/passwd", "./a.log"] {
            assert_eq!(collect(&config("custom", unusable), dir), Collect::Std, "{unusable}");
        }
    }

    #[test]
    fn variables_reach_the_process_as_text() {
        assert_eq!(vars_json(r#"{"A":"x","N":3,"B":true}"#), r#"{"A":"x","B":"true","N":"3"}"#);
        assert_eq!(vars_json("not json"), "{}");
    }
}
