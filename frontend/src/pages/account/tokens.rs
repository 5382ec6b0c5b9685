//! Personal access tokens (R-CLI-3): what the `tcbr` CLI and CI jobs hold
//! instead of a password or the cloud's key pair. Listed with their reach and
//! last use, revocable, and created here: the secret is shown once, right
//! after, and let go of when the user is done with it.

use console_shared::permissions::Role;
use console_shared::tokens::{
    self, CreateToken, EXPIRY_CHOICES, EXPIRY_DAYS_DEFAULT, Grantable, NewToken, PER_USER_MAX, TokenInfo, Tokens,
};
use leptos::prelude::*;

use crate::api;
use crate::components::{
    Col, ConfirmStep, CopyButton, DataTable, ErrorNote, ErrorSummary, Field, FormError, Keyed, Loaded, RowKey,
    cell_label, error_of, focus_by_id, focus_first, local_time, now, zoned,
};
use crate::i18n::{
    Msg, confirm_revoke_token, days_text, expires_on, lang, last_used_text, new_token_title, revoke_label,
    role_above_yours, role_name, t, token_name_help, token_refusal, token_rule_error, tokens_at_cap, your_role_there,
};

stylance::import_crate_style!(style, "src/pages/account/tokens.module.css");

type TokensResource = LocalResource<Result<Tokens, console_shared::dto::ApiError>>;

/// The section: the token just made (once), the list, and the form.
#[component]
pub fn AccessTokens() -> impl IntoView {
    let tokens = LocalResource::new(api::tokens);
    // The one place the secret lives, from the answer until "Done".
    let fresh = RwSignal::new(None::<NewToken>);
    view! {
        <section class="stack" aria-labelledby="tokens-title">
            // Focusable from script: after "Done" or a revoke, reading goes on from here.
            <h2 id="tokens-title" tabindex="-1">{t(Msg::TokensTitle)}</h2>
            <p class="muted">{t(Msg::TokensIntro)}</p>
            <Show when=move || fresh.with(Option::is_some)>
                <FreshToken fresh />
            </Show>
            <Loaded value=tokens let:answer retry=Callback::new(move |_| tokens.refetch())>
                <Show
                    when=move || answer.with(|a| !a.tokens.is_empty())
                    fallback=|| view! {
                        <div class="empty" data-testid="tokens-empty">
                            <h3 class="h3">{t(Msg::TokensEmptyTitle)}</h3>
                            <p>{t(Msg::TokensEmptyBody)}</p>
                        </div>
                    }
                >
                    <TokenList list=Signal::derive(move || answer.with(|a| a.tokens.clone())) tokens />
                </Show>
                <CreateTokenForm
                    grantable=Signal::derive(move || answer.with(|a| a.grantable.clone()))
                    active=Signal::derive(move || {
                        let now = now();
                        answer.with(|a| a.tokens.iter().filter(|t| t.expires_at > now).count())
                    })
                    tokens
                    fresh
                />
            </Loaded>
        </section>
    }
}

#[component]
fn TokenList(list: Signal<Vec<TokenInfo>>, tokens: TokensResource) -> impl IntoView {
    const COLUMNS: &[Col] = &[
        Col::Text(Msg::ColName),
        Col::Text(Msg::ColEnv),
        Col::Text(Msg::Role),
        Col::Time(Msg::ColCreated),
        Col::Time(Msg::ColExpires),
        Col::Time(Msg::ColLastUsed),
        Col::Hidden(Msg::Revoke),
    ];
    view! {
        <DataTable title=Msg::TokensTitle columns=COLUMNS testid="tokens" cards=true>
            <Keyed each=move || list.get() key=|t| RowKey(t.id, t.clone()) let:token>
                <TokenRow token tokens />
            </Keyed>
        </DataTable>
    }
}

