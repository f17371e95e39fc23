//! Fault injection: the `SPEC` parser and the axum middleware that applies it
//! to API routes (never to `/_emulator/*`). The syntax is documented in the
//! module docs of [`crate::emulator`].

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde_json::Value;

use super::EmulatorError;
use super::error::HttpError;
use super::state::Shared;
use crate::api::paths;
use crate::api::types::*;
use crate::cli::parse_duration;

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

const KNOWN_KEYS: &str = "latency, error-rate, rate-limit, retry-after, hang, malformed, \
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
                "bad-items" => cfg.bad_items = count(&key, value, 1, MAX_BAD_ITEMS)?,
                "big-lists" => cfg.big_lists = count(&key, value, 10_000, MAX_BIG_LIST)?,
                "only" => {
                    let v = need(value)?;
                    for p in v.split('|') {
                        let p = p.trim();
                        if !p.starts_with('/') {
                            return Err(err(format!(
                                "only={v}: each path must start with '/', e.g. only=/usersecrets|/tokens"
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

    fn touches_lists(&self) -> bool {
        self.unknown_enums > 0.0 || self.bad_items > 0 || self.big_lists > 0
    }

    fn after_apply(&self) -> bool {
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

fn example(key: &str) -> &'static str {
    match key {
        "latency" => "latency=200ms",
        "hang" | "hang-after-apply" => "hang=30s",
        "error-rate" => "error-rate=0.3",
        "rate-limit" => "rate-limit=5 or rate-limit=0.2",
        "retry-after" => "retry-after=2",
        "only" => "only=/usersecrets",
        _ => "key=value",
    }
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

    fn rate_limited(&self) -> bool {
        match self.cfg.rate_limit {
            None => false,
            Some(RateLimit::Every(n)) => {
                let i = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
                i % n == 0
            }
            Some(RateLimit::Rate(r)) => chance(r),
        }
    }
}

fn chance(rate: f64) -> bool {
    rate >= 1.0 || (rate > 0.0 && fastrand::f64() < rate)
}

/// The workspace id of an API path (`""` when there is none).
pub(crate) fn api_workspace(path: &str) -> &str {
    let rest = path
        .strip_prefix(paths::WORKSPACES_PREFIX)
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or("");
    rest.split('/').next().unwrap_or("")
}

/// The path of a request relative to its workspace base (`/` for the base).
pub(crate) fn api_suffix(path: &str) -> &str {
    let rest = path
        .strip_prefix(paths::WORKSPACES_PREFIX)
        .map(|r| r.trim_start_matches('/'))
        .unwrap_or(path);
    match rest.find('/') {
        Some(i) if i + 1 < rest.len() => &rest[i..],
        _ => "/",
    }
}

/// Which list a `GET` collection path returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Members,
    Tokens,
    Secrets,
    Registries,
    Templates,
}

fn list_kind(suffix: &str) -> Option<ListKind> {
    Some(match suffix {
        paths::USERS => ListKind::Members,
        paths::TOKENS => ListKind::Tokens,
        paths::SECRETS => ListKind::Secrets,
        paths::REGISTRIES => ListKind::Registries,
        paths::TEMPLATES_PUBLIC | paths::TEMPLATES_PRIVATE => ListKind::Templates,
        _ => return None,
    })
}

/// Upper bound on a response body the middleware rewrites.
const BODY_LIMIT: usize = 256 * 1024 * 1024;

/// The fault middleware, layered on the API routes only.
pub(crate) async fn middleware(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let faults = shared.faults();
    let suffix = api_suffix(req.uri().path()).to_string();
    shared.count_request(
        api_workspace(req.uri().path()),
        req.method().as_str(),
        &suffix,
    );
    if faults.cfg.is_empty() || !faults.cfg.matches(&suffix) {
        return next.run(req).await;
    }
    let cfg = &faults.cfg;
    if let Some(d) = cfg.latency {
        if !shared.sleep_unless_shutdown(d).await {
            return shutting_down();
        }
    }
    if let Some(d) = cfg.hang {
        if !shared.sleep_unless_shutdown(d).await {
            return shutting_down();
        }
    }
    if faults.rate_limited() {
        let secs = cfg.retry_after.unwrap_or(1);
        let mut resp = HttpError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            format!("rate limit exceeded (injected fault); retry after {secs}s"),
        )
        .into_response();
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return resp;
    }
    if chance(cfg.error_rate) {
        let status = if fastrand::bool() {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        return HttpError::new(
            status,
            "InternalFailure",
            "internal failure (injected fault); the request was not applied",
        )
        .into_response();
    }
    let is_get = req.method() == Method::GET;
    let is_write = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let resp = next.run(req).await;
    if !resp.status().is_success() {
        return resp;
    }
    if is_write && cfg.after_apply() {
        // The change is stored by now; only the answer goes wrong.
        if let Some(d) = cfg.hang_after_apply {
            if !shared.sleep_unless_shutdown(d).await {
                return shutting_down();
            }
        }
        let reset = chance(cfg.reset_after_apply);
        if reset && peer.is_some_and(|p| shared.cut_connection(p)) {
            // Never reaches the client: the connection fails at its next write.
            return shutting_down();
        }
        // (A connection that cannot be cut gets the 500 instead.)
        if reset || chance(cfg.fail_after_apply) {
            return HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalFailure",
                "internal failure (injected fault) after the change was stored",
            )
            .into_response();
        }
    }
    let rewrite_list = is_get && cfg.touches_lists() && list_kind(&suffix).is_some();
    let rewrite_info = is_get
        && (cfg.big_lists > 0 || cfg.unknown_enums > 0.0)
        && (suffix == paths::WORKSPACE || suffix == paths::INFO);
    let resp = if rewrite_list || rewrite_info {
        let (parts, body) = resp.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
            return HttpError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalFailure",
                "emulator: response too large to rewrite",
            )
            .into_response();
        };
        let new = match serde_json::from_slice::<Value>(&bytes) {
            Ok(mut v) => {
                if let Some(kind) = list_kind(&suffix) {
                    decorate_list(cfg, kind, &mut v);
                } else {
                    decorate_info(cfg, &mut v);
                }
                serde_json::to_vec(&v).map(Bytes::from).unwrap_or(bytes)
            }
            Err(_) => bytes,
        };
        let mut resp = Response::from_parts(parts, Body::from(new));
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        resp
    } else {
        resp
    };
    if chance(cfg.malformed) {
        let status = resp.status();
        let mut broken = Response::new(Body::from("{\"broken"));
        *broken.status_mut() = if status == StatusCode::NO_CONTENT {
            StatusCode::OK
        } else {
            status
        };
        broken.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return broken;
    }
    if chance(cfg.truncate) {
        return truncate(resp).await;
    }
    resp
}

fn shutting_down() -> Response {
    HttpError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "InternalFailure",
        "the emulator is shutting down",
    )
    .into_response()
}

/// Send the first half of the body under the full `Content-Length`, then
/// drop the connection.
async fn truncate(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return shutting_down();
    };
    if bytes.len() < 2 {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let half = bytes.slice(..bytes.len() / 2);
    // The pause before the error lets the server flush the head and the
    // first half: without it both sit in the write buffer when the error
    // aborts the connection, and the client sees no answer at all.
    let cut = futures::stream::once(async {
        tokio::time::sleep(TRUNCATE_PAUSE).await;
        Err::<Bytes, _>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "truncated body (injected fault)",
        ))
    });
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(half)]).chain(cut);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Response::from_parts(parts, Body::from_stream(chunks))
}

