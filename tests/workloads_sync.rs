//! Workloads through the sync layer against the emulator: each view's
//! fetch on both route families (chosen from the workspace's `features`),
//! "not available" on one view only, replicas and events for details, and
//! the whole loop (sync task + reducer) with a workload view visible.

#[path = "support/driver.rs"]
mod driver;

use driver::{MS, Rig, WAIT, options, target};
use lepdash::api::paths;
use lepdash::api::workloads::RouteFamily;
use lepdash::api::{ApiError, Client, ClientConfig};
use lepdash::app::{self, Msg, Problem};
use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use lepdash::protocol::{Fetched, ResourceKind, SyncCmd, SyncEvent, WorkloadRef};
use lepdash::sync::{fetch, fetch_in, workloads};
use secrecy::{ExposeSecret, SecretString};
use std::time::{Duration, SystemTime};

async fn emu() -> EmulatorHandle {
    start(EmulatorOptions::default())
        .await
        .expect("emulator starts")
}

fn admin(h: &EmulatorHandle, ws: &str) -> Client {
    Client::new(ClientConfig::new(
        paths::workspace_base(&h.origin(), ws),
        SecretString::from(h.admin_token().expose_secret().to_string()),
    ))
    .expect("client")
}

fn names(f: &Fetched) -> Vec<String> {
    let mut v: Vec<String> = match f {
        Fetched::Endpoints { list, .. } => list.items.iter().map(|e| e.name.clone()).collect(),
        Fetched::Pods { list, .. } => list.items.iter().map(|p| p.name.clone()).collect(),
        Fetched::Jobs(l) => l.jobs.items.iter().map(|j| j.name().to_string()).collect(),
        Fetched::Nodes(l) => l.items.iter().map(|g| g.group.name().to_string()).collect(),
        other => panic!("not a workload: {other:?}"),
    };
    v.sort();
    v
}

#[tokio::test]
async fn each_view_fetches_on_the_family_the_workspace_says() {
    let h = emu().await;
    for (ws, family, endpoint, pod, job) in [
        (
            "demo",
            RouteFamily::Legacy,
            "triton-ensemble",
            "dev-marcus",
            "distill-student",
        ),
        (
            "labs",
            RouteFamily::New,
            "vlm-preview",
            "dev-priya",
            "kernel-autotune",
        ),
    ] {
        let c = admin(&h, ws);
        // `None`: the fetch reads `/workspace` for the family, as `lep` does.
        let eps = fetch(&c, ResourceKind::Endpoints, "").await.expect(ws);
        let Fetched::Endpoints { family: f, list } = &eps else {
            panic!("{eps:?}")
        };
        assert_eq!(*f, family, "{ws}");
        assert!(list.skipped.is_empty(), "{ws}: {:?}", list.skipped);
        assert!(
            names(&eps).contains(&endpoint.to_string()),
            "{ws}: {:?}",
            names(&eps)
        );
        let pods = fetch(&c, ResourceKind::Pods, "").await.expect(ws);
        let Fetched::Pods { family: f, list } = &pods else {
            panic!("{pods:?}")
        };
        assert_eq!(*f, family);
        let p = list.items.iter().find(|p| p.name == pod).expect(pod);
        let ssh = p.ssh_command().unwrap_or_default();
        assert!(
            ssh.starts_with("ssh -p "),
            "{ws}: a running pod's SSH access: {p:?}"
        );
        // Endpoints never show up as pods and the other way round.
        assert!(!names(&pods).contains(&endpoint.to_string()));
        assert!(!names(&eps).contains(&pod.to_string()));
        let jobs = fetch(&c, ResourceKind::Jobs, "").await.expect(ws);
        assert!(
            names(&jobs).contains(&job.to_string()),
            "{ws}: {:?}",
            names(&jobs)
        );
        let nodes = fetch(&c, ResourceKind::Nodes, "").await.expect(ws);
        let Fetched::Nodes(groups) = &nodes else {
            panic!()
        };
        assert_eq!(groups.items.len(), 2, "{ws}: two node groups");
        assert!(groups.items.iter().all(|g| g.nodes.is_ok()));
    }
}

#[tokio::test]
async fn workspace_counts_match_the_lists() {
    let h = emu().await;
    for ws in ["demo", "labs"] {
        let c = admin(&h, ws);
        let info = c.workspace().await.expect("workspace");
        let mut n = Vec::new();
        for kind in [
            ResourceKind::Endpoints,
            ResourceKind::Pods,
            ResourceKind::Jobs,
        ] {
            let f = fetch(&c, kind, "").await.expect("fetch");
            n.push(names(&f).len() as u64);
        }
        let w = &info.workloads;
        assert_eq!([w.num_deployments, w.num_pods, w.num_jobs], n[..], "{ws}");
    }
}

