//! What a build logs about its Dockerfile (issue #8): a bounded number of
//! instructions, and never the value of an `ENV` or `ARG` whose name looks
//! secret. Logged line by line, a megabyte of Dockerfile was 150,000 rows, and
//! its `ENV DB_PASSWORD=…` was there for anyone who may read the log.

use console_shared::secrets::{SECRET_MASK, looks_secret};

use super::dockerfile::Instruction;

/// Instructions logged one by one; one more line counts the rest.
pub const LOGGED_INSTRUCTIONS: usize = 200;

/// The log's lines for `steps`: `Step i/n : KEYWORD args`, secrets masked.
pub fn instruction_lines(steps: &[Instruction]) -> Vec<String> {
    let total = steps.len();
    let mut lines: Vec<String> = steps
        .iter()
        .take(LOGGED_INSTRUCTIONS)
        .enumerate()
        .map(|(i, s)| format!("Step {}/{total} : {} {}", i + 1, s.keyword, masked(&s.keyword, &s.args)))
        .collect();
    if total > LOGGED_INSTRUCTIONS {
        lines.push(format!("… {} more instructions", total - LOGGED_INSTRUCTIONS));
    }
    lines
}

/// An instruction's arguments with the values of secret-looking names masked.
fn masked(keyword: &str, args: &str) -> String {
    match keyword.to_ascii_uppercase().as_str() {
        "ENV" => mask_pairs(args, true),
        "ARG" => mask_pairs(args, false),
        // `ONBUILD ENV …` sets the variable in every image built on this one.
        "ONBUILD" => match args.split_once(char::is_whitespace) {
            Some((inner, rest)) => format!("{inner} {}", masked(inner, rest.trim_start())),
            None => args.to_string(),
        },
        _ => args.to_string(),
    }
}

/// `NAME=value` words, values of secret-looking names masked. With `legacy`
/// (`ENV`), a first word without `=` is Docker's older `ENV NAME value` form,
/// whose value is the rest of the line.
fn mask_pairs(args: &str, legacy: bool) -> String {
    let words = words(args);
    match words.as_slice() {
        [] => String::new(),
        [name, _, ..] if legacy && !name.contains('=') => {
            if looks_secret(name) {
                format!("{name} {SECRET_MASK}")
            } else {
                args.to_string()
            }
        }
        _ => words
            .iter()
            .map(|word| match word.split_once('=') {
                Some((name, _)) if looks_secret(name) => format!("{name}={SECRET_MASK}"),
                _ => word.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// The words of `args` as Docker splits `ENV` and `ARG`: whitespace outside
/// quotes separates them, a backslash (outside single quotes) keeps the next
/// character in the word. Linear, whatever the quoting.
fn words(args: &str) -> Vec<&str> {
    let mut out = vec![];
    let mut start = None;
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in args.char_indices() {
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(i);
        }
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => escaped = true,
            (None, '"' | '\'') => quote = Some(c),
            (None, c) if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push(&args[s..i]);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&args[s..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_of_env_and_arg_are_masked_in_every_form() {
        let m = SECRET_MASK;
        let cases = [
            ("ENV", "DB_PASSWORD=hunter2 REGION=sh", format!("DB_PASSWORD={m} REGION=sh")),
            ("ENV", "API_KEY s3cr3t value with spaces", format!("API_KEY {m}")),
            ("ENV", "REGION ap-shanghai", "REGION ap-shanghai".to_string()),
            ("env", r#"DATABASE_URL="postgres://u:pw@h/db" X=1"#, format!("DATABASE_URL={m} X=1")),
            ("ENV", r"A_TOKEN='a b\' B=c\ d C=x", format!(r"A_TOKEN={m} B=c\ d C=x")),
            ("ENV", r#"SENTRY_DSN="a \" b" PORT=80"#, format!("SENTRY_DSN={m} PORT=80")),
            ("ARG", "NPM_TOKEN", "NPM_TOKEN".to_string()),
            ("ARG", "NPM_TOKEN=tok-123 NODE=20", format!("NPM_TOKEN={m} NODE=20")),
            ("ONBUILD", "ENV SMTP_PASS=x", format!("ENV SMTP_PASS={m}")),
            ("RUN", "echo DB_PASSWORD=visible", "echo DB_PASSWORD=visible".to_string()),
        ];
        for (keyword, args, want) in cases {
            assert_eq!(masked(keyword, args), want, "{keyword} {args}");
        }
    }

    #[test]
    fn a_long_dockerfile_logs_its_first_instructions_and_counts_the_rest() {
        let steps: Vec<Instruction> =
            (0..250).map(|i| Instruction { line: i + 1, keyword: "RUN".into(), args: format!("echo {i}") }).collect();
        let lines = instruction_lines(&steps);
        assert_eq!(lines.len(), LOGGED_INSTRUCTIONS + 1);
        assert_eq!(lines[0], "Step 1/250 : RUN echo 0");
        assert_eq!(lines[199], "Step 200/250 : RUN echo 199");
        assert_eq!(lines[200], "… 50 more instructions");
    }
}
