//! The certificate as the BFF's check read it, before anything is sent to
//! the cloud (R-DOM-2): subject, names, issuer, validity with the days
//! left, whether it covers the domain and whether the key matches. The
//! problems that belong to a field are shown under that field; those about
//! the pair (a key that does not match) here.

use console_shared::certs::{CertCheck, CertSummary};
use leptos::prelude::*;

use super::cert_fields::{CertForm, Check};
use super::style;
use crate::components::{ErrorNote, local_time, zoned};
use crate::i18n::{
    CertContext, Msg, cert_problem, check_outcome, days_left_text, expiry_text, file_not_read_outcome, lang,
    period_text, t,
};

/// A yes/no answer in words, never in colour alone; `None` when it was not
/// asked (no key, no valid domain yet), said with `unasked`.
fn answer(value: Option<bool>, unasked: Msg) -> impl IntoView {
    let (class, msg) = match value {
        Some(true) => ("badge ok", Msg::Yes),
        Some(false) => ("badge bad", Msg::No),
        None => ("help", unasked),
    };
    view! { <span class=class>{t(msg)}</span> }
}

/// The parsed certificate's facts.
#[component]
fn Summary(summary: CertSummary) -> impl IntoView {
    let names = if summary.dns_names.is_empty() { None } else { Some(summary.dns_names.join(", ")) };
    let (from, until) = (local_time(summary.not_before), local_time(summary.not_after));
    let days = summary.days_left;
    let soon = summary.expires_soon;
    view! {
        <dl class="facts" data-testid="cert-summary">
            <dt>{t(Msg::CertSubject)}</dt>
            <dd><code class="break">{summary.subject}</code></dd>
            <dt>{t(Msg::CertNames)}</dt>
            <dd data-testid="cert-names">
                {match names {
                    Some(names) => view! { <code class="break">{names}</code> }.into_any(),
                    None => view! { <span>{t(Msg::CertNoNames)}</span> }.into_any(),
                }}
            </dd>
            <dt>{t(Msg::CertIssuer)}</dt>
            <dd>
                <code class="break">{summary.issuer}</code>
                {summary.self_signed.then(|| view! { <p class="help">{t(Msg::CertSelfSigned)}</p> })}
            </dd>
            <dt>{move || zoned(t(Msg::CertValidity)())}</dt>
            // The days left said once: by the badge when it is flagged.
            <dd data-testid="cert-validity">
                {period_text(&from, &until)}
                " "
                {if soon {
                    view! { <span class="badge warn nowrap">{move || expiry_text(days, lang())}</span> }.into_any()
                } else {
                    view! { <span class="nowrap">{move || days_left_text(days, lang())}</span> }.into_any()
                }}
            </dd>
            <dt>{t(Msg::CertCovers)}</dt>
            <dd data-testid="cert-covers">{answer(summary.covers_domain, Msg::NotCheckedNoDomain)}</dd>
            <dt>{t(Msg::CertKeyMatches)}</dt>
            <dd data-testid="cert-key-matches">{answer(summary.key_matches, Msg::NotCheckedNoKey)}</dd>
        </dl>
    }
}

/// The check's answer, redrawn only when a new one comes.
#[component]
fn Checked(check: CertCheck, context: CertContext) -> impl IntoView {
    // Problems of no one field: the pair's (the key is not the certificate's).
    let general: Vec<_> = check.problems.iter().filter(|p| p.field.is_none()).cloned().collect();
    view! {
        {check.summary.map(|summary| view! { <Summary summary /> })}
        {(!general.is_empty()).then(|| view! {
            <div class="field-error">
                {general
                    .into_iter()
                    .map(|p| {
                        let context = context.clone();
                        view! { <p>{move || cert_problem(&p, &context, lang())}</p> }
                    })
                    .collect_view()}
            </div>
        })}
    }
}

/// The preview under the certificate's fields. One short line says, as it
/// changes, that the check runs and what it found; the facts under it are
/// read on demand, not announced at every keystroke.
#[component]
pub fn CertPreview(form: CertForm) -> impl IntoView {
    let title_id = form.id("preview-title");
    let outcome = move || {
        form.check.with(|c| match c {
            Check::Idle => None,
            Check::Checking => Some(t(Msg::CertChecking)().to_string()),
            // A refused file's reason stands under its field: nothing is "fine".
            Check::Done(_) if form.file_refused() => Some(file_not_read_outcome(lang())),
            Check::Done(c) => Some(check_outcome(c.problems.len(), lang())),
            Check::Failed(_) => Some(t(Msg::CertCheckFailed)().to_string()),
        })
    };
    let done = Memo::new(move |_| match form.check.get() {
        Check::Done(c) => Some(c),
        _ => None,
    });
    let failed = Signal::derive(move || match form.check.get() {
        Check::Failed(e) => Some(e),
        _ => None,
    });
    // Hidden by a wrapper, so the status line is in the page before it speaks.
    let labelled_by = title_id.clone();
    view! {
        <div class:hidden=move || form.check.with(|c| *c == Check::Idle)>
            <section class=style::preview aria-labelledby=labelled_by data-testid="cert-preview">
                <h5 id=title_id class="h3">{t(Msg::CertPreviewTitle)}</h5>
                <p role="status" class="help">{outcome}</p>
                {move || done.get().map(|check| view! { <Checked check context=form.context() /> })}
                <ErrorNote error=failed />
            </section>
        </div>
    }
}