#[component]
fn TokenRow(token: TokenInfo, tokens: TokensResource) -> impl IntoView {
    let id = token.id;
    let revoke = Action::new_local(move |_: &()| api::revoke_token(id));
    let asking = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            // The row goes away with the refetch: reading goes on at the heading.
            focus_by_id("tokens-title");
            tokens.refetch();
        }
    });
    let expired = token.expires_at <= now();
    let name = StoredValue::new(token.name.clone());
    let confirm_id = format!("token-{id}-confirm");
    let label = |m: Msg| cell_label(move || t(m)().to_string());
    let zoned_label = |m: Msg| cell_label(move || zoned(t(m)()));
    let role = token.role;
    let last_used = token.last_used_at.map(|at| (local_time(at), token.last_used_ip.clone()));
    view! {
        <tr role="row">
            <th scope="row" role="rowheader" class="wrap">{token.name.clone()}</th>
            <td role="cell">
                {label(Msg::ColEnv)}
                {token.envs.iter().map(|e| view! { <code class=style::env>{e.clone()}</code> " " }).collect_view()}
            </td>
            <td role="cell">{label(Msg::Role)} {move || role_name(Some(role), lang())}</td>
            <td role="cell" class="nowrap">{zoned_label(Msg::ColCreated)} {local_time(token.created_at)}</td>
            <td role="cell">
                {zoned_label(Msg::ColExpires)}
                <span class="nowrap">{local_time(token.expires_at)}</span>
                {expired.then(|| view! { " " <span class="badge bad">{t(Msg::TokenExpired)}</span> })}
            </td>
            <td role="cell" data-testid="token-last-used">
                {zoned_label(Msg::ColLastUsed)}
                {move || match &last_used {
                    Some((when, ip)) => last_used_text(when, ip.as_deref(), lang()),
                    None => t(Msg::TokenNeverUsed)().to_string(),
                }}
            </td>
            <td role="cell">
                <div class="stack">
                    <div>
                        <button
                            type="button"
                            class="button"
                            aria-label=move || revoke_label(&name.get_value(), lang())
                            aria-expanded=move || asking.get().to_string()
                            disabled=move || revoke.pending().get()
                            on:click=move |_| asking.set(true)
                        >
                            {t(Msg::Revoke)}
                        </button>
                    </div>
                    <Show when=move || asking.get()>
                        <ConfirmStep
                            id=confirm_id.clone()
                            question=Signal::derive(move || confirm_revoke_token(&name.get_value(), lang()))
                            busy=revoke.pending()
                            on_confirm=Callback::new(move |_| {
                                revoke.dispatch(());
                                asking.set(false);
                            })
                            on_cancel=Callback::new(move |_| asking.set(false))
                        />
                    </Show>
                    <ErrorNote error=error_of(revoke) />
                </div>
            </td>
        </tr>
    }
}

/// The highest role a token may carry in every one of `chosen`, and the
/// environment that caps it (the first with the lowest role); `None` while
/// nothing is chosen.
fn cap(grantable: &[Grantable], chosen: &[String]) -> Option<(String, Role)> {
    grantable.iter().filter(|g| chosen.contains(&g.env_id)).min_by_key(|g| g.role).map(|g| (g.env_id.clone(), g.role))
}

