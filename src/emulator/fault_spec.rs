//! The fault SPEC: its parser, its canonical text and the per-server state
//! (the `rate-limit=N` counter). Pure: no HTTP here; the middleware that
//! applies a config is `super::faults`. The syntax is documented in the
//! module docs of [`crate::emulator`].

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::Value;

use super::EmulatorError;
use crate::api::paths;
use crate::api::types::json_kind;
use crate::duration::parse_duration;

/// How 429 answers are chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RateLimit {
    /// Every Nth matching request (N ≥ 1).
    Every(u64),
    /// Each matching request with this probability.
    Rate(f64),
}

/// A parsed fault spec. `Default` is "no faults".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FaultConfig {
    pub latency: Option<Duration>,
    pub error_rate: f64,
    pub rate_limit: Option<RateLimit>,
    /// Every matching request is answered with this 4xx/5xx status (and the
    /// Lepton error body of that status), not applied.
    pub status: Option<u16>,
    pub retry_after: Option<u64>,
    pub hang: Option<Duration>,
    pub malformed: f64,
    pub truncate: f64,
    pub unknown_enums: f64,
    pub bad_items: usize,
    pub big_lists: usize,
    /// Writes only: store the change, then answer 500 (with this probability).
    pub fail_after_apply: f64,
    /// Writes only: store the change, then close the connection without an
    /// answer (with this probability).
    pub reset_after_apply: f64,
    /// Writes only: store the change, then hold the answer this long.
    pub hang_after_apply: Option<Duration>,
    /// Path prefixes (relative to the workspace base) the faults apply to;
    /// empty = every API path.
    pub only: Vec<String>,
}

/// Largest `big-lists` value accepted (keeps one list under ~100 MB of JSON).
pub const MAX_BIG_LIST: usize = 200_000;
/// Largest `bad-items` value accepted.
pub const MAX_BAD_ITEMS: usize = 1_000;

const KNOWN_KEYS: &str = "latency, error-rate, rate-limit, retry-after, status, hang, malformed, \
                          truncate, unknown-enums, bad-items, big-lists, fail-after-apply, \
                          reset-after-apply, hang-after-apply, only";

impl FaultConfig {
    /// Parse a SPEC: comma-separated `key=value` items; `""` or `none` = no faults.
    pub fn parse(spec: &str) -> Result<Self, EmulatorError> {
        let err = |m: String| EmulatorError::FaultSpec(m);
        let mut cfg = FaultConfig::default();
        let trimmed = spec.trim();
        if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("none") {
            return Ok(cfg);
        }
        let mut seen: Vec<String> = Vec::new();
        for raw in trimmed.split(',') {
            let item = raw.trim();
            if item.is_empty() {
                return Err(err(format!("empty item in {trimmed:?} (stray comma?)")));
            }
            let (key, value) = match item.split_once('=') {
                Some((k, v)) => (
                    k.trim().to_ascii_lowercase().replace('_', "-"),
                    Some(v.trim()),
                ),
                None => (item.to_ascii_lowercase().replace('_', "-"), None),
            };
            if seen.contains(&key) {
                return Err(err(format!("{key:?} is given twice")));
            }
            seen.push(key.clone());
            let need = |v: Option<&str>| -> Result<String, EmulatorError> {
                match v {
                    Some(v) if !v.is_empty() => Ok(v.to_string()),
                    _ => Err(err(format!("{key} needs a value, e.g. {}", example(&key)))),
                }
            };
            match key.as_str() {
                "latency" => cfg.latency = Some(duration(&key, &need(value)?)?),
                "hang" => cfg.hang = Some(duration(&key, &need(value)?)?),
                "hang-after-apply" => cfg.hang_after_apply = Some(duration(&key, &need(value)?)?),
                "fail-after-apply" => cfg.fail_after_apply = flag_rate(&key, value)?,
                "reset-after-apply" => cfg.reset_after_apply = flag_rate(&key, value)?,
                "error-rate" => cfg.error_rate = rate(&key, &need(value)?)?,
                "malformed" => cfg.malformed = flag_rate(&key, value)?,
                "truncate" | "truncated" => cfg.truncate = flag_rate(&key, value)?,
                "unknown-enums" => cfg.unknown_enums = flag_rate(&key, value)?,
                "rate-limit" => {
                    let v = need(value)?;
                    cfg.rate_limit = Some(if v.contains('.') {
                        RateLimit::Rate(rate(&key, &v)?)
                    } else {
                        match v.parse::<u64>() {
                            Ok(n) if n >= 1 => RateLimit::Every(n),
                            _ => {
                                return Err(err(format!(
                                    "rate-limit={v}: use a whole number N >= 1 (every Nth request) \
                                     or a rate like 0.2"
                                )));
                            }
                        }
                    });
                }
                "retry-after" => {
                    let v = need(value)?;
                    let secs = v.trim_end_matches('s').parse::<u64>().map_err(|_| {
                        err(format!(
                            "retry-after={v}: use whole seconds, e.g. retry-after=2"
                        ))
                    })?;
                    cfg.retry_after = Some(secs);
                }
                "status" => {
                    let v = need(value)?;
                    match v.parse::<u16>() {
                        Ok(n) if (400..=599).contains(&n) => cfg.status = Some(n),
                        _ => {
                            return Err(err(format!(
                                "status={v}: use an HTTP error status 400..=599, e.g. status=403"
                            )));
                        }
                    }
                }
                "bad-items" => cfg.bad_items = count(&key, value, 1, MAX_BAD_ITEMS)?,
                "big-lists" => cfg.big_lists = count(&key, value, 10_000, MAX_BIG_LIST)?,
                "only" => {
                    let v = need(value)?;
                    for p in v.split('|') {
                        let p = p.trim();
                        if !p.starts_with('/') {
                            return Err(err(format!(
                                "only={v}: each path must start with '/', e.g. only={}|{}",
                                paths::SECRETS,
                                paths::TOKENS
                            )));
                        }
                        let p = if p.len() > 1 {
                            p.trim_end_matches('/')
                        } else {
                            p
                        };
                        cfg.only.push(p.to_string());
                    }
                }
                other => {
                    return Err(err(format!(
                        "unknown fault {other:?} (known: {KNOWN_KEYS})"
                    )));
                }
            }
        }
        if cfg.retry_after.is_some() && cfg.rate_limit.is_none() {
            return Err(err("retry-after only makes sense with rate-limit".into()));
        }
        Ok(cfg)
    }

