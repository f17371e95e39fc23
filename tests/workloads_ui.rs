//! The Workloads pane and the Status summary, without a network: reducer
//! behaviour (keys, views, details, copy, "not available" per view) and
//! snapshots of each view and of details at 80x24 and 120x40.

#[path = "support/driver.rs"]
mod driver;
#[path = "support/sample.rs"]
mod sample;

use crossterm::event::KeyCode;
use lepdash::api::types::Listed;
use lepdash::api::workloads::{Event, Replica, RouteFamily};
use lepdash::api::{ApiError, ServerMessage};
use lepdash::app::{DetailLine, Effect, Model, Msg, Overlay, update};
use lepdash::protocol::{Fetched, ResourceKind, SyncCmd, SyncEvent, WorkloadDetail, WorkloadRef};
use sample::{code, key};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snap(name: &str, m: &Model) {
    let (w, h) = m.size;
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), driver::screen(m));
}

fn not_found() -> ApiError {
    ApiError::NotFound(ServerMessage {
        code: Some("NOT_FOUND".into()),
        message: "no such route".into(),
    })
}

fn fetch_err(kind: ResourceKind, e: ApiError) -> Msg {
    Msg::Sync(SyncEvent::Fetched {
        kind,
        workspace: 0,
        at: sample::at(1),
        result: Err(e),
        next_attempt: None,
    })
}