#[tokio::test]
async fn the_wrong_family_is_not_available_on_those_views_only_in_the_pane() {
    let h = emu().await;
    // labs serves the new family: the legacy `/deployments` answers 404.
    let labs = admin(&h, "labs");
    let mut m = app::Model::new(app::ModelInit {
        workspaces: vec![app::WorkspaceLabel {
            id: "labs".into(),
            display_name: None,
            base_url: paths::workspace_base(&h.origin(), "labs"),
            token_expires_at: None,
        }],
        current: 0,
        read_only: true,
        demo: false,
        interval: Duration::from_secs(5),
        theme: app::ThemeName::Mono,
        ascii_borders: false,
        mouse: false,
        key_overrides: Default::default(),
        warnings: vec![],
        now: SystemTime::now(),
    });
    app::update(&mut m, Msg::Resize(120, 40));
    for kind in [
        ResourceKind::Endpoints,
        ResourceKind::Pods,
        ResourceKind::Jobs,
        ResourceKind::Nodes,
    ] {
        let result = fetch_in(&labs, kind, "", Some(RouteFamily::Legacy)).await;
        if matches!(kind, ResourceKind::Endpoints | ResourceKind::Pods) {
            assert!(
                matches!(result, Err(ApiError::NotFound(_))),
                "{kind:?}: {result:?}"
            );
        } else {
            assert!(result.is_ok(), "{kind:?}: {result:?}");
        }
        app::update(
            &mut m,
            Msg::Sync(SyncEvent::Fetched {
                kind,
                workspace: 0,
                at: SystemTime::now(),
                result,
                next_attempt: None,
            }),
        );
    }
    assert_eq!(
        m.problem(ResourceKind::Endpoints),
        Some(Problem::NotAvailable)
    );
    assert_eq!(m.problem(ResourceKind::Pods), Some(Problem::NotAvailable));
    assert_eq!(m.problem(ResourceKind::Jobs), None);
    assert_eq!(m.problem(ResourceKind::Nodes), None);
    app::update(
        &mut m,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Char('7'),
        )),
    );
    let screen = driver::screen(&m);
    assert!(
        screen.contains("Endpoints not available on this workspace"),
        "{screen}"
    );
    assert!(screen.contains("Jobs 4"), "{screen}");
}

#[tokio::test]
async fn details_bring_replicas_and_events_on_both_families() {
    let h = emu().await;
    for (ws, family, kind, id) in [
        (
            "demo",
            RouteFamily::Legacy,
            ResourceKind::Endpoints,
            "llama-70b-chat",
        ),
        (
            "labs",
            RouteFamily::New,
            ResourceKind::Endpoints,
            "nemotron-ultra",
        ),
        (
            "demo",
            RouteFamily::Legacy,
            ResourceKind::Pods,
            "dev-marcus",
        ),
        (
            "demo",
            RouteFamily::Legacy,
            ResourceKind::Jobs,
            "pretrain-moe-1b",
        ),
    ] {
        let c = admin(&h, ws);
        let id = match kind {
            // Jobs are addressed by id.
            ResourceKind::Jobs => {
                let Fetched::Jobs(l) = fetch(&c, kind, "").await.unwrap() else {
                    panic!()
                };
                l.jobs
                    .items
                    .iter()
                    .find(|j| j.name() == id)
                    .expect(id)
                    .id()
                    .to_string()
            }
            _ => id.to_string(),
        };
        let d = workloads::detail(
            &c,
            &WorkloadRef {
                kind,
                id: id.clone(),
                family,
            },
        )
        .await
        .expect("detail");
        let replicas = d.replicas.expect("replicas");
        assert!(!replicas.items.is_empty(), "{ws} {kind:?} {id}: replicas");
        d.events.expect("events");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_visible_view_polls_and_details_fill_in_through_the_sync_task() {
    let h = emu().await;
    let t = target(&h.origin(), "labs", h.admin_token().expose_secret(), WAIT);
    let mut rig = Rig::start(vec![t], options(200 * MS, 100 * MS, ResourceKind::Jobs));
    assert_eq!(rig.model.pane, ResourceKind::Jobs);
    // Jobs is visible: fetched again at the interval; hidden views once.
    let mut jobs = 0;
    rig.until("jobs polled three times", |ev, _| {
        if driver::fetched_ok(ev, ResourceKind::Jobs) {
            jobs += 1;
        }
        jobs >= 3
    })
    .await;
    rig.until("endpoints loaded", |_, m| m.endpoints.data.is_some())
        .await;
    assert_eq!(
        rig.model.endpoints.data.as_ref().map(|d| d.family),
        Some(RouteFamily::New),
        "the family came from /workspace"
    );
    rig.code(crossterm::event::KeyCode::Enter);
    let ev = rig
        .until("the detail", |ev, _| {
            matches!(ev, SyncEvent::WorkloadDetail { .. })
        })
        .await;
    let SyncEvent::WorkloadDetail { result, target, .. } = ev else {
        unreachable!()
    };
    assert_eq!(target.kind, ResourceKind::Jobs);
    assert!(result.is_ok(), "{result:?}");
    let Some(app::Overlay::Detail(d)) = &rig.model.overlay else {
        panic!("details closed")
    };
    let text = format!("{:?}", d.lines);
    assert!(!text.contains("loading…"), "{text}");
    assert!(text.contains("Replicas"), "{text}");
    // A detail of another workspace's generation is never applied: switch
    // nothing here, just make sure a stray command is harmless.
    rig.send(SyncCmd::FetchWorkloadDetail(WorkloadRef {
        kind: ResourceKind::Nodes,
        id: "b200-labs".into(),
        family: RouteFamily::New,
    }));
    rig.until("the stray detail", |ev, _| {
        matches!(ev, SyncEvent::WorkloadDetail { .. })
    })
    .await;
    rig.shutdown().await;
}
