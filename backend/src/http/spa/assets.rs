//! Serving the built SPA: hashed assets from memory with a year of caching,
//! each in the best encoding the browser accepts among the copies `cargo
//! xtask build` made beside it (`<file>.br`, brotli 11; `<file>.gz`, gzip 9:
//! smaller than on-the-fly compression, and no CPU per request); and
//! `index.html` for every other path with a fresh CSP nonce on each response.
//! Trunk's loader is an inline module script; Trunk marks it (and every other
//! tag it emits) with `nonce="{{__TRUNK NONCE__}}"` (`create_nonce` in
//! Trunk.toml), and each response fills in its own nonce.

use std::collections::HashMap;
use std::path::Path;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;

use crate::http::spa::csp::csp;

struct Asset {
    bytes: Bytes,
    /// The same content precompressed at build time, if it was.
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: &'static str,
    /// Trunk names built files `<name>-<hash>.<ext>`: safe to cache forever.
    hashed: bool,
}

/// The SPA, loaded once at start.
pub struct Spa {
    index: Option<String>,
    assets: HashMap<String, Asset>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn looks_hashed(file_name: &str) -> bool {
    let stem = file_name.split('.').next().unwrap_or("");
    // wasm-bindgen's module is `<name>-<hash>_bg.wasm`.
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // Trunk writes its 64-bit hash in hex without leading zeros: usually 16
    // digits, sometimes fewer.
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What a build adds to an asset's name for its precompressed copies.
const PRECOMPRESSED: [&str; 2] = [".br", ".gz"];

fn collect(dir: &Path, prefix: &str, into: &mut HashMap<String, Asset>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        if entry.file_type()?.is_dir() {
            collect(&entry.path(), &rel, into)?;
        } else if rel != "index.html" && !PRECOMPRESSED.iter().any(|suffix| name.ends_with(suffix)) {
            // A precompressed copy is never an asset of its own: it is read
            // with its original, and served only as that file's encoding.
            let bytes = std::fs::read(entry.path())?;
            let (brotli, gzip) = (variant(&entry.path(), ".br")?, variant(&entry.path(), ".gz")?);
            into.insert(
                rel.clone(),
                Asset {
                    bytes: bytes.into(),
                    brotli,
                    gzip,
                    content_type: content_type(&rel),
                    hashed: looks_hashed(&name),
                },
            );
        }
    }
    Ok(())
}

/// `<original><suffix>`, if present and not older than the original: a copy
/// left from an earlier build of an unhashed file (`favicon.svg`) would
/// otherwise serve old content. Without one the response is compressed on
/// the fly, as before.
fn variant(original: &Path, suffix: &str) -> std::io::Result<Option<Bytes>> {
    let mut path = original.as_os_str().to_owned();
    path.push(suffix);
    let path = Path::new(&path);
    let Ok(meta) = std::fs::metadata(path) else { return Ok(None) };
    let (made, source) = (meta.modified()?, std::fs::metadata(original)?.modified()?);
    if made < source {
        tracing::warn!(file = %path.display(), "ignoring a precompressed file older than its original");
        return Ok(None);
    }
    Ok(Some(std::fs::read(path)?.into()))
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// The encoding to send among those available, from `Accept-Encoding`: the
/// highest q-value wins, brotli before gzip on a tie; `q=0` refuses a coding,
/// `*` stands for those not named. Identity when nothing else is accepted.
fn negotiate(headers: &HeaderMap, brotli: bool, gzip: bool) -> Encoding {
    let mut q_br = None;
    let mut q_gzip = None;
    let mut q_any = None;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.to_ascii_lowercase().split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .unwrap_or(1.0);
            match coding {
                "br" => q_br = Some(q),
                "gzip" | "x-gzip" => q_gzip = Some(q),
                "*" => q_any = Some(q),
                _ => {}
            }
        }
    }
    let br = if brotli { q_br.or(q_any).unwrap_or(0.0) } else { 0.0 };
    let gz = if gzip { q_gzip.or(q_any).unwrap_or(0.0) } else { 0.0 };
    if br > 0.0 && br >= gz {
        Encoding::Brotli
    } else if gz > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

impl Spa {
    /// Loads `dist`. A missing build is not fatal: the API still serves, and
    /// the page says how to build the SPA.
    pub fn load(dist: &Path) -> Spa {
        let index = std::fs::read_to_string(dist.join("index.html")).ok();
        let mut assets = HashMap::new();
        if index.is_some() {
            if let Err(e) = collect(dist, "", &mut assets) {
                tracing::warn!(error = %e, dist = %dist.display(), "could not read every SPA file");
            }
        } else {
            tracing::warn!(dist = %dist.display(), "no built SPA found; run `cargo xtask run` to build it");
        }
        Spa { index, assets }
    }
    /// The asset at `path`, or the SPA's page for any other path.
    pub fn respond(&self, path: &str, headers: &HeaderMap) -> Response {
        if let Some(asset) = self.assets.get(path.trim_start_matches('/')) {
            return asset_response(asset, headers);
        }
        index_response(self)
    }
}

/// Trunk's placeholder for the nonce (its `nonce_placeholder` default).
const TRUNK_NONCE: &str = "{{__TRUNK NONCE__}}";

fn new_nonce() -> String {
    let bytes: [u8; 18] = rand::random();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn index_response(spa: &Spa) -> Response {
    let nonce = new_nonce();
    let html = match &spa.index {
        Some(index) => index.replace(TRUNK_NONCE, &nonce),
        None => "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Console</title></head><body>\
                 <main><h1>The console's web app is not built</h1><p>Run <code>cargo xtask run</code>, which builds it \
                 into <code>dist/</code> and starts the console.</p></main></body></html>"
            .to_string(),
    };
    let mut response = (StatusCode::OK, html).into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_str(&csp(&nonce)).expect("CSP is ASCII"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// An asset in the best encoding `headers` accept. An encoded response
/// carries `Content-Encoding`, which the compression layer leaves alone
/// (tower-http never encodes a response twice).
fn asset_response(asset: &Asset, headers: &HeaderMap) -> Response {
    let cache = if asset.hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    let (body, coding) = match negotiate(headers, asset.brotli.is_some(), asset.gzip.is_some()) {
        Encoding::Brotli => (asset.brotli.clone(), Some("br")),
        Encoding::Gzip => (asset.gzip.clone(), Some("gzip")),
        Encoding::Identity => (None, None),
    };
    let mut response = (
        [(header::CONTENT_TYPE, asset.content_type), (header::CACHE_CONTROL, cache)],
        body.unwrap_or_else(|| asset.bytes.clone()),
    )
        .into_response();
    let h = response.headers_mut();
    if let Some(coding) = coding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    if asset.brotli.is_some() || asset.gzip.is_some() {
        // Caches must keep each encoding apart, the identity one included.
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashes_are_recognised() {
        assert!(looks_hashed("console-frontend-4f1c2a9b8e7d6c5b_bg.wasm"));
        assert!(looks_hashed("console-frontend-4f1c2a9b8e7d6c5b.js"));
        assert!(looks_hashed("style-0123456789abcdef.css"));
        assert!(looks_hashed("console-frontend-11be3adb41584ec_bg.wasm"), "a hash with a leading zero dropped");
        assert!(!looks_hashed("favicon.svg"));
        assert!(!looks_hashed("index.html"));
    }

    fn accepting(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        use Encoding::*;
        for (accept, both, gzip_only) in [
            ("br, gzip", Brotli, Gzip),
            ("gzip, deflate, br, zstd", Brotli, Gzip),
            ("gzip", Gzip, Gzip),
            ("br", Brotli, Identity),
            ("br;q=0, gzip", Gzip, Gzip),
            ("br;q=0.5, gzip;q=0.8", Gzip, Gzip),
            ("BR;Q=1", Brotli, Identity),
            ("*", Brotli, Gzip),
            ("*;q=0", Identity, Identity),
            ("gzip;q=0, *", Brotli, Identity),
            ("identity", Identity, Identity),
            ("deflate", Identity, Identity),
            ("", Identity, Identity),
        ] {
            assert_eq!(negotiate(&accepting(accept), true, true), both, "{accept}");
            assert_eq!(negotiate(&accepting(accept), false, true), gzip_only, "{accept}");
            assert_eq!(negotiate(&accepting(accept), false, false), Identity, "{accept}");
        }
        assert_eq!(negotiate(&HeaderMap::new(), true, true), Identity, "no header: identity");
    }
}