fn sync_cmds(fx: &[Effect]) -> Vec<SyncCmd> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Sync(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// The kinds of the `SetVisible` commands among the effects.
fn made_visible(fx: &[Effect]) -> Vec<ResourceKind> {
    sync_cmds(fx)
        .into_iter()
        .filter_map(|c| match c {
            SyncCmd::SetVisible(k) => Some(k),
            _ => None,
        })
        .collect()
}

/// The workloads whose details were asked for.
fn detail_asked(fx: &[Effect]) -> Vec<WorkloadRef> {
    sync_cmds(fx)
        .into_iter()
        .filter_map(|c| match c {
            SyncCmd::FetchWorkloadDetail(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn detail_text(m: &Model) -> String {
    let Some(Overlay::Detail(d)) = &m.overlay else {
        panic!("no detail open");
    };
    d.lines
        .iter()
        .map(|l| match l {
            DetailLine::Heading(h) => format!("# {h}"),
            DetailLine::Field(k, v) => format!("{k}: {v}"),
            DetailLine::Text(t) => t.clone(),
            DetailLine::Blank => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------------ reducer

#[test]
fn key_7_opens_the_pane_and_brackets_walk_the_views_polling_the_visible_one() {
    let mut m = sample::loaded_model(120, 40);
    let fx = update(&mut m, key('7'));
    assert_eq!(m.pane, ResourceKind::Endpoints);
    assert_eq!(made_visible(&fx), [ResourceKind::Endpoints]);
    let mut seen = vec![m.pane];
    for _ in 0..4 {
        let fx = update(&mut m, key(']'));
        assert_eq!(
            made_visible(&fx),
            [m.pane],
            "the new view is polled at the visible interval"
        );
        seen.push(m.pane);
    }
    assert_eq!(
        seen,
        [
            ResourceKind::Endpoints,
            ResourceKind::Jobs,
            ResourceKind::Pods,
            ResourceKind::Nodes,
            ResourceKind::Endpoints
        ]
    );
    update(&mut m, key('['));
    assert_eq!(m.pane, ResourceKind::Nodes);
    update(&mut m, code(KeyCode::Left));
    assert_eq!(m.pane, ResourceKind::Pods);
    // Another pane and back: the pane remembers its view.
    update(&mut m, key('1'));
    assert_eq!(m.pane, ResourceKind::Status);
    update(&mut m, key('7'));
    assert_eq!(m.pane, ResourceKind::Pods);
    // `]` does nothing outside the pane.
    update(&mut m, key('4'));
    update(&mut m, key(']'));
    assert_eq!(m.pane, ResourceKind::Secrets);
}

#[test]
fn tab_cycles_over_one_workloads_tab() {
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, key('6'));
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.pane, ResourceKind::Endpoints);
    update(&mut m, code(KeyCode::Tab));
    assert_eq!(m.pane, ResourceKind::Status, "the four views are one tab");
    update(&mut m, code(KeyCode::BackTab));
    assert_eq!(m.pane, ResourceKind::Endpoints);
    let tabs = lepdash::app::layout::tabs(&m, 120);
    assert_eq!(tabs.len(), 7);
    assert!(tabs[6].label.starts_with("7 Workloads"), "{:?}", tabs[6]);
}

#[test]
fn palette_reaches_the_pane_and_each_view() {
    let mut m = sample::loaded_model(120, 40);
    for (cmd, want) in [
        ("jobs", ResourceKind::Jobs),
        ("nodes", ResourceKind::Nodes),
        ("pods", ResourceKind::Pods),
        ("endpoints", ResourceKind::Endpoints),
    ] {
        update(&mut m, key(':'));
        sample::typed(&mut m, cmd);
        update(&mut m, code(KeyCode::Enter));
        assert_eq!(m.pane, want, ":{cmd}");
    }
    update(&mut m, key('1'));
    update(&mut m, key(':'));
    sample::typed(&mut m, "workloads");
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(
        m.pane,
        ResourceKind::Endpoints,
        ":workloads shows the last view"
    );
}

#[test]
fn a_404_marks_only_that_view_not_available() {
    let mut m = sample::loaded_model(120, 40);
    let mut m2 = lepdash::app::Model::new(sample::init());
    update(&mut m2, Msg::Resize(120, 40));
    update(
        &mut m2,
        sample::ok_msg(sample::fetched(ResourceKind::Status), sample::now()),
    );
    update(
        &mut m2,
        sample::ok_msg(sample::fetched(ResourceKind::Endpoints), sample::now()),
    );
    update(
        &mut m2,
        sample::ok_msg(sample::fetched(ResourceKind::Jobs), sample::now()),
    );
    update(&mut m2, fetch_err(ResourceKind::Pods, not_found()));
    update(&mut m2, key('7'));
    update(&mut m2, key(']'));
    update(&mut m2, key(']'));
    let screen = driver::screen(&m2);
    assert!(
        screen.contains("Pods not available on this workspace"),
        "{screen}"
    );
    assert!(
        screen.contains("Pods n/a"),
        "the view switcher says so:\n{screen}"
    );
    update(&mut m2, key('['));
    let jobs = driver::screen(&m2);
    assert!(!jobs.contains("not available"), "{jobs}");
    assert!(jobs.contains("pretrain-70b"), "{jobs}");
    // The Status summary says n/a for pods and keeps the others live.
    update(&mut m2, key('1'));
    let status = driver::screen(&m2);
    assert!(status.contains("pods n/a"), "{status}");
    assert!(status.contains("jobs 7"), "{status}");
    // And with data, a later 404 keeps the rows (stale) on that view only.
    update(&mut m, key('7'));
    update(&mut m, fetch_err(ResourceKind::Endpoints, not_found()));
    let eps = driver::screen(&m);
    assert!(eps.contains("vllm-llama3"), "{eps}");
    assert!(
        eps.contains("not available on this workspace now (404)"),
        "{eps}"
    );
    update(&mut m, key(']'));
    assert!(!driver::screen(&m).contains("404"));
}

#[test]
fn status_summary_counts_classes_gpus_and_calls_out_attention() {
    let m = sample::loaded_model(120, 40);
    let s = m.workload_summary();
    use lepdash::app::workloads::KindSummary::Live;
    assert_eq!(
        s.kinds[0].1,
        Live {
            running: 1,
            waiting: 1,
            failed: 2,
            total: 5
        },
        "endpoints: Ready; Scaling; Not Ready and Error; Stopped"
    );
    assert_eq!(
        s.kinds[1].1,
        Live {
            running: 2,
            waiting: 1,
            failed: 2,
            total: 7
        },
        "jobs: 2 Running; Queueing; PendingRetry and Failed; Completed and Stopped"
    );
    // GPUs: vllm 2 ready x 1 (h100) + sdxl 1 ready x 1 (a10) + jobs 4x8 + 1x1 + pod dev-alice 1.
    assert_eq!(s.gpus_in_use, Some(2.0 + 1.0 + 32.0 + 1.0 + 1.0));
    assert_eq!(s.nodes, Some((3, 1, 5)));
    for a in [
        "endpoint embed-svc Not Ready",
        "endpoint whisper-asr Error",
        "job sweep-lr-3 PendingRetry",
        "job bad-config Failed",
        "node group h100-a 1 unhealthy",
    ] {
        assert!(
            s.attention.iter().any(|x| x == a),
            "{a} in {:?}",
            s.attention
        );
    }
    let screen = driver::screen(&m);
    assert!(screen.contains("Attention"), "{screen}");
    assert!(screen.contains("embed-svc Not Ready"), "{screen}");
}

#[test]
fn status_summary_falls_back_to_workspace_counts() {
    let mut m = lepdash::app::Model::new(sample::init());
    update(&mut m, Msg::Resize(120, 40));
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Status), sample::now()),
    );
    let screen = driver::screen(&m);
    assert!(screen.contains("endpoints 3"), "{screen}");
    assert!(screen.contains("jobs 12"), "{screen}");
    assert!(screen.contains("Attention none"), "{screen}");
}

#[test]
fn copy_takes_the_url_or_ssh_command_or_name() {
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, key('7'));
    // Sorted by name: embed-svc (no URL) first.
    let fx = update(&mut m, key('y'));
    assert!(fx.iter().any(|e| matches!(e, Effect::Copy(_))));
    assert_eq!(m.copy_label.as_deref(), Some("\"embed-svc\""));
    update(&mut m, key('G'));
    update(&mut m, key('y'));
    assert_eq!(m.copy_label.as_deref(), Some("URL of whisper-asr"));
    update(&mut m, key(']'));
    update(&mut m, key(']'));
    update(&mut m, key('y'));
    assert_eq!(m.copy_label.as_deref(), Some("SSH command of dev-alice"));
}

#[test]
fn filter_and_sort_work_on_views() {
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, key('7'));
    update(&mut m, key(']'));
    update(&mut m, key('/'));
    sample::typed(&mut m, "fail");
    update(&mut m, code(KeyCode::Enter));
    let v = m.view(ResourceKind::Jobs);
    assert_eq!(v.visible().len(), 1, "only the Failed job");
    update(&mut m, code(KeyCode::Esc));
    // Sort by state: attention first.
    update(&mut m, key('s'));
    let v = m.view(ResourceKind::Jobs);
    assert_eq!(v.sort_col, 1);
    let src = m.source(ResourceKind::Jobs);
    let first = src.cell(v.visible()[0] as usize, 1, sample::NOW_MS);
    assert!(first.starts_with("! "), "attention first, got {first}");
}

#[test]
fn details_fetch_replicas_and_events_and_fill_them_in() {
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, key('7'));
    update(&mut m, key(']'));
    // bad-config is first by name.
    let fx = update(&mut m, code(KeyCode::Enter));
    let target = WorkloadRef {
        kind: ResourceKind::Jobs,
        id: "bad-config-x7k2".into(),
        family: RouteFamily::Legacy,
    };
    assert_eq!(detail_asked(&fx), std::slice::from_ref(&target));
    let t = detail_text(&m);
    assert!(t.contains("State: Failed (attention)"), "{t}");
    assert!(t.contains("lep log get -j bad-config-x7k2"), "{t}");
    assert!(t.contains("loading…"), "{t}");
    // `y` in details copies the log command.
    update(&mut m, key('y'));
    assert_eq!(m.copy_label.as_deref(), Some("the log command"));
    // An answer for another workload is dropped.
    let other = WorkloadRef {
        id: "other".into(),
        ..target.clone()
    };
    let detail = WorkloadDetail {
        replicas: Ok(Listed {
            items: vec![
                serde_json::from_value::<Replica>(serde_json::json!({
                    "id": "bad-config-x7k2-worker-0",
                    "metadata": {"id": "bad-config-x7k2-worker-0"},
                    "status": {"node": {"name": "node-a1", "id": "node-a1"}}
                }))
                .unwrap(),
            ],
            skipped: vec![],
        }),
        events: Ok(Listed {
            items: vec![Event {
                kind: "Warning".into(),
                reason: "BackOff".into(),
                count: 3,
                last_observed_time: Some(serde_json::json!("2026-11-28T11:00:00Z")),
                regarding: None,
                message: Some("container exited with 1".into()),
            }],
            skipped: vec![],
        }),
    };
    update(
        &mut m,
        Msg::Sync(SyncEvent::WorkloadDetail {
            workspace: 0,
            target: other,
            result: Ok(detail.clone()),
        }),
    );
    assert!(detail_text(&m).contains("loading…"));
    update(
        &mut m,
        Msg::Sync(SyncEvent::WorkloadDetail {
            workspace: 0,
            target,
            result: Ok(detail),
        }),
    );
    let t = detail_text(&m);
    assert!(!t.contains("loading…"), "{t}");
    assert!(t.contains("bad-config-x7k2-worker-0  on node-a1"), "{t}");
    assert!(
        t.contains("! 2026-11-28T11:00:00Z  Warning BackOff x3: container exited with 1"),
        "{t}"
    );
    for (w, h) in SIZES {
        update(&mut m, Msg::Resize(w, h));
        snap("workloads_job_detail", &m);
    }
}

