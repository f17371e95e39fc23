//! Which workspace, URL and token lepdash talks to.
//!
//! Every value is taken from the first source that has it, in this order:
//!
//! 1. **flags**: `-w/--workspace ID`, `--url BASE`, `--token-stdin` (a token is
//!    never taken from a flag value: it would land in shell history);
//! 2. **environment**, as the official SDK reads it: `LEPTON_WORKSPACE_ID` (also
//!    in the `id:token` form, split at the *first* colon since tokens may hold
//!    colons), `LEPTON_WORKSPACE_TOKEN`, `LEPTON_WORKSPACE_URL`,
//!    `LEPTON_WORKSPACE_ORIGIN_URL`;
//! 3. the **`lep login` record** `$LEPTON_CACHE_DIR/workspace_info.yaml`
//!    (default `~/.cache/lepton/workspace_info.yaml`), read exactly as `lep`
//!    0.27–0.47 writes it: `current_workspace` may be null (after
//!    `lep logout`), entries may lack `id` (the map key is the id), tokens may
//!    be null, unknown keys such as `is_lepton_classic` are ignored and
//!    `token_expires_at` is in epoch milliseconds.
//!
//! When only a workspace id is known the URL defaults to the public gateway.
//! lepdash never writes the login record.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::api::{ClientConfig, paths};
use crate::cli::Global;

/// File name of the `lep login` record inside `$LEPTON_CACHE_DIR`.
pub const LOGIN_RECORD_FILE: &str = "workspace_info.yaml";
/// Warn when the token expires within this many days.
pub const EXPIRY_WARNING_DAYS: i64 = 10;

const DAY_MS: i64 = 86_400_000;

/// The three ways forward, shown whenever credentials are missing.
const WAYS_FORWARD: &str = "log in with `lep login -c ID:TOKEN`, \
or set LEPTON_WORKSPACE_ID and LEPTON_WORKSPACE_TOKEN (plus LEPTON_WORKSPACE_URL for a non-default gateway), \
or try `lepdash demo` (no account needed)";

/// One workspace lepdash can talk to.
#[derive(Debug, Clone)]
pub struct WorkspaceTarget {
    /// The workspace id.
    pub id: String,
    /// The name shown in the web dashboard, when the login record knows it.
    pub display_name: Option<String>,
    /// The workspace base URL: `<origin>/api/v2/workspaces/<id>`.
    pub base_url: String,
    /// The bearer token (never printed; see [`WorkspaceTarget::masked_token`]).
    pub token: SecretString,
    /// An explicit `Origin` header value, normalised to `scheme://host[:port]`.
    pub origin: Option<String>,
    /// When the token expires, epoch milliseconds, when known.
    pub token_expires_at: Option<i64>,
}

impl WorkspaceTarget {
    /// The client configuration for this workspace.
    pub fn client_config(&self, connect: Duration, request: Duration) -> ClientConfig {
        ClientConfig {
            base_url: self.base_url.clone(),
            token: self.token.clone(),
            origin: self.origin.clone(),
            connect_timeout: connect,
            request_timeout: request,
        }
    }

    /// The token as `lep` shows it: first 2 characters, `****`, last 2
    /// (`nv****23`). Tokens shorter than 8 characters show as `****` only, so
    /// the mask never reveals most of a short token.
    pub fn masked_token(&self) -> String {
        mask_token(self.token.expose_secret())
    }

    /// `Display Name (id)`, or just the id.
    pub fn label(&self) -> String {
        match self.display_name.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() && name != self.id => format!("{name} ({})", self.id),
            _ => self.id.clone(),
        }
    }
}

/// Mask a token like `lep` does: `nv****23`.
pub fn mask_token(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < 8 {
        return "****".to_string();
    }
    let head: String = chars[..2].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}****{tail}")
}

/// Where the token came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// `--token-stdin` (with `-w`/`--url` or other sources for the rest).
    Flags,
    /// `LEPTON_WORKSPACE_TOKEN` or the `id:token` form of `LEPTON_WORKSPACE_ID`.
    Env,
    /// The `lep login` record at this path.
    LoginRecord(PathBuf),
    /// The embedded emulator of `lepdash demo`.
    Demo,
}

