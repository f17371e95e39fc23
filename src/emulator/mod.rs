//! The Lepton workspace API emulator (axum), for tests, `lepdash demo` and
//! the official `lep` CLI.
//!
//! # What it serves
//!
//! Several workspaces under `http://ADDR/api/v2/workspaces/<id>` (`BASE`),
//! seeded from `assets/demo/*.json` (embedded) or `--data DIR` (same file
//! layout; documented at the top of `src/emulator/seed.rs`). Routes come from
//! [`crate::api::paths`]; bodies are the wire types of [`crate::api::types`].
//!
//! | method and path | who | answer |
//! |---|---|---|
//! | `GET BASE` | any member | resolver: `id, display_name, workspace_url, activation_state, activation_updated_at, early_access` |
//! | `GET BASE/workspace`, `GET BASE/info` | any member | `WorkspaceInfo` superset (`service_quota`, `workloads.num_photons`); counts match the caller's lists; `not_in_use: true` while not activated |
//! | `GET BASE/users` | admin | `[Member]` |
//! | `POST BASE/users {email, role}` | admin | 201 `Member` (`status: invited`) |
//! | `PATCH BASE/users/{id} {role}` / `DELETE BASE/users/{id}` | admin | 200 `Member` / 200 (the member's tokens stop working) |
//! | `GET BASE/tokens` | any member | `[Token]`: admins see all, others their own |
//! | `POST BASE/tokens {name, scopes, expires_in}` | admin, user | 201 `Token` + `"token": "nvapi-…"` (plaintext, once) |
//! | `DELETE BASE/tokens/{id}` | admin (any), user (own) | 200; the token answers 401 from now on |
//! | `GET BASE/usersecrets` | any member | `[Secret]` without values; private ones only for their owner (admins see all) |
//! | `POST BASE/usersecrets [SecretWrite…]` | admin, user | 200; upsert (visibility defaults to private) |
//! | `DELETE BASE/usersecrets/{name}` | admin, user | 200 |
//! | `GET BASE/imagepullsecrets` | any member | `[Registry]` without passwords |
//! | `POST BASE/imagepullsecrets RegistryWrite` | admin, user | 201 `Registry` |
//! | `DELETE BASE/imagepullsecrets/{id}` | admin, user | 200 |
//! | `GET BASE/templates/{public,private}[/{id}]` | any member | `[Template]` / `Template` |
//! | `POST BASE/templates/{public,private}/{id}/render {run?}` | any member | `{"metadata": {}, "spec": <template content, ${RUN} replaced>}` |
//! | `GET BASE/deployments[/{name}[/replicas,readiness,termination,events]]` | any member | legacy endpoints **and** pods (`spec.is_pod`); 404 on a workspace with `features.enable_new_deployment_api` |
//! | `GET BASE/endpoints[/{name}[/replicas,events]]`, `GET BASE/devpods[/{name}]` | any member | the new route family; 404 on a legacy workspace |
//! | `GET BASE/jobs?job_query_mode&q&status&created_by&node_groups&query&page&page_size` | any member | `{"jobs": [...]}` when paged (empty past the end), a bare array otherwise; newest first |
//! | `POST BASE/jobs Job`, `GET BASE/jobs/{id}[/replicas,events]` | admin, user / any member | the job (`Queueing`, owned by the caller) |
//! | `GET BASE/dedicated-node-groups[/{id}[/nodes]]` | any member | node groups / nodes |
//!
//! Workloads are seeded from `workloads.json` (layout in `workloads/mod.rs`):
//! `demo` is on the legacy family, `labs` on the new one; `/workspace`
//! counts come from the same store. A known path with a wrong method is 405
//! `MethodNotAllowed` with a `{code, message}` body.
//!
//! Errors are `{"code", "message"}`: 400 `InvalidRequest` (unparsable body) or
//! `ValidationError` (bad name, empty value, bad email, last admin), 401
//! `Unauthorized` (missing, unknown, revoked or expired token), 403
//! `StatusForbidden` (viewer writing, non-admin on members) or
//! `WorkspaceNotActivated` (any write while the workspace is not active), 404
//! `ResourceNotFound`, 409 `ResourceConflict` (duplicate invite or registry).
//! Secret values, registry passwords and token plaintexts are stored but
//! never returned (except a new token's plaintext, once) and never logged.
//!
//! Every token belongs to a member and carries that member's current role.
//! The admin token (`--token T`, or a generated `nvapi-…`) is a token of each
//! workspace's `owner`, listed by `/tokens` with a one-year expiry.
//!
//! # Control endpoints (no auth, loopback callers only, never faulted)
//!
//! * `GET /_emulator/health` → `{"status": "ok", "workspaces": […], "faults": SPEC, …}`
//! * `GET /_emulator/faults` → `{"spec": SPEC, "active": bool}`;
//!   `POST /_emulator/faults` with `{"spec": SPEC}`, a JSON string, a
//!   `{"latency": "200ms", "unknown-enums": true}` object, or the SPEC as
//!   plain text replaces the fault config (400 `InvalidFaultSpec` if bad).
//! * `POST /_emulator/workspaces/{ws}/activation {"state": "pending"}`
//!   (`not_activated` | `pending` | `active`).
//! * `GET /_emulator/requests` → `{"requests": [{"workspace", "method",
//!   "path", "count"}…]}`: API requests counted on arrival, before any
//!   fault (`path` relative to BASE); `DELETE` resets the counts.
//! * `POST /_emulator/workspaces/{ws}/tokens {"member": EMAIL|ID,
//!   "expires_in": SECONDS, "name"?, "scopes"?}` → 201 like `POST /tokens`,
//!   for any active member; `expires_in <= 0` makes an already-expired token.
//!
//! # Fault SPEC
//!
//! Comma-separated `key=value` items (keys are case-insensitive, `_` = `-`),
//! e.g. `latency=200ms,error-rate=0.1,only=/usersecrets`. `none` or an empty
//! string means no faults. Unknown keys, repeated keys, rates outside 0..=1 and
//! malformed values are errors naming the item. Faults apply to API routes
//! only, in this order:
//!
//! | item | effect |
//! |---|---|
//! | `only=/P1\|/P2` | faults hit only paths (relative to BASE) equal to or under a prefix; `/` is the resolver `GET BASE` itself |
//! | `latency=DUR` | sleep `DUR` (`500ms`, `2s`, `1m`) before answering |
//! | `hang=DUR` | the request hangs for `DUR`, then answers normally (set a short client timeout to see a timeout) |
//! | `rate-limit=N` or `rate-limit=R` | 429 `TooManyRequests` every Nth matching request (N ≥ 1 integer) or with probability R (a number with a `.`) |
//! | `retry-after=S` | the `Retry-After` seconds of those 429s (default 1; requires `rate-limit`) |
//! | `status=N` | every matching request is answered N (400–599) with the Lepton error body of that status (403 `StatusForbidden`, 404 `ResourceNotFound`, …); not applied |
//! | `error-rate=R` | with probability R, 503 or 500 `InternalFailure`; the request is not applied |
//! | `malformed[=R]` | with probability R (default 1), a 2xx answer's body becomes `{"broken` (status kept) |
//! | `truncate[=R]` | with probability R (default 1), a 2xx body is cut in half under its full `Content-Length` and the connection dropped |
//! | `unknown-enums[=R]` | each list item, with probability R (default 1), gets unknown enum values (member role `billing-admin` and status `suspended`, secret visibility `team`, registry/template visibility `organization`, template workload type `finetune`); `/workspace` gets state `hibernating` |
//! | `bad-items[=N]` | N (default 1) undecodable items are spread through every list |
//! | `big-lists[=N]` | N (default 10000) generated items are appended to every list (members, tokens, secrets, registries, templates); `/workspace` counts include them |
//! | `hang-after-apply=DUR` | writes only: the change is stored, then the answer is held for `DUR` (longer than the client's timeout: applied, but the client times out) |
//! | `reset-after-apply[=R]` | writes only, with probability R (default 1): the change is stored, then the connection is closed without an answer |
//! | `fail-after-apply[=R]` | writes only, with probability R (default 1): the change is stored, then the answer is 500 `InternalFailure` |
//!
//! Rates accept `0.3` or `30%`. Durations accept `ms`, `s`, `m`, `h`.