    /// Parse the JSON form accepted by `POST /_emulator/faults`:
    /// `{"spec": "..."}`, a JSON string, or an object of `key: value` pairs
    /// (`true` for flags), e.g. `{"latency": "200ms", "error-rate": 0.3}`.
    pub fn from_json(value: &Value) -> Result<Self, EmulatorError> {
        match value {
            Value::String(s) => Self::parse(s),
            Value::Null => Ok(FaultConfig::default()),
            Value::Object(map) => {
                if let Some(spec) = map.get("spec") {
                    return match spec {
                        Value::String(s) if map.len() == 1 => Self::parse(s),
                        Value::Null if map.len() == 1 => Ok(FaultConfig::default()),
                        _ => Err(EmulatorError::FaultSpec(
                            "\"spec\" must be the only key and hold a string".into(),
                        )),
                    };
                }
                let mut items = Vec::new();
                for (k, v) in map {
                    match v {
                        Value::Bool(true) => items.push(k.clone()),
                        Value::Bool(false) | Value::Null => {}
                        Value::String(s) => items.push(format!("{k}={s}")),
                        Value::Number(n) => items.push(format!("{k}={n}")),
                        _ => {
                            return Err(EmulatorError::FaultSpec(format!(
                                "{k}: expected a string, number or boolean"
                            )));
                        }
                    }
                }
                Self::parse(&items.join(","))
            }
            other => Err(EmulatorError::FaultSpec(format!(
                "expected an object or a string, got {}",
                json_kind(other)
            ))),
        }
    }

    /// True when no fault is configured.
    pub fn is_empty(&self) -> bool {
        *self == FaultConfig::default()
    }

    /// Whether the faults apply to a path relative to the workspace base
    /// (`/` for the resolver itself).
    pub fn matches(&self, suffix: &str) -> bool {
        self.only.is_empty()
            || self
                .only
                .iter()
                .any(|p| suffix == p || suffix.starts_with(&format!("{p}/")))
    }

    pub(crate) fn touches_lists(&self) -> bool {
        self.unknown_enums > 0.0 || self.bad_items > 0 || self.big_lists > 0
    }

    pub(crate) fn after_apply(&self) -> bool {
        self.fail_after_apply > 0.0
            || self.reset_after_apply > 0.0
            || self.hang_after_apply.is_some()
    }
}

