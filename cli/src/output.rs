//! How answers are printed: for a person at a terminal, plain lines for a
//! CI log (no spinners, no colours), or with `--json` the guide's shape
//! `{"code":0,"errmsg":"success","data":…}` on standard output and nothing
//! else there.

use std::io::{IsTerminal, Write};

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::CliError;

#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// `--json`: only the final envelope goes to standard output.
    pub json: bool,
    /// Standard error is a terminal: progress may redraw a line.
    pub live: bool,
    /// Standard input is a terminal: a question can be asked.
    pub can_ask: bool,
}

impl Out {
    pub fn new(json: bool) -> Out {
        Out { json, live: std::io::stderr().is_terminal(), can_ask: std::io::stdin().is_terminal() }
    }

    /// A line for the person (or the CI log) watching: standard error under
    /// `--json`, so standard output stays one JSON document.
    pub fn say(&self, line: impl AsRef<str>) {
        if self.json {
            eprintln!("{}", line.as_ref());
        } else {
            println!("{}", line.as_ref());
        }
    }

    /// Progress that a terminal redraws in place (`\r`) and a log gets as a
    /// line now and then (the caller decides when).
    pub fn progress(&self, line: impl AsRef<str>) {
        let mut err = std::io::stderr().lock();
        if self.live {
            let _ = write!(err, "\r\x1b[2K{}", line.as_ref());
        } else {
            let _ = writeln!(err, "{}", line.as_ref());
        }
        let _ = err.flush();
    }

    /// Ends a line [`Out::progress`] was redrawing.
    pub fn progress_done(&self) {
        if self.live {
            eprintln!();
        }
    }

    /// The command's result: the envelope under `--json`, else `human()`'s lines.
    pub fn done<T: Serialize>(&self, data: &T, human: impl FnOnce() -> Vec<String>) {
        if self.json {
            let data = serde_json::to_value(data).unwrap_or(Value::Null);
            println!("{}", json!({"code": 0, "errmsg": "success", "data": data}));
        } else {
            for line in human() {
                println!("{line}");
            }
        }
    }

    /// A failure: the envelope with a non-zero code under `--json` (and the
    /// sentence on standard error either way).
    pub fn failed(&self, error: &CliError) {
        eprintln!("Error: {error}");
        if self.json {
            let data = match error {
                CliError::Cloud { request_id, .. } => json!({"Code": error.code(), "RequestId": request_id}),
                CliError::Deploy { data, .. } => data.clone(),
                _ => json!({"Code": null, "RequestId": null}),
            };
            println!("{}", json!({"code": error.exit_code(), "errmsg": error.to_string(), "data": data}));
        }
    }

    /// Asks a yes/no question on the terminal; `None` when there is none to ask on.
    pub fn confirm(&self, question: &str) -> Option<bool> {
        if !self.can_ask {
            return None;
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).ok()?;
        Some(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }
}

/// Columns padded to their widest cell (counting characters, so Chinese
/// text lines up no worse than the guide's tool).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c}{}", " ".repeat(widths[i].saturating_sub(c.chars().count()))))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![line(header.to_vec())];
    out.extend(rows.iter().map(|r| line(r.iter().map(String::as_str).collect())));
    out
}

#[cfg(test)]
mod tests {
    use super::table;

    #[test]
    fn tables_pad_to_the_widest_cell() {
        let rows = vec![vec!["shop".to_string(), "normal".to_string()], vec!["api-long".into(), "".into()]];
        assert_eq!(table(&["NAME", "STATUS"], &rows), vec!["NAME      STATUS", "shop      normal", "api-long"]);
    }
}