impl fmt::Display for CredentialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CredentialSource::Flags => f.write_str("command line (--token-stdin)"),
            CredentialSource::Env => f.write_str("environment (LEPTON_WORKSPACE_*)"),
            CredentialSource::LoginRecord(p) => {
                write!(f, "`lep login` record {}", p.display())
            }
            CredentialSource::Demo => f.write_str("demo (embedded emulator)"),
        }
    }
}

/// The outcome of [`resolve`].
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The workspace to open.
    pub current: WorkspaceTarget,
    /// Other entries of the login record that have a token, for `:ws`.
    pub others: Vec<WorkspaceTarget>,
    /// Where the token of `current` came from.
    pub source: CredentialSource,
    /// Things the user should know (token expiring, ignored values, …).
    pub warnings: Vec<String>,
}

/// Why no usable credentials were found. Every message says what was tried
/// and how to go on; none contains a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    /// Nothing anywhere.
    #[error("no Lepton credentials found (tried: {tried}) — {WAYS_FORWARD}")]
    Missing { tried: String },
    /// The workspace is known, its token is not.
    #[error("no token for workspace {workspace} (tried: {tried}) — {WAYS_FORWARD}")]
    NoToken { workspace: String, tried: String },
    /// The login record has entries but no current workspace (`lep logout`).
    #[error(
        "the `lep login` record {} has no current workspace (after `lep logout`){} — pick one with `lepdash -w ID`, or {WAYS_FORWARD}",
        path.display(),
        known_list(known)
    )]
    LoggedOut { path: PathBuf, known: Vec<String> },
    /// `current_workspace` names an entry that does not exist.
    #[error(
        "the `lep login` record {} names current workspace {workspace:?} but has no entry for it — {WAYS_FORWARD}",
        path.display()
    )]
    DanglingCurrent { path: PathBuf, workspace: String },
    /// The record could not be parsed.
    #[error("cannot read the `lep login` record {}: {detail} — fix or remove the file, then {WAYS_FORWARD}", path.display())]
    Malformed { path: PathBuf, detail: String },
    /// The record exists but could not be read.
    #[error("cannot read the `lep login` record {}: {detail} — check its permissions, or {WAYS_FORWARD}", path.display())]
    Unreadable { path: PathBuf, detail: String },
    /// `--token-stdin` gave nothing.
    #[error(
        "--token-stdin read an empty token — pipe the token in, e.g. `pass show lepton | lepdash --token-stdin -w ID`"
    )]
    EmptyStdinToken,
    /// A value given by flag or environment is unusable.
    #[error("{what} is invalid: {detail} — {WAYS_FORWARD}")]
    Invalid { what: String, detail: String },
}

fn known_list(known: &[String]) -> String {
    if known.is_empty() {
        String::new()
    } else {
        format!("; it knows {}", known.join(", "))
    }
}

/// `$LEPTON_CACHE_DIR/workspace_info.yaml`, default `~/.cache/lepton/workspace_info.yaml`.
/// `None` only when neither `LEPTON_CACHE_DIR` nor a home directory is known.
pub fn login_record_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = non_empty(env("LEPTON_CACHE_DIR")) {
        return Some(expand_home(&dir, env).join(LOGIN_RECORD_FILE));
    }
    home_dir(env).map(|h| h.join(".cache").join("lepton").join(LOGIN_RECORD_FILE))
}

fn home_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    non_empty(env("HOME"))
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

fn expand_home(dir: &str, env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    if dir == "~" {
        if let Some(h) = home_dir(env) {
            return h;
        }
    } else if let Some(rest) = dir.strip_prefix("~/") {
        if let Some(h) = home_dir(env) {
            return h.join(rest);
        }
    }
    PathBuf::from(dir)
}

/// A warning when the token has expired or expires within 10 days, like the
/// official CLI prints.
pub fn expiry_warning(expires_at_ms: Option<i64>, now_ms: i64) -> Option<String> {
    let at = expires_at_ms?;
    let when = format_ms(at);
    let left = at.saturating_sub(now_ms);
    if left <= 0 {
        let ago = now_ms.saturating_sub(at) / DAY_MS;
        let ago = match ago {
            0 => "today".to_string(),
            1 => "1 day ago".to_string(),
            n => format!("{n} days ago"),
        };
        Some(format!(
            "the workspace token has expired ({when}, {ago}): create a new token in the web dashboard and run `lep login -c ID:TOKEN`"
        ))
    } else if left < EXPIRY_WARNING_DAYS * DAY_MS {
        let days = left / DAY_MS;
        let inn = match days {
            0 => "in less than a day".to_string(),
            1 => "in 1 day".to_string(),
            n => format!("in {n} days"),
        };
        Some(format!(
            "the workspace token expires {inn} ({when}): create a new token in the web dashboard and run `lep login -c ID:TOKEN`"
        ))
    } else {
        None
    }
}

