//! The sync task over real HTTP on 127.0.0.1.
//!
//! Two servers: a small scripted stub (this file) where a test needs exact
//! control or server-side counts (in-flight per path, 429 + Retry-After,
//! request order), and the in-process emulator for seeded data, faults,
//! mutations and workspace switches.
//!
//! Timing rules: intervals are short, every wait is bounded by a generous
//! timeout, and assertions are lower bounds (never earlier than) or counts
//! that do not depend on the machine's speed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use lepdash::api::ClientConfig;
use lepdash::api::types::{SecretWrite, Token};
use lepdash::sync::schedule::ScheduleConfig;
use lepdash::sync::{
    Fetched, Mutation, MutationOutput, ResourceKind, SyncCmd, SyncEvent, SyncHandle, SyncOptions,
    SyncTarget, spawn_with,
};
use secrecy::SecretString;
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(20);
const MS: Duration = Duration::from_millis(1);

// ------------------------------------------------------------------ stub server

/// What the stub answers for a path suffix (after the workspace base).
#[derive(Clone, Default)]
struct Behaviour {
    latency: Duration,
    /// Answer with this status instead.
    status: Option<u16>,
    retry_after: Option<u64>,
}

#[derive(Default)]
struct Log {
    /// (workspace, method, suffix, arrival, departure)
    requests: Vec<(String, Method, String, Instant, Option<Instant>)>,
    in_flight: HashMap<String, usize>,
    max_in_flight: HashMap<String, usize>,
}

#[derive(Default)]
struct Stub {
    /// Keyed by suffix ("" = resolver, "/workspace", "/usersecrets", …);
    /// "*" applies to every path without its own entry.
    behaviour: Mutex<HashMap<String, Behaviour>>,
    log: Mutex<Log>,
}

const TOKEN: &str = "nvapi-stubtoken-0123456789";

impl Stub {
    fn set(&self, suffix: &str, b: Behaviour) {
        self.behaviour.lock().unwrap().insert(suffix.into(), b);
    }

    fn clear(&self) {
        self.behaviour.lock().unwrap().clear();
    }

    fn behaviour(&self, suffix: &str) -> Behaviour {
        let map = self.behaviour.lock().unwrap();
        map.get(suffix)
            .or_else(|| map.get("*"))
            .cloned()
            .unwrap_or_default()
    }

    /// Requests to `suffix` (any workspace, GET unless told).
    fn count(&self, method: &Method, suffix: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .requests
            .iter()
            .filter(|r| r.1 == method && r.2 == suffix)
            .count()
    }

    fn gets(&self, suffix: &str) -> usize {
        self.count(&Method::GET, suffix)
    }

    fn max_in_flight(&self, suffix: &str) -> usize {
        *self
            .log
            .lock()
            .unwrap()
            .max_in_flight
            .get(suffix)
            .unwrap_or(&0)
    }

    fn requests(&self) -> Vec<(String, Method, String, Instant, Option<Instant>)> {
        self.log.lock().unwrap().requests.clone()
    }
}

fn split(path: &str) -> (String, String) {
    let rest = path
        .strip_prefix("/api/v2/workspaces/")
        .unwrap_or(path)
        .to_string();
    match rest.split_once('/') {
        Some((ws, suffix)) => (ws.to_string(), format!("/{suffix}")),
        None => (rest, String::new()),
    }
}

async fn handle(
    State(stub): State<Arc<Stub>>,
    method: Method,
    uri: Uri,
    _headers: HeaderMap,
    _body: Bytes,
) -> Response {
    let (ws, suffix) = split(uri.path());
    let idx = {
        let mut log = stub.log.lock().unwrap();
        log.requests.push((
            ws.clone(),
            method.clone(),
            suffix.clone(),
            Instant::now(),
            None,
        ));
        let n = log.in_flight.entry(suffix.clone()).or_default();
        *n += 1;
        let n = *n;
        let max = log.max_in_flight.entry(suffix.clone()).or_default();
        *max = (*max).max(n);
        log.requests.len() - 1
    };
    let b = stub.behaviour(&suffix);
    if !b.latency.is_zero() {
        tokio::time::sleep(b.latency).await;
    }
    let resp = match b.status {
        Some(status) => {
            let mut r = (
                StatusCode::from_u16(status).unwrap(),
                r#"{"code":"Stub","message":"scripted failure"}"#,
            )
                .into_response();
            if let Some(s) = b.retry_after {
                r.headers_mut()
                    .insert("retry-after", s.to_string().parse().unwrap());
            }
            r
        }
        None => ok_body(&ws, &method, &suffix),
    };
    let mut log = stub.log.lock().unwrap();
    log.requests[idx].4 = Some(Instant::now());
    *log.in_flight.entry(suffix).or_default() -= 1;
    resp
}

