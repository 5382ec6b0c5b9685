//! The built-in workload every instance runs: localcloud cannot run
//! containers (there is no container engine behind it), so every version
//! runs this real HTTP server, which answers with who it is, where it
//! listens and what it received. A few built-in images behave in a set way
//! on purpose, so failure paths and load can be shown:
//! - `localcloud/fail-health`: every instance answers 503; the health check fails.
//! - `localcloud/slow-start`: instances take several step lengths to start.
//! - `localcloud/missing`: the image cannot be pulled.
//! - `localcloud/slow-answer`: every answer takes [`SLOW_ANSWER`], so a few
//!   concurrent requests are real load for the scaler.
//!
//! Whatever the image, paths under `/__demo/` ask for what a demonstration
//! needs (R-OBS-1, R-OBS-2): `status/{code}` answers with that status,
//! `sleep/{ms}` answers late, `log/{level}?msg=` writes a line, `burn/{ms}`
//! keeps a CPU busy, `crash` ends the process (a real crash: localcloud
//! restarts it). Every request writes one access line.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use console_shared::secrets::{SECRET_MASK, looks_secret, mask_log_line};
use serde::Serialize;
use serde_json::json;

pub const IMAGE_FAIL_HEALTH: &str = "localcloud/fail-health";
pub const IMAGE_SLOW_START: &str = "localcloud/slow-start";
pub const IMAGE_MISSING: &str = "localcloud/missing";
pub const IMAGE_SLOW_ANSWER: &str = "localcloud/slow-answer";

/// How long each answer of `localcloud/slow-answer` takes.
pub const SLOW_ANSWER: Duration = Duration::from_millis(200);

/// The longest `/__demo/sleep` and `/__demo/burn`, in milliseconds.
const SLEEP_MAX_MS: u64 = 30_000;
const BURN_MAX_MS: u64 = 10_000;

/// The exit status of `/__demo/crash`.
const CRASH_STATUS: i32 = 3;

/// How long `/__demo/crash` waits before it ends the process: its own
/// answer leaves first.
const CRASH_AFTER: Duration = Duration::from_millis(100);

/// A secret value shorter than this is not masked where it stands alone:
/// masking `1` or `on` would blank every digit or word of every line and
/// show the value by its absence. `NAME=value` forms are masked whatever
/// the length (`mask_log_line`).
const MASKED_VALUE_MIN_CHARS: usize = 4;

/// Where this instance writes its lines: standard output, and the custom
/// log file when there is one. Every text a line carries is masked before
/// the line is made ([`Output::mask`]): masked after, a `NAME=value` inside
/// a JSON string would take the closing quote with it and break the line.
/// The rest of a line is the workload's own (times, levels, numbers, ids).
struct Output {
    /// The literal values of the secret-looking variables, longest first.
    secrets: Vec<String>,
    file: Option<Mutex<LogFile>>,
}

/// A custom log file past this size is rotated: renamed to `<path>.1`
/// (replacing the one before) and started afresh, so an instance that lives
/// long keeps at most two files' worth on disk. localcloud has read the old
/// one by then or reads the rest of it through its open handle.
pub const LOG_FILE_ROTATE_BYTES: u64 = 8 * 1024 * 1024;

/// The custom log file and how much this process wrote to it.
struct LogFile {
    path: std::path::PathBuf,
    file: std::fs::File,
    written: u64,
}

impl LogFile {
    fn open(path: &Path) -> std::io::Result<LogFile> {
        let file = open_log_file(path)?;
        let written = file.metadata()?.len();
        Ok(LogFile { path: path.to_path_buf(), file, written })
    }

    fn append(&mut self, text: &str) {
        if self.written >= LOG_FILE_ROTATE_BYTES {
            let old = self.path.with_extension(match self.path.extension() {
                Some(ext) => format!("{}.1", ext.to_string_lossy()),
                None => "1".into(),
            });
            // On failure the file keeps growing rather than losing lines.
            if std::fs::rename(&self.path, &old).is_ok()
                && let Ok(fresh) = open_log_file(&self.path)
            {
                self.file = fresh;
                self.written = 0;
            }
        }
        if writeln!(self.file, "{text}").is_ok() {
            self.written += text.len() as u64 + 1;
        }
    }
}

