//! `DNSStatus` of a bound domain (R-DOM-3): does the domain's CNAME record
//! point at the target its binding was given? Asked of the machine's own
//! resolvers (`/etc/resolv.conf`), as a user's browser would reach the
//! domain. An offline machine gets no answer: that is `UNRESOLVED`, said as
//! such, never guessed as `EMPTY`.
//!
//! Lookups run in parallel under one deadline ([`LOOKUP_TIMEOUT`]), so a
//! `DescribeHTTPServiceRoute` never waits longer than that for DNS however
//! many domains it lists, and answers are kept for [`CACHE_FOR`] so the
//! console's refreshes do not ask again each time.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use console_shared::vocab::DnsStatus;
use futures::StreamExt;
use hickory_resolver::TokioResolver;
use hickory_resolver::proto::rr::{RData, Record, RecordType};
use tokio::time::Instant;

/// The longest a listing waits for DNS, all its lookups together.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);
/// How long an answer is reused: the time a user waits, at most, to see a
/// CNAME they just created (their provider's TTL usually adds more).
pub const CACHE_FOR: Duration = Duration::from_secs(60);
/// How long "no resolver answered" is kept.
const UNRESOLVED_FOR: Duration = Duration::from_secs(5);
/// Domains kept in the cache; past this, it starts over.
const CACHE_MAX: usize = 1024;
/// Lookups in flight at once for one listing (a page holds up to 1000).
const PARALLEL: usize = 32;

/// The zone of every CNAME target localcloud gives: its gateway's entrances.
pub const GATEWAY_ZONE: &str = "gw.run.localhost";

/// R-DOM-3: the CNAME target of every domain bound in `env_id`. One per
/// environment, so rebinding a domain to another service of the environment
/// (or renewing its certificate) never asks the user to touch DNS again.
/// Under `.localhost`, as the default domains are: localcloud's gateway is
/// this machine.
pub fn cname_target(env_id: &str) -> String {
    format!("{env_id}.{GATEWAY_ZONE}")
}

/// What the resolver said about a domain's CNAME record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CnameAnswer {
    /// The domain is an alias of this name.
    Cname(String),
    /// The resolver answered: the domain does not exist (NXDOMAIN), or it has
    /// no CNAME record (only A records, say).
    NoCname,
    /// No resolver answered in time, or each failed (SERVFAIL, REFUSED, no
    /// network, no `/etc/resolv.conf`): nothing is known either way.
    Unresolved,
}

/// The `DNSStatus` of a domain whose binding's CNAME target is `target`,
/// given what the resolver answered. DNS names compare without case and
/// without the root's trailing dot.
pub fn classify(answer: &CnameAnswer, target: &str) -> DnsStatus {
    match answer {
        CnameAnswer::Cname(name) if same_name(name, target) => DnsStatus::Ok,
        CnameAnswer::Cname(_) => DnsStatus::Invalid,
        CnameAnswer::NoCname => DnsStatus::Empty,
        CnameAnswer::Unresolved => DnsStatus::Unresolved,
    }
}

