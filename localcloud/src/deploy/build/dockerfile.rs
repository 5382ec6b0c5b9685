//! A Dockerfile as a builder reads it: its instructions, and whether the
//! sources its `COPY` and `ADD` name are in the build context.

use console_shared::wildcard;

use super::budget::{Budget, NAME_ECHO, shorten};

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

/// Lines parsed between two looks at the budget: cheap work each, so a look
/// per line would cost more than the parsing.
const LINES_PER_CHECK: usize = 256;

/// Parses a Dockerfile as the builder would, refusing what it would refuse:
/// an unknown instruction, or no `FROM` before the first build instruction.
/// Blocking: a megabyte of text is long work, so it runs on the blocking pool
/// and asks `budget` as it goes.
pub fn parse_dockerfile(text: &str, budget: &Budget) -> Result<Vec<Instruction>, String> {
    let mut out: Vec<Instruction> = vec![];
    let mut pending: Option<(usize, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        if n % LINES_PER_CHECK == 0 {
            budget.check()?;
        }
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
        return Err(format!("line {line}: unknown instruction `{}`", shorten(word, NAME_ECHO)));
    }
    Ok(Instruction { line, keyword, args: args.trim().to_string() })
}

/// `COPY` and `ADD` fail when a source is not in the build context, as
/// Docker's do; the context lists directories as well as files. Sources with
/// wildcards need one match; URLs and copies from another stage (`--from`)
/// are not checked. Blocking: a large context times
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
            let wildcards = wildcard::has_wildcards(path);
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
                    "line {}: {} failed: `{}` is not in the build context",
                    step.line,
                    step.keyword,
                    shorten(source, NAME_ECHO)
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
    use std::time::{Duration, Instant};

    use proptest::prelude::*;
    use tokio_util::sync::CancellationToken;

    use super::*;
    use crate::deploy::build::budget::over_time;

    fn budget() -> Budget {
        Budget::new(Duration::from_secs(60), CancellationToken::new())
    }

    #[test]
    fn parses_instructions_with_continuations_and_comments() {
        let steps = parse_dockerfile(
            "# a comment\nARG NODE=20\nFROM node:${NODE}\nRUN npm ci \\\n  && npm run build\n\nexpose 3000/tcp 9000\nCMD [\"node\", \"server.js\"]\n", &budget())
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
            "FROM node\nCOPY package.json ./\nCOPY [\"src\", \"/app/src\"]\nCOPY --chown=1 *.json /app/\nADD https://example.com/a.tgz /tmp/\nCOPY --from=build /out /out\nCOPY . .\nCOPY src/*.js ?rc /app/\n", &budget())
        .unwrap();
        assert_eq!(check_sources(&ok, &context, &budget()), Ok(()));
        let missing = parse_dockerfile("FROM node\nCOPY package-lock.json ./\n", &budget()).unwrap();
        assert_eq!(
            check_sources(&missing, &context, &budget()),
            Err("line 2: COPY failed: `package-lock.json` is not in the build context".into())
        );
        for no_match in ["FROM node\nADD *.txt /app/\n", "FROM node\nCOPY *.js /app/\n", "FROM node\nCOPY sr /app/\n"] {
            let steps = parse_dockerfile(no_match, &budget()).unwrap();
            assert!(check_sources(&steps, &context, &budget()).is_err(), "{no_match}");
        }
    }

    #[test]
    fn an_escaped_wildcard_is_a_literal_character() {
        let context = ["a*b".to_string(), "axb".to_string(), "c\\d".to_string()];
        let ok = parse_dockerfile("FROM x\nCOPY a\\*? a?? c\\d /app/\n", &budget()).unwrap();
        assert_eq!(check_sources(&ok, &context, &budget()), Ok(()));
        // No wildcard left once escaped: a plain path, backslash and all, as Docker reads it.
        let plain = parse_dockerfile("FROM x\nCOPY a\\*b /app/\n", &budget()).unwrap();
        assert!(check_sources(&plain, &context, &budget()).is_err());
        let literal = parse_dockerfile("FROM x\nCOPY a\\?? /app/\n", &budget()).unwrap();
        assert!(check_sources(&literal, &context, &budget()).is_err(), "`\\?` is a `?`, and no name has one");
    }

    #[test]
    fn refuses_what_the_builder_refuses() {
        assert_eq!(
            parse_dockerfile("RUN true\n", &budget()).unwrap_err(),
            "line 1: the first instruction must be FROM, not RUN"
        );
        assert_eq!(
            parse_dockerfile("FROM x\nCOPYY . .\n", &budget()).unwrap_err(),
            "line 2: unknown instruction `COPYY`"
        );
        assert_eq!(parse_dockerfile("# nothing\n\n", &budget()).unwrap_err(), "the Dockerfile has no instructions");
        // An echoed word stays short, whatever the line holds.
        let long = format!("FROM x\n{}\n", "W".repeat(100_000));
        assert!(parse_dockerfile(&long, &budget()).unwrap_err().len() < 300);
        let far = format!("FROM x\nCOPY {} /app/\n", "w".repeat(100_000));
        let steps = parse_dockerfile(&far, &budget()).unwrap();
        assert!(check_sources(&steps, &[], &budget()).unwrap_err().len() < 300);
    }

    /// Parsing a megabyte is work too: a cancel or the deadline stops it.
    #[test]
    fn parsing_stops_on_cancel_and_at_the_deadline() {
        let text = format!("FROM x\n{}", "RUN true\n".repeat(100_000));
        let stop = CancellationToken::new();
        stop.cancel();
        let cancelled = Budget::new(Duration::from_secs(60), stop);
        assert_eq!(parse_dockerfile(&text, &cancelled), Err("the build was stopped".into()));
        let spent = Budget::new(Duration::ZERO, CancellationToken::new());
        std::thread::sleep(Duration::from_millis(1));
        assert_eq!(parse_dockerfile(&text, &spent), Err(over_time(Duration::ZERO)));
    }

    /// Many sources against a large context: long work, which a cancel or
    /// the time limit ends instead of letting it run on (issue #8).
    #[test]
    fn long_checks_stop_on_cancel_and_at_the_deadline() {
        let context: Vec<String> = (0..2000).map(|i| format!("dir/file-{i}")).chain(["z".to_string()]).collect();
        let text = format!("FROM x\nCOPY {}/app/\n", "z* ".repeat(100_000));
        let steps = parse_dockerfile(&text, &budget()).unwrap();

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
            let _ = parse_dockerfile(&text, &budget());
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }

        #[test]
        fn checking_any_sources_is_quick_and_never_panics(
            text in dockerfile_text(),
            sources in proptest::collection::vec("[a-c*?/.]{0,60}", 0..20),
            context in proptest::collection::vec("[a-c/.]{0,60}", 0..200),
        ) {
            let text = format!("FROM x\n{text}\nCOPY {} /app/\n", sources.join(" "));
            let Ok(steps) = parse_dockerfile(&text, &budget()) else { return Ok(()) };
            let started = Instant::now();
            let _ = check_sources(&steps, &context, &budget());
            prop_assert!(started.elapsed() < Duration::from_millis(50), "{:?}", started.elapsed());
        }
    }
}
