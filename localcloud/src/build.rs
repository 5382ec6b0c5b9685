//! What a package build reads: the zip's entries and its Dockerfile.
//!
//! localcloud has no container engine, so a build checks the package the way
//! a real builder would fail on it (not a zip, an entry escaping the build
//! context, no Dockerfile where the settings say, an instruction Docker does
//! not know) and reports the Dockerfile's steps; the image it "builds" runs as
//! the built-in workload.

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use console_shared::rules;
use tokio_util::sync::CancellationToken;

use crate::wildcard;

/// Largest Dockerfile read from a package.
const DOCKERFILE_MAX_BYTES: u64 = 1024 * 1024;

/// The longest name part and path a file system unpacks (Linux's NAME_MAX
/// and PATH_MAX): a builder could not write a longer entry, and these bounds
/// keep each wildcard match cheap.
const NAME_MAX: usize = 255;
const PATH_MAX: usize = 4096;

/// How long build work may go on, and whether its deploy still wants it. The
/// loops over a package's entries and a Dockerfile's sources ask between
/// items, so a cancel (R-DEP-3), a stop of localcloud or the step's time limit
/// ends them however large the package (issue #8).
#[derive(Debug, Clone)]
pub struct Budget {
    deadline: Instant,
    limit: Duration,
    stop: CancellationToken,
}

impl Budget {
    pub fn new(limit: Duration, stop: CancellationToken) -> Self {
        Budget { deadline: Instant::now() + limit, limit, stop }
    }

    /// The reason to stop now, if there is one.
    pub fn check(&self) -> Result<(), String> {
        if self.stop.is_cancelled() {
            Err("the build was stopped".into())
        } else if Instant::now() > self.deadline {
            Err(over_time(self.limit))
        } else {
            Ok(())
        }
    }
}

/// Why a build step that ran out of time failed.
pub fn over_time(limit: Duration) -> String {
    format!("the build step took longer than {} s", limit.as_secs())
}

/// What the validate step found in a package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inspected {
    pub files: usize,
    /// Bytes once unpacked.
    pub unpacked: u64,
    pub dockerfile_path: String,
    pub dockerfile: String,
    /// The paths inside the build context, relative to it.
    pub context: Vec<String>,
}

/// Opens the zip at `path` and finds the Dockerfile at `<dir>/<name>`.
/// Blocking: call it from `spawn_blocking`.
pub fn inspect(path: &Path, max: u64, dir: &str, name: &str, budget: &Budget) -> Result<Inspected, String> {
    let size = std::fs::metadata(path).map_err(|e| format!("the package cannot be read: {e}"))?.len();
    if size > max {
        return Err(format!("the package is {size} bytes; at most {max} are accepted"));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("the package cannot be read: {e}"))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| format!("the package is not a zip archive ({e})"))?;
    let want = rules::dockerfile_path(dir, name);
    let prefix = rules::dockerfile_path(dir, "");
    let mut context = vec![];
    let mut unpacked = 0u64;
    let mut others = vec![];
    let mut found = None;
    for i in 0..zip.len() {
        budget.check()?;
        let entry = zip.by_index(i).map_err(|e| format!("the package is damaged ({e})"))?;
        let raw = entry.name().map_err(|e| format!("an entry's name cannot be read ({e})"))?.to_string();
        // Zip-slip: an entry that would land outside the build context.
        if entry.enclosed_name().is_none() {
            return Err(format!("the entry `{raw}` points outside the package"));
        }
        if raw.len() > PATH_MAX || raw.split('/').any(|part| part.len() > NAME_MAX) {
            let start: String = raw.chars().take(60).collect();
            return Err(format!(
                "the entry `{start}…` has a name longer than a file system takes ({NAME_MAX} bytes a part, \
                 {PATH_MAX} in all)"
            ));
        }
        unpacked = unpacked.saturating_add(entry.size());
        let entry_name = raw.trim_start_matches("./").to_string();
        if let Some(inside) = entry_name.strip_prefix(&prefix).filter(|p| !p.is_empty()) {
            context.push(inside.trim_end_matches('/').to_string());
        }
        if entry.is_file() && entry_name == want {
            found = Some(i);
        } else if entry.is_file() && entry_name.rsplit('/').next() == Some(name) {
            others.push(entry_name);
        }
    }
    let files = zip.len();
    let Some(index) = found else {
        let hint = if others.is_empty() {
            format!("the package has no file named {name}")
        } else {
            format!("it has {} (set the build directory to match)", others.join(", "))
        };
        return Err(format!("no Dockerfile at `{want}` in the package; {hint}"));
    };
    let entry = zip.by_index(index).map_err(|e| format!("the package is damaged ({e})"))?;
    if entry.size() > DOCKERFILE_MAX_BYTES {
        return Err(format!("`{want}` is larger than {DOCKERFILE_MAX_BYTES} bytes"));
    }
    let mut dockerfile = String::new();
    entry
        .take(DOCKERFILE_MAX_BYTES)
        .read_to_string(&mut dockerfile)
        .map_err(|e| format!("`{want}` cannot be read as UTF-8 text ({e})"))?;
    Ok(Inspected { files, unpacked, dockerfile_path: want, dockerfile, context })
}

