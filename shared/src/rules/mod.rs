//! The product rules of SPEC.md as functions: localcloud enforces them, the
//! SPA runs the same functions to explain a field as the user types.

use serde::{Deserialize, Serialize};

mod curve;
mod image;

pub use curve::*;
pub use image::*;

/// Why a value breaks a rule. The SPA translates each variant; `Display`
/// is the English text localcloud puts in its error message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RuleError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must be at least {0} characters")]
    TooShort(usize),
    #[error("must start with a lower-case letter a-z")]
    MustStartWithLowercase,
    /// A character the rule's [`Charset`] does not allow, with that charset,
    /// so the message names the rule that failed.
    #[error("{} (found {})", .1.rule(), shown(*.0))]
    InvalidChar(char, Charset),
    #[error("must not end with '-'")]
    TrailingHyphen,
    #[error("must be one of {0}")]
    NotOneOf(String),
    #[error("must start with a letter")]
    MustStartWithLetter,
    #[error("must end with a letter or digit")]
    MustEndWithLetterOrDigit,
    #[error("must be between {0} and {1}")]
    OutOfRange(i64, i64),
    #[error("the minimum must not exceed the maximum")]
    MinAboveMax,
    #[error("must be a path inside the package: no leading '/', no '..'")]
    OutsidePackage,
    #[error("must be a file name, without '/'")]
    NotAFileName,
    #[error("must be a .zip file")]
    NotZip,
    #[error("must be at most {0} bytes")]
    TooLarge(u64),
    #[error("must be an image reference such as nginx:1.27 or registry.example.com/team/app:v1")]
    NotAnImageReference,
}

/// Which characters a rule allows. [`RuleError::InvalidChar`] carries it, so
/// a refused character is explained by the rule of the field it was typed in
/// (a service name allows `_`, an environment alias does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Charset {
    /// Environment alias: a–z, 0–9 and `-`.
    EnvAlias,
    /// An `EnvId`'s shape: letters, digits and `-`.
    EnvId,
    /// Console username: a–z, 0–9, `.`, `_` and `-`.
    Username,
    /// Service name (and version name): letters, digits, `-` and `_`.
    ServiceName,
    /// Environment variable name: letters, digits and `_`.
    VarName,
    /// Free text (display name, remark): anything but control and
    /// text-direction characters.
    Text,
}

impl Charset {
    /// The rule in English, as localcloud and the BFF word it.
    pub fn rule(self) -> &'static str {
        match self {
            Charset::EnvAlias => "may contain only a-z, 0-9 and '-'",
            Charset::EnvId => "may contain only letters, digits and '-'",
            Charset::Username => "may contain only a-z, 0-9, '.', '_' and '-'",
            Charset::ServiceName => "may contain only letters, digits, '-' and '_'",
            Charset::VarName => "may contain only letters, digits and '_'",
            Charset::Text => "must not contain control or text-direction characters",
        }
    }
}

/// A refused character as a message shows it: quoted when it prints, as its
/// code point (U+000A) when it is invisible or moves the text around it.
pub fn shown(c: char) -> String {
    if c.is_control() || is_bidi_control(c) || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("'{c}'")
    }
}

/// Longest environment alias. Tencent documents the character set but no
/// length; 32 keeps the minted EnvId and the service domains readable.
pub const ENV_ALIAS_MAX: usize = 32;

/// `CreateCloudRunEnv.Alias`: must start with a–z; only a–z, 0–9 and `-`
/// (CLOUD-API.md §1.1). We also refuse a trailing `-`, because the alias
/// becomes the EnvId's prefix and ends up inside domain names.
pub fn env_alias(alias: &str) -> Result<(), RuleError> {
    let mut chars = alias.chars();
    let Some(first) = chars.next() else {
        return Err(RuleError::Empty);
    };
    if alias.chars().count() > ENV_ALIAS_MAX {
        return Err(RuleError::TooLong(ENV_ALIAS_MAX));
    }
    if !first.is_ascii_lowercase() {
        return Err(RuleError::MustStartWithLowercase);
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Err(RuleError::InvalidChar(bad, Charset::EnvAlias));
    }
    if alias.ends_with('-') {
        return Err(RuleError::TrailingHyphen);
    }
    Ok(())
}

/// `CreateCloudRunEnv.PackageType`.
pub const PACKAGE_TYPES: [&str; 4] = ["Trial", "Standard", "Professional", "Enterprise"];