impl Output {
    fn new(vars: &serde_json::Map<String, serde_json::Value>, log_file: Option<&Path>) -> Output {
        let mut secrets: Vec<String> = vars
            .iter()
            .filter(|(name, _)| looks_secret(name))
            .map(|(_, value)| value_text(value))
            .filter(|value| value.chars().count() >= MASKED_VALUE_MIN_CHARS)
            .collect();
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        let file = log_file.and_then(|path| match LogFile::open(path) {
            Ok(file) => Some(Mutex::new(file)),
            Err(e) => {
                eprintln!("cannot open the custom log file {}: {e}", path.display());
                None
            }
        });
        Output { secrets, file }
    }

    /// `text` with every secret value masked, by value then by name
    /// (`secrets::mask_log_line`).
    fn mask(&self, text: &str) -> String {
        let mut text = text.to_string();
        for secret in &self.secrets {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), SECRET_MASK);
            }
        }
        mask_log_line(&text)
    }

    /// Writes one line, made of masked texts. A closed standard output
    /// means localcloud is gone, and the watchdog ends this process;
    /// nothing to do here.
    fn write(&self, line: &impl Serialize) {
        let text = serde_json::to_string(line).unwrap_or_default();
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}").and_then(|()| out.flush());
        drop(out);
        if let Some(file) = &self.file {
            file.lock().unwrap_or_else(|p| p.into_inner()).append(&text);
        }
    }

    fn note(&self, level: &str, kind: &str, msg: &str, instance: &str) {
        self.write(&Note { time: now_cst(), level, r#type: kind, msg: &self.mask(msg), instance });
    }
}

fn open_log_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    }
    std::fs::OpenOptions::new().append(true).create(true).mode(0o600).open(path)
}

/// A variable's value as the process sees it: the text of a string, the
/// JSON of anything else.
fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// Now, as `2026-11-30T23:52:00.200+08:00` (UTC+8, the console's zone).
fn now_cst() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let at = console_shared::time::cst_datetime(now.as_secs() as i64).replacen(' ', "T", 1);
    format!("{at}.{:03}+08:00", now.subsec_millis())
}

/// A start-up, stop or application line.
#[derive(Serialize)]
struct Note<'a> {
    time: String,
    level: &'a str,
    r#type: &'a str,
    msg: &'a str,
    instance: &'a str,
}

/// One request's access line.
#[derive(Serialize)]
struct Access<'a> {
    time: String,
    level: &'a str,
    r#type: &'a str,
    method: &'a str,
    path: &'a str,
    query: &'a str,
    status: u16,
    ms: u128,
    instance: &'a str,
}

/// What the built-in workload knows about itself.
pub struct Workload {
    service: String,
    version: String,
    image: String,
    instance: String,
    /// Only the variables whose names do not look secret.
    env: serde_json::Map<String, serde_json::Value>,
    output: Output,
}

impl Workload {
    pub fn new(
        service: String,
        version: String,
        image: String,
        instance: String,
        vars: serde_json::Map<String, serde_json::Value>,
        log_file: Option<&Path>,
    ) -> Workload {
        let output = Output::new(&vars, log_file);
        let env = vars.into_iter().filter(|(k, _)| !looks_secret(k)).collect();
        Workload { service, version, image, instance, env, output }
    }

