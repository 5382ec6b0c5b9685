//! Instances are real processes (R-OBS-1, R-OBS-2): one killed from outside
//! is restarted and shows as unhealthy meanwhile, with the event in its
//! process log; none outlives a localcloud killed with SIGKILL; a busy one
//! uses more CPU than an idle one; the workload answers its demo paths and
//! writes masked lines to a custom log file.

mod common;

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Call, Cloud, code, create_env, detail, run_id, started, wait_task};
use console_shared::secrets::SECRET_MASK;
use console_shared::wording::InstanceEvent;
use serde_json::{Value, json};

/// The first argument of an instance's process (`localcloud::instance::ARG`).
const ARG: &str = localcloud::instance::ARG;

/// Deploys `name` from `image` with MinNum `min` and these extra settings;
/// its default domain.
async fn deploy(cloud: &Cloud, env: &str, name: &str, min: i64, items: Value) -> String {
    let mut all = vec![json!({"Key": "Port", "IntValue": 8080}), json!({"Key": "MinNum", "IntValue": min})];
    all.extend(items.as_array().cloned().unwrap_or_default());
    let created = Call::new(
        "tcbr",
        "CreateCloudRunServer",
        json!({"EnvId": env, "ServerName": name, "DeployInfo": {"DeployType": "image", "ImageUrl": "nginx"}, "Items": all}),
    )
    .send(cloud)
    .await;
    let task = started(cloud, env, name, &created).await;
    assert_eq!(wait_task(cloud, env, name, task).await["Status"], "finished");
    detail(cloud, env, name).await["BaseInfo"]["DefaultDomainName"].as_str().unwrap().to_string()
}

