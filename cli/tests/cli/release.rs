//! One release cycle, run by the real binary through a console with a token
//! and straight to a standalone localcloud with a key pair: list, create
//! from an image, deploy a directory (its `.dockerignore` honoured), change
//! settings, a gray release split 70/30 and promoted, a version rollback, a
//! gray release abandoned, a failed deploy (exit 3), the deploy records.
//! Both routes must print the same, so both lock the same snapshot.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::harness::{Cloud, Console, Tcbr, project, stored_packages};
use crate::snapshots::{Normaliser, assert_snapshot};

const SERVICE: &str = "shop";

/// The `--json` outputs of a scenario, by step.
#[derive(Default)]
struct Steps {
    outputs: Map<String, Value>,
}

impl Steps {
    fn record(&mut self, step: &str, value: &Value) {
        let n = self.outputs.len() + 1;
        self.outputs.insert(format!("{n:02} {step}"), value.clone());
    }

    /// All of them, with what changes from run to run replaced.
    fn normalised(self, env: &str) -> Value {
        let outputs = Value::Object(self.outputs);
        Normaliser::new(env, &outputs).normalise(&outputs)
    }
}

/// `tcbr command… -e env -s shop more… --json`, which must succeed; its `data`.
async fn ok(t: &Tcbr, env: &str, command: &[&str], more: &[&str]) -> Value {
    t.run(&args(env, command, more, &["--json"])).await.exits(0).data()
}

fn args<'a>(env: &'a str, command: &[&'a str], more: &[&'a str], last: &[&'a str]) -> Vec<&'a str> {
    let service = ["-e", env, "-s", SERVICE];
    command.iter().chain(&service).chain(more).chain(last).copied().collect()
}

/// The online versions and their shares, from `cloudrun detail --json`.
fn traffic(detail: &Value) -> Vec<(String, String)> {
    let online = detail["OnlineVersionInfos"].as_array().unwrap_or_else(|| panic!("{detail}"));
    let mut split: Vec<(String, String)> = online
        .iter()
        .map(|v| (v["VersionName"].as_str().unwrap().to_string(), v["FlowRatio"].as_str().unwrap().to_string()))
        .collect();
    split.sort();
    split
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(v, s)| (v.to_string(), s.to_string())).collect()
}