    /// Serves on `listener` until SIGTERM (or Ctrl-C), then finishes the
    /// requests under way.
    pub async fn serve(self, listener: std::net::TcpListener) -> ExitCode {
        let listener = match tokio::net::TcpListener::from_std(listener) {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("cannot serve on the handed listener: {e}");
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        let this = Arc::new(self);
        let (service, version, image) = (&this.service, &this.version, &this.image);
        let starting = format!("starting {image} as an instance of {service}, version {version}");
        this.output.note("info", "start", &starting, &this.instance);
        this.output.note("info", "start", &format!("listening on {address}"), &this.instance);
        let served = this.clone();
        let app = axum::Router::new().fallback(move |req: Request| {
            let workload = served.clone();
            let address = address.clone();
            async move { workload.handle(&address, req).await }
        });
        let stopping = this.clone();
        let stopped = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                stop_signal().await;
                stopping.output.note("info", "stop", "stopping: finishing the requests under way", &stopping.instance);
            })
            .await;
        match stopped {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("the listener failed: {e}");
                ExitCode::FAILURE
            }
        }
    }

    /// One request: its answer, then its access line.
    async fn handle(&self, address: &str, req: Request) -> Response {
        let began = Instant::now();
        let method = req.method().to_string();
        let path = req.uri().path().to_string();
        let query = req.uri().query().unwrap_or("").to_string();
        let response = self.answer(address, req).await;
        let mask = |text: &str| self.output.mask(text);
        self.output.write(&Access {
            time: now_cst(),
            level: if response.status().is_server_error() { "error" } else { "info" },
            r#type: "access",
            method: &mask(&method),
            path: &mask(&path),
            query: &mask(&query),
            status: response.status().as_u16(),
            ms: began.elapsed().as_millis(),
            instance: &self.instance,
        });
        response
    }

    async fn answer(&self, address: &str, req: Request) -> Response {
        if self.image == IMAGE_FAIL_HEALTH {
            let body =
                json!({"error": "this built-in image fails its health check on purpose", "instance": self.instance});
            return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
        }
        if self.image == IMAGE_SLOW_ANSWER {
            tokio::time::sleep(SLOW_ANSWER).await;
        }
        if let Some(demo) = req.uri().path().strip_prefix("/__demo/") {
            let (what, arg) = demo.split_once('/').unwrap_or((demo, ""));
            let query = Query::<HashMap<String, String>>::try_from_uri(req.uri()).map(|q| q.0).unwrap_or_default();
            return self.demo(what, arg, &query).await;
        }
        let headers: serde_json::Map<String, serde_json::Value> = req
            .headers()
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "cookie" | "authorization"))
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").into()))
            .collect();
        Json(json!({
            "service": self.service,
            "version": self.version,
            "image": self.image,
            "instance": self.instance,
            "address": address,
            "request": {"method": req.method().as_str(), "path": req.uri().path(), "query": req.uri().query(), "headers": headers},
            "env": self.env,
            "note": "served by localcloud's built-in workload: localcloud does not run containers",
        }))
        .into_response()
    }

    /// `/__demo/{what}/{arg}`.
    async fn demo(&self, what: &str, arg: &str, query: &HashMap<String, String>) -> Response {
        let done = |extra: serde_json::Value| {
            let mut body = json!({"demo": what, "instance": self.instance});
            if let (Some(body), serde_json::Value::Object(extra)) = (body.as_object_mut(), extra) {
                body.extend(extra);
            }
            Json(body)
        };
        match what {
            "status" => match arg.parse::<u16>().ok().filter(|c| (200..=599).contains(c)) {
                Some(code) => {
                    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
                    (status, done(json!({"status": code}))).into_response()
                }
                // 1xx is never a final answer in HTTP: the server would turn it into a 500.
                None => bad_request(&format!("status/{arg}: give a status from 200 to 599")),
            },
            "sleep" => match millis(arg, SLEEP_MAX_MS) {
                Some(ms) => {
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    done(json!({"ms": ms})).into_response()
                }
                None => bad_request(&format!("sleep/{arg}: give milliseconds from 0 to {SLEEP_MAX_MS}")),
            },
            "burn" => match millis(arg, BURN_MAX_MS) {
                Some(ms) => {
                    // On the blocking pool: the other requests keep being answered.
                    let _ = tokio::task::spawn_blocking(move || burn(Duration::from_millis(ms))).await;
                    done(json!({"ms": ms})).into_response()
                }
                None => bad_request(&format!("burn/{arg}: give milliseconds from 0 to {BURN_MAX_MS}")),
            },
            "log" => {
                if !matches!(arg, "debug" | "info" | "warn" | "error") {
                    return bad_request(&format!("log/{arg}: the level is debug, info, warn or error"));
                }
                let msg = query.get("msg").map(String::as_str).unwrap_or("");
                self.output.note(arg, "app", msg, &self.instance);
                done(json!({"level": arg})).into_response()
            }
            "crash" => {
                let output_instance = self.instance.clone();
                let msg = format!("exiting with status {CRASH_STATUS}, as /__demo/crash asked");
                self.output.note("error", "app", &msg, &output_instance);
                tokio::spawn(async {
                    tokio::time::sleep(CRASH_AFTER).await;
                    std::process::exit(CRASH_STATUS);
                });
                done(json!({"exit": CRASH_STATUS})).into_response()
            }
            _ => {
                let body = json!({
                    "error": format!("no demo behaviour named {what}"),
                    "demo": ["/__demo/status/{code}", "/__demo/sleep/{ms}", "/__demo/log/{level}?msg=", "/__demo/burn/{ms}", "/__demo/crash"],
                });
                (StatusCode::NOT_FOUND, Json(body)).into_response()
            }
        }
    }
}

