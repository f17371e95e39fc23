//! The sync task over real HTTP on 127.0.0.1, against the in-process
//! emulator: seeded data, faults (latency, errors, 429 + Retry-After, a
//! failing resolver), server-side request counts, mutations and workspace
//! switches.
//!
//! Timing rules: intervals are short, every wait is bounded by a generous
//! timeout, and assertions are lower bounds (never earlier than) or counts
//! that do not depend on the machine's speed.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

use lepdash::api::ClientConfig;
use lepdash::api::types::{ActivationState, SecretWrite};
use lepdash::emulator::{EmulatorHandle, EmulatorOptions};
use lepdash::sync::schedule::ScheduleConfig;
use lepdash::sync::{
    Fetched, Mutation, MutationOutput, ResourceKind, SyncCmd, SyncEvent, SyncHandle, SyncOptions,
    SyncTarget, spawn_with,
};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc;

const WAIT: Duration = Duration::from_secs(20);
const MS: Duration = Duration::from_millis(1);
/// Far beyond any test: a pane on this interval is fetched once, at start.
const NEVER: Duration = Duration::from_secs(3600);

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

/// `GET` requests the emulator received for `path` (relative to the base).
fn gets(emu: &EmulatorHandle, path: &str) -> u64 {
    emu.request_count("GET", path)
}

/// Every API request the emulator received.
fn all_requests(emu: &EmulatorHandle) -> u64 {
    emu.request_counts().iter().map(|c| c.count).sum()
}

/// Wait until `cond` holds on the emulator (polling it; bounded).
async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(10 * MS).await;
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

/// One `SyncEvent::Fetched`, taken apart.
struct Fetch {
    at: SystemTime,
    result: Result<Fetched, lepdash::api::ApiError>,
    next_attempt: Option<SystemTime>,
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

    /// The next fetch of `kind` (any workspace).
    async fn fetch_of(&mut self, kind: ResourceKind) -> Fetch {
        let what = format!("a {kind:?} fetch");
        match self.until(&what, |e| is_fetched(e, kind)).await {
            SyncEvent::Fetched {
                at,
                result,
                next_attempt,
                ..
            } => Fetch {
                at,
                result,
                next_attempt,
            },
            other => unreachable!("until() returned {other:?}"),
        }
    }

    /// The next fetch of `kind` that succeeded (`ok`) or failed (`!ok`).
    async fn fetch_ending(&mut self, kind: ResourceKind, ok: bool) -> Fetch {
        let deadline = Instant::now() + WAIT;
        loop {
            let f = self.fetch_of(kind).await;
            if f.result.is_ok() == ok {
                return f;
            }
            assert!(Instant::now() < deadline, "no {kind:?} fetch with ok={ok}");
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
            SyncEvent::Mutated { .. }
            | SyncEvent::FleetFetched { .. }
            | SyncEvent::WorkloadDetail { .. } => {}
        }
    }