mod activity;
mod control;
mod error;
mod fault_spec;
mod faults;
mod listener;
mod routes;
mod seed;
mod state;
mod validate;
mod workloads;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use secrecy::SecretString;
use serde::Serialize;
use tokio::task::JoinHandle;

pub use activity::DEMO_PACE;
pub use error::EmulatorError;
pub use fault_spec::{FaultConfig, RateLimit};

use crate::api::types::ActivationState;
use state::{Shared, gen_token, now_ms};

/// How to start the emulator.
#[derive(Clone)]
pub struct EmulatorOptions {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Seed directory (same layout as `assets/demo`); `None` = embedded demo data.
    pub data_dir: Option<PathBuf>,
    /// Admin token valid in every workspace; `None` = generate one.
    pub admin_token: Option<String>,
    /// Fault SPEC applied from the start (see the module docs).
    pub faults: Option<String>,
    /// Gentle background changes for the demo.
    pub demo_activity: bool,
    /// Changes of every kind at this pace (`--activity DUR`; the demo's
    /// pace when `demo_activity` is on and this is unset is the random
    /// 20–40 s).
    pub activity_every: Option<std::time::Duration>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            admin_token: None,
            faults: None,
            demo_activity: false,
            activity_every: None,
        }
    }
}

impl std::fmt::Debug for EmulatorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorOptions")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "admin_token",
                &self.admin_token.as_ref().map(|_| "[REDACTED]"),
            )
            .field("faults", &self.faults)
            .field("demo_activity", &self.demo_activity)
            .field("activity_every", &self.activity_every)
            .finish()
    }
}

