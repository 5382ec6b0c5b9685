//! The SPA's assets over real HTTP: the copies `cargo xtask build` compressed
//! beside each file are served as they are, in the encoding the browser
//! accepts, and never compressed a second time.

mod common;

use common::TestApp;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, VARY};

const JS: &str = "console-frontend-0123456789abcdef.js";
/// Not real brotli or gzip: the console must pass the files on byte for byte.
const BROTLI: &[u8] = b"brotli bytes made at build time";
const GZIP: &[u8] = b"gzip bytes made at build time";
/// A file without precompressed copies, large enough to be worth compressing.
const LICENSES: &str = "Permission is hereby granted, free of charge, to any person obtaining a copy.\n";

/// The harness's SPA plus the precompressed copies of its script.
async fn app_with_precompressed() -> (TestApp, tempfile::TempDir) {
    let dist = common::dist();
    std::fs::write(dist.path().join(format!("{JS}.br")), BROTLI).unwrap();
    std::fs::write(dist.path().join(format!("{JS}.gz")), GZIP).unwrap();
    std::fs::write(dist.path().join("licenses.txt"), LICENSES.repeat(20)).unwrap();
    let dir = dist.path().to_path_buf();
    let app = TestApp::start_with(move |c| c.dist_dir = dir).await;
    (app, dist)
}

async fn fetch(app: &TestApp, path: &str, accept: Option<&str>) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = app.get(path, None);
    if let Some(a) = accept {
        req = req.header("accept-encoding", a);
    }
    let resp = req.send().await.unwrap();
    assert_eq!(resp.status(), 200, "{path}");
    let headers = resp.headers().clone();
    (headers, resp.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn an_asset_comes_precompressed_in_the_best_encoding_the_browser_accepts() {
    let (app, dist) = app_with_precompressed().await;
    let original = std::fs::read(dist.path().join(JS)).unwrap();
    let path = format!("/{JS}");
    for (accept, coding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), BROTLI),
        (Some("br"), Some("br"), BROTLI),
        (Some("gzip"), Some("gzip"), GZIP),
        (Some("br;q=0, gzip"), Some("gzip"), GZIP),
        (Some("identity"), None, &original[..]),
        (None, None, &original[..]),
    ] {
        let (h, got) = fetch(&app, &path, accept).await;
        assert_eq!(h.get(CONTENT_ENCODING).map(|v| v.to_str().unwrap()), coding, "{accept:?}");
        assert_eq!(got, body, "{accept:?}: the file as built, not compressed again");
        assert_eq!(h[CONTENT_LENGTH], body.len().to_string(), "{accept:?}");
        assert_eq!(
            h.get_all(VARY).iter().filter(|v| v.to_str().unwrap().eq_ignore_ascii_case("accept-encoding")).count(),
            1,
            "{accept:?}"
        );
        assert_eq!(h["cache-control"], "public, max-age=31536000, immutable", "{accept:?}");
        assert!(h["content-type"].to_str().unwrap().starts_with("text/javascript"), "{accept:?}");
    }
}

#[tokio::test]
async fn a_precompressed_copy_is_not_an_asset_of_its_own() {
    let (app, _dist) = app_with_precompressed().await;
    for path in [format!("/{JS}.br"), format!("/{JS}.gz")] {
        let (h, body) = fetch(&app, &path, Some("br, gzip")).await;
        // The SPA's page, as for any path that is not an asset.
        assert!(h["content-type"].to_str().unwrap().starts_with("text/html"), "{path}");
        assert_ne!(body, BROTLI);
        assert_ne!(body, GZIP);
    }
}

#[tokio::test]
async fn without_a_precompressed_copy_assets_and_the_page_are_compressed_on_the_fly() {
    let (app, _dist) = app_with_precompressed().await;
    let (h, body) = fetch(&app, "/licenses.txt", Some("gzip")).await;
    assert_eq!(h[CONTENT_ENCODING], "gzip");
    assert!(body.len() < LICENSES.len() * 20);
    assert_eq!(h["cache-control"], "no-cache");
    // index.html carries a fresh nonce each time, so it cannot be precompressed.
    let (h, _) = fetch(&app, "/login", Some("br")).await;
    assert_eq!(h[CONTENT_ENCODING], "br");
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
}
