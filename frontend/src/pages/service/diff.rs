//! Two configurations compared field by field: the online version's and a
//! rollback target's (R-RB-2), or the running version's frozen one and the
//! settings the next update will use (R-RB-3). Secret values are never
//! shown: a changed one says "changed", and one that arrived masked (the
//! BFF masks them in every plain read) is named as not compared.

use std::collections::BTreeMap;

use console_shared::actions::{DescribeVersionDetailResponse, HpaPolicy, ServerBaseConfig};
use console_shared::secrets::{SECRET_MASK, looks_secret};
use leptos::prelude::*;

use crate::i18n::{Lang, Msg, lang, log_type_text, policies_text, secrets_not_compared, spec_text, t, variable_field};

stylance::import_crate_style!(style, "src/pages/service/diff.module.css");

/// What is compared of a configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// `None` where the source does not name one (the settings hold no image).
    pub image: Option<String>,
    pub cpu: f64,
    pub mem: f64,
    pub min_num: i64,
    pub max_num: i64,
    pub policies: Vec<HpaPolicy>,
    /// The variables; a secret's value may be [`SECRET_MASK`] (unknown).
    pub vars: BTreeMap<String, String>,
    pub port: i64,
    /// `LogType`; `None` where the source does not say: a version's detail
    /// gives only its log path.
    pub log_type: Option<String>,
    pub log_path: String,
}

impl Config {
    /// A version's frozen configuration (R-VER-3) and the image it runs,
    /// which its deploy record names.
    pub fn of_version(v: &DescribeVersionDetailResponse, image: Option<String>) -> Config {
        Config {
            image,
            cpu: v.cpu,
            mem: v.mem,
            min_num: v.min_num,
            max_num: v.max_num,
            policies: v.policy_details.clone(),
            vars: vars_of(&v.env_params),
            port: v.port,
            log_type: None,
            log_path: v.log_path.clone(),
        }
    }

    /// The service's settings (`ServerConfig`): what the next update uses.
    pub fn of_settings(c: &ServerBaseConfig) -> Config {
        Config {
            image: None,
            cpu: c.cpu,
            mem: c.mem,
            min_num: c.min_num,
            max_num: c.max_num,
            policies: c.policy_details.clone(),
            vars: vars_of(&c.env_params),
            port: c.port,
            log_type: Some(c.log_type.clone()),
            log_path: c.custom_logs.clone(),
        }
    }

    /// The same configuration with its variables as revealed (unmasked), so
    /// secret values can be compared.
    pub fn revealed(self, vars: BTreeMap<String, String>) -> Config {
        Config { vars, ..self }
    }
}

/// `EnvParams` (a JSON object as a string) as names and values.
fn vars_of(env_params: &str) -> BTreeMap<String, String> {
    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(env_params)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, value)| {
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            (name, text)
        })
        .collect()
}

/// A compared field.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Image,
    Spec,
    MinNum,
    MaxNum,
    Scaling,
    Var(String),
    Port,
    LogType,
    LogPath,
}

impl Field {
    pub fn label(&self, lang: Lang) -> String {
        let msg = match self {
            Field::Image => Msg::ColImage,
            Field::Spec => Msg::Spec,
            Field::MinNum => Msg::MinInstances,
            Field::MaxNum => Msg::MaxInstances,
            Field::Scaling => Msg::Scaling,
            Field::Var(name) => return variable_field(name, lang),
            Field::Port => Msg::Port,
            Field::LogType => Msg::LogCollection,
            Field::LogPath => Msg::LogPath,
        };
        msg.text(lang).into()
    }
}

/// One side's value of a field, as it may be shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// Shown as it is: an image, a number, a variable's value, a path.
    Plain(String),
    Spec(f64, f64),
    Policies(Vec<HpaPolicy>),
    LogType(String),
    /// A secret's value: never shown.
    Masked,
    /// A secret whose value differs from the other side's: said, not shown.
    Changed,
    /// Not set on this side.
    Unset,
}

