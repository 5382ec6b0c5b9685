//! A gray release split by URL parameter (R-UPD-4): which version the rule
//! sends to, the parameter and its value (`*` a wildcard), and a tester that
//! answers "which version serves this URL?" with the gateway's own rule
//! (`shared::traffic`), so the answer is the one the gateway gives.

use console_shared::traffic::{Split, UrlRule, to_canary};
use leptos::prelude::*;

use super::{Pair, ServiceCtx, apply_action, url_request};
use crate::components::{ErrorNote, Field, error_of, focus_by_id};
use crate::i18n::{Msg, lang, rule_summary, t, url_served_by, version_role};
use crate::pages::env_layout::EnvCtx;

/// The query string in what a user pasted: a URL's part after `?` (without
/// its `#fragment`), or a bare `a=1&b=2`.
fn query_of(text: &str) -> &str {
    let text = text.trim();
    let text = text.split('#').next().unwrap_or_default();
    match text.split_once('?') {
        Some((_, query)) => query,
        None if text.contains('=') && !text.contains('/') => text,
        None => "",
    }
}

/// Whether the canary serves `query` under the rule, and whether the rule
/// claimed it: the gateway's decision, drawn by the same function.
fn serves(rule: &UrlRule, rule_to_canary: bool, query: &str) -> (bool, bool) {
    let split = Split::Url { rule: rule.clone(), to_canary: rule_to_canary };
    // A URL rule draws no random number: the roll does not count.
    let canary = to_canary(&split, Some(query), 0);
    (canary, canary == rule_to_canary)
}

/// What is wrong with a parameter name, if anything: a name with `=`, `&`,
/// `#` or `?` could never appear in a query string as one name.
fn key_error(key: &str) -> Option<Msg> {
    let key = key.trim();
    if key.is_empty() {
        Some(Msg::EmptyUrlKey)
    } else if key.contains(['=', '&', '#', '?']) {
        Some(Msg::UrlKeyChars)
    } else {
        None
    }
}