/// The instructions Docker's builder knows.
const INSTRUCTIONS: [&str; 18] = [
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// One instruction: its keyword (upper case) and its arguments, with line
/// continuations joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    pub line: usize,
    pub keyword: String,
    pub args: String,
}

/// Parses a Dockerfile as the builder would, refusing what it would refuse:
/// an unknown instruction, or no `FROM` before the first build instruction.
pub fn parse_dockerfile(text: &str) -> Result<Vec<Instruction>, String> {
    let mut out: Vec<Instruction> = vec![];
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if pending.is_none() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        let (start, mut joined) = pending.take().unwrap_or((n + 1, String::new()));
        if let Some(body) = line.strip_suffix('\\') {
            joined.push_str(body.trim_end());
            joined.push(' ');
            pending = Some((start, joined));
            continue;
        }
        joined.push_str(line);
        out.push(instruction(start, &joined)?);
    }
    if let Some((start, joined)) = pending {
        out.push(instruction(start, joined.trim_end())?);
    }
    match out.iter().find(|i| i.keyword != "ARG") {
        None => Err("the Dockerfile has no instructions".into()),
        Some(first) if first.keyword != "FROM" => {
            Err(format!("line {}: the first instruction must be FROM, not {}", first.line, first.keyword))
        }
        Some(_) => Ok(out),
    }
}

