//! The service's environment variables: rows to edit, and pasting the CLI's
//! `a=1&b=2` (R-CLI-1). A bad name is named in its error.

use console_shared::rules;
use leptos::prelude::*;

use crate::components::{FormError, Keyed};
use crate::i18n::{Lang, Msg, Subject, bad_pair, lang, rule_error_about, t};

/// One variable row.
#[derive(Clone)]
pub struct Var {
    pub id: usize,
    pub name: RwSignal<String>,
    pub value: RwSignal<String>,
}

/// The variables as the form edits them.
#[derive(Clone, Copy)]
pub struct Vars {
    pub rows: RwSignal<Vec<Var>>,
    next: StoredValue<usize>,
    paste: RwSignal<String>,
}

impl Vars {
    pub fn new() -> Self {
        Vars { rows: RwSignal::new(Vec::new()), next: StoredValue::new(0), paste: RwSignal::new(String::new()) }
    }

    /// Rows for `vars`: the settings' variables, secret values masked.
    pub fn with(vars: impl IntoIterator<Item = (String, String)>) -> Self {
        let v = Vars::new();
        for (name, value) in vars {
            v.add(name, value);
        }
        v
    }

    fn add(&self, name: String, value: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.rows.update(|list| list.push(Var { id, name: RwSignal::new(name), value: RwSignal::new(value) }));
    }

    /// The first pasted pair whose name breaks the rule, named.
    fn paste_error(&self, lang: Lang) -> Option<String> {
        let text = self.paste.get();
        rules::env_params(&text).err()?;
        // The same rule, pair by pair, to say which one breaks it.
        text.split('&').find_map(|pair| rules::env_params(pair).err().map(|e| bad_pair(pair.trim(), &e, lang)))
    }

    /// The first row in error: a bad name, or a value without a name.
    fn row_error(&self, lang: Lang) -> Option<(usize, String)> {
        self.rows.get().iter().find_map(|v| {
            let (name, value) = (v.name.get(), v.value.get());
            if name.is_empty() {
                (!value.is_empty()).then(|| (v.id, rule_error_about(Subject::VarName, &rules::RuleError::Empty, lang)))
            } else {
                rules::env_var_name(&name).err().map(|e| (v.id, bad_pair(&name, &e, lang)))
            }
        })
    }

    /// What keeps the form from being sent: a row in error, or pasted text
    /// not added yet (it would otherwise be lost without a word).
    pub fn errors(&self) -> Vec<FormError> {
        let lang = lang();
        let label = Msg::EnvVars.text(lang);
        let mut out = Vec::new();
        if let Some((id, message)) = self.row_error(lang) {
            out.push(FormError::new(format!("svc-var-{id}-name"), label, message));
        }
        if !self.paste.with(|p| p.trim().is_empty()) {
            let message = self.paste_error(lang).unwrap_or_else(|| Msg::PasteNotAdded.text(lang).to_string());
            out.push(FormError::new("svc-paste", label, message));
        }
        out
    }

    /// The named rows, as they are now; a later duplicate name wins.
    pub fn named(&self) -> std::collections::BTreeMap<String, String> {
        self.rows.with(|rows| {
            rows.iter().filter(|v| !v.name.with(String::is_empty)).map(|v| (v.name.get(), v.value.get())).collect()
        })
    }

    /// The variables to send, as `EnvParam`'s JSON object.
    pub fn env_param(&self) -> String {
        let map: serde_json::Map<String, serde_json::Value> = self
            .rows
            .get_untracked()
            .iter()
            .filter(|v| !v.name.get_untracked().is_empty())
            .map(|v| (v.name.get_untracked(), v.value.get_untracked().into()))
            .collect();
        serde_json::Value::Object(map).to_string()
    }
}

#[component]
pub fn VarsField(vars: Vars) -> impl IntoView {
    let error = move || {
        let lang = lang();
        vars.row_error(lang).map(|(_, m)| m).or_else(|| vars.paste_error(lang))
    };
    view! {
        <fieldset class="field" aria-describedby="svc-vars-help svc-vars-error">
            <legend>{t(Msg::EnvVars)}</legend>
            <Keyed each=move || vars.rows.get() key=|v| v.id let:var>
                <div class="row">
                    <label class="inline">
                        {t(Msg::EnvVarName)}
                        <input id=format!("svc-var-{}-name", var.id) bind:value=var.name spellcheck="false" />
                    </label>
                    <label class="inline">
                        {t(Msg::EnvVarValue)}
                        <input bind:value=var.value spellcheck="false"
                            type=move || if console_shared::secrets::looks_secret(&var.name.get()) { "password" } else { "text" } />
                    </label>
                    <button type="button" class="button" on:click=move |_| vars.rows.update(|l| l.retain(|v| v.id != var.id))>
                        {t(Msg::Remove)}
                    </button>
                </div>
            </Keyed>
            <div class="row">
                <button type="button" class="button" on:click=move |_| vars.add(String::new(), String::new())>
                    {t(Msg::AddVariable)}
                </button>
                <label class="inline">
                    {t(Msg::PasteVars)}
                    <input id="svc-paste" bind:value=vars.paste spellcheck="false" placeholder="a=1&b=2"
                        aria-describedby="svc-vars-help svc-vars-error" />
                </label>
                <button type="button" class="button" on:click=move |_| {
                    if let Ok(pairs) = rules::env_params(&vars.paste.get_untracked()) {
                        for (n, v) in pairs {
                            vars.add(n, v);
                        }
                        vars.paste.set(String::new());
                    }
                }>{t(Msg::ParseVars)}</button>
            </div>
            <p id="svc-vars-help" class="help">{t(Msg::PasteVarsHelp)}</p>
            <p id="svc-vars-error" class="field-error" aria-live="polite">{error}</p>
        </fieldset>
    }
}