/// `2026-12-01 10:00 UTC` for an epoch-milliseconds timestamp.
pub fn format_ms(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => format!("{ms} ms since epoch"),
    }
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

// ------------------------------------------------------------------ record

/// A scalar that YAML may have typed as a number or bool (`id: 123`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Str(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn opt_scalar<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?
        .map(Scalar::into_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty()))
}

fn opt_token<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?
        .map(Scalar::into_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(SecretString::from))
}

fn opt_millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Scalar>::deserialize(d)? {
        Some(Scalar::Int(i)) => Some(i),
        // A float that fits i64: the `as` conversion saturates, never panics.
        Some(Scalar::Float(f)) if f.is_finite() => Some(f as i64),
        Some(Scalar::Str(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    })
}

#[derive(Deserialize, Default)]
struct RecordFile {
    #[serde(default, deserialize_with = "opt_scalar")]
    current_workspace: Option<String>,
    #[serde(default)]
    workspaces: Option<BTreeMap<String, Option<RecordEntry>>>,
}

#[derive(Deserialize, Default)]
struct RecordEntry {
    #[serde(default, deserialize_with = "opt_scalar")]
    id: Option<String>,
    #[serde(default, deserialize_with = "opt_token")]
    auth_token: Option<SecretString>,
    #[serde(default, deserialize_with = "opt_scalar")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "opt_scalar")]
    url: Option<String>,
    #[serde(default, deserialize_with = "opt_scalar")]
    workspace_origin_url: Option<String>,
    #[serde(default, deserialize_with = "opt_millis")]
    token_expires_at: Option<i64>,
}

/// One entry of the record, with its id settled.
struct Entry {
    key: String,
    id: String,
    token: Option<SecretString>,
    display_name: Option<String>,
    url: Option<String>,
    origin: Option<String>,
    expires_at: Option<i64>,
}

impl Entry {
    fn matches(&self, id: &str) -> bool {
        self.key == id || self.id == id
    }

    fn target(&self) -> Option<WorkspaceTarget> {
        Some(WorkspaceTarget {
            id: self.id.clone(),
            display_name: self.display_name.clone(),
            base_url: self
                .url
                .clone()
                .unwrap_or_else(|| paths::workspace_base(paths::GATEWAY_ORIGIN, &self.id)),
            token: self.token.clone()?,
            origin: self.origin.clone(),
            token_expires_at: self.expires_at,
        })
    }
}

struct Record {
    path: PathBuf,
    current: Option<String>,
    entries: Vec<Entry>,
}

impl Record {
    fn find(&self, id: &str) -> Option<&Entry> {
        // An exact key match wins over an `id` field match.
        self.entries
            .iter()
            .find(|e| e.key == id)
            .or_else(|| self.entries.iter().find(|e| e.matches(id)))
    }
}

/// Read the record; `Ok(None)` when there is no file.
fn load_record(path: &Path) -> Result<Option<Record>, CredentialsError> {
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CredentialsError::Unreadable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            });
        }
    };
    let text = String::from_utf8(text).map_err(|_| CredentialsError::Malformed {
        path: path.to_path_buf(),
        detail: "the file is not UTF-8 text".into(),
    })?;
    parse_record(path, &text).map(Some)
}

fn parse_record(path: &Path, text: &str) -> Result<Record, CredentialsError> {
    // An empty file (or only comments) is an empty record, not an error.
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let file: RecordFile = if meaningful {
        serde_saphyr::from_str(text).map_err(|e| CredentialsError::Malformed {
            path: path.to_path_buf(),
            detail: yaml_error_detail(&e, text),
        })?
    } else {
        RecordFile::default()
    };
    let mut entries = Vec::new();
    for (key, entry) in file.workspaces.unwrap_or_default() {
        let Some(entry) = entry else { continue };
        let key = key.trim().to_string();
        let id = entry.id.clone().unwrap_or_else(|| key.clone());
        entries.push(Entry {
            key,
            id,
            token: entry.auth_token,
            display_name: entry.display_name,
            url: entry.url,
            origin: entry
                .workspace_origin_url
                .as_deref()
                .and_then(paths::normalize_origin),
            expires_at: entry.token_expires_at,
        });
    }
    Ok(Record {
        path: path.to_path_buf(),
        current: file.current_workspace,
        entries,
    })
}

