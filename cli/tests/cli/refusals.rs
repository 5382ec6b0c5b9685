//! What tcbr refuses before sending anything, and with which exit code.
//! "Nothing sent" is seen, not assumed: every run goes through the test's
//! proxy to a console that does not exist, so a single request would show
//! in the proxy's record (and end in a network error, exit 1).

use console_shared::rules;

use crate::harness::Tcbr;
use crate::proxy::Proxy;

/// A token of the right shape for a console nobody runs.
const TOKEN: &str = "tcbr_pat_0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

fn nowhere(proxy: &Proxy) -> Tcbr {
    Tcbr::through_console("https://console.invalid", TOKEN).with("HTTPS_PROXY", &proxy.url)
}

#[tokio::test]
async fn r_cli_1_a_rule_broken_exits_2_with_the_rule_and_sends_nothing() {
    let proxy = Proxy::start().await;
    let t = nowhere(&proxy);
    let deploy = ["run", "deploy", "-e", "env-1a2b3c4d", "-s", "shop", "--custom_image", "nginx:1.27", "--noConfirm"];

    let too_many = t.run(&[&deploy[..], &["--maxNum", "51"]].concat()).await.exits(2);
    let rule = rules::instances(51, 51).unwrap_err().to_string();
    assert!(too_many.stderr.contains(&format!("--maxNum 51: {rule}")), "{too_many:#?}");
    assert!(too_many.stdout.is_empty(), "{too_many:#?}");

    // --json: the envelope carries the exit code and the same sentence.
    let json = t.run(&[&deploy[..], &["--maxNum", "51", "--json"]].concat()).await.exits(2);
    let envelope = json.envelope();
    assert_eq!(envelope["code"], 2, "{envelope}");
    assert!(envelope["errmsg"].as_str().is_some_and(|m| m.contains(&rule)), "{envelope}");

    for (extra, says) in [
        (&["--cpu", "3"][..], "--cpu 3"),
        (&["--minNum", "5", "--maxNum", "2"][..], "the minimum must not exceed the maximum"),
        (&["--containerPort", "70000"][..], "--containerPort 70000"),
    ] {
        let refused = t.run(&[&deploy[..], extra].concat()).await.exits(2);
        assert!(refused.stderr.contains(says), "{refused:#?}");
    }
    let split = ["cloudrun", "traffic", "-e", "env-1a2b3c4d", "-s", "shop", "--stable", "70", "--canary", "20"];
    let refused = t.run(&split).await.exits(2);
    assert!(refused.stderr.contains("add up to 100"), "{refused:#?}");
    assert_eq!(proxy.seen(), Vec::<String>::new(), "nothing was sent");
}

#[tokio::test]
async fn r_cli_1_without_a_terminal_a_deploy_needs_no_confirm_and_sends_nothing() {
    let proxy = Proxy::start().await;
    let t = nowhere(&proxy);
    for command in ["deploy", "service:deploy", "service:create"] {
        let run = ["run", command, "-e", "env-1a2b3c4d", "-s", "shop", "--custom_image", "nginx:1.27"];
        let refused = t.run(&run).await.exits(2);
        assert!(refused.stderr.contains("--noConfirm"), "{refused:#?}");
    }
    let delete = t.run(&["cloudrun", "delete", "-e", "env-1a2b3c4d", "-s", "shop"]).await.exits(2);
    assert!(delete.stderr.contains("--noConfirm"), "{delete:#?}");
    assert_eq!(proxy.seen(), Vec::<String>::new(), "nothing was sent");
}

#[tokio::test]
async fn r_cli_3_where_to_send_calls_must_be_said() {
    let list = ["run", "service:list", "-e", "env-1a2b3c4d"];
    // Neither a console nor a key pair: exit 2, naming both ways.
    let nothing = Tcbr::default().run(&list).await.exits(2);
    assert!(nothing.stderr.contains("TCBR_TOKEN") && nothing.stderr.contains("TENCENTCLOUD_SECRETID"), "{nothing:#?}");
    // A console without a token, or with something that is not one.
    let no_token = Tcbr::default().with("TCBR_CONSOLE", "https://console.invalid").run(&list).await.exits(2);
    assert!(no_token.stderr.contains("TCBR_TOKEN"), "{no_token:#?}");
    let not_a_token = Tcbr::through_console("https://console.invalid", "hunter2").run(&list).await.exits(2);
    assert!(not_a_token.stderr.contains("tcbr_pat_"), "{not_a_token:#?}");
    assert!(!not_a_token.stderr.contains("hunter2"), "what was given is not echoed: {not_a_token:#?}");
    // A token never travels unencrypted to another machine.
    let plain = Tcbr::through_console("http://console.invalid", TOKEN).run(&list).await.exits(2);
    assert!(plain.stderr.contains("unencrypted") && !plain.stderr.contains(TOKEN), "{plain:#?}");
}
