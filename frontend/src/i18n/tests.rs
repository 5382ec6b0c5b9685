//! The texts of both languages, checked together: nothing left untranslated,
//! every audited action named, values placed where they belong.

use console_shared::rules::{Charset, RuleError};
use console_shared::vocab::{ChangeType, RecordStatus};

use super::*;

#[test]
fn step_names_are_translated_and_unknown_ones_pass_through() {
    assert_eq!(step_name("build image", Lang::Zh), "构建镜像");
    assert_eq!(step_name("build image", Lang::En), "build image");
    assert_eq!(step_name("warm caches", Lang::Zh), "warm caches");
}

/// SPEC rule IDs are for code and tests: no text a user reads names one.
fn names_a_rule_id(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).any(|word| {
        let mut parts = word.split('-');
        matches!((parts.next(), parts.next(), parts.next()), (Some("R"), Some(area), Some(n))
            if !area.is_empty() && area.chars().all(|c| c.is_ascii_uppercase()) && n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
    })
}

#[test]
fn no_user_facing_text_names_a_rule_id() {
    assert!(names_a_rule_id("deploy another version first (R-VER-2)."));
    assert!(!names_a_rule_id("R-squared, RE-run"));
    for lang in [Lang::En, Lang::Zh] {
        for msg in Msg::ALL {
            assert!(!names_a_rule_id(msg.text(lang)), "{msg:?} in {lang:?}");
        }
        let samples = [
            delete_blocked(2, lang),
            service_busy(Some("shop-002"), lang),
            service_busy(None, lang),
            deploy_outcome(Ending::Failed, "shop-002", "shop-001", lang),
            deploy_outcome(Ending::Failed, "shop-001", "", lang),
            alias_taken("prod", "prod-1", lang),
            rule_error(&RuleError::InvalidChar('x', Charset::EnvAlias), lang),
        ];
        for text in samples {
            assert!(!names_a_rule_id(&text), "{text}");
        }
    }
}

/// Latin words a Chinese text may keep: names of products, formats and
/// protocols, and units. Any other English word in a zh-CN text is a
/// translation someone forgot.
const KEPT_IN_CHINESE: &[&str] = &[
    "API",
    "ASCII",
    "CI",
    "CNAME",
    "CPU",
    "CSV",
    "Compose",
    "DNS",
    "Docker",
    "Dockerfile",
    "GiB",
    "HTTP",
    "HTTPS",
    "ID",
    "IP",
    "JSON",
    "KB",
    "MiB",
    "PEM",
    "Redis",
    "SLA",
    "SaaS",
    "URL",
    "UTC",
    "WAF",
    "localcloud",
    "punycode",
    "tcbr",
    "zip",
];

/// The English words left in a Chinese text. Identifiers, examples and
/// values (anything with a digit, `:`, `/`, `=`, `&`, an inner `.` as in a
/// domain or file name, or a leading or trailing `-` as in `xn--` or a PEM
/// line's `CERTIFICATE-----`, or a leading `.`) and single letters (the
/// "a–z" of a charset) are not words.
pub(super) fn untranslated_words(zh: &str) -> Vec<&str> {
    zh.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.:/=&".contains(c)))
        .map(|token| token.trim_end_matches('.'))
        .filter(|token| {
            !token.starts_with(['-', '.'])
                && !token.ends_with('-')
                && !token.contains(|c: char| c.is_ascii_digit() || ":/=&.".contains(c))
                && token.chars().filter(char::is_ascii_alphabetic).count() > 1
        })
        .filter(|word| !KEPT_IN_CHINESE.contains(word))
        .collect()
}