fn ok_body(ws: &str, method: &Method, suffix: &str) -> Response {
    let json = |v: serde_json::Value| axum::Json(v).into_response();
    if method != Method::GET {
        return match suffix {
            "/tokens" => (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({
                    "id": "tok-new", "name": "new", "masked_value": "nvapi-new...0000",
                    "token": "nvapi-new-plaintext-0000"
                })),
            )
                .into_response(),
            _ => StatusCode::OK.into_response(),
        };
    }
    match suffix {
        "" => json(serde_json::json!({"id": ws, "display_name": format!("Stub {ws}")})),
        "/workspace" => json(serde_json::json!({"workspace_name": ws, "workspace_tier": "basic"})),
        "/tokens" => json(serde_json::json!([
            {"id": "tok-other", "name": "other", "masked_value": "nvapi-zzzz...zzzz"},
            {"id": "tok-mine", "name": "mine", "masked_value": "nvapi-stub...6789"},
        ])),
        "/usersecrets" => json(serde_json::json!([{"name": format!("{ws}_SECRET")}])),
        "/templates/public" => {
            json(serde_json::json!([{"metadata": {"id": "mpi", "name": "mpi"}}]))
        }
        "/templates/private" => {
            json(serde_json::json!([{"metadata": {"id": "mine", "name": "mine"}}]))
        }
        _ => json(serde_json::json!([])),
    }
}

async fn start_stub() -> (Arc<Stub>, SocketAddr) {
    let stub = Arc::new(Stub::default());
    let app = Router::new().fallback(handle).with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (stub, addr)
}

fn target(addr: SocketAddr, ws: &str) -> SyncTarget {
    let mut config = ClientConfig::new(
        format!("http://{addr}/api/v2/workspaces/{ws}"),
        SecretString::from(TOKEN.to_string()),
    );
    config.request_timeout = Duration::from_secs(10);
    SyncTarget {
        id: ws.to_string(),
        config,
    }
}

fn fast(interval: Duration, hidden: Duration) -> SyncOptions {
    SyncOptions {
        schedule: ScheduleConfig {
            interval,
            hidden_interval: hidden,
            min_interval: MS,
            backoff_base: 100 * MS,
            backoff_cap: 800 * MS,
        },
        visible: ResourceKind::Secrets,
    }
}

struct Harness {
    sync: SyncHandle,
    events: mpsc::Receiver<SyncEvent>,
}

/// A one-secret create (`POST /usersecrets`).
fn put_secret(name: &str, value: &str) -> Mutation {
    Mutation::PutSecrets {
        items: vec![SecretWrite {
            name: name.into(),
            value: SecretString::from(value.to_string()),
            visibility: None,
            tags: vec![],
        }],
        overwrite: false,
    }
}

impl Harness {
    fn start(targets: Vec<SyncTarget>, current: usize, opts: SyncOptions) -> Self {
        let (tx, events) = mpsc::channel(256);
        let sync = spawn_with(targets, current, opts, tx);
        Harness { sync, events }
    }

    fn cmd(&self, cmd: SyncCmd) {
        self.sync.cmds.send(cmd).unwrap();
    }

    /// The next event matching `pred`, within the generous timeout.
    async fn until(&mut self, what: &str, mut pred: impl FnMut(&SyncEvent) -> bool) -> SyncEvent {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(ev)) if pred(&ev) => return ev,
                Ok(Some(_)) => {}
                Ok(None) => panic!("sync task ended while waiting for {what}"),
                Err(_) => panic!("timed out waiting for {what}"),
            }
        }
    }

    /// Send mutation `id` and wait for its answer: (workspace, result).
    async fn mutate(
        &mut self,
        id: u64,
        mutation: Mutation,
    ) -> (usize, Result<MutationOutput, lepdash::api::ApiError>) {
        self.cmd(SyncCmd::Mutate { id, mutation });
        let ev = self
            .until(
                "the mutation's answer",
                |e| matches!(e, SyncEvent::Mutated { id: i, .. } if *i == id),
            )
            .await;
        match ev {
            SyncEvent::Mutated {
                workspace, result, ..
            } => (workspace, result),
            other => unreachable!("until() returned {other:?}"),
        }
    }

    /// Drain events for `d` and return them.
    async fn collect_for(&mut self, d: Duration) -> Vec<SyncEvent> {
        let deadline = tokio::time::Instant::now() + d;
        let mut out = vec![];
        while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, self.events.recv()).await {
            out.push(ev);
        }
        out
    }
}