#[test]
fn node_details_need_no_fetch() {
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, key('7'));
    update(&mut m, key('['));
    // byoc-b, then h100-a.
    update(&mut m, key('j'));
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(sync_cmds(&fx).is_empty(), "{fx:?}");
    let t = detail_text(&m);
    assert!(t.contains("! node-a3  Ready,Unhealthy  GPU 0/8"), "{t}");
}

#[test]
fn a_new_fetch_keeps_the_selection_and_marks_changes() {
    let mut m = sample::loaded_model(120, 40);
    update(&mut m, key('7'));
    update(&mut m, key(']'));
    update(&mut m, key('j'));
    let sel = m.view(ResourceKind::Jobs).selected_id.clone();
    let mut jobs = sample::jobs();
    jobs[2] = sample::job("eval-nightly", "Running", "gpu.a10", 2, 10, 0);
    let fetched = Fetched::Jobs(lepdash::api::workloads::client::JobList {
        jobs: Listed {
            items: jobs,
            skipped: vec![],
        },
        pages: 1,
        truncated: false,
    });
    update(&mut m, sample::ok_msg(fetched, sample::at(5)));
    assert_eq!(m.view(ResourceKind::Jobs).selected_id, sel);
    assert!(m.is_changed(ResourceKind::Jobs, "eval-nightly-x7k2"));
    assert!(!m.is_changed(ResourceKind::Jobs, "pretrain-70b-x7k2"));
}

