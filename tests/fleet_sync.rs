//! The fleet polling against the in-process emulator over real loopback
//! HTTP: three of its workspaces, one URL where nothing listens and one
//! rejected token in the same fleet. Every answer goes through the pure
//! reducer, as in the dashboard. No timed assertions: waits are bounded by
//! a generous timeout, and the checks are about which answers arrive.

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use lepdash::app::fleet::Reach;
use lepdash::app::{Model, Msg, WorkspaceLabel, update};
use lepdash::protocol::{ResourceKind, SyncCmd, SyncEvent};
use lepdash::sync::SyncTarget;
use lepdash::sync::fleet::{FleetCmd, FleetHandle, FleetOptions, spawn};
use support::driver::target;
use tokio::sync::mpsc;

const ADMIN: &str = "nvapi-fleet-sync-admin-token-42";
const WAIT: Duration = Duration::from_secs(20);

/// A loopback port with nothing listening.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn labels(targets: &[SyncTarget]) -> Vec<WorkspaceLabel> {
    targets
        .iter()
        .map(|t| WorkspaceLabel {
            id: t.id.clone(),
            display_name: None,
            base_url: t.config.base_url.clone(),
            token_expires_at: None,
        })
        .collect()
}

fn fast() -> FleetOptions {
    FleetOptions {
        interval: Duration::from_millis(150),
        concurrency: 2,
        backoff_base: Duration::from_millis(100),
        backoff_cap: Duration::from_millis(400),
    }
}

struct Rig {
    fleet: FleetHandle,
    events: mpsc::Receiver<SyncEvent>,
    model: Model,
    /// (workspace, kind) of every fleet answer seen.
    seen: Vec<(usize, ResourceKind, bool)>,
}

impl Rig {
    fn start(targets: Vec<SyncTarget>) -> Rig {
        let mut init = support_init();
        init.workspaces = labels(&targets);
        let model = Model::new(init);
        let (tx, events) = mpsc::channel(256);
        let fleet = spawn(targets, 0, fast(), tx);
        Rig {
            fleet,
            events,
            model,
            seen: Vec::new(),
        }
    }

    /// Feed answers to the reducer until `done` holds (bounded).
    async fn until(
        &mut self,
        what: &str,
        done: impl Fn(&Model, &[(usize, ResourceKind, bool)]) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(&self.model, &self.seen) {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(ev)) => {
                    if let SyncEvent::FleetFetched {
                        workspace,
                        kind,
                        result,
                        ..
                    } = &ev
                    {
                        self.seen.push((*workspace, *kind, result.is_ok()));
                    }
                    update(&mut self.model, Msg::Sync(ev));
                }
                Ok(None) => panic!("the fleet task ended while waiting for {what}"),
                Err(_) => panic!("timed out waiting for {what}; seen {:?}", self.seen),
            }
        }
    }
}

fn support_init() -> lepdash::app::ModelInit {
    lepdash::app::ModelInit {
        workspaces: Vec::new(),
        current: 0,
        read_only: false,
        demo: false,
        interval: Duration::from_secs(5),
        theme: lepdash::app::ThemeName::Dark,
        ascii_borders: false,
        mouse: false,
        key_overrides: Default::default(),
        warnings: Vec::new(),
        now: std::time::SystemTime::now(),
    }
}

