//! Sentences the servers write and the SPA shows: a deploy's failure reasons
//! and the audit log's details. Each is one enum here: its `Display` is the
//! English the server stores or sends, and `parse` reads that English back,
//! so the SPA can say it in the user's language. Anything `parse` does not
//! know (the real cloud's own texts, its error codes) is shown as it is.

use std::fmt;

/// Why a deploy or one of its steps failed, as localcloud and the BFF say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailReason<'a> {
    /// The BFF followed a task the cloud no longer knows.
    TaskGone,
    /// The user cancelled the deploy.
    Cancelled,
    /// localcloud stopped while this step ran.
    Restarted,
    /// localcloud stopped while the deploy ran.
    RestartedDuringDeploy,
    /// The image to pull does not exist.
    ImageMissing(&'a str),
    /// An instance did not start; the runtime's own words.
    InstanceNotStarted(&'a str),
    /// The health check got this HTTP status.
    Unhealthy(&'a str),
    /// The health check could not reach an instance; the client's own words.
    Unreachable(&'a str),
}

const TASK_GONE: &str = "the task no longer exists";
const CANCELLED: &str = "cancelled by the user";
const RESTARTED: &str = "localcloud restarted";
const RESTARTED_DURING_DEPLOY: &str = "localcloud restarted during the deploy";
const IMAGE_MISSING: (&str, &str) = ("the image ", " does not exist");
const INSTANCE_NOT_STARTED: &str = "an instance could not start: ";
const UNHEALTHY: (&str, &str) = ("the health check got ", " from an instance");
const UNREACHABLE: &str = "the health check could not reach an instance: ";

/// The text between `around.0` and `around.1`, when `text` is shaped so.
fn between<'a>(text: &'a str, around: (&str, &str)) -> Option<&'a str> {
    text.strip_prefix(around.0)?.strip_suffix(around.1)
}

impl<'a> FailReason<'a> {
    pub fn parse(text: &'a str) -> Option<FailReason<'a>> {
        Some(match text {
            TASK_GONE => FailReason::TaskGone,
            CANCELLED => FailReason::Cancelled,
            RESTARTED => FailReason::Restarted,
            RESTARTED_DURING_DEPLOY => FailReason::RestartedDuringDeploy,
            _ => {
                if let Some(image) = between(text, IMAGE_MISSING) {
                    FailReason::ImageMissing(image)
                } else if let Some(why) = text.strip_prefix(INSTANCE_NOT_STARTED) {
                    FailReason::InstanceNotStarted(why)
                } else if let Some(status) = between(text, UNHEALTHY) {
                    FailReason::Unhealthy(status)
                } else if let Some(why) = text.strip_prefix(UNREACHABLE) {
                    FailReason::Unreachable(why)
                } else {
                    return None;
                }
            }
        })
    }
}

impl fmt::Display for FailReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailReason::TaskGone => f.write_str(TASK_GONE),
            FailReason::Cancelled => f.write_str(CANCELLED),
            FailReason::Restarted => f.write_str(RESTARTED),
            FailReason::RestartedDuringDeploy => f.write_str(RESTARTED_DURING_DEPLOY),
            FailReason::ImageMissing(image) => write!(f, "{}{image}{}", IMAGE_MISSING.0, IMAGE_MISSING.1),
            FailReason::InstanceNotStarted(why) => write!(f, "{INSTANCE_NOT_STARTED}{why}"),
            FailReason::Unhealthy(status) => write!(f, "{}{status}{}", UNHEALTHY.0, UNHEALTHY.1),
            FailReason::Unreachable(why) => write!(f, "{UNREACHABLE}{why}"),
        }
    }
}

/// Why a version's instance count changed (R-INS-1..5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleCause {
    /// Load per instance crossed the scaling policy's threshold.
    Load,
    /// Load fell well below the threshold.
    Calm,
    /// No request for the observation window, with MinNum 0 (R-INS-4).
    Idle,
    /// A request arrived while no instance ran: a cold start (R-INS-4).
    ColdStart,
    /// The version lost its traffic and the drain window ended (R-UPD-1).
    Drained,
}