/// How long a truncated body stays open after its first half.
const TRUNCATE_PAUSE: Duration = Duration::from_millis(20);

/// Apply `unknown-enums`, `bad-items` and `big-lists` to a list body.
fn decorate_list(cfg: &FaultConfig, kind: ListKind, v: &mut Value) {
    let Value::Array(items) = v else { return };
    if cfg.unknown_enums > 0.0 {
        for item in items.iter_mut() {
            if chance(cfg.unknown_enums) {
                unknown_enum(kind, item);
            }
        }
    }
    if cfg.big_lists > 0 {
        items.reserve(cfg.big_lists);
        let now = super::state::now_ms();
        for i in 1..=cfg.big_lists {
            items.push(generated(kind, i, now));
        }
    }
    if cfg.bad_items > 0 {
        let n = cfg.bad_items;
        for k in (1..=n).rev() {
            let at = k * items.len() / (n + 1);
            items.insert(at.min(items.len()), bad_item());
        }
    }
}

/// `big-lists` also raises the counts of `/workspace`, for the lists it hits;
/// `unknown-enums` also gives the workspace an unknown state.
fn decorate_info(cfg: &FaultConfig, v: &mut Value) {
    if cfg.big_lists > 0 {
        let n = cfg.big_lists as u64;
        let bump = |v: &mut Value, key: &str| {
            if let Some(x) = v.pointer_mut(&format!("/workloads/{key}")) {
                *x = Value::from(x.as_u64().unwrap_or(0) + n);
            }
        };
        if cfg.matches(paths::SECRETS) {
            bump(v, "num_secrets");
        }
        if cfg.matches(paths::REGISTRIES) {
            bump(v, "num_image_pull_secrets");
        }
    }
    if chance(cfg.unknown_enums) {
        if let Some(s) = v.get_mut("workspace_state") {
            *s = Value::from("hibernating");
        }
    }
}