fn instruction(line: usize, text: &str) -> Result<Instruction, String> {
    let (word, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let keyword = word.to_ascii_uppercase();
    if !INSTRUCTIONS.contains(&keyword.as_str()) {
        return Err(format!("line {line}: unknown instruction `{word}`"));
    }
    Ok(Instruction { line, keyword, args: args.trim().to_string() })
}

/// `COPY` and `ADD` fail when a source is not in the build context, as
/// Docker's do. Sources with wildcards need one match; URLs and copies from
/// another stage (`--from`) are not checked. Blocking: a large context times
/// many sources is long work, so it runs on the blocking pool and asks
/// `budget` as it goes.
pub fn check_sources(steps: &[Instruction], context: &[String], budget: &Budget) -> Result<(), String> {
    for step in steps.iter().filter(|i| i.keyword == "COPY" || i.keyword == "ADD") {
        let args: Vec<String> = match serde_json::from_str::<Vec<String>>(&step.args) {
            Ok(list) => list,
            Err(_) => step.args.split_whitespace().map(str::to_string).collect(),
        };
        if args.iter().any(|a| a.starts_with("--from")) {
            continue;
        }
        let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
        let Some((_, sources)) = paths.split_last() else { continue };
        for source in sources {
            let path = source.trim_start_matches("./").trim_end_matches('/');
            let url = path.starts_with("http://") || path.starts_with("https://");
            // Character classes are not checked.
            if url || path.is_empty() || path == "." || path.contains('[') {
                continue;
            }
            let wildcards = path.contains(['*', '?']);
            let inside = format!("{path}/");
            let mut found = false;
            for c in context {
                budget.check()?;
                found = if wildcards { wildcard::matches(path, c) } else { c == path || c.starts_with(&inside) };
                if found {
                    break;
                }
            }
            if !found {
                return Err(format!(
                    "line {}: {} failed: `{source}` is not in the build context",
                    step.line, step.keyword
                ));
            }
        }
    }
    Ok(())
}

/// The ports the Dockerfile's `EXPOSE` lines name.
pub fn exposed_ports(steps: &[Instruction]) -> Vec<i64> {
    steps
        .iter()
        .filter(|i| i.keyword == "EXPOSE")
        .flat_map(|i| i.args.split_whitespace())
        .filter_map(|p| p.split('/').next()?.parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn budget() -> Budget {
        Budget::new(Duration::from_secs(60), CancellationToken::new())
    }

    #[test]
    fn parses_instructions_with_continuations_and_comments() {
        let steps = parse_dockerfile(
            "# a comment\nARG NODE=20\nFROM node:${NODE}\nRUN npm ci \\\n  && npm run build\n\nexpose 3000/tcp 9000\nCMD [\"node\", \"server.js\"]\n",
        )
        .unwrap();
        let words: Vec<&str> = steps.iter().map(|s| s.keyword.as_str()).collect();
        assert_eq!(words, ["ARG", "FROM", "RUN", "EXPOSE", "CMD"]);
        assert_eq!(steps[2].args, "npm ci && npm run build");
        assert_eq!(steps[2].line, 4);
        assert_eq!(exposed_ports(&steps), [3000, 9000]);
    }

    #[test]
    fn copy_and_add_sources_must_be_in_the_context() {
        let context = ["package.json".to_string(), "src".to_string(), "src/main.js".to_string()];
        let ok = parse_dockerfile(
            "FROM node\nCOPY package.json ./\nCOPY [\"src\", \"/app/src\"]\nCOPY --chown=1 *.json /app/\nADD https://example.com/a.tgz /tmp/\nCOPY --from=build /out /out\nCOPY . .\nCOPY src/*.js ?rc /app/\n",
        )
        .unwrap();
        assert_eq!(check_sources(&ok, &context, &budget()), Ok(()));
        let missing = parse_dockerfile("FROM node\nCOPY package-lock.json ./\n").unwrap();
        assert_eq!(
            check_sources(&missing, &context, &budget()),
            Err("line 2: COPY failed: `package-lock.json` is not in the build context".into())
        );
        for no_match in ["FROM node\nADD *.txt /app/\n", "FROM node\nCOPY *.js /app/\n", "FROM node\nCOPY sr /app/\n"] {
            let steps = parse_dockerfile(no_match).unwrap();
            assert!(check_sources(&steps, &context, &budget()).is_err(), "{no_match}");
        }
    }

    #[test]
    fn refuses_what_the_builder_refuses() {
        assert_eq!(parse_dockerfile("RUN true\n").unwrap_err(), "line 1: the first instruction must be FROM, not RUN");
        assert_eq!(parse_dockerfile("FROM x\nCOPYY . .\n").unwrap_err(), "line 2: unknown instruction `COPYY`");
        assert_eq!(parse_dockerfile("# nothing\n\n").unwrap_err(), "the Dockerfile has no instructions");
    }

    /// Many sources against a large context: long work, which a cancel or
    /// the time limit ends instead of letting it run on (issue #8).
    #[test]
    fn long_checks_stop_on_cancel_and_at_the_deadline() {
        let context: Vec<String> = (0..2000).map(|i| format!("dir/file-{i}")).chain(["z".to_string()]).collect();
        let text = format!("FROM x\nCOPY {}/app/\n", "z* ".repeat(100_000));
        let steps = parse_dockerfile(&text).unwrap();

        let started = Instant::now();
        let limited = Budget::new(Duration::from_millis(100), CancellationToken::new());
        assert_eq!(check_sources(&steps, &context, &limited), Err(over_time(Duration::from_millis(100))));
        assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());

        let stop = CancellationToken::new();
        let cancelled = Budget::new(Duration::from_secs(60), stop.clone());
        let worker = std::thread::spawn(move || check_sources(&steps, &context, &cancelled));
        std::thread::sleep(Duration::from_millis(50));
        let stopped = Instant::now();
        stop.cancel();
        assert_eq!(worker.join().unwrap(), Err("the build was stopped".into()));
        assert!(stopped.elapsed() < Duration::from_millis(500), "{:?}", stopped.elapsed());
    }

    /// Dockerfile-ish text: instructions, wildcards and continuations mixed
    /// with noise.
    fn dockerfile_text() -> impl Strategy<Value = String> {
        let line = prop_oneof![
            "(FROM|COPY|ADD|RUN|copy|EXPOSE|ARG) [a-c*?/.\\[\\] \"-]{0,80}",
            "[ -~]{0,80}",
            Just("\\".to_string()),
            Just("# comment".to_string()),
        ];
        proptest::collection::vec(line, 0..40).prop_map(|lines| lines.join("\n"))
    }

    proptest! {
        #[test]
        fn parsing_any_text_is_quick_and_never_panics(text in dockerfile_text()) {
            let started = Instant::now();
            let _ = parse_dockerfile(&text);
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }

        #[test]
        fn checking_any_sources_is_quick_and_never_panics(
            text in dockerfile_text(),
            sources in proptest::collection::vec("[a-c*?/.]{0,60}", 0..20),
            context in proptest::collection::vec("[a-c/.]{0,60}", 0..200),
        ) {
            let text = format!("FROM x\n{text}\nCOPY {} /app/\n", sources.join(" "));
            let Ok(steps) = parse_dockerfile(&text) else { return Ok(()) };
            let started = Instant::now();
            let _ = check_sources(&steps, &context, &budget());
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }
    }
}