/// One served workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkspaceSummary {
    pub id: String,
    pub display_name: String,
    /// `http://127.0.0.1:PORT/api/v2/workspaces/<id>`.
    pub base_url: String,
    pub activation: ActivationState,
}

/// How many API requests arrived for one method and path, counted on arrival
/// (before any fault): a write that was answered with an injected failure,
/// cut off or timed out is counted once per attempt that reached the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestCount {
    pub workspace: String,
    /// `GET`, `POST`, `PATCH`, `DELETE`.
    pub method: String,
    /// Relative to the workspace base: `/usersecrets`, `/tokens/tok-1`, `/` (resolver).
    pub path: String,
    pub count: u64,
}

/// A running emulator. Dropping it signals the server to stop; call
/// [`EmulatorHandle::shutdown`] to wait until the port is free.
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    admin_token: SecretString,
    server: Option<JoinHandle<std::io::Result<()>>>,
    activity: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// How long `shutdown` waits for in-flight requests before cutting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

impl EmulatorHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.shared.origin.clone()
    }

    /// The admin token (valid in every workspace).
    pub fn admin_token(&self) -> &SecretString {
        &self.admin_token
    }

    /// The served workspaces, in seed order.
    pub fn workspaces(&self) -> Vec<WorkspaceSummary> {
        self.shared
            .store()
            .workspaces
            .iter()
            .map(|w| WorkspaceSummary {
                id: w.id.clone(),
                display_name: w.display_name.clone(),
                base_url: self.shared.base_url(&w.id),
                activation: w.activation.clone(),
            })
            .collect()
    }

    /// Replace the fault config with a SPEC (see the module docs).
    pub fn set_faults(&self, spec: &str) -> Result<(), EmulatorError> {
        let cfg = FaultConfig::parse(spec)?;
        self.shared.set_faults(cfg);
        Ok(())
    }

    /// The fault config in force (its `Display` is the canonical SPEC).
    pub fn faults(&self) -> FaultConfig {
        self.shared.faults().cfg.clone()
    }

    /// Remove every fault.
    pub fn clear_faults(&self) {
        self.shared.set_faults(FaultConfig::default());
    }

    /// Requests with `method` to `path` (relative to the workspace base,
    /// e.g. `/usersecrets`) in every workspace since the start or the last
    /// [`EmulatorHandle::reset_request_counts`].
    pub fn request_count(&self, method: &str, path: &str) -> u64 {
        self.shared
            .request_counts()
            .iter()
            .filter(|((_, m, p), _)| m.eq_ignore_ascii_case(method) && p == path)
            .map(|(_, n)| n)
            .sum()
    }

    /// Every request count, sorted by workspace, method and path.
    pub fn request_counts(&self) -> Vec<RequestCount> {
        request_counts(&self.shared)
    }

    /// Start counting from zero.
    pub fn reset_request_counts(&self) {
        self.shared.reset_request_counts();
    }

    /// Move a workspace to another activation state.
    pub fn set_activation(&self, ws: &str, state: ActivationState) -> Result<(), EmulatorError> {
        if state.is_unknown() {
            return Err(EmulatorError::InvalidActivation(state.as_str().to_string()));
        }
        let mut store = self.shared.store();
        let w = store
            .workspaces
            .iter_mut()
            .find(|w| w.id == ws)
            .ok_or_else(|| EmulatorError::UnknownWorkspace(ws.to_string()))?;
        w.activation = state;
        w.activation_updated_at = now_ms();
        Ok(())
    }

    /// Stop serving and free the port: in-flight requests get up to 3 s
    /// (hanging faults end at once), then connections are cut.
    pub async fn shutdown(mut self) {
        self.shared.begin_shutdown();
        if let Some(a) = self.activity.take() {
            a.abort();
            let _ = a.await;
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(SHUTDOWN_GRACE, &mut server)
                .await
                .is_err()
        {
            server.abort();
            let _ = server.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.shared.begin_shutdown();
        if let Some(a) = &self.activity {
            a.abort();
        }
    }
}

pub(crate) fn request_counts(shared: &Shared) -> Vec<RequestCount> {
    shared
        .request_counts()
        .into_iter()
        .map(|((workspace, method, path), count)| RequestCount {
            workspace,
            method,
            path,
            count,
        })
        .collect()
}

/// Start serving in the background.
pub async fn start(opts: EmulatorOptions) -> Result<EmulatorHandle, EmulatorError> {
    let admin_token = match opts.admin_token {
        Some(t) => {
            validate::bearer_token(&t).map_err(EmulatorError::InvalidToken)?;
            SecretString::from(t)
        }
        None => SecretString::from(gen_token()),
    };
    let faults = match &opts.faults {
        Some(spec) => FaultConfig::parse(spec)?,
        None => FaultConfig::default(),
    };
    let files = match &opts.data_dir {
        Some(dir) => seed::SeedFiles::from_dir(dir)?,
        None => seed::SeedFiles::embedded(),
    };
    let store = seed::build_store(&files, &admin_token, now_ms())?;

    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(|source| EmulatorError::Bind {
            addr: opts.listen,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| EmulatorError::Bind {
            addr: opts.listen,
            source,
        })?;
    let shared = Arc::new(Shared::new(store, faults, format!("http://{addr}")));

    let app = routes::router(Arc::clone(&shared))
        .merge(control::router(Arc::clone(&shared)))
        .fallback(|| async { error::HttpError::not_found("no such path on this emulator") });
    let mut stop = shared.shutdown_rx();
    // The no-op tap makes axum hand the peer address to handlers as
    // `ConnectInfo<SocketAddr>`, as with a plain `TcpListener`.
    let listener = listener::Listener::new(listener, Arc::clone(&shared)).tap_io(|_| {});
    let server = tokio::spawn(
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|s| *s).await;
        })
        .into_future(),
    );
    let activity = (opts.demo_activity || opts.activity_every.is_some())
        .then(|| tokio::spawn(activity::run(Arc::clone(&shared), opts.activity_every)));
    tracing::info!(%addr, "emulator listening");
    Ok(EmulatorHandle {
        addr,
        shared,
        admin_token,
        server: Some(server),
        activity,
    })
}
