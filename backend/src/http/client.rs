//! Who a request comes from on the network: the client's address behind
//! trusted proxies, and the key an address is counted under (an IPv6 client
//! is its /64), for the connection caps and the sign-in limits alike.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use ipnet::IpNet;

/// The client's address: the peer, or — when the peer is a trusted proxy —
/// the nearest address in `X-Forwarded-For` that is not one of them, walking
/// from the right. Everything left of the first untrusted hop (or of a hop
/// that does not parse) was written by the client and is never used.
pub fn client_ip(trusted_proxies: &[IpNet], connect: &ConnectInfo<SocketAddr>, headers: &HeaderMap) -> IpAddr {
    // A dual-stack listener shows IPv4 peers as `::ffff:a.b.c.d`.
    let mut client = connect.0.ip().to_canonical();
    let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
    if !trusted(&client) {
        return client;
    }
    let hops: Vec<&str> =
        headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else { break };
        client = ip.to_canonical();
        if !trusted(&client) {
            break;
        }
    }
    client
}

/// IPv6 clients get a /64 each from their provider: they count by it.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}