impl Shown {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Shown::Plain(text) => text.clone(),
            Shown::Spec(cpu, mem) => spec_text(*cpu, *mem, lang),
            Shown::Policies(list) if list.is_empty() => Msg::NoScaling.text(lang).into(),
            Shown::Policies(list) => {
                let pairs: Vec<(&str, u64)> =
                    list.iter().map(|p| (p.policy_type.as_str(), p.policy_threshold)).collect();
                policies_text(&pairs, lang)
            }
            Shown::LogType(kind) => log_type_text(kind, lang),
            Shown::Masked => SECRET_MASK.into(),
            Shown::Changed => Msg::SecretChanged.text(lang).into(),
            Shown::Unset => Msg::DiffUnset.text(lang).into(),
        }
    }
}

/// A field that differs: its value before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffRow {
    pub field: Field,
    pub before: Shown,
    pub after: Shown,
}

/// What differs between two configurations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    pub rows: Vec<DiffRow>,
    /// Secret variables set on both sides whose values arrived masked, so
    /// whether they differ is unknown.
    pub unchecked: Vec<String>,
}

/// The policies in one order: the same conditions listed otherwise are the same.
fn sorted(policies: &[HpaPolicy]) -> Vec<HpaPolicy> {
    let mut list = policies.to_vec();
    list.sort_by(|a, b| {
        (a.policy_type.as_str(), a.policy_threshold).cmp(&(b.policy_type.as_str(), b.policy_threshold))
    });
    list
}

/// The fields of `after` that differ from `before`, in the order a
/// configuration is read: image, resources, instances, scaling, variables,
/// port, logs. A field one side does not know is not compared.
pub fn compare(before: &Config, after: &Config) -> Diff {
    let mut rows = Vec::new();
    let mut unchecked = Vec::new();
    let mut differs = |field: Field, before: Shown, after: Shown| rows.push(DiffRow { field, before, after });
    if let (Some(b), Some(a)) = (&before.image, &after.image)
        && b != a
    {
        differs(Field::Image, Shown::Plain(b.clone()), Shown::Plain(a.clone()));
    }
    if (before.cpu, before.mem) != (after.cpu, after.mem) {
        differs(Field::Spec, Shown::Spec(before.cpu, before.mem), Shown::Spec(after.cpu, after.mem));
    }
    if before.min_num != after.min_num {
        differs(Field::MinNum, Shown::Plain(before.min_num.to_string()), Shown::Plain(after.min_num.to_string()));
    }
    if before.max_num != after.max_num {
        differs(Field::MaxNum, Shown::Plain(before.max_num.to_string()), Shown::Plain(after.max_num.to_string()));
    }
    let (b, a) = (sorted(&before.policies), sorted(&after.policies));
    if b != a {
        differs(Field::Scaling, Shown::Policies(b), Shown::Policies(a));
    }
    let names: std::collections::BTreeSet<&String> = before.vars.keys().chain(after.vars.keys()).collect();
    for name in names {
        let secret = looks_secret(name);
        let shown = |value: &String| if secret { Shown::Masked } else { Shown::Plain(value.clone()) };
        let field = Field::Var(name.clone());
        match (before.vars.get(name), after.vars.get(name)) {
            (Some(b), Some(a)) if secret && (b == SECRET_MASK || a == SECRET_MASK) => unchecked.push(name.clone()),
            (Some(b), Some(a)) if b == a => {}
            (Some(_), Some(_)) if secret => differs(field, Shown::Masked, Shown::Changed),
            (Some(b), Some(a)) => differs(field, shown(b), shown(a)),
            (Some(b), None) => differs(field, shown(b), Shown::Unset),
            (None, Some(a)) => differs(field, Shown::Unset, shown(a)),
            (None, None) => {}
        }
    }
    if before.port != after.port {
        differs(Field::Port, Shown::Plain(before.port.to_string()), Shown::Plain(after.port.to_string()));
    }
    if let (Some(b), Some(a)) = (&before.log_type, &after.log_type)
        && b != a
    {
        differs(Field::LogType, Shown::LogType(b.clone()), Shown::LogType(a.clone()));
    }
    if before.log_path != after.log_path {
        differs(Field::LogPath, Shown::Plain(before.log_path.clone()), Shown::Plain(after.log_path.clone()));
    }
    Diff { rows, unchecked }
}