pub fn package_type(value: &str) -> Result<(), RuleError> {
    if PACKAGE_TYPES.contains(&value) { Ok(()) } else { Err(RuleError::NotOneOf(PACKAGE_TYPES.join(", "))) }
}

/// Console usernames: 3–32 of a–z, 0–9, `.`, `_`, `-`, starting with a letter.
pub fn username(name: &str) -> Result<(), RuleError> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Err(RuleError::Empty);
    };
    if name.chars().count() > 32 {
        return Err(RuleError::TooLong(32));
    }
    if !first.is_ascii_lowercase() {
        return Err(RuleError::MustStartWithLowercase);
    }
    if let Some(bad) = chars.find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))) {
        return Err(RuleError::InvalidChar(bad, Charset::Username));
    }
    if name.chars().count() < 3 {
        return Err(RuleError::TooShort(3));
    }
    Ok(())
}

/// Passwords: long enough to resist guessing (NIST 800-63B asks for at least
/// 8; we ask 10), short enough that hashing stays bounded.
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;

pub fn password(pw: &str) -> Result<(), RuleError> {
    let n = pw.chars().count();
    if n < PASSWORD_MIN {
        Err(RuleError::TooShort(PASSWORD_MIN))
    } else if n > PASSWORD_MAX {
        Err(RuleError::TooLong(PASSWORD_MAX))
    } else {
        Ok(())
    }
}

/// Characters that reorder the text around them (bidi embeddings, overrides,
/// isolates and marks): in a name they make `evil` display as `live`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Display names: 1–64 characters, no control or bidi-control characters.
pub fn display_name(name: &str) -> Result<(), RuleError> {
    let name = name.trim();
    if name.is_empty() {
        Err(RuleError::Empty)
    } else if name.chars().count() > 64 {
        Err(RuleError::TooLong(64))
    } else if let Some(c) = name.chars().find(|c| c.is_control() || is_bidi_control(*c)) {
        Err(RuleError::InvalidChar(c, Charset::Text))
    } else {
        Ok(())
    }
}

/// R-SVC-3: a letter first, then letters, digits, `-` or `_`, a letter or
/// digit last, at most 60 characters.
pub const SERVICE_NAME_MAX: usize = 60;

pub fn service_name(name: &str) -> Result<(), RuleError> {
    let Some(first) = name.chars().next() else {
        return Err(RuleError::Empty);
    };
    if name.chars().count() > SERVICE_NAME_MAX {
        return Err(RuleError::TooLong(SERVICE_NAME_MAX));
    }
    if !first.is_ascii_alphabetic() {
        return Err(RuleError::MustStartWithLetter);
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        return Err(RuleError::InvalidChar(bad, Charset::ServiceName));
    }
    if !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(RuleError::MustEndWithLetterOrDigit);
    }
    Ok(())
}

/// Longest id or version name the console takes from a URL or a form.
pub const ID_MAX: usize = 64;

/// An `EnvId` given by a user or a URL: the cloud mints it (alias, `-`, a
/// suffix), so only its shape is checked: letters, digits and `-`.
pub fn env_id(id: &str) -> Result<(), RuleError> {
    id_like(id, Charset::EnvId, |c| c.is_ascii_alphanumeric() || c == '-')
}

