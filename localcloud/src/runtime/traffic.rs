//! A service's traffic split, one source of truth for the gateway and the
//! API: the stable version (`services.online_version`) takes every request
//! unless a gray release is open (R-UPD-2, R-UPD-6); then its release order
//! gives the canary a percentage of the requests, at random (FLOW), or the
//! requests whose query string carries a chosen parameter value (URL_PARAMS,
//! R-UPD-4). [`choose`] decides one request, with no IO, by the same rule as
//! the console's "which version serves this URL?" tester
//! (`console_shared::traffic`).

use console_shared::traffic::{self as rule, UrlRule, to_canary};
use console_shared::vocab::{EnvId, ServiceName, TrafficType, VersionName};

/// An open release order, as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub canary: VersionName,
    /// How it splits: the canary's percentage, or a URL rule sending the
    /// requests it claims to the canary (`to_canary`) or to the stable version.
    pub split: rule::Split,
}

impl Order {
    /// An order from its stored columns (`release_orders`).
    pub fn from_columns(
        canary: &str,
        traffic_type: &str,
        canary_percent: i64,
        url_key: &str,
        url_value: &str,
        url_version: &str,
    ) -> Order {
        let split = match TrafficType::from(traffic_type) {
            TrafficType::UrlParams => rule::Split::Url {
                rule: UrlRule { key: url_key.into(), value: url_value.into() },
                to_canary: url_version == canary,
            },
            _ => rule::Split::Percent(canary_percent.clamp(0, 100) as u8),
        };
        Order { canary: VersionName::from_cloud(canary), split }
    }
}

/// The version that serves one request: `roll` is a uniform draw in 0..100,
/// `query` the request's raw query string.
pub fn choose(stable: &VersionName, order: Option<&Order>, query: Option<&str>, roll: u8) -> VersionName {
    match order {
        Some(o) if to_canary(&o.split, query, roll) => o.canary.clone(),
        _ => stable.clone(),
    }
}

/// Each version with traffic and its share in percent, stable first, as the
/// service detail and the records show them: during a URL-parameter rule the
/// default version has 100 and the rule's version 0 (it serves only the
/// requests the rule claims).
pub fn shares(stable: &VersionName, order: Option<&Order>) -> Vec<(VersionName, u32)> {
    match order {
        None => vec![(stable.clone(), 100)],
        Some(o) => {
            let canary = match &o.split {
                rule::Split::Percent(percent) => u32::from(*percent),
                rule::Split::Url { to_canary: true, .. } => 0,
                rule::Split::Url { to_canary: false, .. } => 100,
            };
            vec![(stable.clone(), 100 - canary), (o.canary.clone(), canary)]
        }
    }
}

/// A service's split: its stable version and its open release order.
pub struct Split {
    pub env: EnvId,
    pub service: ServiceName,
    pub stable: VersionName,
    pub order: Option<Order>,
}

impl Split {
    /// Whether `version` has traffic: it is the stable version or the
    /// canary of the open gray release (at 0 % too: it is part of the release).
    pub fn serves(&self, version: &VersionName) -> bool {
        &self.stable == version || self.order.as_ref().is_some_and(|o| &o.canary == version)
    }
}

/// The columns [`Split`] reads, with the open order's if there is one.
const SPLIT: &str = "SELECT s.env_id, s.server_name, s.online_version, o.canary_version, o.traffic_type,
    o.canary_percent, o.url_key, o.url_value, o.url_version
    FROM services s LEFT JOIN release_orders o
    ON o.env_id = s.env_id AND o.server_name = s.server_name AND o.status = 'open'
    WHERE s.online_version IS NOT NULL";

type SplitRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn split_of(row: SplitRow) -> Split {
    let (env, service, stable, canary, traffic_type, percent, key, value, url_version) = row;
    let order = canary.map(|canary| {
        Order::from_columns(
            &canary,
            traffic_type.as_deref().unwrap_or_default(),
            percent.unwrap_or(0),
            key.as_deref().unwrap_or_default(),
            value.as_deref().unwrap_or_default(),
            url_version.as_deref().unwrap_or_default(),
        )
    });
    Split {
        env: EnvId::from_cloud(env),
        service: ServiceName::from_cloud(service),
        stable: VersionName::from_cloud(stable),
        order,
    }
}

