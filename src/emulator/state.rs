//! The in-memory store: workspaces, their members, tokens, secrets,
//! registries and templates, plus authentication and role checks.
//!
//! The store sits behind a `std::sync::Mutex`: every critical section is short
//! and synchronous (never held across an `.await`, which the compiler enforces
//! because the guard is not `Send`), and the handle's `set_activation` must
//! work from synchronous code.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;

use super::error::HttpError;
use super::fault_spec::{FaultConfig, FaultState};
use crate::api::paths;
use crate::api::types::*;

pub(crate) const DAY_MS: i64 = 86_400_000;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A fresh token: `nvapi-` plus 40 alphanumeric characters.
pub(crate) fn gen_token() -> String {
    let mut t = String::with_capacity(46);
    t.push_str("nvapi-");
    t.extend((0..40).map(|_| fastrand::alphanumeric()));
    t
}

/// A fresh id such as `tok-k3x9a0qz`.
pub(crate) fn gen_id(prefix: &str) -> String {
    const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut id = String::with_capacity(prefix.len() + 9);
    id.push_str(prefix);
    id.push('-');
    id.extend((0..8).map(|_| CHARS[fastrand::usize(..CHARS.len())] as char));
    id
}

/// `masked_value` of a token: first 10 characters, `...`, last 4.
/// Tokens are ASCII (validated on the way in), so byte slicing is safe; a
/// token too short to mask without revealing it is masked entirely.
pub(crate) fn mask(token: &str) -> String {
    if token.len() < 20 || !token.is_ascii() {
        return "...".to_string();
    }
    format!("{}...{}", &token[..10], &token[token.len() - 4..])
}

/// `(workspace, method, path relative to the workspace base)`.
pub(crate) type RequestKey = (String, String, String);

/// Everything the server knows.
pub(crate) struct Shared {
    store: Mutex<Store>,
    faults: RwLock<Arc<FaultState>>,
    shutdown: watch::Sender<bool>,
    /// API requests received, counted as they arrive (before any fault).
    requests: Mutex<BTreeMap<RequestKey, u64>>,
    /// Open connections by peer address: set a flag to cut that connection
    /// at its next write (`reset-after-apply`).
    connections: Mutex<HashMap<SocketAddr, Arc<AtomicBool>>>,
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    pub started: Instant,
}

impl Shared {
    pub fn new(store: Store, faults: FaultConfig, origin: String) -> Self {
        let (shutdown, _) = watch::channel(false);
        Shared {
            store: Mutex::new(store),
            faults: RwLock::new(Arc::new(FaultState::new(faults))),
            shutdown,
            requests: Mutex::new(BTreeMap::new()),
            connections: Mutex::new(HashMap::new()),
            origin,
            started: Instant::now(),
        }
    }

    /// Count one API request.
    pub fn count_request(&self, ws: &str, method: &str, suffix: &str) {
        let mut map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        *map.entry((ws.to_string(), method.to_string(), suffix.to_string()))
            .or_default() += 1;
    }

