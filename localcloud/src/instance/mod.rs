//! The instance mode: the process one instance of the built-in workload
//! runs in. localcloud (`runtime::process`) starts its own program, or the
//! console's, with [`ARG`] as the first argument; both mains call
//! [`run_if_asked`] before anything else, so that program then serves the
//! workload (`workload`) instead of starting a cloud.
//!
//! **What it is given.** On the command line, nothing secret:
//! `__localcloud-instance --parent <pid> --dir <instance dir> --instance <id>
//! --service <name> --version <name> --image <image> [--log-file <path>]`
//! (the instance directory is `<data_dir>/instances/<id>`, so a leftover
//! process is recognised by its command line). The version's variables come
//! as one JSON object in [`VARS`], the only variable of its environment: the
//! console's own environment never reaches it, and a variable such as
//! `LD_PRELOAD` is the workload's data, not the loader's instruction.
//!
//! **Where it listens.** localcloud binds a free loopback port and hands the
//! listening socket over as this process's standard input, so the address is
//! known before the process starts and no port can be taken in between. The
//! process writes its start-up lines when it accepts connections; localcloud
//! takes the first line on standard output as "ready".
//!
//! **What it writes.** One JSON line per request and per event on standard
//! output (`workload::Output`), each masked: `secrets::mask_log_line`, then
//! the literal values of its secret-looking variables. With `--log-file`
//! (`LogType: custom`) every line is appended to that file as well.
//!
//! **Never outliving localcloud** (R-OBS-1): the process asks the kernel for
//! SIGKILL when the thread that started it ends (Linux's parent-death
//! signal), checks that its parent is still the one named by `--parent` (it
//! may have died before the request took effect), and a watchdog thread ends
//! it if its parent ever changes (the parent died, or another system where
//! the signal does not exist).

mod workload;

pub use workload::LOG_FILE_ROTATE_BYTES;

pub(crate) use workload::{IMAGE_MISSING, IMAGE_SLOW_START};

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The first argument that selects the instance mode.
pub const ARG: &str = "__localcloud-instance";

/// The environment variable holding the instance's variables (`EnvParams`,
/// a JSON object).
pub const VARS: &str = "LOCALCLOUD_INSTANCE_VARS";

/// How often the watchdog looks at the parent.
const WATCH_EVERY: Duration = Duration::from_millis(250);

/// Runs the instance and returns its exit code when the first argument is
/// [`ARG`]; `None` otherwise, and the program goes on as itself.
pub fn run_if_asked() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != ARG {
        return None;
    }
    Some(match Options::parse(args) {
        Ok(options) => run(options),
        Err(why) => {
            eprintln!("{ARG}: {why}");
            ExitCode::from(2)
        }
    })
}

/// What the command line says.
struct Options {
    parent: i32,
    service: String,
    version: String,
    image: String,
    instance: String,
    log_file: Option<PathBuf>,
}

impl Options {
    fn parse(args: impl Iterator<Item = OsString>) -> Result<Options, String> {
        let (mut parent, mut service, mut version, mut image, mut instance, mut log_file) =
            (None, None, None, None, None, None);
        let mut args = args.map(|a| a.into_string().map_err(|a| format!("not UTF-8: {}", a.to_string_lossy())));
        while let Some(flag) = args.next() {
            let flag = flag?;
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))??;
            match flag.as_str() {
                "--parent" => parent = Some(value.parse::<i32>().map_err(|_| format!("--parent {value}: not a pid"))?),
                "--service" => service = Some(value),
                "--version" => version = Some(value),
                "--image" => image = Some(value),
                "--instance" => instance = Some(value),
                // Where it runs; only there to name the process (see the module doc).
                "--dir" => {}
                "--log-file" => log_file = Some(PathBuf::from(value)),
                other => return Err(format!("unknown option {other}")),
            }
        }
        let need = |v: Option<String>, name: &str| v.ok_or_else(|| format!("--{name} is required"));
        Ok(Options {
            parent: parent.ok_or("--parent is required")?,
            service: need(service, "service")?,
            version: need(version, "version")?,
            image: need(image, "image")?,
            instance: need(instance, "instance")?,
            log_file,
        })
    }
}

fn run(options: Options) -> ExitCode {
    if let Err(why) = tie_to_parent(options.parent) {
        eprintln!("{ARG}: {why}");
        return ExitCode::from(1);
    }
    let vars: serde_json::Map<String, serde_json::Value> =
        std::env::var(VARS).ok().and_then(|v| serde_json::from_str(&v).ok()).unwrap_or_default();
    let listener = match handed_listener() {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("{ARG}: standard input is not the listening socket localcloud hands over: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("{ARG}: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let workload = workload::Workload::new(
        options.service,
        options.version,
        options.image,
        options.instance,
        vars,
        options.log_file.as_deref(),
    );
    runtime.block_on(workload.serve(listener))
}

/// The listening socket on standard input, as a non-blocking std listener.
/// Standard input then reads `/dev/null`: the listener must have no other
/// descriptor, or the socket would keep taking connections after the
/// server closed it at its graceful stop, and they would hang instead of
/// being refused.
fn handed_listener() -> std::io::Result<std::net::TcpListener> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned()?;
    let listener = std::net::TcpListener::from(fd);
    // Fails unless it really is a bound socket.
    listener.local_addr()?;
    listener.set_nonblocking(true)?;
    rustix::stdio::dup2_stdin(std::fs::File::open("/dev/null")?)?;
    Ok(listener)
}

/// The parent's pid as this process sees it now (0 without one).
fn parent_now() -> i32 {
    rustix::process::Pid::as_raw(rustix::process::getppid())
}

/// Ends this process with its parent: the kernel's parent-death signal, a
/// check that the parent did not die before it was set, and the watchdog.
fn tie_to_parent(parent: i32) -> Result<(), String> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL))
        .map_err(|e| format!("cannot ask for the parent-death signal: {e}"))?;
    if parent_now() != parent {
        return Err(format!("its parent {parent} is gone"));
    }
    std::thread::Builder::new()
        .name("parent-watchdog".into())
        .spawn(move || {
            loop {
                std::thread::sleep(WATCH_EVERY);
                if parent_now() != parent {
                    std::process::exit(1);
                }
            }
        })
        .map_err(|e| format!("cannot start its watchdog: {e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn the_command_line_names_everything_or_is_refused() {
        let line = "--parent 42 --dir /d/instances/x --instance x --service s --version s-001 --image nginx \
                    --log-file /d/instances/x/app.log";
        let all: Vec<&str> = line.split_whitespace().collect();
        let o = parse(&all).unwrap();
        assert_eq!((o.parent, o.instance.as_str(), o.version.as_str()), (42, "x", "s-001"));
        assert_eq!(o.log_file, Some(PathBuf::from("/d/instances/x/app.log")));
        assert!(parse(&all[..all.len() - 2]).unwrap().log_file.is_none());
        assert_eq!(parse(&all[2..]).err().unwrap(), "--parent is required");
        assert_eq!(parse(&["--parent", "x"]).err().unwrap(), "--parent x: not a pid");
        assert_eq!(parse(&["--parent"]).err().unwrap(), "--parent needs a value");
        assert_eq!(parse(&["--shell", "sh"]).err().unwrap(), "unknown option --shell");
    }
}