/// What a user reads in Chinese is Chinese: every message and every
/// phrase (with values that are not words) differs from its English and
/// keeps no English word but the allowed names and units.
#[test]
fn chinese_texts_leave_nothing_in_english() {
    assert_eq!(untranslated_words("核·分钟 · 35 GiB·分钟"), Vec::<&str>::new());
    assert_eq!(untranslated_words("17.5 core·min · 35 GiB·min"), vec!["core", "min", "min"]);
    assert_eq!(untranslated_words("例如 nginx:1.27，--envParams，a–z、'_'"), Vec::<&str>::new());
    assert_eq!(
        untranslated_words("例如 api.example.com，以 -----BEGIN CERTIFICATE----- 开头，xn--"),
        Vec::<&str>::new()
    );
    assert_eq!(untranslated_words("请 check the domain"), vec!["check", "the", "domain"]);
    for msg in Msg::ALL {
        let (en, zh) = (msg.text(Lang::En), msg.text(Lang::Zh));
        assert!(en != zh || untranslated_words(zh).is_empty(), "{msg:?} is not translated: {zh}");
        assert_eq!(untranslated_words(zh), Vec::<&str>::new(), "{msg:?}: {zh}");
    }
    use console_shared::wording::{AuditDetail, FailReason, SessionEnd, UserChange};
    let reasons = [
        FailReason::TaskGone.to_string(),
        FailReason::Cancelled.to_string(),
        FailReason::Restarted.to_string(),
        FailReason::RestartedDuringDeploy.to_string(),
        FailReason::ImageMissing("registry-1/app:v2").to_string(),
        FailReason::InstanceNotStarted("E42").to_string(),
        FailReason::Unhealthy("500").to_string(),
        FailReason::Unreachable("E61").to_string(),
    ];
    let details = [
        ("DeleteCloudRunServer", AuditDetail::Permission),
        ("DestroyEnv", AuditDetail::CloudUnreachable),
        ("Login", AuditDetail::SignedIn { ip: "10.0.0.1", refused_before: 2 }),
        ("Login", AuditDetail::BadCredentials { ip: "10.0.0.1", refused_before: 0 }),
        ("Login", AuditDetail::TooManyAttempts { ip: "10.0.0.1" }),
        ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::AccountDisabled)),
        ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::AbsoluteLifetime)),
        ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::IdleTooLong)),
        ("CreateUser", AuditDetail::User("li2")),
        ("UpdateUser", AuditDetail::UserChanged("li2", UserChange::Disabled)),
        ("UpdateUser", AuditDetail::UserChanged("li2", UserChange::Enabled)),
        ("UpdateUser", AuditDetail::UserChanged("li2", UserChange::Renamed)),
        ("ChangePassword", AuditDetail::WrongCurrentPassword),
        ("ChangePassword", AuditDetail::TooManyWrongPasswords { ip: "10.0.0.1" }),
        ("AddMember", AuditDetail::MemberAdded { username: "li2", role: "developer" }),
        ("ChangeMemberRole", AuditDetail::RoleChanged { username: "li2", from: "viewer", to: "owner" }),
        ("RemoveMember", AuditDetail::MemberRemoved { username: "li2", role: "viewer" }),
        ("UploadPackage", AuditDetail::PackageUploaded { name: "web1", version: "v2", bytes: 10 }),
        ("RevealSecrets", AuditDetail::SecretsRevealed { service: "web1", version: None, names: vec![] }),
        (
            "RevealSecrets",
            AuditDetail::SecretsRevealed { service: "web1", version: Some("web1-002"), names: vec!["KEY1"] },
        ),
        ("CreateToken", AuditDetail::TokenCreated { name: "ci-1", role: "developer", envs: "env-1, env-2", days: 30 }),
        ("RevokeToken", AuditDetail::TokenRevoked { name: "ci-1" }),
    ];
    let mut samples: Vec<(String, String)> = Vec::new();
    let mut both = |f: &dyn Fn(Lang) -> String| samples.push((f(Lang::En), f(Lang::Zh)));
    for status in ["normal", "Running", "pending", "froze", "deploy_failed", "abnormal", "Terminating"] {
        both(&|l| status_text(status, l));
    }
    for step in console_shared::vocab::Step::KNOWN {
        both(&|l| step_name(step.as_str(), l));
    }
    for log in ["none", "default", "custom"] {
        both(&|l| log_type_text(log, l));
    }
    for reason in &reasons {
        both(&|l| fail_reason_text(reason, l));
    }
    for (action, detail) in &details {
        let text = detail.to_string();
        both(&|l| audit_detail(action, &text, l));
    }
    both(&|l| policies_text(&[("cpu", 60), ("mem", 80), ("cpu/mem", 70)], l));
    both(&|l| settings_line(0.5, 1.0, 80, 0, 50, l));
    both(&|l| usage_short(17.5, 35.0, l));
    both(&|l| usage_text(35.0, 35.0, l));
    both(&|l| min_note(10, l));
    both(&|l| chart_axes(10.0, 60.0, l).0);
    both(&|l| chart_axes(10.0, 60.0, l).1);
    both(&|l| duration_text(42, l));
    both(&|l| duration_text(185, l));
    both(&|l| delete_blocked(2, l));
    both(&|l| times_note("UTC+8", l));
    both(&|l| deploy_outcome(Ending::Succeeded, "web1-002", "web1-001", l));
    for change in [ChangeType::Code, ChangeType::Config, ChangeType::Rollback] {
        both(&|l| deploy_title(&change, "web1-002", "web1", l));
    }
    both(&|l| rule_error(&RuleError::TooLong(32), l));
    for (en, zh) in samples {
        assert_ne!(en, zh, "not translated: {zh}");
        assert_eq!(untranslated_words(&zh), Vec::<&str>::new(), "{zh}");
    }
}