/// A [`Diff`] as a table: a caption saying what is compared, the two sides
/// as columns, one row per field that differs (its name a row heading).
/// The columns share the width and long values wrap, so it fits a phone.
/// `children` (e.g. a way to compare the secrets too) follow the note on
/// secrets that could not be compared, shown with it.
#[component]
pub fn ConfigDiff(
    /// What is compared, e.g. "shop-003 (online) and shop-001".
    #[prop(into)]
    caption: Signal<String>,
    /// The two columns' headings.
    #[prop(into)]
    before: Signal<String>,
    #[prop(into)] after: Signal<String>,
    #[prop(into)] diff: Signal<Diff>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let unchecked = move || diff.with(|d| d.unchecked.clone());
    view! {
        <div class="stack" data-testid="config-diff">
            {move || {
                if diff.with(|d| d.rows.is_empty()) {
                    view! { <p class="notice"><strong>{caption}</strong> " " {t(Msg::DiffSame)}</p> }.into_any()
                } else {
                    view! {
                        <table class=format!("table {}", style::diff)>
                            <caption>{caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::DiffSetting)}</th>
                                    <th scope="col">{before}</th>
                                    <th scope="col">{after}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {move || {
                                    let lang = lang();
                                    diff.with(|d| {
                                        d.rows
                                            .iter()
                                            .map(|r| view! {
                                                <tr>
                                                    <th scope="row">{r.field.label(lang)}</th>
                                                    <td>{r.before.text(lang)}</td>
                                                    <td>{r.after.text(lang)}</td>
                                                </tr>
                                            })
                                            .collect_view()
                                    })
                                }}
                            </tbody>
                        </table>
                    }
                    .into_any()
                }
            }}
            // Hidden by a wrapper: `.hidden` does not win over `.stack`.
            <div class:hidden=move || diff.with(|d| d.unchecked.is_empty())>
                <div class="stack">
                    <p class="help">{move || secrets_not_compared(&unchecked(), lang())}</p>
                    {children.map(|c| c())}
                </div>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(kind: &str, at: u64) -> HpaPolicy {
        HpaPolicy { policy_type: kind.into(), policy_threshold: at }
    }

    fn config() -> Config {
        Config {
            image: Some("shop:v1".into()),
            cpu: 0.5,
            mem: 1.0,
            min_num: 0,
            max_num: 50,
            policies: vec![policy("cpu", 60), policy("mem", 60)],
            vars: [("REGION", "sh"), ("DB_PASSWORD", "hunter2")].map(|(k, v)| (k.to_string(), v.to_string())).into(),
            port: 80,
            log_type: None,
            log_path: "stdout".into(),
        }
    }

    fn fields(diff: &Diff) -> Vec<Field> {
        diff.rows.iter().map(|r| r.field.clone()).collect()
    }

    #[test]
    fn r_rb_2_the_same_configuration_differs_in_nothing() {
        assert_eq!(compare(&config(), &config()), Diff::default());
        // The same conditions in another order are the same policy.
        let reordered = Config { policies: vec![policy("mem", 60), policy("cpu", 60)], ..config() };
        assert_eq!(compare(&config(), &reordered), Diff::default());
    }

    #[test]
    fn r_rb_2_each_changed_field_is_one_row_in_reading_order() {
        let mut after = config();
        after.image = Some("shop:v2".into());
        after.cpu = 1.0;
        after.mem = 2.0;
        after.min_num = 1;
        after.max_num = 10;
        after.policies = vec![policy("cpu", 80)];
        after.port = 8080;
        after.log_path = "/var/log/app.log".into();
        let diff = compare(&config(), &after);
        assert_eq!(
            fields(&diff),
            [Field::Image, Field::Spec, Field::MinNum, Field::MaxNum, Field::Scaling, Field::Port, Field::LogPath]
        );
        assert_eq!(diff.rows[0].before, Shown::Plain("shop:v1".into()));
        assert_eq!(diff.rows[1].after.text(Lang::En), "1 core / 2 GiB");
        assert_eq!(diff.rows[4].after.text(Lang::En), "CPU above 80%");
        assert_eq!(Shown::Policies(vec![]).text(Lang::Zh), Msg::NoScaling.text(Lang::Zh));
    }

    #[test]
    fn a_field_one_side_does_not_know_is_not_compared() {
        // The settings name no image; a version's detail no log type.
        let settings = Config { image: None, log_type: Some("none".into()), ..config() };
        let version = Config { log_type: None, ..config() };
        assert_eq!(compare(&version, &settings), Diff::default());
        let both = |kind: &str| Config { log_type: Some(kind.into()), ..config() };
        let diff = compare(&both("default"), &both("none"));
        assert_eq!(fields(&diff), [Field::LogType]);
        assert_eq!(diff.rows[0].after.text(Lang::En), "None");
    }

    #[test]
    fn variables_added_removed_and_changed_each_say_so() {
        let mut after = config();
        after.vars.insert("REGION".into(), "gz".into());
        after.vars.insert("MODE".into(), "fast".into());
        after.vars.remove("DB_PASSWORD");
        let diff = compare(&config(), &after);
        let var = |name: &str| Field::Var(name.into());
        assert_eq!(fields(&diff), [var("DB_PASSWORD"), var("MODE"), var("REGION")]);
        // A removed secret shows neither value.
        assert_eq!((&diff.rows[0].before, &diff.rows[0].after), (&Shown::Masked, &Shown::Unset));
        assert_eq!((&diff.rows[1].before, &diff.rows[1].after), (&Shown::Unset, &Shown::Plain("fast".into())));
        assert_eq!(diff.rows[2].before, Shown::Plain("sh".into()));
        assert_eq!(diff.rows[2].field.label(Lang::En), "Variable REGION");
    }

    #[test]
    fn a_changed_secret_says_changed_and_never_shows_a_value() {
        let mut after = config();
        after.vars.insert("DB_PASSWORD".into(), "correct horse".into());
        let diff = compare(&config(), &after);
        assert_eq!(
            diff.rows,
            [DiffRow { field: Field::Var("DB_PASSWORD".into()), before: Shown::Masked, after: Shown::Changed }]
        );
        for lang in [Lang::En, Lang::Zh] {
            let texts = format!("{} {}", diff.rows[0].before.text(lang), diff.rows[0].after.text(lang));
            assert!(!texts.contains("hunter2") && !texts.contains("horse"), "{texts}");
            assert!(texts.contains(SECRET_MASK));
        }
    }

    #[test]
    fn a_secret_that_arrived_masked_is_named_as_not_compared() {
        let masked = |c: Config| {
            let vars =
                c.vars.into_iter().map(|(k, v)| (k.clone(), if looks_secret(&k) { SECRET_MASK.into() } else { v }));
            Config { vars: vars.collect(), ..config() }
        };
        let diff = compare(&masked(config()), &masked(config()));
        assert_eq!(diff, Diff { rows: vec![], unchecked: vec!["DB_PASSWORD".into()] });
        // Revealed on both sides, it is compared.
        let revealed = masked(config()).revealed(config().vars);
        assert_eq!(compare(&revealed, &config()), Diff::default());
    }

    #[test]
    fn both_sources_read_as_configurations() {
        let v = DescribeVersionDetailResponse {
            name: "shop-001".into(),
            port: 8080,
            cpu: 1.0,
            mem: 2.0,
            min_num: 1,
            max_num: 5,
            policy_details: vec![policy("cpu", 70)],
            dockerfile: "Dockerfile".into(),
            build_dir: ".".into(),
            env_params: r#"{"A":"1","N":2}"#.into(),
            status: "normal".into(),
            created_time: String::new(),
            updated_time: String::new(),
            log_path: "stdout".into(),
            entry_point: None,
            cmd: None,
        };
        let c = Config::of_version(&v, Some("shop:v1".into()));
        assert_eq!((c.port, c.max_num, c.vars["N"].as_str(), &c.log_type), (8080, 5, "2", &None));
        let settings = ServerBaseConfig {
            cpu: 1.0,
            mem: 2.0,
            min_num: 1,
            max_num: 5,
            policy_details: vec![policy("cpu", 70)],
            env_params: r#"{"A":"1","N":"2"}"#.into(),
            port: 8080,
            custom_logs: "stdout".into(),
            log_type: "default".into(),
            ..Default::default()
        };
        // The running version and the settings the next update uses agree.
        assert_eq!(compare(&c, &Config::of_settings(&settings)), Diff::default());
    }
}
