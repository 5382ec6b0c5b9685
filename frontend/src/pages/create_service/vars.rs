//! The service's environment variables: rows to edit, and pasting the CLI's
//! `a=1&b=2` (R-CLI-1). A bad name is named in its error, and its field marked.

use console_shared::rules;
use leptos::prelude::*;

use crate::components::{FormError, Keyed};
use crate::i18n::{
    Lang, Msg, Subject, bad_pair, lang, rule_error_about, t, var_name_label, var_remove_label, var_value_label,
};

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

    /// What is wrong with a row, if anything: a bad name, or a value
    /// without a name.
    fn row_message(v: &Var, lang: Lang) -> Option<String> {
        let (name, value) = (v.name.get(), v.value.get());
        if name.is_empty() {
            (!value.is_empty()).then(|| rule_error_about(Subject::VarName, &rules::RuleError::Empty, lang))
        } else {
            rules::env_var_name(&name).err().map(|e| bad_pair(&name, &e, lang))
        }
    }

    /// The first row in error, and what is wrong with it.
    fn row_error(&self, lang: Lang) -> Option<(usize, String)> {
        self.rows.with(|rows| rows.iter().find_map(|v| Self::row_message(v, lang).map(|m| (v.id, m))))
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
                <VarRow vars var />
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

/// One variable's name, value and Remove, each named for screen readers
/// with the variable it belongs to ("Name of variable 2", "Remove
/// GREETING"), and its name marked while it is in error.
#[component]
fn VarRow(vars: Vars, var: Var) -> impl IntoView {
    let id = var.id;
    // Counted from 1, as the rows stand now.
    let n = move || vars.rows.with(|l| l.iter().position(|v| v.id == id).map_or(0, |i| i + 1));
    let (name, value) = (var.name, var.value);
    let invalid = Memo::new(move |_| Vars::row_message(&var, lang()).is_some());
    view! {
        <div class="row">
            <label class="inline">
                {t(Msg::EnvVarName)}
                <input id=format!("svc-var-{id}-name") bind:value=name spellcheck="false"
                    aria-label=move || var_name_label(n(), lang())
                    aria-invalid=move || invalid.get().to_string()
                    aria-describedby=move || invalid.get().then_some("svc-vars-error") />
            </label>
            <label class="inline">
                {t(Msg::EnvVarValue)}
                <input bind:value=value spellcheck="false" aria-label=move || var_value_label(n(), lang())
                    type=move || if console_shared::secrets::looks_secret(&name.get()) { "password" } else { "text" } />
            </label>
            <button type="button" class="button" aria-label=move || var_remove_label(&name.get(), n(), lang())
                on:click=move |_| vars.rows.update(|l| l.retain(|v| v.id != id))>
                {t(Msg::Remove)}
            </button>
        </div>
    }
}