#[component]
pub fn UrlRuleForm(
    pair: Pair,
    split: Memo<Option<Split>>,
    hidden: Signal<bool>,
    why: Signal<Option<String>>,
    locked: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<EnvCtx>();
    let svc = expect_context::<ServiceCtx>();
    let apply = apply_action(svc);
    // The rule in force, when there is one, is where editing starts.
    let (key0, value0, to0) = match split.get_untracked() {
        Some(Split::Url { rule, to_canary }) => (rule.key, rule.value, to_canary),
        _ => (String::new(), String::new(), true),
    };
    let key = RwSignal::new(key0);
    let value = RwSignal::new(value0);
    let to_new = RwSignal::new(to0);
    let tried = RwSignal::new(false);
    let test = RwSignal::new(String::new());
    let key_err = Signal::derive(move || {
        tried.get().then(|| key_error(&key.get())).flatten().map(|m| m.text(lang()).to_string())
    });
    let value_err = Signal::derive(move || {
        (tried.get() && value.with(|v| v.trim().is_empty())).then(|| Msg::EmptyUrlValue.text(lang()).to_string())
    });
    let rule = move || UrlRule { key: key.get().trim().to_string(), value: value.get().trim().to_string() };
    let complete = move || key_error(&key.get()).is_none() && value.with(|v| !v.trim().is_empty());
    // Whether the rule as typed is the one in force.
    let in_force = move || {
        let typed = Split::Url { rule: rule(), to_canary: to_new.get() };
        split.with(|s| s.as_ref() == Some(&typed))
    };
    let names = {
        let pair = pair.clone();
        move |canary: bool| if canary { pair.canary.clone() } else { pair.stable.clone() }
    };
    let summary = {
        let names = names.clone();
        move || {
            complete().then(|| {
                let (r, to) = (rule(), to_new.get());
                rule_summary(&r.key, &r.value, &names(to), &names(!to), lang())
            })
        }
    };
    let answer = {
        let names = names.clone();
        move || {
            let typed = test.get();
            if typed.trim().is_empty() {
                None
            } else if !complete() {
                Some(Msg::UrlTestIncomplete.text(lang()).to_string())
            } else {
                let (canary, matched) = serves(&rule(), to_new.get(), query_of(&typed));
                Some(url_served_by(&names(canary), matched, in_force(), lang()))
            }
        }
    };
    let submit = {
        let pair = pair.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            tried.set(true);
            if key_error(&key.get_untracked()).is_some() {
                focus_by_id("gray-url-key");
            } else if value.get_untracked().trim().is_empty() {
                focus_by_id("gray-url-value");
            } else {
                let (env, service) = (ctx.env_id.get_untracked(), svc.name.get_untracked());
                apply.dispatch(url_request(env, service, &pair, &rule(), to_new.get_untracked()));
            }
        }
    };
    let invalid = |err: Signal<Option<String>>| move || err.with(Option::is_some).to_string();
    let described = move || why.with(Option::is_some).then_some("gray-split-why");
    let (canary, stable) = (pair.canary.clone(), pair.stable.clone());
    view! {
        // Hidden by a wrapper: `.hidden` does not win over `.stack`.
        <div class:hidden=hidden>
            <div class="stack">
                <form class="stack" novalidate on:submit=submit data-testid="split-url">
                    <fieldset class="field">
                        <legend>{t(Msg::RuleGoesTo)}</legend>
                        <div class="row">
                            <label class="inline">
                                <input type="radio" name="gray-url-to" disabled=locked prop:checked=move || to_new.get()
                                    on:change=move |_| to_new.set(true) />
                                {move || version_role(&canary, true, lang())}
                            </label>
                            <label class="inline">
                                <input type="radio" name="gray-url-to" disabled=locked prop:checked=move || !to_new.get()
                                    on:change=move |_| to_new.set(false) />
                                {move || version_role(&stable, false, lang())}
                            </label>
                        </div>
                    </fieldset>
                    <Field id="gray-url-key" label=Msg::UrlKey help=Msg::UrlKeyHelp error=key_err>
                        <input id="gray-url-key" autocomplete="off" spellcheck="false" bind:value=key disabled=locked
                            aria-invalid=invalid(key_err) aria-describedby="gray-url-key-help gray-url-key-error" />
                    </Field>
                    <Field id="gray-url-value" label=Msg::UrlValue help=Msg::UrlValueHelp error=value_err>
                        <input id="gray-url-value" autocomplete="off" spellcheck="false" bind:value=value disabled=locked
                            aria-invalid=invalid(value_err) aria-describedby="gray-url-value-help gray-url-value-error" />
                    </Field>
                    <p class="help">{summary}</p>
                    <div class="row">
                        <button type="submit" class="button primary" aria-describedby=described
                            disabled=move || locked.get() || apply.pending().get()>
                            {t(Msg::ApplyRule)}
                        </button>
                    </div>
                    // "Applied" only while the form shows the rule in force.
                    <p role="status" class="help">
                        {move || (matches!(apply.value().get(), Some(Ok(()))) && in_force()).then(t(Msg::SplitApplied))}
                    </p>
                    <ErrorNote error=error_of(apply) />
                </form>
                // Outside the form: Enter here tests, it never applies the rule.
                // Anyone may test, viewers too.
                <Field id="gray-url-test" label=Msg::UrlTest help=Msg::UrlTestHelp>
                    <input id="gray-url-test" type="text" inputmode="url" autocomplete="off" spellcheck="false"
                        bind:value=test aria-describedby="gray-url-test-help gray-url-test-answer" />
                </Field>
                <p id="gray-url-test-answer" role="status" data-testid="url-test-answer">{answer}</p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_is_found_in_what_was_pasted() {
        assert_eq!(query_of("https://shop.example/a?env=beta&x=1#top"), "env=beta&x=1");
        assert_eq!(query_of("  env=beta "), "env=beta");
        assert_eq!(query_of("https://shop.example/a"), "");
        assert_eq!(query_of("/path/with=equals"), "");
        assert_eq!(query_of("?v=2"), "v=2");
    }

    #[test]
    fn r_upd_4_the_tester_answers_as_the_gateway_routes() {
        let rule = UrlRule { key: "env".into(), value: "beta*".into() };
        // The rule sends to the new version; the stable one is the default.
        assert_eq!(serves(&rule, true, query_of("https://s.example/?env=beta2")), (true, true));
        assert_eq!(serves(&rule, true, query_of("https://s.example/?env=prod")), (false, false));
        assert_eq!(serves(&rule, true, query_of("https://s.example/")), (false, false));
        // The rule sends to the stable version; the new one is the default.
        assert_eq!(serves(&rule, false, "env=beta"), (false, true));
        assert_eq!(serves(&rule, false, "env=gamma"), (true, false));
    }

    #[test]
    fn a_parameter_name_must_be_one_name() {
        assert_eq!(key_error(" "), Some(Msg::EmptyUrlKey));
        assert_eq!(key_error("a=b"), Some(Msg::UrlKeyChars));
        assert_eq!(key_error("env"), None);
    }
}
