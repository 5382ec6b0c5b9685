//! The metrics' rows in `observe.db` (`migrations-observe/0002_metrics.sql`):
//! adding finished minutes, reading a range, and rolling old rows up.

use std::collections::HashMap;

use console_shared::vocab::VersionRef;
use sqlx::Row as _;

use super::{Histogram, MINUTE, Point, Row};

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// Days start at midnight in UTC+8, as `DescribeCurveData` reads them.
const UTC8: i64 = 8 * HOUR;

/// The tiers of the rollup: rows of `from` seconds older than `after`
/// become rows of `to` seconds.
const TIERS: [(i64, i64, i64); 3] = [(MINUTE, 300, DAY), (300, HOUR, 15 * DAY), (HOUR, DAY, 180 * DAY)];

/// Day rows older than this are deleted: past the longest range a curve
/// shows (180 days), with room to look back at last year.
const KEEP_DAYS_FOR: i64 = 365 * DAY;

const COLUMNS: &str = "env, service, version, at, span, requests, errors_4xx, errors_5xx, latency_ms, latency_hist, \
     cpu_core_secs, cpu_limit_secs, mem_byte_secs, mem_limit_byte_secs, instance_secs, instances_max, \
     unhealthy_secs, unhealthy_max";

/// The start of the `span`-long bucket `at` is in; days (and so every
/// shorter span, which divides 8 hours) are aligned in UTC+8.
pub fn align(at: i64, span: i64) -> i64 {
    (at + UTC8).div_euclid(span) * span - UTC8
}

fn histogram(text: &str) -> Histogram {
    let counts: Vec<i64> = serde_json::from_str(text).unwrap_or_default();
    let mut hist = Histogram::default();
    for (slot, count) in hist.iter_mut().zip(counts) {
        *slot = count;
    }
    hist
}

fn row(r: &sqlx::sqlite::SqliteRow) -> sqlx::Result<(String, String, Row)> {
    let hist: String = r.try_get("latency_hist")?;
    let point = Point {
        requests: r.try_get("requests")?,
        errors_4xx: r.try_get("errors_4xx")?,
        errors_5xx: r.try_get("errors_5xx")?,
        latency_ms: r.try_get("latency_ms")?,
        latency_hist: histogram(&hist),
        cpu_core_secs: r.try_get("cpu_core_secs")?,
        cpu_limit_secs: r.try_get("cpu_limit_secs")?,
        mem_byte_secs: r.try_get("mem_byte_secs")?,
        mem_limit_byte_secs: r.try_get("mem_limit_byte_secs")?,
        instance_secs: r.try_get("instance_secs")?,
        instances_max: r.try_get("instances_max")?,
        unhealthy_secs: r.try_get("unhealthy_secs")?,
        unhealthy_max: r.try_get("unhealthy_max")?,
    };
    let row = Row { version: r.try_get("version")?, at: r.try_get("at")?, span: r.try_get("span")?, point };
    Ok((r.try_get("env")?, r.try_get("service")?, row))
}

/// Adds `point` to the row of (`env`, `service`, `version`, `span`, `at`),
/// creating it: a minute written twice (the store failed in between, or
/// localcloud restarted within it) adds up.
async fn upsert(tx: &mut sqlx::SqliteConnection, env: &str, service: &str, row: &Row) -> sqlx::Result<()> {
    let existing = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM metric_points WHERE env = ? AND service = ? AND version = ? AND span = ? AND at = ?"
    ))
    .bind(env)
    .bind(service)
    .bind(&row.version)
    .bind(row.span)
    .bind(row.at)
    .fetch_optional(&mut *tx)
    .await?;
    let mut point = row.point.clone();
    if let Some(existing) = existing {
        point.merge(&self::row(&existing)?.2.point);
    }
    let p = &point;
    sqlx::query(&format!(
        "INSERT OR REPLACE INTO metric_points ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(env)
    .bind(service)
    .bind(&row.version)
    .bind(row.at)
    .bind(row.span)
    .bind(p.requests)
    .bind(p.errors_4xx)
    .bind(p.errors_5xx)
    .bind(p.latency_ms)
    .bind(serde_json::to_string(&p.latency_hist[..]).unwrap_or_else(|_| "[]".into()))
    .bind(p.cpu_core_secs)
    .bind(p.cpu_limit_secs)
    .bind(p.mem_byte_secs)
    .bind(p.mem_limit_byte_secs)
    .bind(p.instance_secs)
    .bind(p.instances_max)
    .bind(p.unhealthy_secs)
    .bind(p.unhealthy_max)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Adds finished minutes, in one transaction.
pub async fn add(db: &sqlx::SqlitePool, minutes: &[(VersionRef, i64, super::Point)]) -> sqlx::Result<()> {
    let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
    for (version, at, point) in minutes {
        let row = Row { version: version.version.as_str().to_string(), at: *at, span: MINUTE, point: point.clone() };
        upsert(&mut tx, version.env.as_str(), version.service.as_str(), &row).await?;
    }
    tx.commit().await
}

/// The stored rows of `version` (or, `whole`, of every version of its
/// service and of the service's own) that overlap `[from, to)`.
pub async fn rows(
    db: &sqlx::SqlitePool,
    version: &VersionRef,
    whole: bool,
    (from, to): (i64, i64),
) -> sqlx::Result<Vec<Row>> {
    let found = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM metric_points
         WHERE env = ?1 AND service = ?2 AND (?3 OR version = ?4) AND at < ?6 AND at + span > ?5"
    ))
    .bind(version.env.as_str())
    .bind(version.service.as_str())
    .bind(whole)
    .bind(version.version.as_str())
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await?;
    found.iter().map(|r| row(r).map(|(_, _, row)| row)).collect()
}

