//! `cargo xtask bench`: figures, not pass/fail. The SPA's transfer size and
//! the time from navigation to an interactive login form in headless Chromium.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::Result;

fn gzip(data: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("writing to memory");
    enc.finish().expect("finishing in memory").len()
}

fn brotli(data: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, ..Default::default() };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("compressing in memory");
    out.len()
}

fn sizes(dist: &Path) -> Result {
    let mut rows = Vec::new();
    for entry in std::fs::read_dir(dist).map_err(|e| format!("{}: {e} (build first)", dist.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if matches!(ext, "wasm" | "js" | "css") {
            let data = std::fs::read(&path).map_err(|e| e.to_string())?;
            rows.push((ext.to_string(), path.file_name().unwrap_or_default().to_string_lossy().to_string(), data));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    println!("\nSPA transfer size (dist/)");
    println!("{:<52} {:>10} {:>10} {:>10}", "file", "raw", "gzip -9", "brotli 11");
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for (_, name, data) in &rows {
        let (g, b) = (gzip(data), brotli(data));
        println!("{name:<52} {:>10} {g:>10} {b:>10}", data.len());
        raw += data.len();
        gz += g;
        br += b;
    }
    println!("{:<52} {raw:>10} {gz:>10} {br:>10}", "total (wasm + js + css)");
    Ok(())
}

/// Starts the release console on free ports and a scratch data directory.
fn start_console(root: &Path, data: &Path) -> Result<(std::process::Child, String)> {
    let mut child = Command::new(root.join("target/release/console"))
        .env("CONSOLE_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_ADDR", "127.0.0.1:0")
        .env("LOCALCLOUD_GATEWAY_ADDR", "127.0.0.1:0")
        .env("CONSOLE_DATA_DIR", data)
        .env("CONSOLE_DIST_DIR", root.join("dist"))
        .env("CONSOLE_ADMIN_PASSWORD", "bench-password")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the console: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(url) = line.strip_prefix("console listening on ") {
            return Ok((child, url.trim().to_string()));
        }
    }
    let _ = child.kill();
    Err("the console exited before listening".into())
}

pub fn run(root: &Path) -> Result {
    sizes(&root.join("dist"))?;
    let data = root.join("target/bench-data");
    let _ = std::fs::remove_dir_all(&data);
    let (mut console, url) = start_console(root, &data)?;
    let result = crate::sh_in(&root.join("end2end"), "node", &["bench.mjs", &url], &[]);
    let _ = console.kill();
    let _ = console.wait();
    result
}