/// The canonical spec text (parses back to the same config).
impl fmt::Display for FaultConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items: Vec<String> = Vec::new();
        if let Some(d) = self.latency {
            items.push(format!("latency={}ms", d.as_millis()));
        }
        if self.error_rate > 0.0 {
            items.push(format!("error-rate={}", self.error_rate));
        }
        match self.rate_limit {
            Some(RateLimit::Every(n)) => items.push(format!("rate-limit={n}")),
            Some(RateLimit::Rate(r)) => items.push(format!("rate-limit={r:?}")),
            None => {}
        }
        if let Some(s) = self.retry_after {
            items.push(format!("retry-after={s}"));
        }
        if let Some(s) = self.status {
            items.push(format!("status={s}"));
        }
        if let Some(d) = self.hang {
            items.push(format!("hang={}ms", d.as_millis()));
        }
        if self.malformed > 0.0 {
            items.push(format!("malformed={}", self.malformed));
        }
        if self.truncate > 0.0 {
            items.push(format!("truncate={}", self.truncate));
        }
        if self.unknown_enums > 0.0 {
            items.push(format!("unknown-enums={}", self.unknown_enums));
        }
        if self.bad_items > 0 {
            items.push(format!("bad-items={}", self.bad_items));
        }
        if self.big_lists > 0 {
            items.push(format!("big-lists={}", self.big_lists));
        }
        if self.fail_after_apply > 0.0 {
            items.push(format!("fail-after-apply={}", self.fail_after_apply));
        }
        if self.reset_after_apply > 0.0 {
            items.push(format!("reset-after-apply={}", self.reset_after_apply));
        }
        if let Some(d) = self.hang_after_apply {
            items.push(format!("hang-after-apply={}ms", d.as_millis()));
        }
        if !self.only.is_empty() {
            items.push(format!("only={}", self.only.join("|")));
        }
        if items.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&items.join(","))
        }
    }
}

fn example(key: &str) -> String {
    match key {
        "latency" => "latency=200ms",
        "hang" | "hang-after-apply" => "hang=30s",
        "error-rate" => "error-rate=0.3",
        "rate-limit" => "rate-limit=5 or rate-limit=0.2",
        "retry-after" => "retry-after=2",
        "status" => "status=403",
        "only" => return format!("only={}", paths::SECRETS),
        _ => "key=value",
    }
    .to_string()
}

fn duration(key: &str, v: &str) -> Result<Duration, EmulatorError> {
    parse_duration(v).map_err(|e| EmulatorError::FaultSpec(format!("{key}: {e}")))
}

fn rate(key: &str, v: &str) -> Result<f64, EmulatorError> {
    let r = v.trim_end_matches('%');
    let mut n: f64 = r.parse().map_err(|_| {
        EmulatorError::FaultSpec(format!(
            "{key}={v}: expected a rate between 0 and 1, e.g. 0.3"
        ))
    })?;
    if v.ends_with('%') {
        n /= 100.0;
    }
    if !(0.0..=1.0).contains(&n) || !n.is_finite() {
        return Err(EmulatorError::FaultSpec(format!(
            "{key}={v}: a rate must be between 0 and 1"
        )));
    }
    Ok(n)
}

fn flag_rate(key: &str, v: Option<&str>) -> Result<f64, EmulatorError> {
    match v {
        None => Ok(1.0),
        Some(v) if v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("on") => Ok(1.0),
        Some(v) if v.eq_ignore_ascii_case("false") || v.eq_ignore_ascii_case("off") => Ok(0.0),
        Some(v) => rate(key, v),
    }
}

fn count(key: &str, v: Option<&str>, default: usize, max: usize) -> Result<usize, EmulatorError> {
    let Some(v) = v else { return Ok(default) };
    match v.replace('_', "").parse::<usize>() {
        Ok(n) if n <= max => Ok(n),
        Ok(_) => Err(EmulatorError::FaultSpec(format!(
            "{key}={v}: at most {max}"
        ))),
        Err(_) => Err(EmulatorError::FaultSpec(format!(
            "{key}={v}: expected a whole number"
        ))),
    }
}

/// A config plus the request counter of `rate-limit=N`.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub cfg: FaultConfig,
    counter: AtomicU64,
}

impl FaultState {
    pub fn new(cfg: FaultConfig) -> Self {
        FaultState {
            cfg,
            counter: AtomicU64::new(0),
        }
    }

    pub(crate) fn rate_limited(&self) -> bool {
        match self.cfg.rate_limit {
            None => false,
            Some(RateLimit::Every(n)) => {
                let i = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
                i.is_multiple_of(n)
            }
            Some(RateLimit::Rate(r)) => chance(r),
        }
    }
}