    fn completed(&self, kind: ResourceKind) -> usize {
        self.completed.get(&kind).copied().unwrap_or(0)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_data_arrives_and_visible_and_status_poll_faster_than_hidden() {
    let emu = emulator().await;
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(100 * MS, NEVER));
    let mut seen = InFlight::default();
    let mut data: BTreeMap<ResourceKind, usize> = BTreeMap::new();
    let deadline = Instant::now() + WAIT;
    while seen.completed(ResourceKind::Status) < 4 || seen.completed(ResourceKind::Secrets) < 4 {
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
                Fetched::Endpoints { list, .. } => list.items.len(),
                Fetched::Jobs(l) => l.jobs.items.len(),
                Fetched::Pods { list, .. } => list.items.len(),
                Fetched::Nodes(l) => l.items.len(),
                // A repeated poll of unchanged data: only after a first answer.
                Fetched::Unchanged(k) => {
                    assert_eq!(k, kind);
                    assert!(
                        data.contains_key(kind),
                        "{kind:?} unchanged before any data"
                    );
                    continue;
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
    let mut secrets_refreshes = 0;
    let deadline = Instant::now() + WAIT;
    while ResourceKind::ALL.iter().any(|&k| seen.completed(k) < 3) {
        assert!(Instant::now() < deadline, "polls did not arrive");
        h.cmd(SyncCmd::RefreshAll);
        h.cmd(SyncCmd::Refresh(ResourceKind::Secrets));
        secrets_refreshes += 2;
        let ev = h.until("events", |_| true).await;
        seen.see(&ev);
    }
    // Server side: every secrets request the emulator saw is a completed
    // fetch or the one in flight; the many refreshes were coalesced into
    // them, not queued.
    let served = gets(&emu, "/usersecrets");
    let completed = seen.completed(ResourceKind::Secrets) as u64;
    assert!(
        served <= completed + 1,
        "{served} requests, {completed} fetches"
    );
    assert!(
        served < secrets_refreshes,
        "{served} of {secrets_refreshes}"
    );
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_off_grows_under_errors_and_resets_after_clearing_faults() {
    let emu = emulator().await;
    emu.set_faults("error-rate=1.0,only=/usersecrets").unwrap();
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(10 * MS, NEVER));
    // 100 ms doubling to 800 ms, ±20 %.
    let nominal = [100u32, 200, 400, 800, 800];
    let mut ends = vec![];
    for n in nominal {
        let Fetch {
            result,
            at,
            next_attempt,
            ..
        } = h.fetch_of(ResourceKind::Secrets).await;
        let e = result.expect_err("error-rate=1.0 fails every request");
        assert!(e.is_transient(), "{e}");
        let delay = next_attempt.unwrap().duration_since(at).unwrap_or_default();
        assert!(
            delay >= (n * 8 / 10) * MS - 5 * MS && delay <= (n * 12 / 10) * MS,
            "{delay:?} vs nominal {n} ms"
        );
        ends.push(at);
    }
    // The emulator saw those five attempts and no hidden retries (a sixth
    // may have started since).
    let served = gets(&emu, "/usersecrets");
    assert!((5..=6).contains(&served), "{served} secrets requests");
    // The attempts really were spaced by the growing back-off.
    for i in 1..ends.len() {
        let gap = ends[i].duration_since(ends[i - 1]).unwrap_or_default();
        assert!(
            gap >= (nominal[i - 1] * 8 / 10) * MS,
            "attempt {i} after {gap:?}"
        );
    }
    emu.clear_faults();
    // A success after the faults are cleared, then the next failure.
    h.fetch_ending(ResourceKind::Secrets, true).await;
    emu.set_faults("error-rate=1.0,only=/usersecrets").unwrap();
    let Fetch {
        at, next_attempt, ..
    } = h.fetch_ending(ResourceKind::Secrets, false).await;
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
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(10 * MS, NEVER));
    let mut ats = vec![];
    for _ in 0..3 {
        let Fetch {
            result,
            at,
            next_attempt,
            ..
        } = h.fetch_of(ResourceKind::Secrets).await;
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
        fast(NEVER, NEVER),
    );
    h.until("initial secrets", |e| is_fetched(e, ResourceKind::Secrets))
        .await;
    let (workspace, result) = h
        .mutate(1, put_secret("SYNC_TEST_SECRET", "sync-test-value"))
        .await;
    assert_eq!(workspace, 0);
    result.unwrap();
    let Ok(Fetched::Secrets(list)) = h.fetch_of(ResourceKind::Secrets).await.result else {
        panic!("the ResourceKind::Secrets fetch failed")
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
        fast(NEVER, NEVER),
    );
    for _ in 0..6 {
        h.until("demo fetches start", |e| {
            matches!(e, SyncEvent::FetchStarted { workspace: 0, .. })
        })
        .await;
    }
    emu.clear_faults();
    h.cmd(SyncCmd::SwitchWorkspace(1));
    // The channel is ordered: an answer of demo that the task sent before it
    // took the switch in may still be queued (under load the 1.5 s latency
    // can run out before the switch is read). The task takes the switch in
    // before it starts early's first fetch, so from early's first
    // `FetchStarted` on, no answer of demo may come through.
    let mut switched = false;
    let mut fetched = BTreeSet::new();
    while fetched.len() < 6 {
        let ev = h.until("early's six resources", |_| true).await;
        if let SyncEvent::FetchStarted { workspace, .. } = ev {
            if workspace == 1 {
                switched = true;
            } else {
                assert!(!switched, "a demo fetch started after the switch");
            }
        }
        if let SyncEvent::Fetched {
            kind,
            workspace,
            result,
            ..
        } = ev
        {
            if !switched {
                assert_eq!(workspace, 0, "early answered before it was asked");
                continue;
            }
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
    // early's secrets were asked of early.
    let early_secrets: u64 = emu
        .request_counts()
        .iter()
        .filter(|c| c.workspace == "early" && c.method == "GET" && c.path == "/usersecrets")
        .map(|c| c.count)
        .sum();
    assert!(early_secrets >= 1);
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_visible_pane_are_polled_hidden_panes_only_at_their_interval() {
    let emu = emulator().await;
    // Hidden interval far beyond the test: hidden panes are fetched once at start.
    let h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(50 * MS, NEVER));
    // Status is the workspace and the resolver together, asked at the same
    // time: wait for both counts (either may land first).
    wait_for("5 polls of status (both reads) and secrets", || {
        gets(&emu, "/workspace") >= 5 && gets(&emu, "/") >= 5 && gets(&emu, "/usersecrets") >= 5
    })
    .await;
    for path in [
        "/users",
        "/tokens",
        "/imagepullsecrets",
        "/templates/public",
        "/templates/private",
    ] {
        assert_eq!(
            gets(&emu, path),
            1,
            "{path} is hidden: fetched once at start"
        );
    }
    // Becoming visible fetches at once, then at the interval.
    h.cmd(SyncCmd::SetVisible(ResourceKind::Members));
    wait_for("members polled while visible", || gets(&emu, "/users") >= 4).await;
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_polls_nothing_but_manual_refresh_runs() {
    let emu = emulator().await;
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(20 * MS, 20 * MS));
    wait_for("polling", || gets(&emu, "/workspace") >= 2).await;
    h.cmd(SyncCmd::SetPaused(true));
    // Let whatever was in flight land.
    h.collect_for(200 * MS).await;
    let before = all_requests(&emu);
    h.collect_for(500 * MS).await;
    assert_eq!(all_requests(&emu), before, "no polls while paused");
    h.cmd(SyncCmd::Refresh(ResourceKind::Tokens));
    h.until("the manual refresh", |e| {
        is_fetched(e, ResourceKind::Tokens)
    })
    .await;
    assert_eq!(all_requests(&emu), before + 1);
    h.cmd(SyncCmd::SetPaused(false));
    wait_for("polling again", || all_requests(&emu) >= before + 4).await;
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_survives_a_failing_resolver_and_tokens_find_their_own() {
    let emu = emulator().await;
    // Only the resolver (`GET BASE`) fails.
    emu.set_faults("status=404,only=/").unwrap();
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(NEVER, NEVER));
    // The first fetch of each kind, in whatever order they land.
    let mut first = BTreeMap::new();
    while first.len() < ResourceKind::ALL.len() {
        if let SyncEvent::Fetched { kind, result, .. } = h.until("every kind", |_| true).await {
            first.entry(kind).or_insert(result);
        }
    }
    match first.remove(&ResourceKind::Status) {
        Some(Ok(Fetched::Status { info, resolver })) => {
            assert_eq!(info.workspace_name, "demo");
            assert!(resolver.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(gets(&emu, "/"), 1, "the resolver was asked once");
    let Some(Ok(Fetched::Tokens { list, own_id })) = first.remove(&ResourceKind::Tokens) else {
        panic!("tokens failed")
    };
    assert!(list.items.len() >= 2, "{list:?}");
    let own = list
        .items
        .iter()
        .find(|t| Some(t.id.as_str()) == own_id.as_deref())
        .expect("the task finds its own token");
    assert!(own.matches_plaintext(ADMIN));
    assert_eq!(
        list.items
            .iter()
            .filter(|t| t.matches_plaintext(ADMIN))
            .count(),
        1
    );
    let Some(Ok(Fetched::Templates(list))) = first.remove(&ResourceKind::Templates) else {
        panic!("templates failed")
    };
    let public: Vec<bool> = list.items.iter().map(|e| e.public).collect();
    assert!(
        public.contains(&true) && public.contains(&false),
        "{public:?}"
    );
    assert!(
        public.windows(2).all(|w| w[0] || !w[1]),
        "public rows first: {public:?}"
    );
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutation_answers_with_its_id_then_the_list_is_refetched() {
    let emu = emulator().await;
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(NEVER, NEVER));
    h.until("initial secrets", |e| is_fetched(e, ResourceKind::Secrets))
        .await;
    assert_eq!(gets(&emu, "/usersecrets"), 1);
    let (workspace, result) = h.mutate(41, put_secret("NEW_SYNC_SECRET", "v")).await;
    assert_eq!(workspace, 0);
    assert!(matches!(result, Ok(MutationOutput::Done)), "{result:?}");
    assert_eq!(emu.request_count("POST", "/usersecrets"), 1);
    let Ok(Fetched::Secrets(list)) = h.fetch_of(ResourceKind::Secrets).await.result else {
        panic!("the refresh after it failed")
    };
    // GET, POST, GET: the list was asked again after the write.
    assert_eq!(gets(&emu, "/usersecrets"), 2);
    assert!(list.items.iter().any(|s| s.name == "NEW_SYNC_SECRET"));

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
    assert_eq!(t.record.name, "new");
    assert!(t.record.matches_plaintext(t.plaintext.expose_secret()));
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_mutation_is_never_retried_but_the_list_is_checked() {
    let emu = emulator().await;
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(NEVER, NEVER));
    let Ok(Fetched::Registries(list)) = h.fetch_of(ResourceKind::Registries).await.result else {
        panic!("the ResourceKind::Registries fetch failed")
    };
    let id = list.items[0].name().to_string();
    let path = format!("/imagepullsecrets/{id}");
    emu.set_faults(&format!("status=500,only={path}")).unwrap();
    let (_, result) = h
        .mutate(7, Mutation::DeleteRegistry { id: id.clone() })
        .await;
    let Err(e) = result else { panic!("{result:?}") };
    assert!(e.outcome_unknown(), "{e}");
    match h.fetch_of(ResourceKind::Registries).await.result {
        Ok(Fetched::Registries(list)) => {
            assert!(list.items.iter().any(|r| r.name() == id), "not applied");
        }
        // Byte for byte the list above, which has it: not applied either.
        Ok(Fetched::Unchanged(ResourceKind::Registries)) => {}
        other => panic!("the ResourceKind::Registries fetch failed: {other:?}"),
    }
    h.collect_for(300 * MS).await;
    assert_eq!(emu.request_count("DELETE", &path), 1, "sent exactly once");
    h.sync.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_times_are_wall_clock() {
    let emu = emulator().await;
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(NEVER, NEVER));
    let before = SystemTime::now();
    let Fetch { at, .. } = h.fetch_of(ResourceKind::Status).await;
    assert!(at >= before && at <= SystemTime::now());
    h.sync.shutdown().await;
    emu.shutdown().await;
}

/// A poll whose answer is byte for byte the last one is passed on as
/// `Fetched::Unchanged` (nothing decoded); a change on the server makes the
/// next answer whole again; an error in between does not forget the last
/// good answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_polls_are_unchanged_and_changes_are_whole() {
    let emu = emulator().await;
    let mut h = Harness::start(vec![emu_target(&emu, "demo")], 0, fast(50 * MS, NEVER));
    let Ok(Fetched::Secrets(first)) = h.fetch_of(ResourceKind::Secrets).await.result else {
        panic!("the first secrets fetch failed")
    };
    assert!(!first.items.is_empty());
    let again = h.fetch_of(ResourceKind::Secrets).await.result;
    assert!(
        matches!(again, Ok(Fetched::Unchanged(ResourceKind::Secrets))),
        "{again:?}"
    );

    // A change on the server: the next poll carries the whole new list.
    let (_, result) = h.mutate(1, put_secret("UNCHANGED_TEST_NEW", "v")).await;
    assert!(result.is_ok(), "{result:?}");
    let changed = loop {
        match h.fetch_of(ResourceKind::Secrets).await.result {
            Ok(Fetched::Secrets(list)) => break list,
            Ok(Fetched::Unchanged(_)) => {}
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(changed.items.len(), first.items.len() + 1);
    assert!(changed.items.iter().any(|s| s.name == "UNCHANGED_TEST_NEW"));

    // An error in between keeps the last good answer's fingerprint: the same
    // list afterwards is unchanged (the reducer still has it).
    emu.set_faults("status=500,only=/usersecrets").unwrap();
    h.fetch_ending(ResourceKind::Secrets, false).await;
    emu.set_faults("").unwrap();
    let after = h.fetch_ending(ResourceKind::Secrets, true).await.result;
    assert!(
        matches!(after, Ok(Fetched::Unchanged(ResourceKind::Secrets))),
        "{after:?}"
    );
    h.sync.shutdown().await;
    emu.shutdown().await;
}