/// Rolls the rows that aged past their tier into the next one (sums add,
/// maxima take the larger, histograms add), and deletes day rows older than
/// a year. Only whole buckets of the next tier move, so a bucket is never
/// half in one tier and half in the other. One transaction per tier.
pub async fn rollup(db: &sqlx::SqlitePool, now: i64) -> sqlx::Result<()> {
    for (from, to, after) in TIERS {
        let before = align(now - after, to);
        let mut tx = db.begin_with("BEGIN IMMEDIATE").await?;
        let old = sqlx::query(&format!("SELECT {COLUMNS} FROM metric_points WHERE span = ? AND at < ?"))
            .bind(from)
            .bind(before)
            .fetch_all(&mut *tx)
            .await?;
        let mut merged: HashMap<(String, String, String, i64), Point> = HashMap::new();
        for r in &old {
            let (env, service, row) = row(r)?;
            merged.entry((env, service, row.version, align(row.at, to))).or_default().merge(&row.point);
        }
        sqlx::query("DELETE FROM metric_points WHERE span = ? AND at < ?")
            .bind(from)
            .bind(before)
            .execute(&mut *tx)
            .await?;
        for ((env, service, version, at), point) in merged {
            upsert(&mut tx, &env, &service, &Row { version, at, span: to, point }).await?;
        }
        tx.commit().await?;
    }
    sqlx::query("DELETE FROM metric_points WHERE span = ? AND at < ?")
        .bind(DAY)
        .bind(now - KEEP_DAYS_FOR)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(requests: i64, instances_max: i64) -> Point {
        let mut latency_hist = Histogram::default();
        latency_hist[2] = requests;
        Point {
            requests,
            errors_5xx: 1,
            latency_ms: 4.0 * requests as f64,
            latency_hist,
            cpu_core_secs: 0.5,
            instance_secs: 60.0,
            instances_max,
            ..Point::default()
        }
    }

    async fn all(db: &sqlx::SqlitePool) -> Vec<Row> {
        let found = sqlx::query(&format!("SELECT {COLUMNS} FROM metric_points ORDER BY span, at")).fetch_all(db).await;
        found.unwrap().iter().map(|r| row(r).unwrap().2).collect()
    }

    #[tokio::test]
    async fn r_obs_2_rollups_keep_the_sums_and_the_maxima() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::observe::open(dir.path()).await.unwrap();
        let v = VersionRef::from_cloud("env", "shop", "shop-001");
        // 2026-03-16 00:00 UTC+8, and ten minutes of it.
        let day = 1_773_590_400;
        let minutes: Vec<_> = (0..10).map(|m| (v.clone(), day + m * MINUTE, calls(m + 1, m % 3))).collect();
        add(&db, &minutes).await.unwrap();
        // Written twice (a retry after a failure): the minute adds up.
        add(&db, &minutes[..1]).await.unwrap();
        let want_requests = (1..=10).sum::<i64>() + 1;

        // A day and an hour later, minutes become two 5-minute rows.
        rollup(&db, day + DAY + HOUR).await.unwrap();
        let rows = all(&db).await;
        assert_eq!(rows.iter().map(|r| (r.at - day, r.span)).collect::<Vec<_>>(), [(0, 300), (300, 300)]);
        assert_eq!(rows.iter().map(|r| r.point.requests).sum::<i64>(), want_requests);
        assert_eq!(rows[0].point.instances_max, 2);
        assert_eq!(rows[0].point.latency_hist[2], 1 + 2 + 3 + 4 + 5 + 1);

        // Then an hour, then a day aligned to 00:00 UTC+8, then gone.
        rollup(&db, day + 16 * DAY).await.unwrap();
        rollup(&db, day + 182 * DAY).await.unwrap();
        let rows = all(&db).await;
        assert_eq!(rows.len(), 1);
        let only = &rows[0];
        assert_eq!((only.at, only.span, only.version.as_str()), (day, DAY, "shop-001"));
        let p = &only.point;
        assert_eq!((p.requests, p.errors_5xx, p.instances_max), (want_requests, 11, 2));
        assert!((p.latency_ms - 4.0 * want_requests as f64).abs() < 1e-9);
        assert!((p.cpu_core_secs - 5.5).abs() < 1e-9 && (p.instance_secs - 660.0).abs() < 1e-9);
        assert_eq!(p.latency_hist.iter().sum::<i64>(), want_requests);
        rollup(&db, day + 366 * DAY).await.unwrap();
        assert!(all(&db).await.is_empty());
    }

    #[test]
    fn days_align_to_midnight_in_utc8() {
        assert_eq!(align(1_773_590_400 + 5 * HOUR, DAY), 1_773_590_400);
        assert_eq!(align(1_773_590_400 + 299, 300), 1_773_590_400);
        assert_eq!(align(1_773_590_400 - 1, DAY), 1_773_590_400 - DAY);
    }
}
