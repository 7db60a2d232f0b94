//! Who the client is: the TCP peer, or, when the peer is one of our proxies, the rightmost
//! `X-Forwarded-For` address that is not one of them. A client can write any
//! `X-Forwarded-For` it likes, but only the hops our proxies appended to its right are true, so
//! the leftmost values (and a header line the client sent first) are never believed.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;

/// A set of addresses and networks, from a setting like `10.0.0.0/8, 127.0.0.1, ::1`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Networks(Vec<IpNet>);

impl Networks {
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is not an address or a CIDR"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Networks)
    }

    /// This machine only.
    pub fn loopback() -> Self {
        Networks(vec![
            "127.0.0.0/8".parse().expect("a CIDR"),
            "::1/128".parse().expect("a CIDR"),
        ])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }
}

/// The proxies whose forwarding headers are believed (`TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Networks);

impl TrustedProxies {
    /// Addresses or CIDRs, comma-separated: `10.0.0.0/8, 127.0.0.1, ::1`.
    pub fn parse(text: &str) -> Result<Self, String> {
        Networks::parse(text).map(TrustedProxies)
    }

    /// A proxy on this machine only: what `TRUST_FORWARDED_FOR` alone used to mean.
    pub fn loopback() -> Self {
        TrustedProxies(Networks::loopback())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        self.0.contains(address)
    }

    /// Whether the request came through one of our proxies, so its forwarding headers hold.
    pub fn forwarded(&self, extensions: &Extensions) -> bool {
        peer(extensions).is_some_and(|peer| self.contains(peer))
    }

    /// The client's address for a request.
    pub fn client(&self, headers: &HeaderMap, extensions: &Extensions) -> IpAddr {
        let peer = peer(extensions).unwrap_or(IpAddr::from([127, 0, 0, 1]));
        if !self.contains(peer) {
            return canonical(peer);
        }
        // Every header line, in order, as one list of hops; the nearest hop is the last.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(address) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = address;
            if !self.contains(address) {
                break;
            }
        }
        canonical(client)
    }
}

fn peer(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

/// An IPv4 address mapped into IPv6 is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// What per-address limits count by: the address, or for IPv6 its /64 (one subscriber holds a
/// whole /64, so per-address limits on IPv6 would be a limit per attempt).
pub fn limit_key(address: IpAddr) -> String {
    match canonical(address) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn request(peer: &str, lines: &[&str]) -> (HeaderMap, Extensions) {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append(
                "x-forwarded-for",
                HeaderValue::from_str(line).expect("value"),
            );
        }
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::new(
            peer.parse().expect("peer"),
            40_000,
        )));
        (headers, extensions)
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").expect("parse");
        let client = |peer: &str, lines: &[&str]| {
            let (headers, extensions) = request(peer, lines);
            proxies.client(&headers, &extensions).to_string()
        };
        // A direct client's header is ignored.
        assert_eq!(client("203.0.113.9", &["1.2.3.4"]), "203.0.113.9");
        // Behind our proxy: the hop it appended, not what the client wrote first.
        assert_eq!(
            client("10.0.0.2", &["1.2.3.4, 198.51.100.7"]),
            "198.51.100.7"
        );
        assert_eq!(
            client("10.0.0.2", &["1.2.3.4", "198.51.100.7"]),
            "198.51.100.7"
        );
        // Through two of our proxies.
        assert_eq!(
            client("10.0.0.2", &["198.51.100.7, 10.0.0.5"]),
            "198.51.100.7"
        );
        // A garbage hop stops the walk at the last good address.
        assert_eq!(
            client("10.0.0.2", &["nonsense, 198.51.100.7"]),
            "198.51.100.7"
        );
        // Our proxy without the header: the proxy itself.
        assert_eq!(client("10.0.0.2", &[]), "10.0.0.2");
    }

    #[test]
    fn ipv6_is_limited_per_64_and_mapped_ipv4_is_ipv4() {
        assert_eq!(
            limit_key("2001:db8:1:2:aaaa::1".parse().expect("v6")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            limit_key("2001:db8:1:2:bbbb::9".parse().expect("v6")),
            "2001:db8:1:2::/64"
        );
        assert_eq!(
            limit_key("::ffff:192.0.2.1".parse().expect("v6")),
            "192.0.2.1"
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::loopback().contains("::ffff:127.0.0.1".parse().expect("v6")));
    }
}