/// Every action the BFF can record has a Chinese name.
#[test]
fn every_audited_action_has_a_chinese_name() {
    use console_shared::permissions::Endpoint;
    let names = console_shared::actions::all().map(|a| a.name).chain(Endpoint::ALL.iter().map(|e| e.name())).chain([
        "Login",
        "Logout",
        "SessionExpired",
    ]);
    for name in names {
        assert!(audit_action(name, Lang::Zh).is_some(), "{name}");
        assert_eq!(audit_action(name, Lang::En), None);
    }
    assert_eq!(audit_action("SomethingNew", Lang::Zh), None);
    assert_eq!(audit_detail("CreateCloudRunServer", "LimitExceeded.Version", Lang::Zh), "LimitExceeded.Version");
}

#[test]
fn every_message_has_both_languages() {
    for msg in Msg::ALL {
        assert!(!msg.text(Lang::En).is_empty() && !msg.text(Lang::Zh).is_empty(), "{msg:?}");
    }
}

#[test]
fn empty_values_are_named_by_what_is_missing() {
    assert_eq!(rule_error_about(Subject::Image, &RuleError::Empty, Lang::En), Msg::EmptyImage.text(Lang::En));
    assert_eq!(rule_error_about(Subject::Package, &RuleError::Empty, Lang::En), "Choose a code package (a .zip file).");
    assert_eq!(rule_error_about(Subject::ServiceName, &RuleError::Empty, Lang::Zh), "请输入服务名称。");
    assert!(
        rule_error_about(Subject::ServiceName, &RuleError::InvalidChar('.', Charset::ServiceName), Lang::En)
            .contains("'_'")
    );
}

/// Every field's refused character is explained by its own rule: a
/// remark or a username is not told the environment alias's charset.
#[test]
fn a_refused_character_is_explained_by_its_own_rule() {
    use console_shared::rules;
    let cases = [
        (rules::env_alias("pro_d").unwrap_err(), "a–z, 0–9 and '-'", "a–z、0–9 和 '-'"),
        (rules::service_name("shop.api").unwrap_err(), "letters, digits, '-' and '_'", "字母、数字、'-' 和 '_'"),
        (rules::username("li lei").unwrap_err(), "a–z, 0–9, '.', '_' and '-'", "a–z、0–9、'.'、'_' 和 '-'"),
        (rules::env_var_name("A-B").unwrap_err(), "letters, digits and '_'", "字母、数字和 '_'"),
        (rules::env_id("prod_1").unwrap_err(), "letters, digits and '-'", "字母、数字和 '-'"),
        (rules::remark("a\nb").unwrap_err(), "(U+000A)", "（U+000A）"),
        (rules::display_name("a\u{202E}b").unwrap_err(), "text-direction", "文字方向"),
    ];
    for (e, en, zh) in cases {
        assert!(rule_error(&e, Lang::En).contains(en), "{e:?}: {}", rule_error(&e, Lang::En));
        assert!(rule_error(&e, Lang::Zh).contains(zh), "{e:?}: {}", rule_error(&e, Lang::Zh));
    }
    // The subject-aware form says the same for a refused character.
    let e = rules::service_name("a b").unwrap_err();
    assert_eq!(rule_error_about(Subject::ServiceName, &e, Lang::Zh), rule_error(&e, Lang::Zh));
    assert_eq!(rule_error(&e, Lang::En), "Spaces are not allowed: use letters, digits, '-' and '_'.");
    assert_eq!(rule_error(&e, Lang::Zh), "不允许使用空格：只能用字母、数字、'-' 和 '_'。");
}

/// A bad variable name is named with what is wrong in it, a space said in
/// words; other refusals keep the rule's own sentence.
#[test]
fn a_bad_variable_name_is_named_readably() {
    use console_shared::rules;
    let space = rules::env_var_name("MY VAR").unwrap_err();
    assert_eq!(bad_pair("MY VAR", &space, Lang::En), "“MY VAR” contains a space: use letters, digits and '_'.");
    assert_eq!(bad_pair("MY VAR", &space, Lang::Zh), "“MY VAR”含有空格：只能用字母、数字和 '_'。");
    let dash = rules::env_var_name("BAD-NAME").unwrap_err();
    assert_eq!(bad_pair("BAD-NAME", &dash, Lang::En), "“BAD-NAME”: '-' is not allowed: use letters, digits and '_'.");
    let first = rules::env_var_name("1abc").unwrap_err();
    assert_eq!(bad_pair("1abc=2", &first, Lang::En), "“1abc=2”: Start with a letter.");
}

#[test]
fn a_failed_deploy_names_the_version_that_keeps_serving() {
    let text = deploy_outcome(Ending::Failed, "shop-002", "shop-001", Lang::En);
    assert!(text.contains("shop-001") && !text.contains("if any"));
    assert!(deploy_outcome(Ending::Failed, "shop-001", "", Lang::Zh).contains("没有在线版本"));
}

#[test]
fn a_deploy_record_that_runs_reads_as_deployed() {
    assert_eq!(record_status_text(&RecordStatus::Running, Lang::En), "Deployed");
    assert_eq!(record_status_text(&RecordStatus::Deploying, Lang::En), "Deploying");
}