const SCALE_CAUSES: [(ScaleCause, &str); 5] = [
    (ScaleCause::Load, "load above the threshold"),
    (ScaleCause::Calm, "load well below the threshold"),
    (ScaleCause::Idle, "no requests during the observation window"),
    (ScaleCause::ColdStart, "a request arrived with no instance running"),
    (ScaleCause::Drained, "no traffic and the drain window ended"),
];

/// A scaling event, as localcloud writes it into the version's process log
/// and the console's timeline reads it back:
/// `scaled shop-002 from 1 to 0 instance(s): no requests during the observation window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleEvent<'a> {
    pub version: &'a str,
    pub from: usize,
    pub to: usize,
    pub cause: ScaleCause,
}

impl<'a> ScaleEvent<'a> {
    /// Reads an event back from a log line, which may start with its time
    /// (`YYYY-MM-DD HH:MM:SS `): only there, so a line that merely quotes
    /// such words (a build's output) is not taken for an event.
    pub fn parse(line: &'a str) -> Option<ScaleEvent<'a>> {
        let timed = line.get(..19).filter(|t| crate::time::parse_cst(t).is_some()).and(line.get(20..));
        let rest = line.strip_prefix("scaled ").or_else(|| timed?.strip_prefix("scaled "))?;
        let (version, rest) = rest.split_once(" from ")?;
        let (from, rest) = rest.split_once(" to ")?;
        let (to, why) = rest.split_once(" instance(s): ")?;
        let cause = SCALE_CAUSES.iter().find(|(_, text)| *text == why)?.0;
        Some(ScaleEvent { version: one_word(version)?, from: from.parse().ok()?, to: to.parse().ok()?, cause })
    }
}

impl fmt::Display for ScaleEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = SCALE_CAUSES.iter().find(|(c, _)| *c == self.cause).map_or("", |(_, t)| *t);
        write!(f, "scaled {} from {} to {} instance(s): {why}", self.version, self.from, self.to)
    }
}

/// What happened to an instance's process that nobody asked for (R-OBS-1),
/// as localcloud writes it into the version's process log, beside the
/// scaling events:
/// `instance shop-002-ab12cd34 exited unasked (exit status: 3); restarting it`,
/// `instance shop-002-ab12cd34 restarted and listens again`,
/// `instance shop-002-ab12cd34 could not restart: …; trying again`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstanceEvent<'a> {
    /// The process ended; `how` is its exit as the system tells it
    /// (`exit status: 3`, `signal: 9 (SIGKILL)`).
    Crashed { instance: &'a str, how: &'a str },
    /// A new process runs the instance and listens: it serves again.
    Restarted { instance: &'a str },
    /// A new process could not be started; localcloud keeps trying.
    RestartFailed { instance: &'a str, why: &'a str },
}

const CRASHED: (&str, &str) = (" exited unasked (", "); restarting it");
const INSTANCE_RESTARTED: &str = " restarted and listens again";
const RESTART_FAILED: (&str, &str) = (" could not restart: ", "; trying again");

impl<'a> InstanceEvent<'a> {
    /// Reads an event back from a log line, which may start with its time,
    /// as [`ScaleEvent::parse`] does.
    pub fn parse(line: &'a str) -> Option<InstanceEvent<'a>> {
        let timed = line.get(..19).filter(|t| crate::time::parse_cst(t).is_some()).and(line.get(20..));
        let rest = line.strip_prefix("instance ").or_else(|| timed?.strip_prefix("instance "))?;
        let (instance, tail) = rest.split_at(rest.find(' ')?);
        let instance = one_word(instance)?;
        let event = if tail == INSTANCE_RESTARTED {
            InstanceEvent::Restarted { instance }
        } else if let Some(how) = between(tail, CRASHED) {
            InstanceEvent::Crashed { instance, how }
        } else if let Some(why) = between(tail, RESTART_FAILED) {
            InstanceEvent::RestartFailed { instance, why }
        } else {
            return None;
        };
        Some(event)
    }
}

impl fmt::Display for InstanceEvent<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceEvent::Crashed { instance, how } => write!(f, "instance {instance}{}{how}{}", CRASHED.0, CRASHED.1),
            InstanceEvent::Restarted { instance } => write!(f, "instance {instance}{INSTANCE_RESTARTED}"),
            InstanceEvent::RestartFailed { instance, why } => {
                write!(f, "instance {instance}{}{why}{}", RESTART_FAILED.0, RESTART_FAILED.1)
            }
        }
    }
}