fn bad_request(why: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response()
}

/// A whole number of milliseconds up to `max`.
fn millis(arg: &str, max: u64) -> Option<u64> {
    arg.parse::<u64>().ok().filter(|ms| *ms <= max)
}

/// Keeps one CPU busy for `span`.
fn burn(span: Duration) {
    let until = Instant::now() + span;
    let mut x: u64 = 1;
    while Instant::now() < until {
        for _ in 0..10_000 {
            x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
        }
    }
}

/// SIGTERM (how localcloud stops an instance) or Ctrl-C.
async fn stop_signal() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_log_file_rotates_past_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("logs/app.log");
        let mut file = LogFile::open(&path).unwrap();
        let line = "x".repeat(1023);
        let lines = LOG_FILE_ROTATE_BYTES / 1024 + 10;
        for _ in 0..lines {
            file.append(&line);
        }
        let old = std::fs::metadata(dir.path().join("logs/app.log.1")).unwrap().len();
        let new = std::fs::metadata(&path).unwrap().len();
        assert_eq!(old, LOG_FILE_ROTATE_BYTES, "rotated once it was full");
        assert_eq!(old + new, lines * 1024, "no line lost");
    }

    fn output(vars: serde_json::Value) -> Output {
        Output::new(vars.as_object().unwrap(), None)
    }

    #[test]
    fn secret_values_are_masked_wherever_they_appear() {
        let out =
            output(json!({"DB_PASSWORD": "hunter22", "API_KEY": "a=b;cdef", "PIN_SECRET": "42", "REGION": "sh-1"}));
        assert_eq!(out.mask("connecting with hunter22 to sh-1"), format!("connecting with {SECRET_MASK} to sh-1"));
        // The whole value, though `mask_log_line` alone would stop at its `;`.
        assert_eq!(out.mask("key=a=b;cdef"), format!("key={SECRET_MASK}"));
        // Short values only by name; names always.
        assert_eq!(out.mask("42 items"), "42 items");
        assert_eq!(out.mask("PIN_SECRET=42"), format!("PIN_SECRET={SECRET_MASK}"));
        // Masked before the line is made, so the line stays whole JSON.
        let msg = out.mask("API_TOKEN=x1, then Authorization: Bearer abc");
        let note = Note { time: now_cst(), level: "info", r#type: "app", msg: &msg, instance: "i-1" };
        let line: serde_json::Value = serde_json::from_str(&serde_json::to_string(&note).unwrap()).unwrap();
        assert_eq!(line["msg"], format!("API_TOKEN={SECRET_MASK}, then Authorization: {SECRET_MASK}"));
        assert_eq!(line["instance"], "i-1");
    }

    #[test]
    fn lines_carry_the_time_in_utc_plus_8_with_milliseconds() {
        let at = now_cst();
        assert_eq!(at.len(), "2026-11-30T23:52:00.200+08:00".len(), "{at}");
        assert!(at.ends_with("+08:00") && at.as_bytes()[10] == b'T', "{at}");
        let line = Access {
            time: at,
            level: "info",
            r#type: "access",
            method: "GET",
            path: "/x",
            query: "a=1",
            status: 200,
            ms: 3,
            instance: "svc-001-ab12cd34",
        };
        let text = serde_json::to_string(&line).unwrap();
        let rest = r#"","level":"info","type":"access","method":"GET","path":"/x","query":"a=1","status":200,"ms":3,"instance":"svc-001-ab12cd34"}"#;
        assert!(text.starts_with(r#"{"time":""#) && text.ends_with(rest), "{text}");
    }
}
