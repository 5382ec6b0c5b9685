//! The accept loop. `axum::serve` sets no timer, so a client that sends half
//! a request head, or nothing at all, or keeps an idle keep-alive connection,
//! holds a socket forever; enough of them exhaust the file limit and the
//! console stops answering. Here every connection gets a deadline for each
//! request head, from its first byte on (which also bounds idle keep-alives,
//! as hyper starts that clock whenever it waits for a head); at most
//! `max_connections` are served at once, the rest waiting in the kernel's
//! backlog instead of taking descriptors; and one address holds at most
//! `max_per_address` of them, so a single client cannot take them all.
//!
//! HTTP/1.1 only: browsers speak HTTP/2 only over TLS, which a proxy in
//! front terminates, and HTTP/2's connection preface would be read with no
//! deadline.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tower::ServiceExt;

/// How the loop bounds its clients.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    /// Connections one address may hold (trusted proxies excepted).
    pub max_per_address: usize,
    /// Proxies that carry many users' connections.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// For a request head to arrive, and for an idle connection to send its next one.
    pub head_timeout: Duration,
}

/// Open connections per address; an entry leaves with its last connection.
#[derive(Default)]
struct PerAddress(Mutex<HashMap<IpAddr, usize>>);

impl PerAddress {
    fn enter(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = map.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot { table: self.clone(), ip })
    }
}

struct AddressSlot {
    table: Arc<PerAddress>,
    ip: IpAddr,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut map = self.table.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Serves `router` until `stop` turns true; then stops accepting and waits
/// for the open connections (the caller bounds that wait). Dropping the
/// sender without a stop leaves it serving.
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, mut stop: watch::Receiver<bool>) {
    let stopped = async move {
        if stop.wait_for(|s| *s).await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(stopped);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let per_address = Arc::new(PerAddress::default());
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(limits.head_timeout);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stopped => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stopped => break,
        };
        let ip = peer.ip().to_canonical();
        let slot = if limits.trusted_proxies.iter().any(|net| net.contains(&ip)) {
            None
        } else {
            match per_address.enter(crate::http::client::address_key(ip), limits.max_per_address.max(1)) {
                Some(slot) => Some(slot),
                // Closing at once tells the client; its other connections go on.
                None => continue,
            }
        };
        // The peer address feeds the sign-in limits (`ConnectInfo`).
        let service = router.clone().map_request(move |mut req: axum::http::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            req
        });
        let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
        tokio::spawn(async move {
            // A client that vanished or timed out is not the server's error.
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection ended");
            }
            drop((permit, slot));
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
