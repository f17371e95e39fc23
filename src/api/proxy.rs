//! Which proxy a request to the workspace goes through, from the same
//! variables `lep` (Python `requests`) and curl honour: `HTTPS_PROXY` for
//! https URLs, `HTTP_PROXY` for http URLs, `ALL_PROXY` for either, each also
//! in lower case, and `NO_PROXY` (comma-separated hosts, domain suffixes,
//! IP addresses, or `*`).
//!
//! The client is built with reqwest's own environment/system lookup turned
//! off and this choice set explicitly, so `lepdash info` reports exactly the
//! proxy the client uses, whatever reqwest features are enabled. Loopback is
//! not excluded unless `NO_PROXY` says so (as in `requests`).

use std::net::IpAddr;

use reqwest::Url;

/// The proxy chosen for a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyChoice {
    /// The proxy URL as configured (may hold credentials: never print it,
    /// print [`ProxyChoice::display`]).
    pub url: String,
    /// The variable it came from (`HTTPS_PROXY`, `http_proxy`, …).
    pub var: &'static str,
}

impl ProxyChoice {
    /// `http://proxy.corp:3128 (HTTPS_PROXY)`: scheme, host and port only,
    /// never a user name or password.
    pub fn display(&self) -> String {
        let shown = match Url::parse(&self.url) {
            Ok(u) => match (u.host_str(), u.port_or_known_default()) {
                (Some(h), Some(p)) => format!("{}://{h}:{p}", u.scheme()),
                (Some(h), None) => format!("{}://{h}", u.scheme()),
                _ => "(unparsable URL)".to_string(),
            },
            Err(_) => "(unparsable URL)".to_string(),
        };
        format!("{shown} ({})", self.var)
    }
}

fn first(
    env: &dyn Fn(&str) -> Option<String>,
    names: &[&'static str],
) -> Option<(String, &'static str)> {
    names.iter().find_map(|n| {
        env(n)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .map(|v| (v, *n))
    })
}

/// Whether `NO_PROXY` (a comma-separated list) exempts `host`.
pub fn no_proxy_matches(list: &str, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let host_ip: Option<IpAddr> = host.parse().ok();
    list.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            // `host:port` entries: the port is ignored, as curl does.
            let entry = match entry.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') && p.chars().all(|c| c.is_ascii_digit()) => h,
                _ => entry,
            };
            let entry = entry.trim_start_matches('[').trim_end_matches(']');
            if let Some(ip) = host_ip {
                if let Some((net, bits)) = entry.split_once('/') {
                    return cidr_contains(net, bits, ip);
                }
                return entry.parse::<IpAddr>().is_ok_and(|e| e == ip);
            }
            let entry = entry.trim_start_matches('.').to_ascii_lowercase();
            let host = host.to_ascii_lowercase();
            host == entry || host.ends_with(&format!(".{entry}"))
        })
}

fn cidr_contains(net: &str, bits: &str, ip: IpAddr) -> bool {
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(i)) if bits <= 32 => {
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(i) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(i)) if bits <= 128 => {
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(i) & mask
        }
        _ => false,
    }
}

/// The proxy for requests to `url`, or `None` (direct).
pub fn proxy_for(url: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<ProxyChoice> {
    let u = Url::parse(url.trim()).ok()?;
    let host = u.host_str()?;
    if let Some((list, _)) = first(env, &["NO_PROXY", "no_proxy"])
        && no_proxy_matches(&list, host)
    {
        return None;
    }
    let by_scheme: &[&'static str] = match u.scheme() {
        "https" => &["HTTPS_PROXY", "https_proxy"],
        "http" => &["HTTP_PROXY", "http_proxy"],
        _ => return None,
    };
    let (url, var) = first(env, by_scheme).or_else(|| first(env, &["ALL_PROXY", "all_proxy"]))?;
    Some(ProxyChoice { url, var })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn scheme_picks_the_variable_and_no_proxy_exempts() {
        let vars = [
            ("HTTPS_PROXY", "http://user:pw@proxy.corp:3128"),
            ("http_proxy", "http://127.0.0.1:9"),
            ("NO_PROXY", "internal.corp, .example.org,10.0.0.0/8,::1"),
        ];
        let e = env(&vars);
        let p = proxy_for(
            "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/x",
            &e,
        )
        .expect("https goes through HTTPS_PROXY");
        assert_eq!(p.var, "HTTPS_PROXY");
        assert_eq!(p.display(), "http://proxy.corp:3128 (HTTPS_PROXY)");
        assert!(!p.display().contains("pw"));
        assert_eq!(
            proxy_for("http://127.0.0.1:8080/api", &e).map(|p| p.var),
            Some("http_proxy"),
            "loopback is proxied unless NO_PROXY says otherwise"
        );
        for direct in [
            "https://internal.corp/x",
            "https://a.b.internal.corp/x",
            "https://www.example.org/",
            "https://10.1.2.3/",
            "http://[::1]:8080/",
        ] {
            assert_eq!(proxy_for(direct, &e), None, "{direct}");
        }
        assert!(proxy_for("https://notinternal.corp/", &e).is_some());
        assert_eq!(proxy_for("https://x/", &env(&[])), None);
        let all = [("ALL_PROXY", "socks5h://127.0.0.1:1080"), ("no_proxy", "*")];
        assert_eq!(
            proxy_for("https://x/", &env(&all[..1])).map(|p| p.var),
            Some("ALL_PROXY")
        );
        assert_eq!(proxy_for("https://x/", &env(&all)), None);
    }
}