fn is_fetched(ev: &SyncEvent, kind: ResourceKind) -> bool {
    matches!(ev, SyncEvent::Fetched { kind: k, .. } if *k == kind)
}

/// Wait until `cond` holds on the stub (polling it; bounded).
async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(10 * MS).await;
    }
}

// ------------------------------------------------------------------ stub tests

#[tokio::test]
async fn status_and_visible_pane_are_polled_hidden_panes_only_at_their_interval() {
    let (stub, addr) = start_stub().await;
    // Hidden interval far beyond the test: hidden panes are fetched once at start.
    let h = Harness::start(vec![target(addr, "ws")], 0, fast(50 * MS, 3600 * 1000 * MS));
    wait_for("5 polls of status and secrets", || {
        stub.gets("/workspace") >= 5 && stub.gets("/usersecrets") >= 5
    })
    .await;
    for suffix in [
        "/users",
        "/tokens",
        "/imagepullsecrets",
        "/templates/public",
    ] {
        assert_eq!(
            stub.gets(suffix),
            1,
            "{suffix} is hidden: fetched once at start"
        );
    }
    // Becoming visible fetches at once, then at the interval.
    h.cmd(SyncCmd::SetVisible(ResourceKind::Members));
    wait_for("members polled while visible", || stub.gets("/users") >= 4).await;
    h.sync.shutdown().await;
}

#[tokio::test]
async fn one_request_in_flight_per_resource_under_latency() {
    let (stub, addr) = start_stub().await;
    stub.set(
        "*",
        Behaviour {
            latency: 150 * MS,
            ..Behaviour::default()
        },
    );
    let h = Harness::start(vec![target(addr, "ws")], 0, fast(10 * MS, 10 * MS));
    for _ in 0..20 {
        h.cmd(SyncCmd::Refresh(ResourceKind::Secrets));
        h.cmd(SyncCmd::RefreshAll);
        tokio::time::sleep(10 * MS).await;
    }
    wait_for("several secrets polls", || stub.gets("/usersecrets") >= 4).await;
    for suffix in ["/workspace", "/usersecrets", "/users", "/tokens", ""] {
        assert_eq!(stub.max_in_flight(suffix), 1, "{suffix}");
    }
    // 20 refreshes over ~200 ms coalesced into the in-flight ones, not queued.
    assert!(stub.gets("/usersecrets") < 20);
    h.sync.shutdown().await;
}

#[tokio::test]
async fn back_off_grows_on_errors_and_resets_after_success() {
    let (stub, addr) = start_stub().await;
    stub.set(
        "/usersecrets",
        Behaviour {
            status: Some(500),
            ..Behaviour::default()
        },
    );
    let mut h = Harness::start(vec![target(addr, "ws")], 0, fast(10 * MS, 3600 * 1000 * MS));
    // Back-off 100 ms doubling to 800 ms, ±20 %.
    let nominal = [100u32, 200, 400, 800, 800];
    for n in nominal {
        let ev = h
            .until("a failed secrets fetch", |e| {
                is_fetched(e, ResourceKind::Secrets)
            })
            .await;
        let SyncEvent::Fetched {
            result,
            at,
            next_attempt,
            ..
        } = ev
        else {
            unreachable!()
        };
        assert!(result.is_err());
        let next = next_attempt.expect("an error reports its next attempt");
        let delay = next.duration_since(at).unwrap_or_default();
        assert!(delay <= (n * 12 / 10) * MS, "{delay:?} vs nominal {n} ms");
    }
    // Server side: consecutive attempts never came sooner than the back-off.
    let times: Vec<Instant> = stub
        .requests()
        .iter()
        .filter(|r| r.2 == "/usersecrets")
        .map(|r| r.3)
        .collect();
    for i in 1..times.len().min(nominal.len()) {
        let gap = times[i] - times[i - 1];
        let n = nominal[i - 1];
        assert!(
            gap >= (n * 8 / 10) * MS,
            "attempt {i}: {gap:?} after the previous, back-off {n} ms"
        );
    }
    // Clear the fault: the next attempt succeeds, the back-off starts over.
    stub.clear();
    h.until("a successful secrets fetch", |e| {
        matches!(
            e,
            SyncEvent::Fetched {
                kind: ResourceKind::Secrets,
                result: Ok(_),
                ..
            }
        )
    })
    .await;
    stub.set(
        "/usersecrets",
        Behaviour {
            status: Some(503),
            ..Behaviour::default()
        },
    );
    let ev = h
        .until("a failure after the reset", |e| {
            matches!(
                e,
                SyncEvent::Fetched {
                    kind: ResourceKind::Secrets,
                    result: Err(_),
                    ..
                }
            )
        })
        .await;
    let SyncEvent::Fetched {
        at, next_attempt, ..
    } = ev
    else {
        unreachable!()
    };
    let delay = next_attempt.unwrap().duration_since(at).unwrap_or_default();
    assert!(
        delay <= 120 * MS,
        "back-off restarted at the base, got {delay:?}"
    );
    h.sync.shutdown().await;
}