fn reach(m: &Model, id: &str) -> Reach {
    m.fleet_rows_all()
        .into_iter()
        .find(|r| r.id == id)
        .map(|r| r.reach)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workspaces_one_down_one_refusing_each_in_its_own_row() {
    let emu = support::emulator_with_admin(ADMIN).await;
    let origin = emu.origin();
    let t = |ws: &str, token: &str| target(&origin, ws, token, Duration::from_secs(5));
    let targets = vec![
        t("demo", ADMIN),
        t("early", ADMIN),
        t("paused", ADMIN),
        t("labs", ADMIN),
        target(
            &format!("http://127.0.0.1:{}", closed_port()),
            "gone",
            ADMIN,
            Duration::from_secs(5),
        ),
        t("pending", "nvapi-not-a-token-of-this-emulator"),
    ];
    let mut rig = Rig::start(targets);
    fn full(m: &Model, id: &str) -> bool {
        m.fleet_rows_all().into_iter().any(|r| {
            r.id == id
                && r.reach == Reach::Ok
                && r.members.is_some()
                && r.secrets.is_some()
                && r.tokens_expiring.is_some()
        })
    }
    rig.until("every row filled", |m, seen| {
        full(m, "early")
            && full(m, "paused")
            && full(m, "labs")
            && reach(m, "gone") == Reach::Unreachable
            && reach(m, "pending") == Reach::TokenRejected
            // A few retries of the failing ones, so back-off has run.
            && seen.iter().filter(|s| s.0 == 4).count() >= 3
            && seen.iter().filter(|s| s.0 == 5).count() >= 3
    })
    .await;
    let rows = rig.model.fleet_rows_all();
    let row = |id: &str| rows.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!(row("early").activation, "not activated");
    assert_eq!(row("paused").state, "paused");
    assert!(
        row("paused")
            .attention
            .iter()
            .any(|a| a.starts_with("lepdash's token expires in")),
        "{:?}",
        row("paused").attention
    );
    assert_eq!(row("labs").activation, "active");
    // labs uses all 16 of its GPUs (seed), nothing else.
    assert_eq!(row("labs").attention, ["GPU quota used up"]);
    // The current workspace is the dashboard's to poll, never the fleet's.
    assert!(rig.seen.iter().all(|s| s.0 != 0), "{:?}", rig.seen);
    // A workspace whose Status fails is asked nothing else until it answers.
    for ws in [4, 5] {
        let kinds: BTreeSet<ResourceKind> =
            rig.seen.iter().filter(|s| s.0 == ws).map(|s| s.1).collect();
        assert_eq!(
            kinds,
            BTreeSet::from([ResourceKind::Status]),
            "workspace {ws}"
        );
        assert!(rig.seen.iter().filter(|s| s.0 == ws).all(|s| !s.2));
    }
    // The rejected token was asked of `pending` only; the others answered.
    assert!(
        rig.seen
            .iter()
            .filter(|s| (1..=3).contains(&s.0))
            .all(|s| s.2),
        "{:?}",
        rig.seen
    );

    // The dashboard switches to `early`: the fleet stops polling it and
    // starts polling `demo`. From demo's first answer on, no answer of
    // early may come (the channel is ordered; earlier ones may be queued).
    rig.fleet.cmds.send(FleetCmd::SetCurrent(1)).unwrap();
    rig.model.current = 1;
    let mark = rig.seen.len();
    rig.until("demo polled by the fleet", |_, seen| {
        seen[mark..].iter().any(|s| s.0 == 0)
    })
    .await;
    let first_demo = mark + rig.seen[mark..].iter().position(|s| s.0 == 0).unwrap();
    rig.until("more rounds", |_, seen| {
        seen[first_demo..].iter().filter(|s| s.0 == 2).count() >= 8
    })
    .await;
    assert!(
        rig.seen[first_demo..].iter().all(|s| s.0 != 1),
        "an answer of the current workspace came from the fleet: {:?}",
        &rig.seen[first_demo..]
    );
    rig.fleet.shutdown().await;
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_added_workspace_is_reached_with_the_current_token_at_its_url() {
    let emu = support::emulator_with_admin(ADMIN).await;
    let origin = emu.origin();
    let demo = target(&origin, "demo", ADMIN, Duration::from_secs(5));
    let (tx, mut events) = mpsc::channel(256);
    let sync = lepdash::sync::spawn_with(
        vec![demo],
        0,
        support::driver::options(
            Duration::from_secs(3600),
            Duration::from_millis(100),
            ResourceKind::Status,
        ),
        tx,
    );
    sync.cmds
        .send(SyncCmd::AddWorkspace {
            id: "labs".into(),
            base_url: lepdash::api::paths::workspace_base(&origin, "labs"),
        })
        .unwrap();
    sync.cmds.send(SyncCmd::SwitchWorkspace(1)).unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let ev = tokio::time::timeout_at(deadline, events.recv())
            .await
            .expect("labs answers")
            .expect("sync task alive");
        if let SyncEvent::Fetched {
            kind: ResourceKind::Status,
            workspace: 1,
            result,
            ..
        } = ev
        {
            let lepdash::protocol::Fetched::Status { info, .. } = result.expect("labs answers")
            else {
                unreachable!()
            };
            assert_eq!(info.workspace_name, "labs");
            break;
        }
    }
    sync.shutdown().await;
    emu.shutdown().await;
}
