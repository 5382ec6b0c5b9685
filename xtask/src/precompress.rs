//! Precompressed copies of the SPA's assets, made once at build time:
//! `<file>.br` (brotli 11) and `<file>.gz` (gzip 9) beside each compressible
//! file in dist/. The console serves them as they are (backend/src/spa.rs),
//! smaller than its on-the-fly compression and at no CPU cost per response.
//! `index.html` is not among them: the console writes a fresh CSP nonce into
//! every response, so it is compressed per response.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::Result;

/// Text and wasm compress well; images and fonts are compressed already.
const COMPRESSIBLE: &[&str] = &["wasm", "js", "mjs", "css", "svg", "json", "webmanifest", "txt", "map", "xml"];

type Compressor = fn(&[u8]) -> Vec<u8>;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("writing to memory");
    enc.finish().expect("finishing in memory")
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, size_hint: data.len(), ..Default::default() };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("compressing in memory");
    out
}

fn files(dir: &Path, into: &mut Vec<PathBuf>) -> Result {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            // Not Trunk's `.stage`, left by a build that failed.
            if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                files(&path, into)?;
            }
        } else if path.file_name().is_some_and(|n| n != "index.html")
            && path.extension().and_then(|e| e.to_str()).is_some_and(|e| COMPRESSIBLE.contains(&e))
        {
            into.push(path);
        }
    }
    Ok(())
}

/// Writes the copies for every compressible file under `dist`, or removes a
/// stale one where compressing does not make the file smaller.
pub fn dist(dist: &Path) -> Result {
    let mut sources = Vec::new();
    files(dist, &mut sources)?;
    let jobs: Vec<(&PathBuf, &str, Compressor)> =
        sources.iter().flat_map(|p| [(p, "br", brotli as Compressor), (p, "gz", gzip)]).collect();
    // Brotli 11 on the wasm dominates; the other jobs run beside it.
    let written = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .map(|&(path, suffix, compress)| {
                s.spawn(move || -> Result<usize> {
                    let data = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
                    let packed = compress(&data);
                    let mut target = path.as_os_str().to_owned();
                    target.push(format!(".{suffix}"));
                    if packed.len() < data.len() {
                        std::fs::write(&target, &packed)
                            .map_err(|e| format!("{}: {e}", Path::new(&target).display()))?;
                        Ok(1)
                    } else {
                        let _ = std::fs::remove_file(&target);
                        Ok(0)
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| "a compression thread panicked".to_string())?)
            .sum::<Result<usize>>()
    })?;
    eprintln!("dist/: {written} precompressed copies (.br, .gz) of {} files", sources.len());
    Ok(())
}