// ------------------------------------------------------------------ snapshots

#[test]
fn snapshots_of_each_view() {
    for (w, h) in SIZES {
        let mut m = sample::loaded_model(w, h);
        update(&mut m, key('7'));
        for name in ["endpoints", "jobs", "pods", "nodes"] {
            snap(&format!("workloads_{name}"), &m);
            update(&mut m, key(']'));
        }
        update(&mut m, key('1'));
        snap("workloads_status_summary", &m);
    }
}

#[test]
fn snapshots_of_details() {
    for (w, h) in SIZES {
        let mut m = sample::loaded_model(w, h);
        update(&mut m, key('7'));
        update(&mut m, code(KeyCode::Enter));
        snap("workloads_endpoint_detail", &m);
        update(&mut m, code(KeyCode::Esc));
        update(&mut m, key('['));
        update(&mut m, code(KeyCode::Enter));
        snap("workloads_nodes_detail", &m);
    }
}

/// The sample model on the Endpoints view after a job and an endpoint
/// changed: both views carry `+1` in the pane title.
fn with_unseen_changes(w: u16, h: u16) -> Model {
    let mut m = sample::loaded_model(w, h);
    update(&mut m, key('7'));
    let mut jobs = sample::jobs();
    jobs[2] = sample::job("eval-nightly", "Running", "gpu.a10", 2, 10, 0);
    let fetched = Fetched::Jobs(lepdash::api::workloads::client::JobList {
        jobs: Listed {
            items: jobs,
            skipped: vec![],
        },
        pages: 1,
        truncated: false,
    });
    update(&mut m, sample::ok_msg(fetched, sample::at(5)));
    let mut eps = sample::endpoints();
    eps[0].state = Some(lepdash::api::workloads::EndpointState::NotReady);
    let fetched = Fetched::Endpoints {
        family: RouteFamily::Legacy,
        list: Listed {
            items: eps,
            skipped: vec![],
        },
    };
    update(&mut m, sample::ok_msg(fetched, sample::at(6)));
    m
}

#[test]
fn view_names_carry_their_unseen_changes() {
    let m = with_unseen_changes(120, 40);
    assert_eq!(m.activity.unseen_count(ResourceKind::Jobs), 1);
    assert_eq!(m.activity.unseen_count(ResourceKind::Endpoints), 1);
    let screen = driver::screen(&m);
    let title = screen
        .lines()
        .find(|l| l.contains("Workloads ["))
        .unwrap_or_default();
    assert!(title.contains("[Endpoints 5 +1]"), "{title}");
    assert!(title.contains(" Jobs 7 +1 "), "{title}");
    // Views without unseen changes carry no `+`.
    assert!(title.contains(" Pods 3  Nodes 2 "), "{title}");
}

#[test]
fn snapshots_of_view_names_with_unseen_changes() {
    for (w, h) in SIZES {
        snap("workloads_unseen_views", &with_unseen_changes(w, h));
    }
}