    /// Every request count so far.
    pub fn request_counts(&self) -> BTreeMap<RequestKey, u64> {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn reset_request_counts(&self) {
        self.requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// A new connection from `peer`: its cut flag.
    pub fn connection_opened(&self, peer: SocketAddr) -> Arc<AtomicBool> {
        let flag = Arc::new(AtomicBool::new(false));
        self.connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(peer, Arc::clone(&flag));
        flag
    }

    /// Forget a closed connection (only if `flag` is still the one registered).
    pub fn connection_closed(&self, peer: SocketAddr, flag: &Arc<AtomicBool>) {
        let mut map = self.connections.lock().unwrap_or_else(|e| e.into_inner());
        if map.get(&peer).is_some_and(|f| Arc::ptr_eq(f, flag)) {
            map.remove(&peer);
        }
    }

    /// Cut the connection from `peer` before anything more is written on it.
    /// False when no such connection is known.
    pub fn cut_connection(&self, peer: SocketAddr) -> bool {
        match self
            .connections
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&peer)
        {
            Some(flag) => {
                flag.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    /// Lock the store. A poisoned lock (a panic elsewhere while holding it)
    /// still holds consistent data: every mutation is a single push/remove.
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn faults(&self) -> Arc<FaultState> {
        self.faults
            .read()
            .map(|g| Arc::clone(&g))
            .unwrap_or_else(|e| Arc::clone(&e.into_inner()))
    }

    pub fn set_faults(&self, cfg: FaultConfig) {
        let new = Arc::new(FaultState::new(cfg));
        match self.faults.write() {
            Ok(mut g) => *g = new,
            Err(e) => *e.into_inner() = new,
        }
    }

    /// Tell every waiting task to stop.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    pub fn shutdown_rx(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Sleep; false if the emulator began shutting down meanwhile.
    pub async fn sleep_unless_shutdown(&self, d: Duration) -> bool {
        let mut rx = self.shutdown_rx();
        if *rx.borrow() {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => true,
            _ = rx.wait_for(|stop| *stop) => false,
        }
    }

    pub fn base_url(&self, ws: &str) -> String {
        paths::workspace_base(&self.origin, ws)
    }
}

/// All workspaces plus the NVIDIA-provided public templates they share.
pub(crate) struct Store {
    pub workspaces: Vec<Ws>,
    pub templates_public: Vec<Template>,
}

impl Store {
    pub fn ws(&self, id: &str) -> Result<&Ws, HttpError> {
        self.workspaces
            .iter()
            .find(|w| w.id == id)
            .ok_or_else(|| unknown_ws(id))
    }

    pub fn ws_mut(&mut self, id: &str) -> Result<&mut Ws, HttpError> {
        self.workspaces
            .iter_mut()
            .find(|w| w.id == id)
            .ok_or_else(|| unknown_ws(id))
    }
}

fn unknown_ws(id: &str) -> HttpError {
    HttpError::not_found(format!("workspace {id:?} not found"))
}

/// A token with its plaintext (never serialised) and its member.
pub(crate) struct TokenEntry {
    pub record: Token,
    pub plaintext: SecretString,
    pub member_id: String,
    pub revoked: bool,
}

/// A secret with its write-only value.
pub(crate) struct SecretEntry {
    pub item: Secret,
    /// Stored so a workload could use it; never serialised or logged.
    #[allow(dead_code)]
    pub value: SecretString,
}

/// An image pull secret with its write-only password.
pub(crate) struct RegistryEntry {
    pub item: Registry,
    /// Stored so a workload could pull with it; never serialised or logged.
    #[allow(dead_code)]
    pub password: SecretString,
}

/// One workspace.
pub(crate) struct Ws {
    pub id: String,
    pub display_name: String,
    pub early_access: bool,
    pub activation: ActivationState,
    pub activation_updated_at: i64,
    /// Static parts of `/workspace`; counts are filled in per request.
    pub info: WorkspaceInfo,
    pub members: Vec<Member>,
    pub tokens: Vec<TokenEntry>,
    pub secrets: Vec<SecretEntry>,
    pub registries: Vec<RegistryEntry>,
    pub templates_private: Vec<Template>,
    /// Endpoints, pods, jobs and node groups.
    pub workloads: super::workloads::WorkloadStore,
}

/// Who is calling, from their token.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub member_id: String,
    pub email: String,
    pub role: Role,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// What a request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    /// Any member.
    Read,
    /// Admin or user (not viewer); workspace must be active.
    Write,
    /// Admin only (the members list).
    AdminRead,
    /// Admin only; workspace must be active.
    AdminWrite,
}

impl Ws {
    pub fn is_active(&self) -> bool {
        self.activation == ActivationState::Active
    }

    /// The member behind a bearer token, or 401.
    pub fn authenticate(&self, headers: &HeaderMap, now: i64) -> Result<Caller, HttpError> {
        let Some(raw) = headers.get(AUTHORIZATION) else {
            return Err(HttpError::unauthorized(
                "missing bearer token: send `Authorization: Bearer <token>`",
            ));
        };
        let raw = raw.to_str().unwrap_or_default().trim();
        let token = match raw.split_once(' ') {
            Some((scheme, t)) if scheme.eq_ignore_ascii_case("bearer") => t.trim(),
            _ => {
                return Err(HttpError::unauthorized(
                    "the Authorization header must be `Bearer <token>`",
                ));
            }
        };
        let Some(entry) = self
            .tokens
            .iter()
            .find(|e| e.plaintext.expose_secret() == token)
        else {
            return Err(HttpError::unauthorized(format!(
                "the token is not valid for workspace {}",
                self.id
            )));
        };
        if entry.revoked {
            return Err(HttpError::unauthorized("the token has been revoked"));
        }
        if entry.record.expires_at.is_some_and(|at| at <= now) {
            return Err(HttpError::unauthorized(
                "the token has expired; create a new one in Settings → Tokens",
            ));
        }
        let member = self
            .members
            .iter()
            .find(|m| m.id == entry.member_id && m.status == MemberStatus::Active)
            .ok_or_else(|| {
                HttpError::unauthorized("the token's owner is no longer a member of this workspace")
            })?;
        Ok(Caller {
            member_id: member.id.to_string(),
            email: member.email.to_string(),
            role: member.role.clone(),
        })
    }

    /// Authenticate, then check activation (for writes) and the role.
    pub fn authorize(
        &self,
        headers: &HeaderMap,
        need: Need,
        now: i64,
    ) -> Result<Caller, HttpError> {
        let caller = self.authenticate(headers, now)?;
        let writes = matches!(need, Need::Write | Need::AdminWrite);
        if writes && !self.is_active() {
            return Err(self.not_activated());
        }
        match need {
            Need::Read => {}
            Need::Write => {
                if !matches!(caller.role, Role::Admin | Role::User) {
                    return Err(HttpError::forbidden(format!(
                        "role {} is read-only in workspace {}",
                        caller.role, self.id
                    )));
                }
            }
            Need::AdminRead | Need::AdminWrite => {
                if !caller.is_admin() {
                    return Err(HttpError::forbidden(format!(
                        "only admins can {} members (your role: {})",
                        if writes { "manage" } else { "list" },
                        caller.role
                    )));
                }
            }
        }
        Ok(caller)
    }

    /// 403 `WorkspaceNotActivated`, explaining what to do.
    pub fn not_activated(&self) -> HttpError {
        let why = match self.activation {
            ActivationState::Pending => format!(
                "workspace {} is not activated yet: its early-access application is pending \
                 review by NVIDIA, who will contact you; until then it is read-only. \
                 Application details: {}",
                self.id,
                paths::ACTIVATION_APPLY_URL
            ),
            _ => format!(
                "workspace {} is not activated yet: during early access a workspace must be \
                 activated before it can be changed. Apply at {} — NVIDIA reviews the \
                 application and contacts you.",
                self.id,
                paths::ACTIVATION_APPLY_URL
            ),
        };
        HttpError::new(
            axum::http::StatusCode::FORBIDDEN,
            "WorkspaceNotActivated",
            why,
        )
    }

    pub fn resolver(&self, base_url: String) -> Resolver {
        Resolver {
            id: Some(self.id.clone()),
            display_name: Some(self.display_name.clone()),
            workspace_url: Some(base_url),
            activation_state: Some(self.activation.clone()),
            activation_updated_at: Some(self.activation_updated_at),
            early_access: Some(self.early_access),
        }
    }

    /// `/workspace` as the caller sees it (counts match the caller's lists).
    pub fn info_for(&self, caller: &Caller) -> WorkspaceInfo {
        let mut info = self.info.clone();
        info.workspace_name = self.id.clone();
        info.workloads.num_secrets = self.visible_secrets(caller).count() as u64;
        info.workloads.num_image_pull_secrets = self.registries.len() as u64;
        let (deployments, jobs, pods) = self.workloads.counts();
        info.workloads.num_deployments = deployments;
        info.workloads.num_jobs = jobs;
        info.workloads.num_pods = pods;
        info.not_in_use = Some(!self.is_active());
        info
    }

    pub fn visible_secrets<'a>(&'a self, caller: &'a Caller) -> impl Iterator<Item = &'a Secret> {
        self.secrets
            .iter()
            .map(|e| &e.item)
            .filter(move |s| secret_visible(s, caller))
    }

    /// Admins see every token; others only their own.
    pub fn visible_tokens<'a>(
        &'a self,
        caller: &'a Caller,
    ) -> impl Iterator<Item = &'a TokenEntry> {
        self.tokens
            .iter()
            .filter(move |e| !e.revoked && (caller.is_admin() || e.member_id == caller.member_id))
    }

    pub fn active_admins(&self) -> usize {
        self.members
            .iter()
            .filter(|m| m.role == Role::Admin && m.status == MemberStatus::Active)
            .count()
    }

    /// Create a token for a member; the plaintext is returned once.
    pub fn add_token(
        &mut self,
        member_id: &str,
        email: &str,
        name: String,
        scopes: Vec<String>,
        expires_at: i64,
        now: i64,
    ) -> CreatedToken {
        let plaintext = gen_token();
        let record = Token {
            id: gen_id("tok").into(),
            name: name.into(),
            masked_value: mask(&plaintext).into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            created_at: Some(now),
            expires_at: Some(expires_at),
            created_by: Some(email.to_string().into()),
        };
        let plaintext = SecretString::from(plaintext);
        self.tokens.push(TokenEntry {
            record: record.clone(),
            plaintext: plaintext.clone(),
            member_id: member_id.to_string(),
            revoked: false,
        });
        CreatedToken { record, plaintext }
    }
}

/// Public secrets for everyone; private ones for their owner; all for admins.
pub(crate) fn secret_visible(s: &Secret, caller: &Caller) -> bool {
    caller.is_admin()
        || s.visibility != Some(Visibility::Private)
        || s.owner
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case(&caller.email))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_shape_and_mask() {
        let t = gen_token();
        assert!(t.starts_with("nvapi-"));
        assert_eq!(t.len(), 46);
        let m = mask(&t);
        assert_eq!(m.len(), 17);
        assert!(m.starts_with(&t[..10]) && m.ends_with(&t[42..]));
        assert_eq!(mask("short"), "...");
        let id = gen_id("u");
        assert!(id.starts_with("u-") && id.len() == 10);
    }
}