/// A `VersionName` given by a user or a URL: the service's name and a
/// number (R-VER-1), so the service name's characters.
pub fn version_name(name: &str) -> Result<(), RuleError> {
    id_like(name, Charset::ServiceName, |c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn id_like(text: &str, charset: Charset, allowed: fn(char) -> bool) -> Result<(), RuleError> {
    if text.is_empty() {
        return Err(RuleError::Empty);
    }
    if text.chars().count() > ID_MAX {
        return Err(RuleError::TooLong(ID_MAX));
    }
    match text.chars().find(|c| !allowed(*c)) {
        Some(bad) => Err(RuleError::InvalidChar(bad, charset)),
        None => Ok(()),
    }
}

/// The published CPU/memory pairs, cores/GiB, a strict 1:2 ratio (CLOUD-API.md §6).
pub const CPU_MEM_PAIRS: [(f64, f64); 7] =
    [(0.25, 0.5), (0.5, 1.0), (1.0, 2.0), (2.0, 4.0), (4.0, 8.0), (8.0, 16.0), (16.0, 32.0)];

pub fn cpu_mem(cpu: f64, mem: f64) -> Result<(), RuleError> {
    if CPU_MEM_PAIRS.iter().any(|(c, m)| *c == cpu && *m == mem) {
        Ok(())
    } else {
        Err(RuleError::NotOneOf(CPU_MEM_PAIRS.iter().map(|(c, m)| format!("{c}/{m}")).collect::<Vec<_>>().join(", ")))
    }
}

/// R-INS-2: `0 ≤ minNum ≤ maxNum ≤ 50`.
pub const MAX_INSTANCES: i64 = 50;

pub fn instances(min: i64, max: i64) -> Result<(), RuleError> {
    let range = 0..=MAX_INSTANCES;
    if !range.contains(&min) || !range.contains(&max) {
        Err(RuleError::OutOfRange(0, MAX_INSTANCES))
    } else if min > max {
        Err(RuleError::MinAboveMax)
    } else {
        Ok(())
    }
}

/// R-LIM-2: one listening port, 1–65535.
pub fn port(p: i64) -> Result<(), RuleError> {
    if (1..=65_535).contains(&p) { Ok(()) } else { Err(RuleError::OutOfRange(1, 65_535)) }
}

/// R-INS-3: a threshold is a percentage, 1–100.
pub fn threshold(t: u64) -> Result<(), RuleError> {
    if (1..=100).contains(&t) { Ok(()) } else { Err(RuleError::OutOfRange(1, 100)) }
}

/// Environment variables as the CLI writes them (`a=1&b=2`, R-CLI-1): names
/// are `[A-Za-z_][A-Za-z0-9_]*`; a later duplicate wins.
pub fn env_params(text: &str) -> Result<Vec<(String, String)>, RuleError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in text.split('&').filter(|p| !p.trim().is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        env_var_name(k.trim())?;
        out.retain(|(existing, _)| existing != k.trim());
        out.push((k.trim().to_string(), v.to_string()));
    }
    Ok(out)
}

pub fn env_var_name(name: &str) -> Result<(), RuleError> {
    let Some(first) = name.chars().next() else {
        return Err(RuleError::Empty);
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return Err(RuleError::MustStartWithLetter);
    }
    match name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_')) {
        Some(bad) => Err(RuleError::InvalidChar(bad, Charset::VarName)),
        None => Ok(()),
    }
}

/// Longest deploy or operator remark kept.
pub const REMARK_MAX: usize = 256;

/// `DeployRemark`, `OperatorRemark`: free text, short, one line.
pub fn remark(text: &str) -> Result<(), RuleError> {
    if text.chars().count() > REMARK_MAX {
        return Err(RuleError::TooLong(REMARK_MAX));
    }
    match text.chars().find(|c| c.is_control() || is_bidi_control(*c)) {
        Some(c) => Err(RuleError::InvalidChar(c, Charset::Text)),
        None => Ok(()),
    }
}

/// The remark a change carries: who made it, then what they wrote, cut to
/// [`REMARK_MAX`] and kept to one line.
pub fn signed_remark(username: &str, given: &str) -> String {
    let given: String = given.chars().map(|c| if c.is_control() || is_bidi_control(c) { ' ' } else { c }).collect();
    let given = given.trim();
    let text = if given.is_empty() { username.to_string() } else { format!("{username}: {given}") };
    text.chars().take(REMARK_MAX).collect()
}

/// Largest code package accepted for upload and build (R-DEP-2). Tencent
/// publishes no figure; 100 MiB holds any source tree without its
/// dependencies, which the Dockerfile installs.
pub const PACKAGE_MAX_BYTES: u64 = 100 * 1024 * 1024;

/// A code package as the user picks it: a `.zip` within the size cap.
pub fn package_file(name: &str, size: u64, max: u64) -> Result<(), RuleError> {
    if !name.to_ascii_lowercase().ends_with(".zip") {
        Err(RuleError::NotZip)
    } else if size == 0 {
        Err(RuleError::Empty)
    } else if size > max {
        Err(RuleError::TooLarge(max))
    } else {
        Ok(())
    }
}

/// The Dockerfile's name (R-DEP-2, default `Dockerfile`): a plain file name.
pub fn dockerfile_name(name: &str) -> Result<(), RuleError> {
    if name.trim().is_empty() {
        Err(RuleError::Empty)
    } else if name.contains('/') || name.contains('\\') {
        Err(RuleError::NotAFileName)
    } else if name == "." || name == ".." {
        Err(RuleError::OutsidePackage)
    } else if name.chars().count() > 128 {
        Err(RuleError::TooLong(128))
    } else {
        Ok(())
    }
}