/// Why a session ended without its user signing out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnd {
    AccountDisabled,
    AbsoluteLifetime,
    IdleTooLong,
}

/// What an administrator did to a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserChange {
    Disabled,
    Enabled,
    Renamed,
}

impl UserChange {
    fn word(self) -> &'static str {
        match self {
            UserChange::Disabled => "disabled",
            UserChange::Enabled => "enabled",
            UserChange::Renamed => "renamed",
        }
    }
}

/// An audit entry's detail, as the BFF records it. Which shapes an entry can
/// have depends on its action, so [`AuditDetail::parse`] takes both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditDetail<'a> {
    /// Refused: the caller lacks the permission (any action).
    Permission,
    /// A cloud call that got no answer (any cloud action).
    CloudUnreachable,
    /// `Login`, allowed: from where, and how many attempts were refused before.
    SignedIn { ip: &'a str, refused_before: u64 },
    /// `Login`, denied.
    BadCredentials { ip: &'a str, refused_before: u64 },
    /// `Login`, denied: the rate limit starts biting.
    TooManyAttempts { ip: &'a str },
    /// `SessionExpired`.
    SessionEnded(SessionEnd),
    /// `CreateUser`, `DeleteUser`.
    User(&'a str),
    /// `UpdateUser`.
    UserChanged(&'a str, UserChange),
    /// `ChangePassword`, denied.
    WrongCurrentPassword,
    /// `ChangePassword`, denied: too many wrong ones, so the user was signed out.
    TooManyWrongPasswords { ip: &'a str },
    /// `AddMember`: who, with which role name.
    MemberAdded { username: &'a str, role: &'a str },
    /// `ChangeMemberRole`.
    RoleChanged { username: &'a str, from: &'a str, to: &'a str },
    /// `RemoveMember`: who, and the role they had.
    MemberRemoved { username: &'a str, role: &'a str },
    /// `UploadPackage`, allowed.
    PackageUploaded { name: &'a str, version: &'a str, bytes: u64 },
    /// `RevealSecrets`: whose configuration (a version, or the online one)
    /// and the names shown (none: there were no secret-looking variables).
    SecretsRevealed { service: &'a str, version: Option<&'a str>, names: Vec<&'a str> },
    /// `CreateToken`: its name, role, environments (`, `-separated) and lifetime in days.
    TokenCreated { name: &'a str, role: &'a str, envs: &'a str, days: u32 },
    /// `RevokeToken`: its name.
    TokenRevoked { name: &'a str },
}

const PERMISSION: &str = "permission";
const CLOUD_UNREACHABLE: &str = "cloud unreachable or timed out";
const REFUSED_BEFORE: (&str, &str) = ("; ", " attempt(s) refused before");
const TOO_MANY_ATTEMPTS: (&str, &str) = ("too many attempts from ", "; further ones are counted");
const WRONG_CURRENT_PASSWORD: &str = "wrong current password";
const TOO_MANY_WRONG_PASSWORDS: (&str, &str) = ("too many wrong current passwords from ", "; signed out");
const ONLINE_CONFIGURATION: &str = "online configuration";
const NO_SECRETS: &str = "no secret-looking variables";

/// `from 1.2.3.4` and an optional `; 3 attempt(s) refused before`.
fn from_ip(text: &str) -> Option<(&str, u64)> {
    let rest = text.strip_prefix("from ")?;
    match rest.split_once(REFUSED_BEFORE.0) {
        Some((ip, note)) => Some((ip, note.strip_suffix(REFUSED_BEFORE.1)?.parse().ok()?)),
        None => Some((rest, 0)),
    }
}

fn one_word(text: &str) -> Option<&str> {
    (!text.is_empty() && !text.contains(char::is_whitespace)).then_some(text)
}

impl<'a> AuditDetail<'a> {
    /// The detail of an entry with `action`, when it is one the BFF writes.
    pub fn parse(action: &str, text: &'a str) -> Option<AuditDetail<'a>> {
        match (action, text) {
            (_, PERMISSION) => return Some(AuditDetail::Permission),
            (_, CLOUD_UNREACHABLE) => return Some(AuditDetail::CloudUnreachable),
            _ => {}
        }
        Some(match action {
            "Login" => {
                if let Some(ip) = between(text, TOO_MANY_ATTEMPTS) {
                    AuditDetail::TooManyAttempts { ip }
                } else if let Some(rest) = text.strip_prefix("bad credentials ") {
                    let (ip, refused_before) = from_ip(rest)?;
                    AuditDetail::BadCredentials { ip, refused_before }
                } else {
                    let (ip, refused_before) = from_ip(text)?;
                    AuditDetail::SignedIn { ip, refused_before }
                }
            }
            "SessionExpired" => AuditDetail::SessionEnded(match text {
                "account disabled" => SessionEnd::AccountDisabled,
                "absolute lifetime reached" => SessionEnd::AbsoluteLifetime,
                "idle too long" => SessionEnd::IdleTooLong,
                _ => return None,
            }),
            "CreateUser" | "DeleteUser" => AuditDetail::User(one_word(text.strip_prefix("user ")?)?),
            "UpdateUser" => {
                let (name, what) = text.strip_prefix("user ")?.rsplit_once(' ')?;
                let change = [UserChange::Disabled, UserChange::Enabled, UserChange::Renamed]
                    .into_iter()
                    .find(|c| c.word() == what)?;
                AuditDetail::UserChanged(one_word(name)?, change)
            }
            "ChangePassword" if text == WRONG_CURRENT_PASSWORD => AuditDetail::WrongCurrentPassword,
            "ChangePassword" => AuditDetail::TooManyWrongPasswords { ip: between(text, TOO_MANY_WRONG_PASSWORDS)? },
            "AddMember" => {
                let (username, role) = text.split_once(" as ")?;
                AuditDetail::MemberAdded { username: one_word(username)?, role: one_word(role)? }
            }
            "ChangeMemberRole" => {
                let (username, change) = text.split_once(": ")?;
                let (from, to) = change.split_once(" → ")?;
                AuditDetail::RoleChanged { username: one_word(username)?, from: one_word(from)?, to: one_word(to)? }
            }
            "RemoveMember" => {
                let (username, role) = text.strip_suffix(')')?.split_once(" (")?;
                AuditDetail::MemberRemoved { username: one_word(username)?, role: one_word(role)? }
            }
            "UploadPackage" => {
                let (named, bytes) = text.strip_suffix(" bytes)")?.rsplit_once(" (")?;
                let (name, version) = named.rsplit_once(' ')?;
                AuditDetail::PackageUploaded { name, version, bytes: bytes.parse().ok()? }
            }
            "RevealSecrets" => {
                let (service, rest) = text.split_once(' ')?;
                let (what, names) = rest.split_once(": ")?;
                let version = if what == ONLINE_CONFIGURATION { None } else { Some(one_word(what)?) };
                let names = if names == NO_SECRETS { Vec::new() } else { names.split(", ").collect() };
                AuditDetail::SecretsRevealed { service, version, names }
            }
            "CreateToken" => {
                let (rest, days) = text.strip_suffix(" day(s)")?.rsplit_once(" for ")?;
                let (rest, envs) = rest.rsplit_once(" in ")?;
                let (name, role) = rest.rsplit_once(" as ")?;
                AuditDetail::TokenCreated { name, role: one_word(role)?, envs, days: days.parse().ok()? }
            }
            "RevokeToken" => AuditDetail::TokenRevoked { name: text },
            _ => return None,
        })
    }
}

impl fmt::Display for AuditDetail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refused = |f: &mut fmt::Formatter<'_>, n: u64| {
            if n > 0 { write!(f, "{}{n}{}", REFUSED_BEFORE.0, REFUSED_BEFORE.1) } else { Ok(()) }
        };
        match self {
            AuditDetail::Permission => f.write_str(PERMISSION),
            AuditDetail::CloudUnreachable => f.write_str(CLOUD_UNREACHABLE),
            AuditDetail::SignedIn { ip, refused_before } => {
                write!(f, "from {ip}")?;
                refused(f, *refused_before)
            }
            AuditDetail::BadCredentials { ip, refused_before } => {
                write!(f, "bad credentials from {ip}")?;
                refused(f, *refused_before)
            }
            AuditDetail::TooManyAttempts { ip } => write!(f, "{}{ip}{}", TOO_MANY_ATTEMPTS.0, TOO_MANY_ATTEMPTS.1),
            AuditDetail::SessionEnded(why) => f.write_str(match why {
                SessionEnd::AccountDisabled => "account disabled",
                SessionEnd::AbsoluteLifetime => "absolute lifetime reached",
                SessionEnd::IdleTooLong => "idle too long",
            }),
            AuditDetail::User(name) => write!(f, "user {name}"),
            AuditDetail::UserChanged(name, change) => write!(f, "user {name} {}", change.word()),
            AuditDetail::WrongCurrentPassword => f.write_str(WRONG_CURRENT_PASSWORD),
            AuditDetail::TooManyWrongPasswords { ip } => {
                write!(f, "{}{ip}{}", TOO_MANY_WRONG_PASSWORDS.0, TOO_MANY_WRONG_PASSWORDS.1)
            }
            AuditDetail::MemberAdded { username, role } => write!(f, "{username} as {role}"),
            AuditDetail::RoleChanged { username, from, to } => write!(f, "{username}: {from} → {to}"),
            AuditDetail::MemberRemoved { username, role } => write!(f, "{username} ({role})"),
            AuditDetail::PackageUploaded { name, version, bytes } => write!(f, "{name} {version} ({bytes} bytes)"),
            AuditDetail::SecretsRevealed { service, version, names } => {
                let what = version.unwrap_or(ONLINE_CONFIGURATION);
                let names = if names.is_empty() { NO_SECRETS.to_string() } else { names.join(", ") };
                write!(f, "{service} {what}: {names}")
            }
            AuditDetail::TokenCreated { name, role, envs, days } => {
                write!(f, "{name} as {role} in {envs} for {days} day(s)")
            }
            AuditDetail::TokenRevoked { name } => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_events_read_back_what_they_write() {
        for (cause, _) in SCALE_CAUSES {
            let event = ScaleEvent { version: "shop-002", from: 1, to: 0, cause };
            let line = format!("2026-11-30 10:00:00 {event}");
            assert_eq!(ScaleEvent::parse(&line), Some(event));
        }
        assert_eq!(ScaleEvent::parse("scaled shop-002 from x to 0 instance(s): load above the threshold"), None);
        assert_eq!(ScaleEvent::parse("instance shop-002-ab started"), None);
        let quoted = "2026-11-30 10:00:00 echo scaled shop-002 from 1 to 0 instance(s): load above the threshold";
        assert_eq!(ScaleEvent::parse(quoted), None, "only where the line starts");
    }

    #[test]
    fn instance_events_read_back_what_they_write() {
        let events = [
            InstanceEvent::Crashed { instance: "shop-002-ab12cd34", how: "signal: 9 (SIGKILL)" },
            InstanceEvent::Restarted { instance: "shop-002-ab12cd34" },
            InstanceEvent::RestartFailed {
                instance: "shop-002-ab12cd34",
                why: "the instance process did not listen within 10 s",
            },
        ];
        for event in events {
            let line = format!("2026-11-30 10:00:00 {event}");
            assert_eq!(InstanceEvent::parse(&line), Some(event), "{line}");
            assert_eq!(InstanceEvent::parse(&event.to_string()), Some(event));
        }
        assert_eq!(
            events[0].to_string(),
            "instance shop-002-ab12cd34 exited unasked (signal: 9 (SIGKILL)); restarting it"
        );
        assert_eq!(InstanceEvent::parse("instance shop-002-ab started"), None, "the deploy's own line");
        assert_eq!(ScaleEvent::parse(&events[1].to_string()), None);
        assert_eq!(InstanceEvent::parse("scaled shop-002 from 1 to 0 instance(s): load above the threshold"), None);
    }

    #[test]
    fn fail_reasons_read_back_what_they_write() {
        let all = [
            FailReason::TaskGone,
            FailReason::Cancelled,
            FailReason::Restarted,
            FailReason::RestartedDuringDeploy,
            FailReason::ImageMissing("localcloud/missing"),
            FailReason::InstanceNotStarted("port 8080 in use"),
            FailReason::Unhealthy("500 Internal Server Error"),
            FailReason::Unreachable("connection refused"),
        ];
        for reason in all {
            let text = reason.to_string();
            assert_eq!(FailReason::parse(&text), Some(reason), "{text}");
        }
        assert_eq!(FailReason::ImageMissing("x").to_string(), "the image x does not exist");
        assert_eq!(FailReason::parse("Dockerfile: no FROM line"), None);
        assert_eq!(FailReason::parse("镜像拉取失败"), None);
    }

    #[test]
    fn audit_details_read_back_what_they_write() {
        let cases = [
            ("CreateCloudRunServer", AuditDetail::Permission, "permission"),
            ("DestroyEnv", AuditDetail::CloudUnreachable, "cloud unreachable or timed out"),
            ("Login", AuditDetail::SignedIn { ip: "10.0.0.1", refused_before: 0 }, "from 10.0.0.1"),
            ("Login", AuditDetail::SignedIn { ip: "::1", refused_before: 3 }, "from ::1; 3 attempt(s) refused before"),
            (
                "Login",
                AuditDetail::BadCredentials { ip: "10.0.0.1", refused_before: 2 },
                "bad credentials from 10.0.0.1; 2 attempt(s) refused before",
            ),
            (
                "Login",
                AuditDetail::TooManyAttempts { ip: "10.0.0.1" },
                "too many attempts from 10.0.0.1; further ones are counted",
            ),
            ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::IdleTooLong), "idle too long"),
            ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::AccountDisabled), "account disabled"),
            ("SessionExpired", AuditDetail::SessionEnded(SessionEnd::AbsoluteLifetime), "absolute lifetime reached"),
            ("CreateUser", AuditDetail::User("dana"), "user dana"),
            ("UpdateUser", AuditDetail::UserChanged("dana", UserChange::Disabled), "user dana disabled"),
            ("UpdateUser", AuditDetail::UserChanged("dana", UserChange::Renamed), "user dana renamed"),
            ("ChangePassword", AuditDetail::WrongCurrentPassword, "wrong current password"),
            (
                "ChangePassword",
                AuditDetail::TooManyWrongPasswords { ip: "10.0.0.1" },
                "too many wrong current passwords from 10.0.0.1; signed out",
            ),
            ("AddMember", AuditDetail::MemberAdded { username: "vic", role: "viewer" }, "vic as viewer"),
            (
                "ChangeMemberRole",
                AuditDetail::RoleChanged { username: "vic", from: "viewer", to: "owner" },
                "vic: viewer → owner",
            ),
            ("RemoveMember", AuditDetail::MemberRemoved { username: "vic", role: "developer" }, "vic (developer)"),
            (
                "UploadPackage",
                AuditDetail::PackageUploaded { name: "shop", version: "shop-0001", bytes: 1234 },
                "shop shop-0001 (1234 bytes)",
            ),
            (
                "RevealSecrets",
                AuditDetail::SecretsRevealed { service: "shop", version: None, names: vec!["DB_PASSWORD", "API_KEY"] },
                "shop online configuration: DB_PASSWORD, API_KEY",
            ),
            (
                "RevealSecrets",
                AuditDetail::SecretsRevealed { service: "shop", version: Some("shop-002"), names: vec![] },
                "shop shop-002: no secret-looking variables",
            ),
            (
                "CreateToken",
                AuditDetail::TokenCreated {
                    name: "ci deploy as bot",
                    role: "developer",
                    envs: "env-a, env-b",
                    days: 30,
                },
                "ci deploy as bot as developer in env-a, env-b for 30 day(s)",
            ),
            ("RevokeToken", AuditDetail::TokenRevoked { name: "ci deploy" }, "ci deploy"),
        ];
        for (action, detail, text) in cases {
            assert_eq!(detail.to_string(), text);
            assert_eq!(AuditDetail::parse(action, text), Some(detail), "{action}: {text}");
        }
        // A cloud error code, or a shape an action never has, stays as it is.
        assert_eq!(AuditDetail::parse("CreateCloudRunServer", "LimitExceeded.Version"), None);
        assert_eq!(AuditDetail::parse("AddMember", "user dana"), None);
        assert_eq!(AuditDetail::parse("UploadPackage", "Console.PayloadTooLarge"), None);
    }
}