/// True with probability `rate` (0 never, 1 always).
pub(crate) fn chance(rate: f64) -> bool {
    rate >= 1.0 || (rate > 0.0 && fastrand::f64() < rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_spec_round_trips() {
        let spec = "latency=200ms,error-rate=0.3,rate-limit=5,retry-after=2,hang=30s,malformed=1,\
                    truncate=0.5,unknown-enums,bad-items=2,big-lists=10000,only=/usersecrets|/tokens";
        let cfg = FaultConfig::parse(spec).unwrap();
        assert_eq!(cfg.latency, Some(Duration::from_millis(200)));
        assert_eq!(cfg.rate_limit, Some(RateLimit::Every(5)));
        assert_eq!(cfg.hang, Some(Duration::from_secs(30)));
        assert_eq!(cfg.unknown_enums, 1.0);
        assert_eq!(cfg.big_lists, 10_000);
        assert_eq!(cfg.only, ["/usersecrets", "/tokens"]);
        assert_eq!(FaultConfig::parse(&cfg.to_string()).unwrap(), cfg);
        assert_eq!(
            FaultConfig::parse("rate-limit=0.25").unwrap().rate_limit,
            Some(RateLimit::Rate(0.25))
        );
        let after =
            FaultConfig::parse("fail-after-apply,reset-after-apply=0.5,hang-after-apply=3s")
                .unwrap();
        assert_eq!(after.fail_after_apply, 1.0);
        assert_eq!(after.reset_after_apply, 0.5);
        assert_eq!(after.hang_after_apply, Some(Duration::from_secs(3)));
        assert_eq!(FaultConfig::parse(&after.to_string()).unwrap(), after);
        let st = FaultConfig::parse("status=403,only=/templates/private").unwrap();
        assert_eq!(st.status, Some(403));
        assert_eq!(FaultConfig::parse(&st.to_string()).unwrap(), st);
        assert!(FaultConfig::parse("status=200").is_err());
        assert!(FaultConfig::parse("status").is_err());
        assert!(FaultConfig::parse("none").unwrap().is_empty());
        assert_eq!(FaultConfig::default().to_string(), "none");
    }

    #[test]
    fn bad_specs_are_clear_errors() {
        for (spec, needle) in [
            ("lag=1s", "unknown fault \"lag\""),
            ("error-rate=2", "between 0 and 1"),
            ("error-rate", "needs a value"),
            ("latency=fast", "latency"),
            ("rate-limit=0", "N >= 1"),
            ("retry-after=2", "only makes sense with rate-limit"),
            ("only=usersecrets", "must start with '/'"),
            ("latency=1s,latency=2s", "given twice"),
            ("latency=1s,,hang=2s", "stray comma"),
            ("big-lists=lots", "whole number"),
            ("hang-after-apply", "needs a value"),
            ("fail-after-apply=3", "between 0 and 1"),
        ] {
            let e = FaultConfig::parse(spec).unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
        }
    }

    #[test]
    fn json_forms() {
        let a = FaultConfig::from_json(&serde_json::json!({"spec": "latency=1s"})).unwrap();
        let b = FaultConfig::from_json(&serde_json::json!({"latency": "1s"})).unwrap();
        let c = FaultConfig::from_json(&serde_json::json!("latency=1s")).unwrap();
        assert_eq!(a, b);
        assert_eq!(b, c);
        let d = FaultConfig::from_json(&serde_json::json!({"unknown-enums": true, "big-lists": 5}))
            .unwrap();
        assert_eq!(d.big_lists, 5);
        assert!(FaultConfig::from_json(&serde_json::json!([1])).is_err());
    }

    #[test]
    fn path_filter() {
        let cfg = FaultConfig::parse("malformed,only=/usersecrets|/templates").unwrap();
        assert!(cfg.matches("/usersecrets"));
        assert!(cfg.matches("/usersecrets/A"));
        assert!(cfg.matches("/templates/public/mpi"));
        assert!(!cfg.matches("/usersecretsX"));
        assert!(!cfg.matches("/workspace"));
        assert!(!cfg.matches("/"));
    }

    #[test]
    fn rate_limit_every_nth() {
        let st = FaultState::new(FaultConfig::parse("rate-limit=3").unwrap());
        let hits: Vec<bool> = (0..6).map(|_| st.rate_limited()).collect();
        assert_eq!(hits, [false, false, true, false, false, true]);
    }
}