/// `PlatformCnameDNSStatus`: does the domain's CNAME point at any of the
/// gateway's entrances (any environment's target), in `DNSStatus` terms.
pub fn classify_platform(answer: &CnameAnswer) -> DnsStatus {
    match answer {
        CnameAnswer::Cname(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            match name.strip_suffix(GATEWAY_ZONE).and_then(|label| label.strip_suffix('.')) {
                Some(env) if !env.is_empty() && !env.contains('.') => DnsStatus::Ok,
                _ => DnsStatus::Invalid,
            }
        }
        other => classify(other, ""),
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// Answers by domain, with when each was had. Process-wide, not per cloud:
/// a DNS answer is a fact about the world, whichever cloud asked. Only the
/// answers are kept, not a resolver: a resolver's sockets belong to the
/// runtime that opened them, and each cloud (each test) has its own.
static CACHE: LazyLock<Mutex<HashMap<String, (Instant, CnameAnswer)>>> = LazyLock::new(Default::default);

/// What DNS says of each domain's CNAME, in order: from the cache, or asked.
pub async fn answers(domains: &[String]) -> Vec<CnameAnswer> {
    let now = Instant::now();
    let mut known: HashMap<String, CnameAnswer> = HashMap::new();
    {
        let cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for domain in domains {
            // "No resolver answered" is about the moment, not the domain:
            // kept briefly, so "Check again" asks again soon.
            let keep = |answer: &CnameAnswer| match answer {
                CnameAnswer::Unresolved => UNRESOLVED_FOR,
                _ => CACHE_FOR,
            };
            if let Some((at, answer)) = cache.get(domain)
                && now.duration_since(*at) < keep(answer)
            {
                known.insert(domain.clone(), answer.clone());
            }
        }
    }
    let mut missing: Vec<String> = domains.iter().filter(|d| !known.contains_key(*d)).cloned().collect();
    missing.sort_unstable();
    missing.dedup();
    if !missing.is_empty() {
        let resolver = system_resolver();
        let deadline = now + LOOKUP_TIMEOUT;
        let answered: Vec<(String, CnameAnswer)> = futures::stream::iter(missing)
            .map(|domain| {
                let resolver = resolver.clone();
                async move {
                    let answer = lookup(resolver.as_ref(), &domain, deadline).await;
                    (domain, answer)
                }
            })
            .buffer_unordered(PARALLEL)
            .collect()
            .await;
        let mut cache = CACHE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.len() + answered.len() > CACHE_MAX {
            cache.retain(|_, (at, _)| now.duration_since(*at) < CACHE_FOR);
            if cache.len() + answered.len() > CACHE_MAX {
                cache.clear();
            }
        }
        for (domain, answer) in answered {
            cache.insert(domain.clone(), (now, answer.clone()));
            known.insert(domain, answer);
        }
    }
    domains.iter().map(|domain| known[domain].clone()).collect()
}

/// A resolver on the system's configuration, waiting at most
/// [`LOOKUP_TIMEOUT`] for a server; `None` when there is no configuration
/// to read (then every answer is `UNRESOLVED`).
fn system_resolver() -> Option<TokioResolver> {
    let mut builder = TokioResolver::builder_tokio()
        .map_err(|e| tracing::debug!(error = %e, "no DNS resolver configuration; DNS status unresolved"))
        .ok()?;
    let options = builder.options_mut();
    options.timeout = LOOKUP_TIMEOUT;
    // One try: the deadline would cut a retry anyway.
    options.attempts = 0;
    builder.build().map_err(|e| tracing::debug!(error = %e, "cannot build a DNS resolver; DNS status unresolved")).ok()
}

async fn lookup(resolver: Option<&TokioResolver>, domain: &str, deadline: Instant) -> CnameAnswer {
    let Some(resolver) = resolver else {
        return CnameAnswer::Unresolved;
    };
    // The final dot: this very name, never tried under resolv.conf's search
    // domains (`api.example.com.corp.internal` is not the user's domain).
    let fqdn = format!("{domain}.");
    match tokio::time::timeout_at(deadline, resolver.lookup(fqdn.as_str(), RecordType::CNAME)).await {
        Err(_) => {
            tracing::debug!(domain, "DNS lookup timed out");
            CnameAnswer::Unresolved
        }
        Ok(Ok(found)) => cname_of(found.answers(), domain),
        Ok(Err(e)) if e.is_no_records_found() => CnameAnswer::NoCname,
        Ok(Err(e)) => {
            tracing::debug!(domain, error = %e, "DNS lookup failed");
            CnameAnswer::Unresolved
        }
    }
}

/// The CNAME record of `domain` itself among the answer's records.
fn cname_of(records: &[Record], domain: &str) -> CnameAnswer {
    records
        .iter()
        .find_map(|r| match &r.data {
            RData::CNAME(alias) if same_name(&r.name.to_ascii(), domain) => Some(alias.0.to_ascii()),
            _ => None,
        })
        .map_or(CnameAnswer::NoCname, |name| CnameAnswer::Cname(name.trim_end_matches('.').to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use hickory_resolver::proto::rr::Name;
    use hickory_resolver::proto::rr::rdata::{A, CNAME};

    use super::*;

    const TARGET: &str = "env-1.gw.run.localhost";

    #[test]
    fn r_dom_3_a_cname_to_the_target_is_ok_whatever_its_case_or_final_dot() {
        for name in ["env-1.gw.run.localhost", "ENV-1.Gw.Run.Localhost.", "env-1.gw.run.localhost."] {
            assert_eq!(classify(&CnameAnswer::Cname(name.into()), TARGET), DnsStatus::Ok, "{name}");
        }
        assert_eq!(classify(&CnameAnswer::Cname(TARGET.into()), "env-1.gw.run.localhost."), DnsStatus::Ok);
    }

    #[test]
    fn r_dom_3_a_cname_elsewhere_is_invalid_none_is_empty_no_answer_is_unresolved() {
        for name in ["env-2.gw.run.localhost", "ghs.example.net", "env-1.gw.run.localhost.evil.com"] {
            assert_eq!(classify(&CnameAnswer::Cname(name.into()), TARGET), DnsStatus::Invalid, "{name}");
        }
        assert_eq!(classify(&CnameAnswer::NoCname, TARGET), DnsStatus::Empty);
        assert_eq!(classify(&CnameAnswer::Unresolved, TARGET), DnsStatus::Unresolved);
    }

    fn record(owner: &str, data: RData) -> Record {
        Record::from_rdata(Name::from_ascii(owner).unwrap(), 300, data)
    }

    #[test]
    fn the_cname_is_read_from_the_domains_own_record_only() {
        let alias = |to: &str| RData::CNAME(CNAME(Name::from_ascii(to).unwrap()));
        let answers = [
            record("other.example.com.", alias("elsewhere.example.net.")),
            record("API.example.com.", alias("Env-1.GW.run.localhost.")),
        ];
        let answer = cname_of(&answers, "api.example.com");
        assert_eq!(answer, CnameAnswer::Cname(TARGET.into()));
        assert_eq!(classify(&answer, TARGET), DnsStatus::Ok);
        let only_a = [record("api.example.com.", RData::A(A::new(192, 0, 2, 1)))];
        assert_eq!(cname_of(&only_a, "api.example.com"), CnameAnswer::NoCname);
        assert_eq!(cname_of(&answers[..1], "api.example.com"), CnameAnswer::NoCname);
    }

    #[test]
    fn r_dom_3_the_target_is_one_per_environment_and_any_of_them_is_the_platforms() {
        assert_eq!(cname_target("env-1"), TARGET);
        for (answer, platform) in [
            (CnameAnswer::Cname("env-2.gw.run.localhost.".into()), DnsStatus::Ok),
            (CnameAnswer::Cname("ENV-1.GW.run.localhost".into()), DnsStatus::Ok),
            (CnameAnswer::Cname("gw.run.localhost".into()), DnsStatus::Invalid),
            (CnameAnswer::Cname("a.b.gw.run.localhost".into()), DnsStatus::Invalid),
            (CnameAnswer::Cname("env-1.gw.run.localhost.evil.com".into()), DnsStatus::Invalid),
            (CnameAnswer::NoCname, DnsStatus::Empty),
            (CnameAnswer::Unresolved, DnsStatus::Unresolved),
        ] {
            assert_eq!(classify_platform(&answer), platform, "{answer:?}");
        }
    }

    #[tokio::test]
    async fn a_lookup_answers_within_the_deadline_and_is_cached() {
        // Whatever this machine's network: a known answer, in time.
        let domains = ["no-such-name.invalid".to_string(), "no-such-name.invalid".to_string()];
        let started = Instant::now();
        let first = answers(&domains).await;
        assert!(started.elapsed() < LOOKUP_TIMEOUT + Duration::from_millis(500), "{:?}", started.elapsed());
        assert!(matches!(first[0], CnameAnswer::NoCname | CnameAnswer::Unresolved), "{first:?}");
        assert_eq!(first[0], first[1]);
        assert!(CACHE.lock().unwrap().contains_key(&domains[0]));
        assert_eq!(answers(&domains).await, first);
    }
}