#[tokio::test]
async fn rate_limited_waits_at_least_retry_after() {
    let (stub, addr) = start_stub().await;
    stub.set(
        "/usersecrets",
        Behaviour {
            status: Some(429),
            retry_after: Some(1),
            ..Behaviour::default()
        },
    );
    let mut h = Harness::start(vec![target(addr, "ws")], 0, fast(10 * MS, 3600 * 1000 * MS));
    let ev = h
        .until("a 429", |e| is_fetched(e, ResourceKind::Secrets))
        .await;
    let SyncEvent::Fetched {
        result,
        at,
        next_attempt,
        ..
    } = ev
    else {
        unreachable!()
    };
    assert_eq!(
        result.unwrap_err().retry_after(),
        Some(Duration::from_secs(1))
    );
    assert!(next_attempt.unwrap().duration_since(at).unwrap_or_default() >= 990 * MS);
    // Even a manual refresh waits.
    h.cmd(SyncCmd::Refresh(ResourceKind::Secrets));
    h.until("the retry", |e| is_fetched(e, ResourceKind::Secrets))
        .await;
    let reqs: Vec<_> = stub
        .requests()
        .into_iter()
        .filter(|r| r.2 == "/usersecrets")
        .collect();
    assert!(reqs.len() >= 2);
    let first_answered = reqs[0].4.unwrap();
    assert!(
        reqs[1].3 - first_answered >= Duration::from_secs(1),
        "retried {:?} after a Retry-After of 1 s",
        reqs[1].3 - first_answered
    );
    h.sync.shutdown().await;
}

#[tokio::test]
async fn paused_polls_nothing_but_manual_refresh_runs() {
    let (stub, addr) = start_stub().await;
    let mut h = Harness::start(vec![target(addr, "ws")], 0, fast(20 * MS, 20 * MS));
    wait_for("polling", || stub.gets("/workspace") >= 2).await;
    h.cmd(SyncCmd::SetPaused(true));
    // Let whatever was in flight land.
    h.collect_for(200 * MS).await;
    let before = stub.requests().len();
    h.collect_for(500 * MS).await;
    assert_eq!(stub.requests().len(), before, "no polls while paused");
    h.cmd(SyncCmd::Refresh(ResourceKind::Tokens));
    h.until("the manual refresh", |e| {
        is_fetched(e, ResourceKind::Tokens)
    })
    .await;
    assert_eq!(stub.requests().len(), before + 1);
    h.cmd(SyncCmd::SetPaused(false));
    wait_for("polling again", || stub.requests().len() >= before + 4).await;
    h.sync.shutdown().await;
}

#[tokio::test]
async fn status_survives_a_failing_resolver_and_tokens_find_their_own() {
    let (stub, addr) = start_stub().await;
    stub.set(
        "",
        Behaviour {
            status: Some(404),
            ..Behaviour::default()
        },
    );
    let mut h = Harness::start(
        vec![target(addr, "ws")],
        0,
        fast(1000 * MS, 3600 * 1000 * MS),
    );
    let ev = h
        .until("status", |e| is_fetched(e, ResourceKind::Status))
        .await;
    let SyncEvent::Fetched { result, .. } = ev else {
        unreachable!()
    };
    match result {
        Ok(Fetched::Status { info, resolver }) => {
            assert_eq!(info.workspace_name, "ws");
            assert!(resolver.is_none());
        }
        other => panic!("{other:?}"),
    }
    let ev = h
        .until("tokens", |e| is_fetched(e, ResourceKind::Tokens))
        .await;
    let SyncEvent::Fetched {
        result: Ok(Fetched::Tokens { list, own_id }),
        ..
    } = ev
    else {
        panic!("{ev:?}")
    };
    assert_eq!(list.items.len(), 2);
    assert_eq!(own_id.as_deref(), Some("tok-mine"));
    assert!(
        list.items
            .iter()
            .any(|t: &Token| t.matches_plaintext(TOKEN))
    );
    let ev = h
        .until("templates", |e| is_fetched(e, ResourceKind::Templates))
        .await;
    let SyncEvent::Fetched {
        result: Ok(Fetched::Templates(list)),
        ..
    } = ev
    else {
        panic!("{ev:?}")
    };
    let rows: Vec<_> = list
        .items
        .iter()
        .map(|e| (e.public, e.template.name().to_string()))
        .collect();
    assert_eq!(rows, [(true, "mpi".into()), (false, "mine".into())]);
    h.sync.shutdown().await;
}