/// The split of the service whose default domain is `domain`; `None` when no
/// service there has a version online.
pub async fn by_domain(db: &sqlx::SqlitePool, domain: &str) -> sqlx::Result<Option<Split>> {
    let row: Option<SplitRow> =
        sqlx::query_as(&format!("{SPLIT} AND s.default_domain = ?")).bind(domain).fetch_optional(db).await?;
    Ok(row.map(split_of))
}

/// The split of a service; `None` when it has no version online.
pub async fn of_service(db: impl sqlx::SqliteExecutor<'_>, env: &str, service: &str) -> sqlx::Result<Option<Split>> {
    let row: Option<SplitRow> = sqlx::query_as(&format!("{SPLIT} AND s.env_id = ? AND s.server_name = ?"))
        .bind(env)
        .bind(service)
        .fetch_optional(db)
        .await?;
    Ok(row.map(split_of))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(name: &str) -> VersionName {
        VersionName::from_cloud(name)
    }

    fn flow(percent: u8) -> Order {
        Order { canary: v("app-002"), split: rule::Split::Percent(percent) }
    }

    fn url(value: &str, to: &str) -> Order {
        let claims = UrlRule { key: "beta".into(), value: value.into() };
        Order { canary: v("app-002"), split: rule::Split::Url { rule: claims, to_canary: to == "app-002" } }
    }

    #[test]
    fn without_an_order_the_stable_version_takes_everything() {
        for roll in [0, 50, 99] {
            assert_eq!(choose(&v("app-001"), None, Some("beta=1"), roll), v("app-001"));
        }
        assert_eq!(shares(&v("app-001"), None), vec![(v("app-001"), 100)]);
    }

    #[test]
    fn flow_sends_the_rolls_below_the_canary_percent_to_the_canary() {
        let stable = v("app-001");
        let thirty = flow(30);
        let canary = (0..100).filter(|roll| choose(&stable, Some(&thirty), None, *roll) == v("app-002")).count();
        assert_eq!(canary, 30);
        assert_eq!(choose(&stable, Some(&flow(0)), None, 0), stable);
        assert_eq!(choose(&stable, Some(&flow(100)), None, 99), v("app-002"));
        assert_eq!(shares(&stable, Some(&thirty)), vec![(stable.clone(), 70), (v("app-002"), 30)]);
    }

    #[test]
    fn url_params_route_a_matching_query_and_default_the_rest() {
        let stable = v("app-001");
        let rule = url("on", "app-002");
        let to = |query: Option<&str>| choose(&stable, Some(&rule), query, 0);
        assert_eq!(to(Some("beta=on")), v("app-002"));
        assert_eq!(to(Some("x=1&beta=on&y=2")), v("app-002"));
        assert_eq!(to(Some("beta=off")), stable);
        assert_eq!(to(Some("beta")), stable);
        assert_eq!(to(Some("betas=on")), stable);
        assert_eq!(to(None), stable);
        // The rule may send its requests to the stable version instead.
        let back = url("on", "app-001");
        assert_eq!(choose(&stable, Some(&back), Some("beta=on"), 0), stable);
        assert_eq!(choose(&stable, Some(&back), None, 0), v("app-002"));
        assert_eq!(shares(&stable, Some(&rule)), vec![(stable.clone(), 100), (v("app-002"), 0)]);
        assert_eq!(shares(&stable, Some(&back)), vec![(stable, 0), (v("app-002"), 100)]);
    }

    #[test]
    fn stored_columns_read_back_as_the_rule() {
        assert_eq!(Order::from_columns("app-002", "FLOW", 30, "", "", ""), flow(30));
        assert_eq!(Order::from_columns("app-002", "URL_PARAMS", 30, "beta", "on", "app-002"), url("on", "app-002"));
        assert_eq!(Order::from_columns("app-002", "URL_PARAMS", 0, "beta", "on", "app-001"), url("on", "app-001"));
    }

    #[test]
    fn the_stable_version_and_an_open_canary_have_traffic() {
        let split = |order| Split {
            env: EnvId::from_cloud("e"),
            service: ServiceName::from_cloud("app"),
            stable: v("app-001"),
            order,
        };
        assert!(split(None).serves(&v("app-001")));
        assert!(!split(None).serves(&v("app-002")));
        assert!(split(Some(flow(0))).serves(&v("app-002")), "a canary at 0 % is part of the release");
        assert!(!split(Some(flow(50))).serves(&v("app-000")));
    }
}
