//! What a running service shows of itself: its runtime logs (`logs`: the
//! lines its instances write, stored, kept for the retention period and
//! searched by `SearchClsLog`) and its metrics (`metrics`: what the gateway
//! counts per request and what the sampler reads of the instances, served by
//! `DescribeCurveData`). Both live in `observe.db`, beside the state in
//! `localcloud.db`: telemetry is written constantly and pruned by age, and
//! keeping it apart keeps the state's file small and its write lock free.

pub mod logs;
pub mod metrics;

use std::path::Path;

use crate::store;

/// Opens (or creates) `observe.db` in `data_dir`, as the state's database
/// is opened (WAL, private to this user), with the telemetry's schema.
pub async fn open(data_dir: &Path) -> Result<sqlx::SqlitePool, store::OpenError> {
    store::open_with(&data_dir.join("observe.db"), &sqlx::migrate!("./migrations-observe")).await
}