/// A one-line description of a YAML error: position and message, no snippet
/// (a snippet could show a token), with any token value of the file blanked.
fn yaml_error_detail(e: &serde_saphyr::Error, text: &str) -> String {
    let plain = e.without_snippet();
    let mut msg = plain.to_string();
    if let Some(first) = msg.lines().next() {
        msg = first.to_string();
    }
    msg = msg.replace(
        "data did not match any variant of untagged enum Scalar",
        "expected a single value (text or number)",
    );
    // Scrub anything that looks like a stored token, just in case the parser
    // quoted a value.
    for line in text.lines() {
        if let Some((_, v)) = line.split_once("auth_token:") {
            let v = v.trim().trim_matches(['\'', '"']);
            if v.len() >= 4 && msg.contains(v) {
                msg = msg.replace(v, "****");
            }
        }
    }
    match plain.location() {
        Some(loc) if !msg.contains(&format!("line {}", loc.line())) => {
            format!("line {}, column {}: {msg}", loc.line(), loc.column())
        }
        _ => msg,
    }
}

// ------------------------------------------------------------------ resolve

/// Find the workspace, URL and token to use. See the module docs for the order.
pub fn resolve(
    global: &Global,
    env: &dyn Fn(&str) -> Option<String>,
    stdin_token: Option<SecretString>,
) -> Result<Resolved, CredentialsError> {
    let mut warnings = Vec::new();

    // ---- flags
    let flag_id = non_empty(global.workspace.clone());
    let flag_url = non_empty(global.url.clone()).map(|u| u.trim_end_matches('/').to_string());
    let flag_token = match stdin_token {
        Some(t) => {
            let trimmed = t.expose_secret().trim();
            if trimmed.is_empty() {
                return Err(CredentialsError::EmptyStdinToken);
            }
            Some(SecretString::from(trimmed.to_string()))
        }
        None => None,
    };
    if let Some(id) = &flag_id {
        check_id("-w/--workspace", id)?;
    }

    // ---- environment
    let mut env_id = None;
    let mut env_id_token = None;
    if let Some(raw) = non_empty(env("LEPTON_WORKSPACE_ID")) {
        match raw.split_once(':') {
            Some((id, token)) => {
                let id = id.trim();
                if id.is_empty() {
                    return Err(CredentialsError::Invalid {
                        what: "LEPTON_WORKSPACE_ID".into(),
                        detail: "the `id:token` form has an empty id".into(),
                    });
                }
                env_id = Some(id.to_string());
                let token = token.trim();
                if !token.is_empty() {
                    env_id_token = Some(SecretString::from(token.to_string()));
                }
            }
            None => env_id = Some(raw),
        }
    }
    if let Some(id) = &env_id {
        check_id("LEPTON_WORKSPACE_ID", id)?;
    }
    let env_token = env_id_token.or_else(|| {
        non_empty(env("LEPTON_WORKSPACE_TOKEN")).map(|t| SecretString::from(t.to_string()))
    });
    let env_url =
        non_empty(env("LEPTON_WORKSPACE_URL")).map(|u| u.trim_end_matches('/').to_string());
    let env_origin = non_empty(env("LEPTON_WORKSPACE_ORIGIN_URL"));

    // ---- the lep login record (read lazily-but-always: `others` come from it)
    let record_path = login_record_path(env);
    let record = match &record_path {
        Some(p) => load_record(p),
        None => Ok(None),
    };

    // ---- which workspace
    let url_id = |u: &Option<String>| u.as_deref().and_then(paths::split_base).map(|(_, id)| id);
    let mut id = flag_id
        .clone()
        .or_else(|| url_id(&flag_url))
        .or_else(|| env_id.clone())
        .or_else(|| url_id(&env_url));
    // Only an explicit choice may fall back to a non-standard URL's last segment.
    if id.is_none() {
        if let Some(u) = flag_url.as_ref().or(env_url.as_ref()) {
            id = Some(last_segment(u));
        }
    }

    // The record is needed when the id or the token is not fully given.
    let needs_record = id.is_none() || (flag_token.is_none() && env_token.is_none());
    let record = match record {
        Ok(r) => r,
        Err(e) if needs_record => return Err(e),
        Err(e) => {
            warnings.push(format!("ignoring the login record: {e}"));
            None
        }
    };

    let tried_desc = Tried {
        flag_token: flag_token.is_some(),
        env_token: env_token.is_some(),
        record_path: &record_path,
    };
    let id = match id {
        Some(id) => id,
        None => match &record {
            Some(rec) => match &rec.current {
                Some(cur) => {
                    if rec.find(cur).is_none() {
                        return Err(CredentialsError::DanglingCurrent {
                            path: rec.path.clone(),
                            workspace: cur.clone(),
                        });
                    }
                    cur.clone()
                }
                None if !rec.entries.is_empty() => {
                    return Err(CredentialsError::LoggedOut {
                        path: rec.path.clone(),
                        known: rec.entries.iter().map(|e| e.id.clone()).collect(),
                    });
                }
                None => {
                    return Err(CredentialsError::Missing {
                        tried: tried_desc.describe(Some("has no workspaces")),
                    });
                }
            },
            None => {
                return Err(CredentialsError::Missing {
                    tried: tried_desc.describe(None),
                });
            }
        },
    };
    let entry = record.as_ref().and_then(|r| r.find(&id));

    // ---- URL
    let url_fits = |u: &str| match paths::split_base(u) {
        Some((_, uid)) => uid == id,
        None => true,
    };
    let base_url = if let Some(u) = &flag_url {
        u.clone()
    } else if let Some(u) = env_url.as_ref().filter(|u| url_fits(u)) {
        u.clone()
    } else {
        if env_url.is_some() {
            warnings.push(format!(
                "LEPTON_WORKSPACE_URL points to another workspace than {id}; ignoring it"
            ));
        }
        entry
            .and_then(|e| e.url.clone())
            .unwrap_or_else(|| paths::workspace_base(paths::GATEWAY_ORIGIN, &id))
    };

    // ---- token
    let env_token_fits = env_id.as_deref().is_none_or(|eid| eid == id);
    let (token, source) = if let Some(t) = flag_token {
        (t, CredentialSource::Flags)
    } else if let Some(t) = env_token.clone().filter(|_| env_token_fits) {
        (t, CredentialSource::Env)
    } else if let Some(t) = entry.and_then(|e| e.token.clone()) {
        let path = record.as_ref().map(|r| r.path.clone()).unwrap_or_default();
        (t, CredentialSource::LoginRecord(path))
    } else {
        let mut tried = Vec::new();
        tried.push("--token-stdin: not given".to_string());
        if env_token.is_some() && !env_token_fits {
            tried.push(format!(
                "environment: the token belongs to workspace {}",
                env_id.clone().unwrap_or_default()
            ));
        } else {
            tried.push("environment: LEPTON_WORKSPACE_TOKEN not set".to_string());
        }
        tried.push(match (&record_path, &record, entry) {
            (_, Some(rec), Some(_)) => {
                format!(
                    "`lep login` record {}: the token is null",
                    rec.path.display()
                )
            }
            (_, Some(rec), None) => {
                format!(
                    "`lep login` record {}: no entry for {id}",
                    rec.path.display()
                )
            }
            (Some(p), None, _) => format!("`lep login` record {}: not found", p.display()),
            (None, None, _) => "`lep login` record: no home directory".to_string(),
        });
        return Err(CredentialsError::NoToken {
            workspace: id,
            tried: tried.join("; "),
        });
    };

    // ---- origin, display name, expiry
    let origin = match &env_origin {
        Some(o) => match paths::normalize_origin(o) {
            Some(n) => Some(n),
            None => {
                warnings.push(format!(
                    "LEPTON_WORKSPACE_ORIGIN_URL {o:?} is not a URL; ignoring it"
                ));
                entry.and_then(|e| e.origin.clone())
            }
        },
        None => entry.and_then(|e| e.origin.clone()),
    };
    let same_token_as_record = entry
        .and_then(|e| e.token.as_ref())
        .is_some_and(|t| t.expose_secret() == token.expose_secret());
    let token_expires_at = if same_token_as_record {
        entry.and_then(|e| e.expires_at)
    } else {
        None
    };

    if let Some(w) = expiry_warning(token_expires_at, now_ms()) {
        warnings.push(format!("{id}: {w}"));
    }
    if let Some(w) = plaintext_warning(&base_url) {
        warnings.push(w);
    }

    let current = WorkspaceTarget {
        display_name: entry.and_then(|e| e.display_name.clone()),
        id,
        base_url,
        token,
        origin,
        token_expires_at,
    };
    let others = record
        .as_ref()
        .map(|r| {
            r.entries
                .iter()
                .filter(|e| !e.matches(&current.id))
                .filter_map(Entry::target)
                .collect()
        })
        .unwrap_or_default();

    Ok(Resolved {
        current,
        others,
        source,
        warnings,
    })
}

