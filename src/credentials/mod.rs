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

use std::fmt;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use crate::api::{ClientConfig, paths};
use crate::cli::Global;

mod record;

pub use record::login_record_path;
use record::{Entry, Record, load_record};

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
    /// The client configuration for this workspace under the settings
    /// (timeouts and the answer cap).
    pub fn client_config(&self, settings: &crate::config::Config) -> ClientConfig {
        ClientConfig {
            base_url: self.base_url.clone(),
            token: self.token.clone(),
            origin: self.origin.clone(),
            connect_timeout: settings.connect_timeout,
            request_timeout: settings.request_timeout,
            max_body: settings.max_response,
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

/// The base URL of workspace `id` on the gateway of `current_base`, derived
/// as `lep` derives URLs from ids: `<origin>/api/v2/workspaces/<id>`. A
/// current URL that is not of that shape falls back to the public gateway.
pub fn derive_base(current_base: &str, id: &str) -> String {
    let origin = paths::split_base(current_base)
        .map(|(origin, _)| origin)
        .unwrap_or_else(|| paths::GATEWAY_ORIGIN.to_string());
    paths::workspace_base(&origin, id)
}

/// An entry without a token of its own, reached with the current token: at
/// its recorded URL when that is on the current origin, else at the URL
/// derived from the current one (the token never goes to another host).
fn borrowed_target(current: &WorkspaceTarget, e: &Entry) -> WorkspaceTarget {
    let origin_of = |u: &str| paths::split_base(u).map(|(o, _)| o);
    let base_url = e
        .url
        .clone()
        .filter(|u| origin_of(u).is_some() && origin_of(u) == origin_of(&current.base_url))
        .unwrap_or_else(|| derive_base(&current.base_url, &e.id));
    WorkspaceTarget {
        id: e.id.clone(),
        display_name: e.display_name.clone(),
        base_url,
        token: current.token.clone(),
        origin: current.origin.clone(),
        token_expires_at: None,
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
    /// Every other entry of the login record (`:ws`, the fleet view); one
    /// without a token of its own carries the current token.
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
    /// The URL carries `user:password@`.
    #[error(
        "the workspace URL (from {from}) contains a user name or password (user:password@) — remove it: lepdash authenticates with the token only, and a password in the URL would show in messages and logs"
    )]
    UrlUserinfo { from: String },
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
    crate::text::try_datetime(ms).unwrap_or_else(|| format!("{ms} ms since epoch"))
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

// ------------------------------------------------------------------ resolve

/// Find the workspace, URL and token to use. See the module docs for the
/// order: each source is read by its own function (`FlagSource::read`,
/// `EnvSource::read`, `RecordSource::read`), then each value is taken
/// from the first source that has it.
pub fn resolve(
    global: &Global,
    env: &dyn Fn(&str) -> Option<String>,
    stdin_token: Option<SecretString>,
) -> Result<Resolved, CredentialsError> {
    let mut warnings = Vec::new();
    let flags = FlagSource::read(global, stdin_token)?;
    let envs = EnvSource::read(env)?;
    // Read always: `others` come from it.
    let mut rec = RecordSource::read(env);

    let id = explicit_id(&flags, &envs);
    // The record is needed when the id or the token is not fully given.
    let needs_record = id.is_none() || (flags.token.is_none() && envs.token.is_none());
    if let Err(e) = &rec.record {
        if needs_record {
            return Err(e.clone());
        }
        warnings.push(format!("ignoring the login record: {e}"));
        rec.record = Ok(None);
    }
    let record = rec.record.as_ref().ok().and_then(Option::as_ref);
    let id = match id {
        Some(id) => id,
        None => record_current(&flags, &envs, &rec)?,
    };
    let entry = record.and_then(|r| r.find(&id));

    let base_url = choose_url(&id, &flags, &envs, entry, &mut warnings);
    if has_userinfo(&base_url) {
        let from = if flags.url.as_deref() == Some(base_url.as_str()) {
            "--url"
        } else if envs.url.as_deref() == Some(base_url.as_str()) {
            "LEPTON_WORKSPACE_URL"
        } else {
            "the login record"
        };
        return Err(CredentialsError::UrlUserinfo { from: from.into() });
    }
    let (token, source) = choose_token(&id, flags.token, &envs, &rec, entry)?;
    let origin = choose_origin(&envs, entry, &mut warnings);
    let same_token_as_record = entry
        .and_then(|e| e.token.as_ref())
        .is_some_and(|t| t.expose_secret() == token.expose_secret());
    let token_expires_at = entry
        .and_then(|e| e.expires_at)
        .filter(|_| same_token_as_record);

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
    // Every other entry of the record, whatever the current token's source:
    // an entry without a token (or one whose token is null) is tried with
    // the current token at its URL when that URL is on the current origin,
    // else at the URL derived from the current one.
    let others = record
        .map(|r| {
            r.entries
                .iter()
                .filter(|e| !e.matches(&current.id))
                .map(|e| e.target().unwrap_or_else(|| borrowed_target(&current, e)))
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

/// Source 1: `-w/--workspace`, `--url`, `--token-stdin`.
struct FlagSource {
    id: Option<String>,
    url: Option<String>,
    token: Option<SecretString>,
}

impl FlagSource {
    fn read(global: &Global, stdin_token: Option<SecretString>) -> Result<Self, CredentialsError> {
        let token = match stdin_token {
            Some(t) => {
                let trimmed = t.expose_secret().trim();
                if trimmed.is_empty() {
                    return Err(CredentialsError::EmptyStdinToken);
                }
                Some(SecretString::from(trimmed.to_string()))
            }
            None => None,
        };
        let id = non_empty(global.workspace.clone());
        if let Some(id) = &id {
            check_id("-w/--workspace", id)?;
        }
        Ok(FlagSource {
            id,
            url: non_empty(global.url.clone()).map(|u| u.trim_end_matches('/').to_string()),
            token,
        })
    }
}

/// Source 2: the environment, as the official SDK reads it.
struct EnvSource {
    /// `LEPTON_WORKSPACE_ID` (the part before the first colon of `id:token`).
    id: Option<String>,
    /// The token of `id:token`, else `LEPTON_WORKSPACE_TOKEN`.
    token: Option<SecretString>,
    url: Option<String>,
    origin: Option<String>,
}

impl EnvSource {
    fn read(env: &dyn Fn(&str) -> Option<String>) -> Result<Self, CredentialsError> {
        let mut id = None;
        let mut id_token = None;
        if let Some(raw) = non_empty(env("LEPTON_WORKSPACE_ID")) {
            match raw.split_once(':') {
                Some((i, token)) => {
                    let i = i.trim();
                    if i.is_empty() {
                        return Err(CredentialsError::Invalid {
                            what: "LEPTON_WORKSPACE_ID".into(),
                            detail: "the `id:token` form has an empty id".into(),
                        });
                    }
                    id = Some(i.to_string());
                    let token = token.trim();
                    if !token.is_empty() {
                        id_token = Some(SecretString::from(token.to_string()));
                    }
                }
                None => id = Some(raw),
            }
        }
        if let Some(id) = &id {
            check_id("LEPTON_WORKSPACE_ID", id)?;
        }
        let token = id_token.or_else(|| {
            non_empty(env("LEPTON_WORKSPACE_TOKEN")).map(|t| SecretString::from(t.to_string()))
        });
        Ok(EnvSource {
            id,
            token,
            url: non_empty(env("LEPTON_WORKSPACE_URL"))
                .map(|u| u.trim_end_matches('/').to_string()),
            origin: non_empty(env("LEPTON_WORKSPACE_ORIGIN_URL")),
        })
    }

    /// The environment's token, unless `LEPTON_WORKSPACE_ID` names another workspace.
    fn token_for(&self, id: &str) -> Option<&SecretString> {
        self.token
            .as_ref()
            .filter(|_| self.id.as_deref().is_none_or(|eid| eid == id))
    }
}

/// Source 3: the `lep login` record.
struct RecordSource {
    /// `None`: no home directory and no `LEPTON_CACHE_DIR`.
    path: Option<PathBuf>,
    /// `Ok(None)`: no file.
    record: Result<Option<Record>, CredentialsError>,
}

impl RecordSource {
    fn read(env: &dyn Fn(&str) -> Option<String>) -> Self {
        let path = login_record_path(env);
        let record = match &path {
            Some(p) => load_record(p),
            None => Ok(None),
        };
        RecordSource { path, record }
    }

    fn record(&self) -> Option<&Record> {
        self.record.as_ref().ok().and_then(Option::as_ref)
    }
}

/// The workspace named by a flag or the environment (an id, or a URL's).
fn explicit_id(flags: &FlagSource, envs: &EnvSource) -> Option<String> {
    let url_id = |u: &Option<String>| u.as_deref().and_then(paths::split_base).map(|(_, id)| id);
    flags
        .id
        .clone()
        .or_else(|| url_id(&flags.url))
        .or_else(|| envs.id.clone())
        .or_else(|| url_id(&envs.url))
        // Only an explicit choice may fall back to a non-standard URL's last segment.
        .or_else(|| {
            flags
                .url
                .as_ref()
                .or(envs.url.as_ref())
                .map(|u| last_segment(u))
        })
}

/// The record's current workspace, or why there is none.
fn record_current(
    flags: &FlagSource,
    envs: &EnvSource,
    rec: &RecordSource,
) -> Result<String, CredentialsError> {
    let tried = Tried {
        flag_token: flags.token.is_some(),
        env_token: envs.token.is_some(),
        record_path: &rec.path,
    };
    let Some(record) = rec.record() else {
        return Err(CredentialsError::Missing {
            tried: tried.describe(None),
        });
    };
    match &record.current {
        Some(cur) if record.find(cur).is_none() => Err(CredentialsError::DanglingCurrent {
            path: record.path.clone(),
            workspace: cur.clone(),
        }),
        Some(cur) => Ok(cur.clone()),
        None if !record.entries.is_empty() => Err(CredentialsError::LoggedOut {
            path: record.path.clone(),
            known: record.entries.iter().map(|e| e.id.clone()).collect(),
        }),
        None => Err(CredentialsError::Missing {
            tried: tried.describe(Some("has no workspaces")),
        }),
    }
}

/// `--url`, else an environment URL of this workspace, else the record's, else the gateway.
fn choose_url(
    id: &str,
    flags: &FlagSource,
    envs: &EnvSource,
    entry: Option<&Entry>,
    warnings: &mut Vec<String>,
) -> String {
    if let Some(u) = &flags.url {
        return u.clone();
    }
    let fits = |u: &str| paths::split_base(u).is_none_or(|(_, uid)| uid == id);
    match &envs.url {
        Some(u) if fits(u) => return u.clone(),
        Some(_) => warnings.push(format!(
            "LEPTON_WORKSPACE_URL points to another workspace than {id}; ignoring it"
        )),
        None => {}
    }
    entry
        .and_then(|e| e.url.clone())
        .unwrap_or_else(|| paths::workspace_base(paths::GATEWAY_ORIGIN, id))
}

/// The first token of flags, environment and record, and where it came from.
fn choose_token(
    id: &str,
    flag_token: Option<SecretString>,
    envs: &EnvSource,
    rec: &RecordSource,
    entry: Option<&Entry>,
) -> Result<(SecretString, CredentialSource), CredentialsError> {
    if let Some(t) = flag_token {
        return Ok((t, CredentialSource::Flags));
    }
    if let Some(t) = envs.token_for(id) {
        return Ok((t.clone(), CredentialSource::Env));
    }
    let record = rec.record();
    if let (Some(t), Some(r)) = (entry.and_then(|e| e.token.clone()), record) {
        return Ok((t, CredentialSource::LoginRecord(r.path.clone())));
    }
    let env_tried = if envs.token.is_some() {
        format!(
            "environment: the token belongs to workspace {}",
            envs.id.clone().unwrap_or_default()
        )
    } else {
        "environment: LEPTON_WORKSPACE_TOKEN not set".to_string()
    };
    let record_tried = match (&rec.path, record, entry) {
        (_, Some(r), Some(_)) => {
            format!("`lep login` record {}: the token is null", r.path.display())
        }
        (_, Some(r), None) => format!("`lep login` record {}: no entry for {id}", r.path.display()),
        (Some(p), None, _) => format!("`lep login` record {}: not found", p.display()),
        (None, None, _) => "`lep login` record: no home directory".to_string(),
    };
    Err(CredentialsError::NoToken {
        workspace: id.to_string(),
        tried: format!("--token-stdin: not given; {env_tried}; {record_tried}"),
    })
}

/// `LEPTON_WORKSPACE_ORIGIN_URL` when it is a URL, else the record's origin.
fn choose_origin(
    envs: &EnvSource,
    entry: Option<&Entry>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    if let Some(o) = &envs.origin {
        match paths::normalize_origin(o) {
            Some(n) => return Some(n),
            None => warnings.push(format!(
                "LEPTON_WORKSPACE_ORIGIN_URL {o:?} is not a URL; ignoring it"
            )),
        }
    }
    entry.and_then(|e| e.origin.clone())
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

/// Whether a URL carries `user[:password]@` (any case of the scheme).
pub fn has_userinfo(url: &str) -> bool {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) => !u.username().is_empty() || u.password().is_some(),
        // Not a URL the client would accept either; look for the shape.
        Err(_) => url
            .split_once("://")
            .map(|(_, rest)| rest.split(['/', '?', '#']).next().unwrap_or_default())
            .is_some_and(|authority| authority.contains('@')),
    }
}

/// Whether `url`'s host is loopback: `localhost` (and its subdomains),
/// 127.0.0.0/8, `::1`.
pub fn is_loopback_url(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// Warn when a token would travel in clear text to a non-loopback host
/// (the scheme in any case: `HTTP://` is plain HTTP too).
fn plaintext_warning(base_url: &str) -> Option<String> {
    let url = reqwest::Url::parse(base_url.trim()).ok()?;
    if url.scheme() != "http" || is_loopback_url(&url) {
        return None;
    }
    Some(format!(
        "the workspace URL {} is plain http: the token travels unencrypted",
        crate::text::sanitize(base_url)
    ))
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
        // The scheme in any case.
        assert!(plaintext_warning("HTTP://example.com/x").is_some());
        assert!(plaintext_warning("Http://example.com/x").is_some());
        assert!(plaintext_warning("HTTP://LOCALHOST:8/x").is_none());
        assert!(plaintext_warning("http://127.9.8.7/x").is_none());
        assert!(plaintext_warning("http://128.0.0.1/x").is_some());
        assert!(plaintext_warning("http://localhost.evil.com/x").is_some());
        assert!(plaintext_warning("http://[::2]/x").is_some());
        assert!(has_userinfo("https://u:p@example.com/x"));
        assert!(has_userinfo("HTTPS://u@example.com/x"));
        assert!(!has_userinfo("https://example.com/x@y"));
    }
}
