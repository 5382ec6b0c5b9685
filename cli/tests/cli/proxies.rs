//! R-CLI-2: tcbr's requests go through `HTTP_PROXY` / `http_proxy` (for
//! `http://`) and `HTTPS_PROXY` (for `https://`), and not when `NO_PROXY`
//! names the host. Loopback is not exempt by itself (reqwest's matcher,
//! hyper-util's, bypasses only what `NO_PROXY` names), so a cloud on
//! 127.0.0.1 is enough to watch the proxy at work.

use crate::harness::{Cloud, Console, Tcbr, project};
use crate::proxy::Proxy;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_2_http_proxy_carries_every_call_and_the_upload_unless_no_proxy_names_the_host() {
    let cloud = Cloud::start().await;
    let env = cloud.new_env("proxied").await;
    let proxy = Proxy::start().await;
    let endpoint = format!("http://{}/", cloud.addr);

    // HTTP_PROXY: the calls and the package upload all go through it.
    let t = Tcbr::to_cloud(&cloud.endpoint).with("HTTP_PROXY", &proxy.url);
    let dir = project("site/");
    let create = ["run", "service:create", "-e", &env, "-s", "shop", "--path", dir.path().to_str().unwrap()];
    t.run(&[&create[..], &["--noConfirm"]].concat()).await.exits(0);
    let seen = proxy.seen();
    assert!(seen.iter().any(|l| *l == format!("POST {endpoint} HTTP/1.1")), "the calls went through it: {seen:?}");
    let upload = seen.iter().find(|l| l.starts_with("PUT ")).unwrap_or_else(|| panic!("no upload: {seen:?}"));
    assert!(upload.starts_with(&format!("PUT http://{}/", cloud.addr)), "{upload}");

    // http_proxy, as curl and CI runners spell it, too.
    let before = proxy.seen().len();
    let lower = Tcbr::to_cloud(&cloud.endpoint).with("http_proxy", &proxy.url);
    lower.run(&["run", "service:list", "-e", &env]).await.exits(0);
    assert!(proxy.seen().len() > before, "{:?}", proxy.seen());

    // NO_PROXY naming the host: straight there, the proxy sees nothing more.
    let before = proxy.seen().len();
    let direct = t.clone().with("NO_PROXY", "127.0.0.1");
    let list = direct.run(&["run", "service:list", "-e", &env, "--json"]).await.exits(0);
    assert_eq!(list.data()[0]["ServerName"], "shop");
    direct.run(&["cloudrun", "detail", "-e", &env, "-s", "shop"]).await.exits(0);
    assert_eq!(proxy.seen().len(), before, "NO_PROXY bypassed it: {:?}", proxy.seen());
}

#[tokio::test]
async fn r_cli_2_https_proxy_is_asked_to_tunnel_to_the_cloud() {
    // Straight to Tencent Cloud (no --endpoint): https, so a CONNECT. The
    // proxy tunnels to loopback only, so nothing leaves this machine; the
    // refused tunnel is a network error, exit 1.
    let proxy = Proxy::start().await;
    let t = Tcbr::to_cloud("unused").without("TCBR_ENDPOINT").with("HTTPS_PROXY", &proxy.url);
    let failed = t.run(&["run", "service:list", "-e", "env-1a2b3c4d"]).await.exits(1);
    assert_eq!(proxy.seen(), ["CONNECT tcbr.tencentcloudapi.com:443 HTTP/1.1"], "{failed:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_cli_2_through_the_console_too() {
    let console = Console::start().await;
    let admin = console.api.first_admin().await;
    let env = console.api.new_env(&admin, "proxied").await;
    let token = console.api.token(&admin, "ci", &[&env], "developer").await;
    let proxy = Proxy::start().await;
    let t = Tcbr::through_console(&console.api.base, &token).with("HTTP_PROXY", &proxy.url);
    t.run(&["run", "service:list", "-e", &env]).await.exits(0);
    let call = format!("POST {}/api/cloud/tcbr/DescribeCloudRunServers HTTP/1.1", console.api.base);
    assert_eq!(proxy.seen(), [call]);
    t.with("NO_PROXY", "localhost,127.0.0.1").run(&["run", "service:list", "-e", &env]).await.exits(0);
    assert_eq!(proxy.seen().len(), 1, "{:?}", proxy.seen());
}