async fn release(t: &Tcbr, env: &str, packages: &Path) -> Value {
    let mut steps = Steps::default();
    let list = ["run", "service:list", "-e", env, "--json"];
    let listed = t.run(&list).await.exits(0).data();
    assert_eq!(listed, json!([]));
    steps.record("run service:list (nothing yet)", &listed);

    let image = ["--custom_image", "nginx:1.27", "--containerPort", "80", "--noConfirm"];
    let created = ok(t, env, &["run", "service:create"], &image).await;
    assert_eq!(
        (&created["VersionName"], &created["FlowRatio"], &created["ReleaseType"]),
        (&json!("shop-001"), &json!(100), &json!("FULL")),
        "{created}"
    );
    steps.record("run service:create --custom_image", &created);

    let listed = t.run(&list).await.exits(0).data();
    assert_eq!(listed.as_array().map(|l| l.len()), Some(1), "{listed}");
    assert_eq!(listed[0]["ServerName"], SERVICE, "{listed}");
    steps.record("run service:list", &listed);

    // A directory: .git and what .dockerignore names stay on this machine.
    let dir = project("site/");
    let dir_path = dir.path().to_str().unwrap();
    let from_dir = ["--path", dir_path, "--remark", "from a directory", "--noConfirm"];
    let deployed = ok(t, env, &["run", "deploy"], &from_dir).await;
    assert_eq!((&deployed["VersionName"], &deployed["FlowRatio"]), (&json!("shop-002"), &json!(100)), "{deployed}");
    steps.record("run deploy --path", &deployed);
    let stored = stored_packages(packages, env);
    assert_eq!(stored.len(), 1, "one package uploaded: {stored:?}");
    // Docker's `*.log` is the root's only: site/old.log stays. Directory entries aside.
    let files: Vec<&str> = stored[0].iter().map(String::as_str).filter(|f| !f.ends_with('/')).collect();
    assert_eq!(
        files,
        [".dockerignore", "Dockerfile", "site/index.html", "site/old.log"],
        "no secret.env, debug.log, .git"
    );

    let settings = ["--cpu", "1", "--mem", "2", "--maxNum", "3", "--envParams", "GREETING=hello&MODE=ci"];
    let configured = ok(t, env, &["run", "service:config"], &settings).await;
    assert_eq!((&configured["VersionName"], &configured["FlowRatio"]), (&json!("shop-003"), &json!(100)));
    steps.record("run service:config", &configured);
    let detail = ["cloudrun", "detail"];
    let after_config = ok(t, env, &detail, &[]).await;
    let c = &after_config["ServerConfig"];
    assert_eq!((&c["Cpu"], &c["Mem"], &c["MaxNum"]), (&json!(1.0), &json!(2.0), &json!(3)), "{after_config}");
    assert!(c["EnvParams"].as_str().is_some_and(|p| p.contains("GREETING") && p.contains("MODE")), "{c}");

    // A gray release, split 70/30, then promoted. --override keeps shop-003's settings.
    let gray = ["--custom_image", "nginx:1.28", "--override", "--gray", "--noConfirm"];
    let opened = ok(t, env, &["run", "deploy"], &gray).await;
    assert_eq!(
        (&opened["VersionName"], &opened["FlowRatio"], &opened["ReleaseType"]),
        (&json!("shop-004"), &json!(0), &json!("GRAY")),
        "{opened}"
    );
    steps.record("run deploy --gray", &opened);
    let split = ok(t, env, &["cloudrun", "traffic"], &["--stable", "70", "--canary", "30"]).await;
    steps.record("cloudrun traffic --stable 70 --canary 30", &split);
    let during = ok(t, env, &detail, &[]).await;
    assert_eq!(traffic(&during), pairs(&[("shop-003", "70"), ("shop-004", "30")]), "{during}");
    assert_eq!(during["ServerConfig"]["Cpu"], json!(1.0), "--override kept the CPU: {during}");
    steps.record("cloudrun detail (70/30)", &during);
    let promoted = ok(t, env, &["cloudrun", "traffic", "promote"], &[]).await;
    assert_eq!(promoted["VersionName"], "shop-004", "{promoted}");
    steps.record("cloudrun traffic promote", &promoted);
    let after = ok(t, env, &detail, &[]).await;
    assert_eq!(traffic(&after), pairs(&[("shop-004", "100")]), "{after}");

    let back = ["--rollback-version-name", "shop-003"];
    let rolled = ok(t, env, &["cloudrun", "version", "rollback"], &back).await;
    assert_eq!((&rolled["VersionName"], &rolled["FlowRatio"]), (&json!("shop-003"), &json!(100)), "{rolled}");
    steps.record("cloudrun version rollback", &rolled);
    let after = ok(t, env, &detail, &[]).await;
    assert_eq!(traffic(&after), pairs(&[("shop-003", "100")]), "{after}");

    // A gray release abandoned: the stable version keeps everything.
    let gray = ["--custom_image", "nginx:1.29", "--gray", "--noConfirm"];
    let opened = ok(t, env, &["run", "service:deploy"], &gray).await;
    assert_eq!(opened["VersionName"], "shop-005", "{opened}");
    let abandoned = ok(t, env, &["cloudrun", "traffic", "rollback"], &[]).await;
    assert_eq!(abandoned["VersionName"], "shop-003", "{abandoned}");
    steps.record("cloudrun traffic rollback", &abandoned);
    let after = ok(t, env, &detail, &[]).await;
    assert_eq!(traffic(&after), pairs(&[("shop-003", "100")]), "{after}");

    // A build that fails: the Dockerfile copies what .dockerignore left
    // out, so the builder does not find it. Exit 3, the envelope says why.
    let broken = project("secret.env");
    let from_dir = ["--path", broken.path().to_str().unwrap(), "--noConfirm"];
    let failed = t.run(&args(env, &["run", "deploy"], &from_dir, &["--json"])).await.exits(3);
    let envelope = failed.envelope();
    assert_eq!(envelope["code"], 3, "{envelope}");
    assert!(failed.stderr.contains("secret.env"), "the reason names the missing source: {}", failed.stderr);
    steps.record("run deploy --path (the build fails)", &envelope);
    let after = ok(t, env, &detail, &[]).await;
    assert_eq!(traffic(&after), pairs(&[("shop-003", "100")]), "a failed deploy changes no traffic: {after}");

    let records = ok(t, env, &["cloudrun", "record", "list"], &[]).await;
    steps.record("cloudrun record list", &records);

    steps.normalised(env)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_1_a_release_through_the_console_with_a_token() {
    let console = Console::start().await;
    let admin = console.api.first_admin().await;
    let env = console.api.new_env(&admin, "cli").await;
    let dev = console.api.member(&admin, &env, "dev", "developer").await;
    let token = console.api.token(&dev, "ci", &[&env], "developer").await;
    let t = Tcbr::through_console(&console.api.base, &token);
    let outputs = release(&t, &env, &console.packages()).await;
    assert_snapshot("release", &outputs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_1_a_release_straight_to_the_cloud_with_a_key_pair() {
    let cloud = Cloud::start().await;
    let env = cloud.new_env("cli").await;
    let t = Tcbr::to_cloud(&cloud.endpoint);
    let outputs = release(&t, &env, &cloud.packages()).await;
    assert_snapshot("release", &outputs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_1_a_ci_log_gets_plain_lines_the_steps_the_log_and_where_the_version_stands() {
    let cloud = Cloud::start().await;
    let env = cloud.new_env("ci").await;
    let t = Tcbr::to_cloud(&cloud.endpoint);
    let dir = project("site/");
    let dir_path = dir.path().to_str().unwrap();

    let deployed = t.run(&args(&env, &["run", "deploy"], &["--path", dir_path, "--noConfirm"], &[])).await.exits(0);
    // Packaging and uploading on standard error, the deploy on standard output.
    for said in ["Compressed 4 files", "2 left out by .dockerignore", "Uploaded"] {
        assert!(deployed.stderr.contains(said), "{said}: {deployed:#?}");
    }
    for said in ["Step 2/3 : COPY site/", "ok build image", "ok release traffic"] {
        assert!(deployed.stdout.contains(said), "{said}: {deployed:#?}");
    }
    let last = deployed.stdout.lines().rfind(|l| !l.trim().is_empty()).unwrap_or_default();
    assert!(last.starts_with("Version shop-001 is online with 100% of the traffic at http://shop-"), "{deployed:#?}");

    // The deploy's records point at its logs.
    let records = ok(&t, &env, &["cloudrun", "record", "list"], &[]).await;
    let (run_id, build_id) = (records[0]["RunId"].as_str().unwrap(), records[0]["BuildId"].to_string());
    let process = t.run(&args(&env, &["cloudrun", "logs", "process"], &["--run-id", run_id], &[])).await.exits(0);
    assert!(process.stdout.contains("shop-001 is online with 100% of the traffic"), "{process:#?}");
    let build = t.run(&args(&env, &["cloudrun", "logs", "build"], &["--build-id", &build_id], &[])).await.exits(0);
    assert!(build.stdout.contains("Step 2/3 : COPY site/"), "{build:#?}");
    let search = ["logs", "search", "-e", &env, "-s", SERVICE, "-t", "1h", "--json"];
    assert!(t.run(&search).await.exits(0).data().is_array());

    // A failed build: exit 3, and the sentence says why.
    let broken = project("secret.env");
    let from_dir = ["--path", broken.path().to_str().unwrap(), "--noConfirm"];
    let failed = t.run(&args(&env, &["run", "deploy"], &from_dir, &[])).await.exits(3);
    assert!(failed.stderr.contains("Error: The deploy of shop-002 failed"), "{failed:#?}");
    assert!(failed.stderr.contains("`secret.env` is not in the build context"), "{failed:#?}");

    // The failed version goes; the online one cannot; then the whole service.
    ok(&t, &env, &["cloudrun", "version", "delete"], &["--version-names", "shop-002"]).await;
    let in_use = t.run(&args(&env, &["cloudrun", "version", "delete"], &["--version-names", "shop-001"], &[])).await;
    assert!(in_use.exits(1).stderr.contains("shop-001 was not deleted"));
    ok(&t, &env, &["cloudrun", "delete"], &["--noConfirm"]).await;
    assert_eq!(t.run(&["run", "service:list", "-e", &env, "--json"]).await.exits(0).data(), json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_1_json_is_one_envelope_even_when_there_is_nothing_to_do() {
    let cloud = Cloud::start().await;
    let env = cloud.new_env("noop").await;
    let t = Tcbr::to_cloud(&cloud.endpoint);
    ok(&t, &env, &["run", "deploy"], &["--custom_image", "nginx:1.27", "--noConfirm"]).await;
    // The guide's defaults again: nothing changes, and a script still gets its line.
    let unchanged = ok(&t, &env, &["run", "service:config"], &["--cpu", "0.5", "--mem", "1"]).await;
    assert_eq!((&unchanged["EnvId"], &unchanged["ServiceName"]), (&json!(env), &json!(SERVICE)), "{unchanged}");
}

/// Straight to the cloud nothing in between masks: tcbr itself keeps a
/// secret variable's value out of what it prints (the settings before a
/// deploy, `cloudrun detail`, the deploy's log), yet `--override` still
/// carries the real value over to the next version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_1_a_secret_value_never_reaches_the_ci_log() {
    const SECRET: &str = "hunter2-not-for-logs";
    let cloud = Cloud::start().await;
    let env = cloud.new_env("secrets").await;
    let t = Tcbr::to_cloud(&cloud.endpoint);
    let vars = format!("DB_PASSWORD={SECRET}&GREETING=hi");
    let image = ["--custom_image", "nginx:1.27", "--containerPort", "80", "--noConfirm"];
    let first = t.run(&args(&env, &["run", "deploy"], &image, &["--envParams", &vars])).await.exits(0);
    let detail = t.run(&args(&env, &["cloudrun", "detail"], &[], &["--json"])).await.exits(0);
    let again = t.run(&args(&env, &["run", "deploy"], &image, &["--override"])).await.exits(0);
    for ran in [&first, &detail, &again] {
        assert!(!ran.stdout.contains(SECRET) && !ran.stderr.contains(SECRET), "{ran:#?}");
    }
    assert!(detail.stdout.contains("GREETING"), "{detail:#?}");
    // The value itself went to the new version unmasked.
    let version = again.stdout.lines().last().unwrap_or_default();
    assert!(version.contains("is online"), "{again:#?}");
    assert!(cloud.env_params(&env, SERVICE).await.contains(SECRET), "--override kept the real value");
}