#[tokio::test]
async fn mutation_answers_with_its_id_then_the_list_is_refetched() {
    let (stub, addr) = start_stub().await;
    let mut h = Harness::start(
        vec![target(addr, "ws")],
        0,
        fast(3600 * 1000 * MS, 3600 * 1000 * MS),
    );
    h.until("initial secrets", |e| is_fetched(e, ResourceKind::Secrets))
        .await;
    let (workspace, result) = h.mutate(41, put_secret("NEW", "v")).await;
    assert_eq!(workspace, 0);
    assert!(matches!(result, Ok(MutationOutput::Done)));
    h.until("the refresh after it", |e| {
        is_fetched(e, ResourceKind::Secrets)
    })
    .await;
    let order: Vec<_> = stub
        .requests()
        .into_iter()
        .filter(|r| r.2 == "/usersecrets")
        .map(|r| r.1)
        .collect();
    assert_eq!(order, [Method::GET, Method::POST, Method::GET]);

    // A token create answers with the plaintext, once.
    let request = lepdash::api::types::CreateTokenRequest {
        name: "new".into(),
        scopes: vec![],
        expires_in: 3600,
    };
    let (_, result) = h.mutate(42, Mutation::CreateToken(request)).await;
    let Ok(MutationOutput::TokenCreated(t)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(t.record.id, "tok-new");
    h.sync.shutdown().await;
}

#[tokio::test]
async fn failed_mutation_is_never_retried_but_the_list_is_checked() {
    let (stub, addr) = start_stub().await;
    let mut h = Harness::start(
        vec![target(addr, "ws")],
        0,
        fast(3600 * 1000 * MS, 3600 * 1000 * MS),
    );
    h.until("initial registries", |e| {
        is_fetched(e, ResourceKind::Registries)
    })
    .await;
    stub.set(
        "/imagepullsecrets/r1",
        Behaviour {
            status: Some(500),
            ..Behaviour::default()
        },
    );
    let (_, result) = h
        .mutate(7, Mutation::DeleteRegistry { id: "r1".into() })
        .await;
    let Err(e) = result else { panic!("{result:?}") };
    assert!(e.outcome_unknown());
    h.until("the reconciling list", |e| {
        is_fetched(e, ResourceKind::Registries)
    })
    .await;
    h.collect_for(300 * MS).await;
    assert_eq!(stub.count(&Method::DELETE, "/imagepullsecrets/r1"), 1);
    h.sync.shutdown().await;
}

#[tokio::test]
async fn switching_workspace_drops_old_answers_and_fetches_everything() {
    let (stub, addr) = start_stub().await;
    // Workspace "a" is slow; "b" is fast.
    stub.set(
        "*",
        Behaviour {
            latency: 1500 * MS,
            ..Behaviour::default()
        },
    );
    let mut h = Harness::start(
        vec![target(addr, "a"), target(addr, "b")],
        0,
        fast(3600 * 1000 * MS, 3600 * 1000 * MS),
    );
    let mut started = 0;
    while started < 6 {
        let ev = h
            .until("fetches of a", |e| {
                matches!(e, SyncEvent::FetchStarted { .. })
            })
            .await;
        assert!(matches!(ev, SyncEvent::FetchStarted { workspace: 0, .. }));
        started += 1;
    }
    stub.clear();
    h.cmd(SyncCmd::SwitchWorkspace(1));
    let mut fetched = std::collections::BTreeSet::new();
    let deadline = Instant::now() + WAIT;
    while fetched.len() < 6 {
        assert!(Instant::now() < deadline, "not all six fetched for b");
        let ev = h.until("events", |_| true).await;
        match ev {
            SyncEvent::Fetched {
                kind,
                workspace,
                result,
                ..
            } => {
                assert_eq!(workspace, 1, "an answer of the old workspace came through");
                assert!(result.is_ok(), "{result:?}");
                fetched.insert(kind);
            }
            SyncEvent::FetchStarted { workspace, .. } => assert_eq!(workspace, 1),
            SyncEvent::Mutated { .. } => {}
        }
    }
    // The old slow requests end later; none of their answers is delivered.
    for ev in h.collect_for(1800 * MS).await {
        if let SyncEvent::Fetched { workspace, .. } = ev {
            assert_eq!(workspace, 1);
        }
    }
    // b's secrets are b's.
    let b_secrets = stub
        .requests()
        .iter()
        .filter(|r| r.0 == "b" && r.2 == "/usersecrets")
        .count();
    assert!(b_secrets >= 1);
    h.sync.shutdown().await;
}

#[tokio::test]
async fn the_event_times_are_wall_clock() {
    let (_stub, addr) = start_stub().await;
    let mut h = Harness::start(
        vec![target(addr, "ws")],
        0,
        fast(3600 * 1000 * MS, 3600 * 1000 * MS),
    );
    let before = SystemTime::now();
    let ev = h
        .until("status", |e| is_fetched(e, ResourceKind::Status))
        .await;
    let SyncEvent::Fetched { at, .. } = ev else {
        unreachable!()
    };
    assert!(at >= before && at <= SystemTime::now());
    h.sync.shutdown().await;
}

// ------------------------------------------------------------------ emulator tests

mod emulator {
    use super::*;
    use lepdash::api::types::ActivationState;
    use lepdash::emulator::{EmulatorHandle, EmulatorOptions};
    use std::collections::BTreeMap;

    const ADMIN: &str = "nvapi-sync-test-admin-token-0123";

    async fn emulator() -> EmulatorHandle {
        lepdash::emulator::start(EmulatorOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            admin_token: Some(ADMIN.to_string()),
            ..EmulatorOptions::default()
        })
        .await
        .unwrap()
    }

    fn emu_target(emu: &EmulatorHandle, ws: &str) -> SyncTarget {
        let mut config = ClientConfig::new(
            lepdash::api::paths::workspace_base(&emu.origin(), ws),
            SecretString::from(ADMIN.to_string()),
        );
        config.request_timeout = Duration::from_secs(10);
        SyncTarget {
            id: ws.to_string(),
            config,
        }
    }

    /// Per-kind check that a second request never starts while one is in
    /// flight, from the task's own start/end events.
    #[derive(Default)]
    struct InFlight {
        open: BTreeMap<ResourceKind, bool>,
        completed: BTreeMap<ResourceKind, usize>,
    }

    impl InFlight {
        fn see(&mut self, ev: &SyncEvent) {
            match ev {
                SyncEvent::FetchStarted { kind, .. } => {
                    let open = self.open.entry(*kind).or_default();
                    assert!(
                        !*open,
                        "a second {kind:?} request started while one was in flight"
                    );
                    *open = true;
                }
                SyncEvent::Fetched { kind, .. } => {
                    self.open.insert(*kind, false);
                    *self.completed.entry(*kind).or_default() += 1;
                }
                SyncEvent::Mutated { .. } => {}
            }
        }

        fn completed(&self, kind: ResourceKind) -> usize {
            self.completed.get(&kind).copied().unwrap_or(0)
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn seeded_data_arrives_and_visible_and_status_poll_faster_than_hidden() {
        let emu = emulator().await;
        let mut h = Harness::start(
            vec![emu_target(&emu, "demo")],
            0,
            fast(100 * MS, 3600 * 1000 * MS),
        );
        let mut seen = InFlight::default();
        let mut data: BTreeMap<ResourceKind, usize> = BTreeMap::new();
        let deadline = Instant::now() + WAIT;
        while seen.completed(ResourceKind::Status) < 4 || seen.completed(ResourceKind::Secrets) < 4
        {
            assert!(Instant::now() < deadline, "polls did not arrive");
            let ev = h.until("events", |_| true).await;
            seen.see(&ev);
            if let SyncEvent::Fetched {
                kind,
                result,
                workspace,
                ..
            } = &ev
            {
                assert_eq!(*workspace, 0);
                let n = match result.as_ref().expect("the seed fetches cleanly") {
                    Fetched::Status { info, resolver } => {
                        assert_eq!(
                            resolver.as_ref().map(|r| r.activation()),
                            Some(ActivationState::Active)
                        );
                        usize::from(!info.workspace_name.is_empty())
                    }
                    Fetched::Members(l) => l.items.len(),
                    Fetched::Tokens { list, own_id } => {
                        assert!(own_id.is_some(), "the admin token is listed");
                        list.items.len()
                    }
                    Fetched::Secrets(l) => l.items.len(),
                    Fetched::Registries(l) => l.items.len(),
                    Fetched::Templates(l) => {
                        assert!(l.items.iter().any(|e| e.public));
                        l.items.len()
                    }
                };
                data.insert(*kind, n);
            }
        }
        for kind in ResourceKind::ALL {
            assert!(
                data.get(&kind).copied().unwrap_or(0) > 0,
                "{kind:?} has seeded data"
            );
        }
        for kind in [
            ResourceKind::Members,
            ResourceKind::Tokens,
            ResourceKind::Registries,
            ResourceKind::Templates,
        ] {
            assert_eq!(seen.completed(kind), 1, "{kind:?} is hidden: fetched once");
        }
        h.sync.shutdown().await;
        emu.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_request_in_flight_per_resource_under_latency() {
        let emu = emulator().await;
        emu.set_faults("latency=200ms").unwrap();
        let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(10 * MS, 10 * MS));
        let mut seen = InFlight::default();
        let deadline = Instant::now() + WAIT;
        while ResourceKind::ALL.iter().any(|&k| seen.completed(k) < 3) {
            assert!(Instant::now() < deadline, "polls did not arrive");
            h.cmd(SyncCmd::RefreshAll);
            h.cmd(SyncCmd::Refresh(ResourceKind::Secrets));
            let ev = h.until("events", |_| true).await;
            seen.see(&ev);
        }
        h.sync.shutdown().await;
        emu.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn back_off_grows_under_errors_and_resets_after_clearing_faults() {
        let emu = emulator().await;
        emu.set_faults("error-rate=1.0,only=/usersecrets").unwrap();
        let mut h = Harness::start(
            vec![emu_target(&emu, "demo")],
            0,
            fast(10 * MS, 3600 * 1000 * MS),
        );
        // 100 ms doubling to 800 ms, ±20 %.
        let nominal = [100u32, 200, 400, 800, 800];
        let mut ends = vec![];
        for n in nominal {
            let ev = h
                .until("a failed secrets fetch", |e| {
                    is_fetched(e, ResourceKind::Secrets)
                })
                .await;
            let SyncEvent::Fetched {
                result,
                at,
                next_attempt,
                ..
            } = ev
            else {
                unreachable!()
            };
            let e = result.expect_err("error-rate=1.0 fails every request");
            assert!(e.is_transient(), "{e}");
            let delay = next_attempt.unwrap().duration_since(at).unwrap_or_default();
            assert!(
                delay >= (n * 8 / 10) * MS - 5 * MS && delay <= (n * 12 / 10) * MS,
                "{delay:?} vs nominal {n} ms"
            );
            ends.push(at);
        }
        // The attempts really were spaced by the growing back-off.
        for i in 1..ends.len() {
            let gap = ends[i].duration_since(ends[i - 1]).unwrap_or_default();
            assert!(
                gap >= (nominal[i - 1] * 8 / 10) * MS,
                "attempt {i} after {gap:?}"
            );
        }
        emu.clear_faults();
        h.until("a success after the faults are cleared", |e| {
            matches!(
                e,
                SyncEvent::Fetched {
                    kind: ResourceKind::Secrets,
                    result: Ok(_),
                    ..
                }
            )
        })
        .await;
        emu.set_faults("error-rate=1.0,only=/usersecrets").unwrap();
        let ev = h
            .until("the next failure", |e| {
                matches!(
                    e,
                    SyncEvent::Fetched {
                        kind: ResourceKind::Secrets,
                        result: Err(_),
                        ..
                    }
                )
            })
            .await;
        let SyncEvent::Fetched {
            at, next_attempt, ..
        } = ev
        else {
            unreachable!()
        };
        let delay = next_attempt.unwrap().duration_since(at).unwrap_or_default();
        assert!(delay <= 120 * MS, "the back-off starts over: {delay:?}");
        h.sync.shutdown().await;
        emu.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn rate_limited_requests_wait_for_retry_after() {
        let emu = emulator().await;
        emu.set_faults("rate-limit=1,retry-after=1,only=/usersecrets")
            .unwrap();
        let mut h = Harness::start(
            vec![emu_target(&emu, "demo")],
            0,
            fast(10 * MS, 3600 * 1000 * MS),
        );
        let mut ats = vec![];
        for _ in 0..3 {
            let ev = h
                .until("a rate-limited fetch", |e| {
                    is_fetched(e, ResourceKind::Secrets)
                })
                .await;
            let SyncEvent::Fetched {
                result,
                at,
                next_attempt,
                ..
            } = ev
            else {
                unreachable!()
            };
            let e = result.expect_err("every request is rate limited");
            assert_eq!(e.retry_after(), Some(Duration::from_secs(1)), "{e}");
            assert!(next_attempt.unwrap().duration_since(at).unwrap() >= 990 * MS);
            ats.push(at);
            // A manual refresh does not jump the queue.
            h.cmd(SyncCmd::Refresh(ResourceKind::Secrets));
        }
        for w in ats.windows(2) {
            let gap = w[1].duration_since(w[0]).unwrap_or_default();
            assert!(
                gap >= 990 * MS,
                "retried after {gap:?}, Retry-After was 1 s"
            );
        }
        h.sync.shutdown().await;
        emu.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn mutations_answer_then_the_list_shows_them() {
        let emu = emulator().await;
        let mut h = Harness::start(
            vec![emu_target(&emu, "demo"), emu_target(&emu, "early")],
            0,
            fast(3600 * 1000 * MS, 3600 * 1000 * MS),
        );
        h.until("initial secrets", |e| is_fetched(e, ResourceKind::Secrets))
            .await;
        let (workspace, result) = h
            .mutate(1, put_secret("SYNC_TEST_SECRET", "sync-test-value"))
            .await;
        assert_eq!(workspace, 0);
        result.unwrap();
        let ev = h
            .until("the refreshed list", |e| {
                is_fetched(e, ResourceKind::Secrets)
            })
            .await;
        let SyncEvent::Fetched {
            result: Ok(Fetched::Secrets(list)),
            ..
        } = ev
        else {
            panic!("{ev:?}")
        };
        assert!(list.items.iter().any(|s| s.name == "SYNC_TEST_SECRET"));

        // A refused write on the not-activated workspace: the error comes back
        // once, with its id, and is not retried.
        h.cmd(SyncCmd::SwitchWorkspace(1));
        h.until("early's secrets", |e| {
            matches!(
                e,
                SyncEvent::Fetched {
                    kind: ResourceKind::Secrets,
                    workspace: 1,
                    ..
                }
            )
        })
        .await;
        h.cmd(SyncCmd::Mutate {
            id: 2,
            mutation: Mutation::DeleteSecret {
                name: "ANYTHING".into(),
            },
        });
        let ev = h
            .until("the refusal", |e| {
                matches!(e, SyncEvent::Mutated { id: 2, .. })
            })
            .await;
        let SyncEvent::Mutated {
            workspace, result, ..
        } = ev
        else {
            unreachable!()
        };
        assert_eq!(workspace, 1);
        let e = result.unwrap_err();
        assert_eq!(e.code(), Some("WorkspaceNotActivated"), "{e}");
        for ev in h.collect_for(300 * MS).await {
            assert!(
                !matches!(ev, SyncEvent::Mutated { .. }),
                "a failed mutation is answered once: {ev:?}"
            );
        }
        h.sync.shutdown().await;
        emu.shutdown().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn switching_to_early_drops_demo_answers_and_shows_its_activation() {
        let emu = emulator().await;
        emu.set_faults("latency=1500ms").unwrap();
        let mut h = Harness::start(
            vec![emu_target(&emu, "demo"), emu_target(&emu, "early")],
            0,
            fast(3600 * 1000 * MS, 3600 * 1000 * MS),
        );
        for _ in 0..6 {
            h.until("demo fetches start", |e| {
                matches!(e, SyncEvent::FetchStarted { workspace: 0, .. })
            })
            .await;
        }
        emu.clear_faults();
        h.cmd(SyncCmd::SwitchWorkspace(1));
        let mut fetched = std::collections::BTreeSet::new();
        while fetched.len() < 6 {
            let ev = h.until("early's six resources", |_| true).await;
            if let SyncEvent::Fetched {
                kind,
                workspace,
                result,
                ..
            } = ev
            {
                assert_eq!(
                    workspace, 1,
                    "an answer of demo came through after the switch"
                );
                if let Ok(Fetched::Status { resolver, info }) = &result {
                    assert_eq!(
                        resolver.as_ref().map(|r| r.activation()),
                        Some(ActivationState::NotActivated)
                    );
                    assert_eq!(info.not_in_use, Some(true));
                }
                fetched.insert(kind);
            }
        }
        for ev in h.collect_for(1800 * MS).await {
            if let SyncEvent::Fetched { workspace, .. } = ev {
                assert_eq!(workspace, 1);
            }
        }
        h.sync.shutdown().await;
        emu.shutdown().await;
    }
}