/// The form. Its role follows the environments chosen: a role above the
/// caller's own in one of them is disabled with the reason, and a pick
/// above the cap counts as the cap until that environment is left out.
#[component]
fn CreateTokenForm(
    grantable: Signal<Vec<Grantable>>,
    /// Unexpired tokens held now, against the per-user cap.
    active: Signal<usize>,
    tokens: TokensResource,
    fresh: RwSignal<Option<NewToken>>,
) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    // The least that does the job by default: a pick goes up from here.
    let picked = RwSignal::new(Role::Viewer);
    let days = RwSignal::new(EXPIRY_DAYS_DEFAULT);
    let attempted = RwSignal::new(false);
    let capped = Memo::new(move |_| grantable.with(|g| chosen.with(|c| cap(g, c))));
    let role = Memo::new(move |_| match capped.get() {
        Some((_, most)) => picked.get().min(most),
        None => picked.get(),
    });
    let request = move || CreateToken {
        name: name.get().trim().to_string(),
        // In the order the environments are offered, not the order clicked.
        envs: grantable
            .with(|g| chosen.with(|c| g.iter().filter(|x| c.contains(&x.env_id)).map(|x| x.env_id.clone()).collect())),
        role: role.get(),
        expires_in_days: days.get(),
    };
    let create = Action::new_local(move |body: &CreateToken| {
        let answer = api::create_token(body);
        async move {
            // The secret goes straight to `fresh`: the action keeps only the outcome.
            answer.await.map(|made| fresh.set(Some(made)))
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = create.value().get() {
            name.set(String::new());
            chosen.set(Vec::new());
            picked.set(Role::Viewer);
            days.set(EXPIRY_DAYS_DEFAULT);
            attempted.set(false);
            tokens.refetch();
            // Once the token is drawn: reading goes on with it.
            request_animation_frame(|| focus_by_id("new-token-title"));
        }
    });
    let verdict = Memo::new(move |_| tokens::check(&request()).err());
    let error_at = move |field: &'static str| {
        verdict.with(|v| v.as_ref().filter(|e| e.field() == field).map(|e| token_rule_error(e, lang())))
    };
    // The name is checked as it is typed; the rest once a submit was tried.
    let name_error = move || error_at("name").filter(|_| attempted.get() || !name.with(String::is_empty));
    let envs_error = move || error_at("envs").filter(|_| attempted.get());
    let days_error = move || error_at("expires_in_days").filter(|_| attempted.get());
    let full = move || active.get() >= PER_USER_MAX;
    let errors = Signal::derive(move || {
        let lang = lang();
        [
            ("token-name", Msg::TokenName, error_at("name")),
            ("token-env-0", Msg::TokenEnvs, error_at("envs")),
            ("token-expiry", Msg::TokenExpiry, error_at("expires_in_days")),
        ]
        .into_iter()
        .filter_map(|(id, label, err)| err.map(|m| FormError::new(id, label.text(lang), m)))
        .collect::<Vec<_>>()
    });
    let refusal = error_of(create);
    let refusal = Signal::derive(move || refusal.get().map(|e| token_refusal(e, lang())));
    let nothing_to_grant = move || grantable.with(Vec::is_empty);
    let until = move || {
        let at = now() + i64::from(days.get()) * 86_400;
        // The date is enough here: the list shows the exact time.
        let day = local_time(at).split(' ').next().unwrap_or_default().to_string();
        expires_on(&day, lang())
    };
    view! {
        <form
            class=format!("form {}", style::form)
            aria-labelledby="create-token-title"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                attempted.set(true);
                if !focus_first(&errors.get_untracked()) && !full() {
                    create.dispatch(untrack(request));
                }
            }
        >
            <h3 id="create-token-title" class="h3">{t(Msg::CreateTokenTitle)}</h3>
            <Show when=nothing_to_grant>
                <p class="notice" role="status">{t(Msg::NoGrantable)}</p>
            </Show>
            <Show when=full>
                <p class="notice" role="status">{move || tokens_at_cap(PER_USER_MAX, lang())}</p>
            </Show>
            <Field id="token-name" label=Msg::TokenName error=Signal::derive(name_error)>
                <input
                    id="token-name"
                    autocomplete="off"
                    bind:value=name
                    aria-describedby="token-name-help token-name-error"
                    aria-invalid=move || name_error().is_some().to_string()
                />
                <p id="token-name-help" class="help">{move || token_name_help(lang())}</p>
            </Field>
            <fieldset class="field" aria-describedby="token-envs-help token-envs-error">
                <legend>{t(Msg::TokenEnvs)}</legend>
                <p id="token-envs-help" class="help">{t(Msg::TokenEnvsHelp)}</p>
                <div class=style::choices>
                    <Keyed
                        each=move || grantable.get().into_iter().enumerate()
                        key=|(i, g)| RowKey(*i, g.clone())
                        let:item
                    >
                        {
                            let (i, g) = item;
                            let env = StoredValue::new(g.env_id.clone());
                            let has = move || env.with_value(|e| chosen.with(|c| c.contains(e)));
                            view! {
                                <label class=style::option>
                                    <input
                                        id=format!("token-env-{i}")
                                        type="checkbox"
                                        value=g.env_id.clone()
                                        prop:checked=has
                                        aria-invalid=move || envs_error().is_some().to_string()
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let e = env.get_value();
                                            chosen.update(|c| {
                                                c.retain(|x| *x != e);
                                                if on {
                                                    c.push(e);
                                                }
                                            });
                                        }
                                    />
                                    <span class=style::names>
                                        <code class=style::choice_name>{g.env_id.clone()}</code>
                                        <span class="help">{move || your_role_there(g.role, lang())}</span>
                                    </span>
                                </label>
                            }
                        }
                    </Keyed>
                </div>
                <p id="token-envs-error" class="field-error" aria-live="polite">{envs_error}</p>
            </fieldset>
            <fieldset class="field" aria-describedby="token-role-help">
                <legend>{t(Msg::Role)}</legend>
                <p id="token-role-help" class="help">{t(Msg::TokenRoleHelp)}</p>
                <div class=style::choices>
                    {Role::ALL
                        .into_iter()
                        .map(|r| {
                            let why_id = format!("token-role-{}-why", r.name());
                            let why = move || {
                                capped.get().filter(|(_, most)| r > *most).map(|(env, most)| role_above_yours(&env, most, lang()))
                            };
                            let described = {
                                let why_id = why_id.clone();
                                move || why().map(|_| why_id.clone())
                            };
                            view! {
                                <label class=style::option>
                                    <input
                                        type="radio"
                                        name="token-role"
                                        value=r.name()
                                        prop:checked=move || role.get() == r
                                        disabled=move || why().is_some()
                                        aria-describedby=described
                                        on:change=move |_| picked.set(r)
                                    />
                                    <span class=style::names>
                                        <span class=style::choice_name>{move || role_name(Some(r), lang())}</span>
                                        <span id=why_id class="reason">{why}</span>
                                    </span>
                                </label>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
            <Field id="token-expiry" label=Msg::TokenExpiry error=Signal::derive(days_error)>
                <select
                    id="token-expiry"
                    aria-describedby="token-expiry-help token-expiry-error"
                    on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(0))
                >
                    {EXPIRY_CHOICES
                        .into_iter()
                        .map(|d| view! {
                            <option value=d.to_string() prop:selected=move || days.get() == d>{move || days_text(d, lang())}</option>
                        })
                        .collect_view()}
                </select>
                <p id="token-expiry-help" class="help">{until}</p>
            </Field>
            <ErrorSummary id="create-token-summary" errors shown=attempted />
            <ErrorNote error=refusal />
            <div>
                <button
                    class="button primary"
                    type="submit"
                    disabled=move || create.pending().get() || nothing_to_grant() || full()
                >
                    {move || if create.pending().get() { t(Msg::Creating)() } else { t(Msg::CreateTokenButton)() }}
                </button>
            </div>
        </form>
    }
}

/// The token just made, shown this once: the secret in a read-only field
/// with Copy, a warning that it will not be shown again, and a command to
/// try it with. "Done" drops it from the page and from memory.
#[component]
fn FreshToken(fresh: RwSignal<Option<NewToken>>) -> impl IntoView {
    // Read from `fresh` each time, never copied into a signal of their own.
    let secret = Signal::derive(move || fresh.with(|f| f.as_ref().map(|f| f.token.clone()).unwrap_or_default()));
    let token_name = move || fresh.with(|f| f.as_ref().map(|f| f.info.name.clone()).unwrap_or_default());
    let command = Signal::derive(move || {
        let origin = window().location().origin().unwrap_or_default();
        fresh.with(|f| {
            f.as_ref()
                .map(|f| {
                    let env = f.info.envs.first().map(String::as_str).unwrap_or_default();
                    format!("TCBR_CONSOLE={origin} {}={} tcbr run service:list -e {env}", tokens::ENV_VAR, f.token)
                })
                .unwrap_or_default()
        })
    });
    let done = move |_| {
        fresh.set(None);
        focus_by_id("tokens-title");
    };
    view! {
        <section class=style::fresh aria-labelledby="new-token-title" data-testid="new-token">
            <h3 id="new-token-title" class="h3" tabindex="-1">{move || new_token_title(&token_name(), lang())}</h3>
            <p id="new-token-warning" class="warning">{t(Msg::TokenShownOnce)}</p>
            <div class="field">
                <label for="new-token-value">{t(Msg::TokenLabel)}</label>
                <div class=style::copy_row>
                    <input
                        id="new-token-value"
                        class=style::secret
                        readonly
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=secret
                        aria-describedby="new-token-warning"
                        on:focus=move |ev| {
                            use wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }
                    />
                    <CopyButton text=secret label=Msg::CopyToken described_by="new-token-value" testid="copy-token" />
                </div>
            </div>
            <div class="field">
                <p id="new-token-example-title"><strong>{t(Msg::TokenExample)}</strong></p>
                <pre id="new-token-example" class=style::command><code>{command}</code></pre>
                <div class=style::copy_row>
                    <CopyButton text=command label=Msg::CopyCommand described_by="new-token-example-title" />
                </div>
                <p class="help">{t(Msg::TokenExampleHelp)}</p>
            </div>
            <div>
                <button type="button" class="button primary" on:click=done>{t(Msg::TokenDismiss)}</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(env: &str, role: Role) -> Grantable {
        Grantable { env_id: env.into(), role }
    }

    #[test]
    fn r_cli_3_a_token_role_is_capped_by_the_lowest_role_among_chosen_envs() {
        let offered = [g("a", Role::Owner), g("b", Role::Developer), g("c", Role::Viewer)];
        assert_eq!(cap(&offered, &[]), None);
        assert_eq!(cap(&offered, &["a".into()]), Some(("a".into(), Role::Owner)));
        assert_eq!(cap(&offered, &["a".into(), "b".into()]), Some(("b".into(), Role::Developer)));
        assert_eq!(cap(&offered, &["c".into(), "a".into()]), Some(("c".into(), Role::Viewer)));
        // A chosen environment no longer offered caps nothing.
        assert_eq!(cap(&offered, &["gone".into()]), None);
    }
}