/// The build directory (R-DEP-2, the CLI's `targetDir`, default `.`): a
/// relative path that stays inside the package.
pub fn build_dir(dir: &str) -> Result<(), RuleError> {
    if dir.starts_with('/') || dir.contains('\\') || dir.split('/').any(|seg| seg == "..") {
        Err(RuleError::OutsidePackage)
    } else if dir.chars().count() > 256 {
        Err(RuleError::TooLong(256))
    } else {
        Ok(())
    }
}

/// Where the Dockerfile sits inside the package: `<build dir>/<name>`, with
/// `.` and empty segments dropped.
pub fn dockerfile_path(dir: &str, name: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    parts.push(name);
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_alias_table() {
        let cases: &[(&str, Result<(), RuleError>)] = &[
            ("prod", Ok(())),
            ("tenant-42", Ok(())),
            ("a", Ok(())),
            ("", Err(RuleError::Empty)),
            ("1prod", Err(RuleError::MustStartWithLowercase)),
            ("Prod", Err(RuleError::MustStartWithLowercase)),
            ("pro_d", Err(RuleError::InvalidChar('_', Charset::EnvAlias))),
            ("测试", Err(RuleError::MustStartWithLowercase)),
            ("prod-", Err(RuleError::TrailingHyphen)),
            (&"a".repeat(ENV_ALIAS_MAX), Ok(())),
            (&"a".repeat(ENV_ALIAS_MAX + 1), Err(RuleError::TooLong(ENV_ALIAS_MAX))),
        ];
        for (alias, want) in cases {
            assert_eq!(&env_alias(alias), want, "{alias:?}");
        }
    }

    #[test]
    fn remarks_are_short_and_one_line() {
        assert!(remark("hotfix 2").is_ok());
        assert_eq!(remark(&"r".repeat(REMARK_MAX + 1)), Err(RuleError::TooLong(REMARK_MAX)));
        assert_eq!(remark("a\nb"), Err(RuleError::InvalidChar('\n', Charset::Text)));
    }

    #[test]
    fn usernames_passwords_display_names() {
        assert!(username("dev.li").is_ok());
        assert_eq!(username("ab"), Err(RuleError::TooShort(3)));
        assert_eq!(username("Dev"), Err(RuleError::MustStartWithLowercase));
        assert_eq!(username("de v"), Err(RuleError::InvalidChar(' ', Charset::Username)));
        assert_eq!(password("short"), Err(RuleError::TooShort(PASSWORD_MIN)));
        assert!(password("long enough pw").is_ok());
        assert_eq!(password(&"x".repeat(PASSWORD_MAX + 1)), Err(RuleError::TooLong(PASSWORD_MAX)));
        assert!(display_name("李雷").is_ok());
        assert_eq!(display_name("  "), Err(RuleError::Empty));
        // An override that would show "admin\u{202E}nimda" reversed.
        assert_eq!(display_name("ad\u{202E}nimda"), Err(RuleError::InvalidChar('\u{202E}', Charset::Text)));
        assert_eq!(display_name("a\u{2067}b"), Err(RuleError::InvalidChar('\u{2067}', Charset::Text)));
        assert_eq!(display_name("a\u{0007}b"), Err(RuleError::InvalidChar('\u{0007}', Charset::Text)));
    }

    #[test]
    fn r_svc_3_service_names() {
        let cases: &[(&str, Result<(), RuleError>)] = &[
            ("shop", Ok(())),
            ("Shop_api-2", Ok(())),
            ("a", Ok(())),
            ("", Err(RuleError::Empty)),
            ("2shop", Err(RuleError::MustStartWithLetter)),
            ("shop-", Err(RuleError::MustEndWithLetterOrDigit)),
            ("shop_", Err(RuleError::MustEndWithLetterOrDigit)),
            ("sh op", Err(RuleError::InvalidChar(' ', Charset::ServiceName))),
            (&"s".repeat(60), Ok(())),
            (&"s".repeat(61), Err(RuleError::TooLong(60))),
        ];
        for (name, want) in cases {
            assert_eq!(&service_name(name), want, "{name:?}");
        }
    }

    #[test]
    fn r_ins_2_and_spec_pairs_and_ports() {
        assert!(instances(0, 50).is_ok());
        assert_eq!(instances(3, 2), Err(RuleError::MinAboveMax));
        assert!(instances(0, 51).is_err());
        assert!(instances(-1, 5).is_err());
        assert!(cpu_mem(0.5, 1.0).is_ok());
        assert!(cpu_mem(1.0, 1.0).is_err(), "1 core / 1 GiB is not a published pair");
        assert!(port(80).is_ok() && port(0).is_err() && port(65_536).is_err());
        assert!(threshold(60).is_ok() && threshold(0).is_err() && threshold(101).is_err());
    }

    #[test]
    fn env_params_parse_like_the_cli() {
        assert_eq!(
            env_params("a=1&b=x=y&a=3").unwrap(),
            vec![("b".to_string(), "x=y".to_string()), ("a".to_string(), "3".to_string())]
        );
        assert_eq!(env_params("1a=2"), Err(RuleError::MustStartWithLetter));
    }

    #[test]
    fn r_dep_2_code_packages() {
        assert!(package_file("app.zip", 10, PACKAGE_MAX_BYTES).is_ok());
        assert!(package_file("APP.ZIP", 10, PACKAGE_MAX_BYTES).is_ok());
        assert_eq!(package_file("app.tar.gz", 10, PACKAGE_MAX_BYTES), Err(RuleError::NotZip));
        assert_eq!(package_file("app.zip", 0, PACKAGE_MAX_BYTES), Err(RuleError::Empty));
        assert_eq!(package_file("app.zip", 11, 10), Err(RuleError::TooLarge(10)));
        assert!(dockerfile_name("Dockerfile.prod").is_ok());
        assert_eq!(dockerfile_name("docker/Dockerfile"), Err(RuleError::NotAFileName));
        assert_eq!(dockerfile_name(""), Err(RuleError::Empty));
        assert!(build_dir(".").is_ok() && build_dir("").is_ok() && build_dir("services/api").is_ok());
        assert_eq!(build_dir("/etc"), Err(RuleError::OutsidePackage));
        assert_eq!(build_dir("a/../../b"), Err(RuleError::OutsidePackage));
        assert_eq!(dockerfile_path(".", "Dockerfile"), "Dockerfile");
        assert_eq!(dockerfile_path("./api/", "Dockerfile"), "api/Dockerfile");
    }

    #[test]
    fn a_refused_character_names_the_rule_of_its_field() {
        assert_eq!(env_alias("a_b"), Err(RuleError::InvalidChar('_', Charset::EnvAlias)));
        assert_eq!(env_id("prod_1"), Err(RuleError::InvalidChar('_', Charset::EnvId)));
        assert_eq!(version_name("shop.001"), Err(RuleError::InvalidChar('.', Charset::ServiceName)));
        assert_eq!(username("ab_c!"), Err(RuleError::InvalidChar('!', Charset::Username)));
        assert_eq!(service_name("shop.api"), Err(RuleError::InvalidChar('.', Charset::ServiceName)));
        assert_eq!(env_var_name("A-B"), Err(RuleError::InvalidChar('-', Charset::VarName)));
        assert_eq!(env_params("ok=1&A.B=2"), Err(RuleError::InvalidChar('.', Charset::VarName)));
        assert_eq!(display_name("a\tb"), Err(RuleError::InvalidChar('\t', Charset::Text)));
        assert_eq!(remark("a\u{200F}b"), Err(RuleError::InvalidChar('\u{200F}', Charset::Text)));
        // The English texts localcloud and the BFF send name the same rule.
        assert_eq!(
            service_name("shop.api").unwrap_err().to_string(),
            "may contain only letters, digits, '-' and '_' (found '.')"
        );
        assert_eq!(env_alias("a_b").unwrap_err().to_string(), "may contain only a-z, 0-9 and '-' (found '_')");
        assert_eq!(
            username("de v").unwrap_err().to_string(),
            "may contain only a-z, 0-9, '.', '_' and '-' (found ' ')"
        );
        assert_eq!(
            env_var_name("A-B").unwrap_err().to_string(),
            "may contain only letters, digits and '_' (found '-')"
        );
        assert_eq!(
            remark("a\nb").unwrap_err().to_string(),
            "must not contain control or text-direction characters (found U+000A)"
        );
        assert_eq!(shown('\u{202E}'), "U+202E");
        assert_eq!(shown('\u{3000}'), "U+3000");
        assert_eq!(shown('é'), "'é'");
    }

    #[test]
    fn package_types() {
        assert!(package_type("Trial").is_ok());
        assert!(package_type("trial").is_err());
    }
}