/// A GET of `path` through the gateway on the service's domain: status and body.
async fn get(cloud: &Cloud, domain: &str, path: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .get(format!("http://{}{path}", cloud.gateway))
        .header("host", domain.trim_start_matches("http://"))
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `(PodId, Status)` of every instance of the service.
async fn pods(cloud: &Cloud, env: &str, name: &str) -> Vec<(String, String)> {
    let r = Call::new("tcbr", "DescribeCloudRunPodList", json!({"EnvId": env, "ServerName": name})).send(cloud).await;
    assert_eq!(code(&r), "<no error>", "{r}");
    let list = r["PodList"].as_array().unwrap_or_else(|| panic!("{r}"));
    list.iter().map(|p| (p["PodId"].as_str().unwrap().into(), p["Status"].as_str().unwrap().into())).collect()
}

/// Polls until the instance's pod shows `status` (bounded); how long it took.
async fn wait_status(cloud: &Cloud, env: &str, name: &str, pod: &str, status: &str, within: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let now = pods(cloud, env, name).await;
        if now.iter().any(|(id, s)| id == pod && s == status) {
            return start.elapsed();
        }
        assert!(start.elapsed() < within, "{pod} never {status} within {within:?}: {now:?}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The instance events in the process log of `version`'s deploy.
async fn instance_events(cloud: &Cloud, env: &str, name: &str, version: &str) -> Vec<String> {
    let run = run_id(cloud, env, name, version).await;
    let r = Call::new("tcbr", "DescribeCloudRunProcessLog", json!({"EnvId": env, "RunId": run})).send(cloud).await;
    let lines = r["Logs"].as_array().unwrap_or_else(|| panic!("{r}"));
    lines.iter().map(|l| l.as_str().unwrap()).filter(|l| InstanceEvent::parse(l).is_some()).map(String::from).collect()
}

/// Polls the process log until it has `count` instance events (bounded).
async fn wait_events(cloud: &Cloud, env: &str, name: &str, version: &str, count: usize) -> Vec<String> {
    let start = Instant::now();
    loop {
        let events = instance_events(cloud, env, name, version).await;
        if events.len() >= count {
            return events;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "{count} events expected: {events:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn data_dir(cloud: &Cloud) -> &Path {
    cloud.dir.as_ref().expect("a cloud on a scratch directory").path()
}

/// The pid localcloud recorded for an instance.
fn recorded_pid(data_dir: &Path, instance: &str) -> i32 {
    let path = data_dir.join("instances").join(format!("{instance}.pid"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).trim().parse().unwrap()
}

/// The running processes whose command line is an instance's under `data_dir`.
fn instance_processes(data_dir: &Path) -> Vec<i32> {
    let dir = data_dir.to_str().unwrap();
    let mut found = vec![];
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else { continue };
        let args: Vec<String> = cmdline.split(|b| *b == 0).map(|a| String::from_utf8_lossy(a).into_owned()).collect();
        if args.iter().any(|a| a == ARG) && args.iter().any(|a| a.starts_with(dir)) {
            found.push(pid);
        }
    }
    found
}

fn kill(pid: i32) {
    let pid = rustix::process::Pid::from_raw(pid).unwrap();
    rustix::process::kill_process(pid, rustix::process::Signal::KILL).unwrap();
}

#[tokio::test]
async fn r_obs_1_an_instance_killed_from_outside_is_restarted_and_unhealthy_meanwhile() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "crash").await;
    let domain = deploy(&cloud, &env, "web", 1, json!([])).await;
    let (status, first) = get(&cloud, &domain, "/").await;
    assert_eq!(status, 200, "{first}");
    let instance = first["instance"].as_str().unwrap().to_string();
    let pid = recorded_pid(data_dir(&cloud), &instance);
    assert_eq!(instance_processes(data_dir(&cloud)), [pid]);

    kill(pid);
    // Down: out of the pick and shown as such, while it restarts.
    wait_status(&cloud, &env, "web", &instance, "Pending", Duration::from_secs(2)).await;
    wait_status(&cloud, &env, "web", &instance, "Running", Duration::from_secs(10)).await;
    assert_eq!(pods(&cloud, &env, "web").await.len(), 1, "the same instance, restarted: no other");
    let again = recorded_pid(data_dir(&cloud), &instance);
    assert_ne!(again, pid, "a new process");
    assert_eq!(instance_processes(data_dir(&cloud)), [again]);
    let (status, body) = get(&cloud, &domain, "/").await;
    assert_eq!((status, body["instance"].as_str()), (200, Some(instance.as_str())), "it serves again");
    assert_ne!(body["address"], first["address"], "a new process listens on a new port");

    let events = wait_events(&cloud, &env, "web", "web-001", 2).await;
    let parsed: Vec<InstanceEvent> = events.iter().filter_map(|l| InstanceEvent::parse(l)).collect();
    assert_eq!(
        parsed,
        [
            InstanceEvent::Crashed { instance: &instance, how: "signal: 9 (SIGKILL)" },
            InstanceEvent::Restarted { instance: &instance },
        ],
        "{events:?}"
    );

    // The workload's own crash: answered, then the process exits with 3.
    let (status, body) = get(&cloud, &domain, "/__demo/crash").await;
    assert_eq!((status, body["exit"].as_i64()), (200, Some(3)), "{body}");
    let events = wait_events(&cloud, &env, "web", "web-001", 4).await;
    let parsed: Vec<InstanceEvent> = events.iter().filter_map(|l| InstanceEvent::parse(l)).collect();
    assert_eq!(parsed[2], InstanceEvent::Crashed { instance: &instance, how: "exit status: 3" }, "{events:?}");
    assert_eq!(parsed[3], InstanceEvent::Restarted { instance: &instance });
    assert_eq!(get(&cloud, &domain, "/").await.0, 200);
}

/// A `localcloud` program on its own scratch directory, as an operator runs it.
struct Program {
    child: std::process::Child,
    data_dir: PathBuf,
    cloud: Cloud,
}

impl Program {
    fn start(data_dir: &Path) -> Program {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_localcloud"))
            .args(["--addr", "127.0.0.1:0", "--gateway-addr", "127.0.0.1:0", "--gateway-tls-addr", "127.0.0.1:0"])
            .args(["--secret-id", common::ID, "--secret-key", common::KEY, "--step-ms", "20"])
            .arg("--data-dir")
            .arg(data_dir)
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut address = |prefix: &str| {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            let at = line.trim().strip_prefix(prefix).unwrap_or_else(|| panic!("{line}"));
            at.parse::<std::net::SocketAddr>().unwrap()
        };
        let addr = address("localcloud API listening on http://");
        let gateway = address("localcloud gateway listening on http://");
        // Whatever else it prints, read so it never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Program { child, data_dir: data_dir.to_path_buf(), cloud: Cloud { addr, gateway, dir: None } }
    }
}

impl Drop for Program {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn r_obs_1_localcloud_killed_with_sigkill_leaves_no_instance_behind() {
    let dir = tempfile::tempdir().unwrap();
    let mut program = Program::start(dir.path());
    let env = create_env(&program.cloud, "ap-shanghai", "gone").await;
    deploy(&program.cloud, &env, "web", 2, json!([])).await;
    let running = instance_processes(&program.data_dir);
    assert_eq!(running.len(), 2, "two instance processes: {running:?}");

    program.child.kill().unwrap();
    program.child.wait().unwrap();
    let killed = Instant::now();
    loop {
        let left = instance_processes(&program.data_dir);
        if left.is_empty() {
            break;
        }
        assert!(killed.elapsed() < Duration::from_secs(3), "still running 3 s after localcloud died: {left:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The next localcloud on this directory clears the dead one's records,
    // and ends a process still running as one of its instances (made here
    // by hand: the parent-death signal leaves none to find).
    let instances = dir.path().join("instances");
    let mut recorded = names(&instances);
    assert_eq!(recorded.len(), 4, "two pid files, two directories: {recorded:?}");
    let mut leftover = leftover_instance(&instances.join("web-001-leftover"));
    recorded.extend(["web-001-leftover".to_string(), "web-001-leftover.pid".to_string()]);
    let again = Program::start(dir.path());
    let start = Instant::now();
    let ended = loop {
        if let Some(status) = leftover.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(3), "the leftover still runs");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&ended), Some(9), "{ended}");
    // The new localcloud brings MinNum back with instances of its own.
    let now = names(&instances);
    assert!(recorded.iter().all(|old| !now.contains(old)), "{recorded:?} left in {now:?}");
    drop(again);
}

fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().into_string().unwrap()).collect()
}

/// An instance process started by hand in `dir`, recorded as localcloud
/// records its own, this test being its parent.
fn leftover_instance(dir: &Path) -> std::process::Child {
    std::fs::create_dir_all(dir).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let id = dir.file_name().unwrap().to_str().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_localcloud"))
        .args([ARG, "--parent", &std::process::id().to_string(), "--dir", dir.to_str().unwrap()])
        .args(["--instance", id, "--service", "web", "--version", "web-001", "--image", "nginx"])
        .stdin(std::process::Stdio::from(std::os::fd::OwnedFd::from(listener)))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("\"type\":\"start\""), "{first}");
    let pid_file = dir.parent().unwrap().join(format!("{id}.pid"));
    std::fs::write(pid_file, child.id().to_string()).unwrap();
    child
}

/// CPU ticks (user + system) process `pid` used so far.
fn cpu_ticks(pid: i32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

#[tokio::test]
async fn r_obs_2_a_busy_instance_uses_more_cpu_than_an_idle_one() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "cpu").await;
    let domain = deploy(&cloud, &env, "web", 2, json!([])).await;
    // Both instances, by id and address: the gateway takes turns.
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..20 {
        let (_, body) = get(&cloud, &domain, "/").await;
        seen.insert(body["instance"].as_str().unwrap().to_string(), body["address"].as_str().unwrap().to_string());
        if seen.len() == 2 {
            break;
        }
    }
    let [(busy, busy_addr), (idle, _)]: [(String, String); 2] =
        seen.into_iter().collect::<Vec<_>>().try_into().expect("two instances answered");
    let (busy_pid, idle_pid) = (recorded_pid(data_dir(&cloud), &busy), recorded_pid(data_dir(&cloud), &idle));
    let before = (cpu_ticks(busy_pid), cpu_ticks(idle_pid));
    let resp = reqwest::get(format!("http://{busy_addr}/__demo/burn/1500")).await.unwrap();
    assert_eq!(resp.status(), 200);
    let used = (cpu_ticks(busy_pid) - before.0, cpu_ticks(idle_pid) - before.1);
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    // Well under the 1.5 s burnt: the machine is shared with other tests.
    assert!(used.0 * 4 >= per_second, "the busy instance used {} ticks of {per_second}/s", used.0);
    assert!(used.0 > used.1 * 5, "busy {} ticks, idle {} ticks", used.0, used.1);
}