fn check_id(what: &str, id: &str) -> Result<(), CredentialsError> {
    if id
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '/')
    {
        return Err(CredentialsError::Invalid {
            what: what.to_string(),
            detail: format!("{id:?} is not a workspace id"),
        });
    }
    Ok(())
}

fn last_segment(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty() && !s.contains(':'))
        .unwrap_or("workspace")
        .to_string()
}

/// Warn when a token would travel in clear text to a non-loopback host.
fn plaintext_warning(base_url: &str) -> Option<String> {
    let rest = base_url.strip_prefix("http://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_only = if let Some(h) = host.strip_prefix('[') {
        h.split(']').next().unwrap_or_default()
    } else {
        host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
    };
    let loopback = host_only == "localhost"
        || host_only
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| {
        format!("the workspace URL {base_url} is plain http: the token travels unencrypted")
    })
}

/// What each source had, for "tried: …" in error messages.
struct Tried<'a> {
    flag_token: bool,
    env_token: bool,
    record_path: &'a Option<PathBuf>,
}

impl Tried<'_> {
    fn describe(&self, record_state: Option<&str>) -> String {
        let flags = if self.flag_token {
            "flags: --token-stdin given but no -w/--workspace or --url"
        } else {
            "flags -w/--url/--token-stdin: none given"
        };
        let env = if self.env_token {
            "environment: LEPTON_WORKSPACE_TOKEN set but neither LEPTON_WORKSPACE_ID nor LEPTON_WORKSPACE_URL"
        } else {
            "environment LEPTON_WORKSPACE_ID, LEPTON_WORKSPACE_TOKEN, LEPTON_WORKSPACE_URL: not set"
        };
        let record = match (self.record_path, record_state) {
            (Some(p), Some(state)) => format!("`lep login` record {}: {state}", p.display()),
            (Some(p), None) => format!("`lep login` record {}: not found", p.display()),
            (None, _) => {
                "`lep login` record: no home directory and LEPTON_CACHE_DIR not set".into()
            }
        };
        format!("{flags}; {env}; {record}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(token: &str) -> WorkspaceTarget {
        WorkspaceTarget {
            id: "ws1".into(),
            display_name: None,
            base_url: "http://127.0.0.1:1/api/v2/workspaces/ws1".into(),
            token: SecretString::from(token.to_string()),
            origin: None,
            token_expires_at: None,
        }
    }

    #[test]
    fn masked_like_lep() {
        assert_eq!(target("nvapi-abcdef123").masked_token(), "nv****23");
        assert_eq!(target("short").masked_token(), "****");
        assert_eq!(target("").masked_token(), "****");
        assert_eq!(target("ünïcødé-tøkén").masked_token(), "ün****én");
    }

    #[test]
    fn debug_never_shows_the_token() {
        let t = target("nvapi-canary-zzz");
        assert!(!format!("{t:?}").contains("canary"));
    }

    #[test]
    fn labels() {
        let mut t = target("x");
        assert_eq!(t.label(), "ws1");
        t.display_name = Some("Demo".into());
        assert_eq!(t.label(), "Demo (ws1)");
    }

    #[test]
    fn plaintext_only_off_loopback() {
        assert!(plaintext_warning("http://127.0.0.1:8080/api/v2/workspaces/a").is_none());
        assert!(plaintext_warning("http://localhost/api/v2/workspaces/a").is_none());
        assert!(plaintext_warning("http://[::1]:9/api/v2/workspaces/a").is_none());
        assert!(plaintext_warning("https://example.com/x").is_none());
        assert!(plaintext_warning("http://example.com/x").is_some());
    }
}