/// An item no client can decode as any list item (wrong types, no id/name).
fn bad_item() -> Value {
    serde_json::json!({"metadata": "not-an-object", "name": 7, "spec": [], "email": false})
}

/// Set a string at a JSON pointer, creating the last key when its parent
/// object exists.
fn set_str(item: &mut Value, ptr: &str, val: &str) {
    let (parent, key) = ptr.rsplit_once('/').unwrap_or(("", ptr));
    let target = if parent.is_empty() {
        Some(item)
    } else {
        item.pointer_mut(parent)
    };
    if let Some(Value::Object(m)) = target {
        m.insert(key.to_string(), Value::from(val));
    }
}

fn unknown_enum(kind: ListKind, item: &mut Value) {
    let set = set_str;
    match kind {
        ListKind::Members => {
            set(item, "/role", "billing-admin");
            set(item, "/status", "suspended");
        }
        ListKind::Secrets => set(item, "/visibility", "team"),
        ListKind::Registries => set(item, "/metadata/visibility", "organization"),
        ListKind::Templates => {
            set(item, "/spec/workload_type", "finetune");
            set(item, "/metadata/visibility", "organization");
        }
        // Token records have no enum fields.
        ListKind::Tokens => {}
    }
}

/// One generated list item for `big-lists`, built from the wire types.
fn generated(kind: ListKind, i: usize, now: i64) -> Value {
    let day = 86_400_000_i64;
    let at = now - (i as i64 % 365) * day;
    let v = match kind {
        ListKind::Members => serde_json::to_value(Member {
            id: format!("u-bulk{i:06}"),
            email: format!("bulk.user{i:06}@example.com"),
            name: Some(format!("Bulk User {i}")),
            role: if i % 10 == 0 {
                Role::User
            } else {
                Role::Viewer
            },
            status: MemberStatus::Active,
            invited_by: Some("alex.rivera@example.com".into()),
            created_at: Some(at),
            last_active_at: Some(now - (i as i64 % 48) * 3_600_000),
        }),
        ListKind::Tokens => serde_json::to_value(Token {
            id: format!("tok-bulk{i:06}"),
            name: format!("bulk-token-{i}"),
            masked_value: format!("nvapi-bulk...{:04}", i % 10_000),
            scopes: vec!["read".into()],
            created_at: Some(at),
            expires_at: Some(now + ((i as i64 % 400) - 20) * day),
            created_by: Some(format!("bulk.user{i:06}@example.com")),
        }),
        ListKind::Secrets => serde_json::to_value(Secret {
            name: format!("BULK_SECRET_{i:06}"),
            tags: vec!["generated".into(), format!("batch-{}", i % 20)],
            owner: Some(format!("bulk.user{i:06}@example.com")),
            visibility: Some(if i % 3 == 0 {
                Visibility::Private
            } else {
                Visibility::Public
            }),
        }),
        ListKind::Registries => serde_json::to_value(Registry {
            metadata: Metadata {
                id: Some(format!("bulk-registry-{i:06}")),
                name: Some(format!("bulk-registry-{i:06}")),
                created_at: Some(at),
                owner: Some("alex.rivera@example.com".into()),
                created_by: Some("alex.rivera@example.com".into()),
                ..Default::default()
            },
            spec: RegistrySpec {
                registry_server: format!("registry{}.example.com", i % 50),
                username: format!("bot{i}"),
                email: None,
                provider: Some("custom".into()),
            },
        }),
        ListKind::Templates => serde_json::to_value(Template {
            metadata: Metadata {
                id: Some(format!("bulk-template-{i:06}")),
                name: Some(format!("Bulk template {i}")),
                created_at: Some(at),
                ..Default::default()
            },
            spec: TemplateSpec {
                content: serde_json::json!({"container": {"image": "nvcr.io/nvidia/pytorch:25.01-py3"}}),
                json_schema: serde_json::json!({"type": "object", "properties": {}}),
                workload_type: Some(match i % 3 {
                    0 => WorkloadType::Job,
                    1 => WorkloadType::Pod,
                    _ => WorkloadType::Deployment,
                }),
            },
            status: Some(TemplateStatus {
                state: Some("ready".into()),
            }),
        }),
    };
    v.unwrap_or(Value::Null)
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
        assert_eq!(api_workspace("/api/v2/workspaces/demo/usersecrets"), "demo");
        assert_eq!(api_workspace("/api/v2/workspaces/demo"), "demo");
        assert_eq!(api_workspace("/elsewhere"), "");
        assert_eq!(api_suffix("/api/v2/workspaces/demo"), "/");
        assert_eq!(api_suffix("/api/v2/workspaces/demo/"), "/");
        assert_eq!(
            api_suffix("/api/v2/workspaces/demo/usersecrets/X"),
            "/usersecrets/X"
        );
    }

    #[test]
    fn rate_limit_every_nth() {
        let st = FaultState::new(FaultConfig::parse("rate-limit=3").unwrap());
        let hits: Vec<bool> = (0..6).map(|_| st.rate_limited()).collect();
        assert_eq!(hits, [false, false, true, false, false, true]);
    }

    #[test]
    fn list_decoration() {
        let cfg = FaultConfig::parse("unknown-enums,bad-items=2,big-lists=3").unwrap();
        let mut v = serde_json::json!([{"name": "A", "visibility": "public"}]);
        decorate_list(&cfg, ListKind::Secrets, &mut v);
        let l = Listed::<Secret>::from_value(v).unwrap();
        assert_eq!(l.items.len(), 4);
        assert_eq!(l.skipped.len(), 2);
        assert_eq!(
            l.items[0].visibility,
            Some(Visibility::Unknown("team".into()))
        );
        for kind in [
            ListKind::Members,
            ListKind::Tokens,
            ListKind::Registries,
            ListKind::Templates,
        ] {
            let mut v = serde_json::json!([]);
            decorate_list(&cfg, kind, &mut v);
            assert_eq!(v.as_array().unwrap().len(), 5, "{kind:?}");
        }
    }
}