#[tokio::test]
async fn r_obs_1_the_workload_answers_its_demo_paths_and_masks_what_it_writes() {
    let cloud = common::start().await;
    let env = create_env(&cloud, "ap-shanghai", "demo").await;
    let items = json!([
        {"Key": "LogType", "Value": "custom"},
        {"Key": "LogPath", "Value": "/var/log/app.log"},
        {"Key": "EnvParam", "Value": "{\"GREETING\":\"hello\",\"API_TOKEN\":\"s3cr3t-value\"}"},
    ]);
    let domain = deploy(&cloud, &env, "web", 1, items).await;
    let cases = [
        ("/__demo/status/503", 503),
        ("/__demo/status/404", 404),
        ("/__demo/status/99", 400),
        ("/__demo/status/x", 400),
        ("/__demo/sleep/50", 200),
        ("/__demo/sleep/30001", 400),
        ("/__demo/burn/10", 200),
        ("/__demo/burn/10001", 400),
        ("/__demo/log/warn?msg=careful%20now", 200),
        ("/__demo/log/loud?msg=x", 400),
        ("/__demo/nothing", 404),
    ];
    for (path, want) in cases {
        assert_eq!(get(&cloud, &domain, path).await.0, want, "{path}");
    }
    let started = Instant::now();
    let (status, _) = get(&cloud, &domain, "/__demo/sleep/300").await;
    assert!(status == 200 && started.elapsed() >= Duration::from_millis(300));
    let leak = "/__demo/log/error?msg=token%20s3cr3t-value%20and%20API_TOKEN%3Ds3cr3t-value";
    let (status, body) = get(&cloud, &domain, leak).await;
    assert_eq!(status, 200);
    let (_, body2) = get(&cloud, &domain, "/").await;
    assert_eq!(body2["env"], json!({"GREETING": "hello"}), "secret-looking variables are never echoed");

    // LogType custom: every line also in the configured file, under the
    // instance's own directory; the secret value nowhere.
    let instance = body["instance"].as_str().unwrap();
    let file = data_dir(&cloud).join("instances").join(instance).join("var/log/app.log");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("{l}"))).collect();
    assert!(!text.contains("s3cr3t-value"), "{text}");
    assert!(text.contains(SECRET_MASK), "{text}");
    let start = &lines[0];
    assert_eq!((start["level"].as_str(), start["type"].as_str()), (Some("info"), Some("start")), "{start}");
    assert!(lines[1]["msg"].as_str().unwrap().starts_with("listening on 127.0.0.1:"), "{}", lines[1]);
    let warn = lines.iter().find(|l| l["type"] == "app" && l["level"] == "warn").unwrap();
    assert_eq!(warn["msg"], "careful now");
    let access = lines.iter().find(|l| l["type"] == "access" && l["path"] == "/__demo/status/503").unwrap();
    assert_eq!(
        (access["method"].as_str(), access["status"].as_u64(), access["query"].as_str(), access["instance"].as_str()),
        (Some("GET"), Some(503), Some(""), Some(instance)),
        "{access}"
    );
    assert_eq!(access["level"], "error", "a 5xx answer");
    let time = access["time"].as_str().unwrap();
    assert!(time.len() == 29 && time.ends_with("+08:00"), "{time}");

    // What is collected is the file's lines, named by the configured path;
    // standard output is not collected as well (each line would be twice).
    let search = |query: &str| {
        let body = json!({
            "EnvId": env,
            "StartTime": console_shared::time::cst_datetime(common::now() - 3600),
            "EndTime": console_shared::time::cst_datetime(common::now() + 60),
            "QueryString": query,
            "Limit": 100,
        });
        Call::new("tcbr", "SearchClsLog", body).send(&cloud)
    };
    let start = Instant::now();
    let found = loop {
        let r = search(r#"stream:"/var/log/app.log" AND careful"#).await;
        let results = r["LogResults"]["Results"].as_array().cloned().unwrap_or_default();
        if !results.is_empty() {
            break results;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "the custom file's line was not collected: {r}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let content: Value = serde_json::from_str(found[0]["Content"].as_str().unwrap()).unwrap();
    assert_eq!((content["stream"].as_str(), content["instance"].as_str()), (Some("/var/log/app.log"), Some(instance)));
    let r = search("stream:stdout").await;
    assert_eq!(r["LogResults"]["Results"].as_array().map_or(0, Vec::len), 0, "{r}");
}
