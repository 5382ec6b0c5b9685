//! `cargo xtask setup | run | test | bench | stylance`: the project's own
//! installer, runner, test driver and benchmark, so a fresh machine needs
//! nothing but Rust, Node, Python and Debian's packages (../shared/toolchain.md).

mod bench;
mod precompress;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// Pinned tools. Trunk 0.22 needs a newer rustc than this machine's 1.95.
const TRUNK_VERSION: &str = "0.21.14";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.iter().skip(1).cloned().collect::<Vec<_>>();
    let outcome = match args.first().map(String::as_str) {
        Some("setup") => setup(),
        Some("run") => run(&rest),
        Some("test") => test(),
        // The bench also runs the CLI, which nothing else builds in release.
        Some("bench") => setup()
            .and_then(|()| build())
            .and_then(|()| sh("cargo", &["build", "--release", "-p", "tcbr"]))
            .and_then(|()| bench::run(&root())),
        Some("stylance") => stylance(),
        Some("build") => setup().and_then(|()| build()),
        _ => Err("usage: cargo xtask <setup | run [console flags…] | test | bench | build | stylance>".into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the workspace").to_path_buf()
}

/// Runs a command in the workspace root, echoing it; fails on a non-zero exit.
pub fn sh(program: &str, args: &[&str]) -> Result {
    sh_with(program, args, &[])
}

pub fn sh_with(program: &str, args: &[&str], envs: &[(&str, String)]) -> Result {
    sh_in(&root(), program, args, envs)
}

pub fn sh_in(dir: &Path, program: &str, args: &[&str], envs: &[(&str, String)]) -> Result {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{program} {}` failed ({status})", args.join(" "))) }
}

/// The first line a tool prints for `--version`, if it runs at all.
fn version_of(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim().to_string())
}

/// The `wasm-bindgen` version in Cargo.lock: wasm-bindgen-cli must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            let version = lines.next().unwrap_or("");
            if let Some(v) = version.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')) {
                return Ok(v.to_string());
            }
        }
    }
    Err("wasm-bindgen is not in Cargo.lock".into())
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// PATH with the npm-installed wasm-opt first, for Trunk.
pub fn tool_path() -> String {
    let bin = root().join("end2end/node_modules/.bin");
    format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default())
}

/// Installs what a fresh machine lacks; a no-op when everything is there.
fn setup() -> Result {
    let installed =
        Command::new("rustup").args(["target", "list", "--installed"]).output().map_err(|e| e.to_string())?;
    if !String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown") {
        sh("rustup", &["target", "add", "wasm32-unknown-unknown"])?;
    }
    if version_of("trunk").as_deref() != Some(&format!("trunk {TRUNK_VERSION}")) {
        sh("cargo", &["install", &format!("trunk@{TRUNK_VERSION}"), "--locked"])?;
    }
    let bindgen = locked_wasm_bindgen()?;
    if version_of("wasm-bindgen").as_deref() != Some(&format!("wasm-bindgen {bindgen}")) {
        // Not --locked: the crate's own lockfile names a webpki-roots that
        // crates.io no longer has (../shared/toolchain.md).
        sh("cargo", &["install", &format!("wasm-bindgen-cli@{bindgen}")])?;
    }
    // Debian's Chromium for the browser tests, and openssl, with which the
    // custom-domain test makes its certificate as a user would.
    let missing: Vec<&str> = [("/usr/bin/chromium", "chromium"), ("/usr/bin/openssl", "openssl")]
        .into_iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(_, package)| package)
        .collect();
    if !missing.is_empty() {
        let install = [&["install", "-y"][..], &missing].concat();
        if is_root() {
            sh("apt-get", &["update"])?;
            sh_with("apt-get", &install, &[("DEBIAN_FRONTEND", "noninteractive".into())])?;
        } else {
            sh("sudo", &["apt-get", "update"])?;
            sh("sudo", &[&["apt-get"][..], &install].concat())?;
        }
    }
    let e2e = root().join("end2end");
    let marker = e2e.join("node_modules/.package-lock.json");
    let stale = match (std::fs::metadata(&marker), std::fs::metadata(e2e.join("package-lock.json"))) {
        (Ok(m), Ok(l)) => m.modified().ok() < l.modified().ok(),
        _ => true,
    };
    if stale {
        sh("npm", &["ci", "--prefix", "end2end", "--no-audit", "--no-fund"])?;
    }
    sdk_venv()?;
    Ok(())
}

fn venv_python() -> PathBuf {
    root().join("target/sdk-venv/bin/python")
}

/// A virtualenv with Tencent's official Python SDK, for the wire test.
fn sdk_venv() -> Result {
    let py = venv_python();
    let reqs = "localcloud/tests/sdk/requirements.txt";
    let ready = Command::new(&py)
        .args(["-c", "import tencentcloud.tcbr.v20220217, tencentcloud.tcb.v20180608, tencentcloud.ssl.v20191205"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        sh("python3", &["-m", "venv", "target/sdk-venv"])?;
        sh(&py.display().to_string(), &["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", reqs])?;
    }
    Ok(())
}

/// Bundles the frontend's `*.module.css` (stylance) into frontend/gen/.
fn stylance() -> Result {
    let config = stylance_cli::Config::load(root().join("frontend")).map_err(|e| format!("stylance config: {e}"))?;
    stylance_cli::run_silent(&config, |_| {}).map_err(|e| format!("stylance: {e}"))
}

/// The release SPA (Trunk, offline) with its assets precompressed, and the
/// release server binaries.
fn build() -> Result {
    stylance()?;
    // Trunk builds offline so it can never try to download a tool; fetch first.
    sh("cargo", &["fetch"])?;
    sh_with(
        "trunk",
        &["build", "--release", "--offline"],
        &[("PATH", tool_path()), ("TRUNK_SKIP_VERSION_CHECK", "true".into())],
    )?;
    precompress::dist(&root().join("dist"))?;
    sh("cargo", &["build", "--release", "-p", "console-backend", "-p", "localcloud"])
}

fn run(console_args: &[String]) -> Result {
    setup()?;
    build()?;
    let console = root().join("target/release/console");
    eprintln!(
        "\nStarting the console on the embedded localcloud. Sign in as `admin`: on the first start the password is \
         printed below (or set CONSOLE_ADMIN_PASSWORD before the first start).\n"
    );
    let status = Command::new(console)
        .args(console_args)
        .current_dir(root())
        .env("CONSOLE_DIST_DIR", root().join("dist"))
        .status()
        .map_err(|e| format!("cannot start the console: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("console exited with {status}")) }
}

/// The SPA must not carry credential handling of any kind: it never sees a key.
fn no_secrets_in_bundle() -> Result {
    let dist = root().join("dist");
    let entries = std::fs::read_dir(&dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        // Precompressed copies hold the same text as their originals, checked
        // here; Trunk's staging folder is not served.
        if path.is_dir() || path.extension().is_some_and(|e| e == "br" || e == "gz") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&bytes);
        for needle in
            ["SecretKey", "secret_key", "CLOUD_SECRET", "TC3-HMAC-SHA256", "password_hash", "localcloud-credentials"]
        {
            if text.contains(needle) {
                return Err(format!("{} contains `{needle}`: no credential code belongs in the SPA", path.display()));
            }
        }
    }
    eprintln!("dist/: no credential material in the bundle");
    Ok(())
}

/// Every check CI runs, in order of speed.
fn test() -> Result {
    setup()?;
    sh("cargo", &["fmt", "--all", "--check"])?;
    sh("cargo", &["clippy", "--workspace", "--all-targets", "--exclude", "console-frontend", "--", "-D", "warnings"])?;
    stylance()?;
    sh("cargo", &["clippy", "-p", "console-frontend", "--target", "wasm32-unknown-unknown", "--", "-D", "warnings"])?;
    sh("cargo", &["test", "--workspace", "--exclude", "console-frontend"])?;
    // The SPA's pure logic (e.g. where login may send the user) runs natively too.
    sh("cargo", &["test", "-p", "console-frontend"])?;
    build()?;
    no_secrets_in_bundle()?;
    // Tencent's own Python SDK against a standalone localcloud.
    sh(
        &venv_python().display().to_string(),
        &["localcloud/tests/sdk/test_sdk.py", &root().join("target/release/localcloud").display().to_string()],
    )?;
    sh_in(
        &root().join("end2end"),
        "npx",
        &["playwright", "test"],
        &[("CONSOLE_BIN", root().join("target/release/console").display().to_string())],
    )
}
