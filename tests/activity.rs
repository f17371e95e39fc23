//! Issue 10 in the reducer and on screen: events recorded per poll, "yours",
//! the while-away comparison, lasting markers and tab counts, stale and
//! recovered, attention, notifications, the activity view (filter, Enter
//! jumps), and snapshots of the view, markers and tab counts.

#[path = "support/sample.rs"]
mod sample;

use std::time::Duration;

use crossterm::event::KeyCode;
use lepdash::api::ApiError;
use lepdash::api::types::{Listed, MemberStatus, Secret, Visibility};
use lepdash::app::activity::{self, Mark};
use lepdash::app::changes::{EventKind, Origin, Snapshot};
use lepdash::app::{Effect, Model, Msg, update};
use lepdash::protocol::{Fetched, Mutation, MutationOutput, ResourceKind, SyncCmd, SyncEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sample::{DAY, NOW_MS, code, key, typed};

fn loaded(w: u16, h: u16) -> Model {
    sample::loaded_model(w, h)
}

fn listed<T>(items: Vec<T>) -> Listed<T> {
    Listed {
        items,
        skipped: vec![],
    }
}

fn secret(name: &str) -> Secret {
    Secret {
        name: name.into(),
        tags: vec!["ci".into()],
        owner: Some("bob@example.com".into()),
        visibility: Some(Visibility::Public),
    }
}

/// The sample secrets plus `added`, without `removed`.
fn secrets_with(added: &[&str], removed: &[&str]) -> Vec<Secret> {
    let mut list: Vec<Secret> = sample::secrets()
        .into_iter()
        .filter(|s| !removed.contains(&s.name.as_str()))
        .collect();
    list.extend(added.iter().map(|n| secret(n)));
    list
}

fn poll(m: &mut Model, fetched: Fetched, secs: u64) -> Vec<Effect> {
    update(m, sample::ok_msg(fetched, sample::at(secs)))
}

fn tick(m: &mut Model, secs: u64) -> Vec<Effect> {
    update(m, Msg::Tick(sample::at(secs)))
}

fn kinds(m: &Model) -> Vec<(ResourceKind, EventKind, String)> {
    m.activity
        .log
        .iter()
        .map(|e| (e.resource, e.kind, e.id.clone()))
        .collect()
}

fn draw(m: &Model) -> String {
    let (w, h) = m.size;
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    term.draw(|f| lepdash::ui::render(f, m)).expect("draw");
    let buf = term.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            let cw = ratatui::text::Span::raw(sym).width();
            if cw > 1 {
                skip = cw - 1;
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------------ engine in the reducer

#[test]
fn first_poll_gives_no_events_then_changes_are_recorded() {
    let mut m = loaded(120, 40);
    assert!(m.activity.log.is_empty(), "a first poll is not a change");
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE"], &["HF_TOKEN"]))),
        5,
    );
    assert_eq!(
        kinds(&m),
        [
            (ResourceKind::Secrets, EventKind::Added, "NEW_ONE".into()),
            (ResourceKind::Secrets, EventKind::Removed, "HF_TOKEN".into()),
        ]
    );
    assert!(m.activity.unsaved, "the driver saves a changed log");
    // An identical poll adds nothing.
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE"], &["HF_TOKEN"]))),
        10,
    );
    assert_eq!(m.activity.log.len(), 2);
}

#[test]
fn invite_accepted_and_role_change_are_typed() {
    let mut m = loaded(120, 40);
    let mut list = sample::members();
    let invited = list
        .iter_mut()
        .find(|x| x.status == MemberStatus::Invited)
        .expect("the sample has an invitation");
    invited.status = MemberStatus::Active;
    let id = invited.id.clone();
    poll(&mut m, Fetched::Members(listed(list)), 5);
    let e = m.activity.log.get(0).expect("one event");
    assert_eq!(e.kind, EventKind::InviteAccepted);
    assert_eq!(e.id, id);
    assert_eq!(e.origin, Origin::Live);
}

#[test]
fn mutations_sent_from_here_are_yours_until_the_next_list() {
    let mut m = loaded(120, 40);
    update(&mut m, key('4'));
    update(&mut m, key('/'));
    typed(&mut m, "HF_TOK");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('d'));
    update(&mut m, Msg::Paste("HF_TOKEN".into()));
    let fx = update(&mut m, code(KeyCode::Enter));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Sync(SyncCmd::Mutate { id, mutation }) => {
                assert!(matches!(mutation, Mutation::DeleteSecret { .. }));
                Some(*id)
            }
            _ => None,
        })
        .expect("the delete was sent");
    assert!(!m.activity.yours.is_empty());
    update(
        &mut m,
        Msg::Sync(SyncEvent::Mutated {
            id,
            workspace: 0,
            result: Ok(MutationOutput::Done),
        }),
    );
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&[], &["HF_TOKEN"]))),
        5,
    );
    let e = m.activity.log.get(0).expect("the removal");
    assert_eq!((e.kind, e.yours), (EventKind::Removed, true));
    assert!(m.activity.yours.is_empty(), "keys go after the next list");
    // Someone else's change afterwards is not yours.
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["OTHER"], &["HF_TOKEN"]))),
        10,
    );
    assert!(!m.activity.log.get(0).unwrap().yours);
}

#[test]
fn while_away_events_come_from_the_saved_snapshot_once() {
    let mut m = Model::new(sample::init());
    update(&mut m, Msg::Resize(120, 40));
    let mut snap = Snapshot::new("xfre17eu", NOW_MS - DAY);
    snap.secrets = Some(secrets_with(&["GONE_WHILE_AWAY"], &[]));
    snap.members = Some(sample::members());
    m.activity.away = Some(snap);
    for kind in ResourceKind::ALL {
        poll(&mut m, sample::fetched(kind), 0);
    }
    assert_eq!(
        kinds(&m),
        [(
            ResourceKind::Secrets,
            EventKind::Removed,
            "GONE_WHILE_AWAY".into()
        )]
    );
    assert_eq!(m.activity.log.get(0).unwrap().origin, Origin::WhileAway);
    assert!(m.activity.away.is_none(), "each part is compared once");
    assert_eq!(m.activity.away_unseen, 1);
    let header = draw(&m);
    assert!(
        header
            .lines()
            .next()
            .unwrap()
            .contains("1 change while lepdash was not running (a)"),
        "{header}"
    );
    // Opening the activity view counts as seen.
    update(&mut m, key('a'));
    assert_eq!(m.activity.away_unseen, 0);
    assert!(draw(&m).contains("GONE_WHILE_AWAY"));
    // A later poll is live again.
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["LIVE"], &[]))),
        5,
    );
    assert_eq!(m.activity.log.get(0).unwrap().origin, Origin::Live);
}

#[test]
fn each_saved_part_is_dropped_once_its_kind_was_fetched() {
    let mut m = Model::new(sample::init());
    update(&mut m, Msg::Resize(120, 40));
    let mut snap = Snapshot::new("xfre17eu", NOW_MS - DAY);
    snap.secrets = Some(sample::secrets());
    snap.members = Some(sample::members());
    m.activity.away = Some(snap);
    poll(&mut m, sample::fetched(ResourceKind::Secrets), 0);
    let away = m.activity.away.as_ref().expect("members not fetched yet");
    assert!(away.secrets.is_none(), "the fetched kind's copy is gone");
    assert!(away.members.is_some());
    poll(&mut m, sample::fetched(ResourceKind::Members), 1);
    assert!(m.activity.away.is_none(), "nothing of it left to keep");
}

/// The bytes the driver writes for the model.
fn saved_bytes(m: &Model) -> Vec<u8> {
    serde_json::to_vec(&activity::snapshot_ref(m)).unwrap()
}

#[test]
fn the_borrowed_snapshot_is_the_copied_one() {
    // Every kind fetched (workload rows made as they are written).
    let m = loaded(120, 40);
    let copied = serde_json::to_vec(&activity::snapshot_of(&m)).unwrap();
    assert_eq!(saved_bytes(&m), copied);
    // Some kinds fetched, others still from the previous run's snapshot.
    let mut m = Model::new(sample::init());
    update(&mut m, Msg::Resize(120, 40));
    let mut old = activity::snapshot_of(&loaded(120, 40));
    old.saved_at_ms = NOW_MS - DAY;
    old.secrets = Some(secrets_with(&["FROM_LAST_RUN"], &[]));
    m.activity.away = Some(old);
    for kind in [ResourceKind::Members, ResourceKind::Jobs] {
        poll(&mut m, sample::fetched(kind), 0);
    }
    let copied = activity::snapshot_of(&m);
    assert!(copied.has(ResourceKind::Secrets) && copied.has(ResourceKind::Endpoints));
    assert_eq!(saved_bytes(&m), serde_json::to_vec(&copied).unwrap());
    let back: Snapshot = serde_json::from_slice(&saved_bytes(&m)).unwrap();
    assert_eq!(back, copied);
}

#[test]
fn the_snapshot_is_written_again_only_when_a_list_changed() {
    let mut m = loaded(120, 40);
    assert!(m.snapshot_to_save().is_some(), "the first save writes");
    assert!(m.snapshot_to_save().is_none(), "nothing changed since");
    // The same list again (decoded, equal) or unchanged bytes: no write.
    poll(&mut m, sample::fetched(ResourceKind::Secrets), 5);
    poll(&mut m, Fetched::Unchanged(ResourceKind::Secrets), 6);
    tick(&mut m, 7);
    assert!(m.snapshot_to_save().is_none());
    // A changed list is written, with the change.
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE"], &[]))),
        10,
    );
    let snap = m.snapshot_to_save().expect("a changed list is written");
    let back: Snapshot = serde_json::from_slice(&serde_json::to_vec(&snap).unwrap()).unwrap();
    assert!(back.secrets.unwrap().iter().any(|s| s.name == "NEW_ONE"));
    assert!(m.snapshot_to_save().is_none());
    // The previous run's snapshot arriving (another workspace chosen) is
    // new content too.
    let snap = Snapshot::new(m.workspace_id(), NOW_MS - DAY);
    update(&mut m, Msg::SnapshotLoaded(Some(Box::new(snap))));
    assert!(m.snapshot_to_save().is_some());
}

#[test]
fn a_snapshot_of_another_workspace_is_not_used() {
    let mut m = loaded(120, 40);
    let snap = Snapshot::new("someone-else", NOW_MS - DAY);
    update(&mut m, Msg::SnapshotLoaded(Some(Box::new(snap))));
    assert!(m.activity.away.is_none());
}

#[test]
fn own_token_entering_the_window_is_first_and_marked_own() {
    let mut m = loaded(120, 40);
    let mut list = sample::tokens();
    for t in &mut list {
        t.expires_at = Some(NOW_MS + 3 * DAY + DAY / 2);
    }
    poll(
        &mut m,
        Fetched::Tokens {
            list: listed(list),
            own_id: Some(sample::OWN_TOKEN_ID.into()),
        },
        5,
    );
    let first = m.activity.log.get(0).expect("events");
    assert!(first.own, "lepdash's own token first: {first:?}");
    assert!(
        m.activity
            .log
            .iter()
            .any(|e| e.kind == EventKind::TokenExpiring && e.own)
    );
    let att = activity::attention(&m);
    assert!(att.iter().any(|a| a.text == "token 3d"), "{att:?}");
}

#[test]
fn stale_and_recovered_are_events() {
    let mut m = loaded(120, 40);
    update(
        &mut m,
        Msg::Sync(SyncEvent::Fetched {
            kind: ResourceKind::Secrets,
            workspace: 0,
            at: sample::at(5),
            result: Err(ApiError::Timeout(Duration::from_secs(30))),
            next_attempt: Some(sample::at(10)),
        }),
    );
    assert_eq!(
        kinds(&m),
        [(ResourceKind::Secrets, EventKind::Stale, "secrets".into())]
    );
    poll(&mut m, sample::fetched(ResourceKind::Secrets), 12);
    assert_eq!(m.activity.log.get(0).unwrap().kind, EventKind::Recovered);
    assert_eq!(m.activity.log.len(), 2);
}

#[test]
fn notifications_only_for_the_configured_kinds_and_without_values() {
    let mut m = loaded(120, 40);
    let fx = poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["QUIET"], &[]))),
        5,
    );
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Notify(_))),
        "off by default"
    );
    m.activity.notify = vec![EventKind::Added];
    let fx = poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["QUIET", "LOUD"], &[]))),
        10,
    );
    let texts: Vec<&String> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["secrets added LOUD"]);
}

// ------------------------------------------------------------------ markers and tabs

#[test]
fn markers_last_until_the_pane_was_on_screen_a_few_seconds() {
    let mut m = loaded(120, 40);
    // On Status; secrets change out of sight.
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE"], &[]))),
        5,
    );
    let mut changed = sample::secrets();
    changed[1].tags.push("rotated".into());
    changed.push(secret("NEW_ONE"));
    poll(&mut m, Fetched::Secrets(listed(changed)), 6);
    let id1 = sample::secrets()[1].name.clone();
    assert_eq!(
        m.row_mark(ResourceKind::Secrets, "NEW_ONE"),
        Some(Mark::New)
    );
    assert_eq!(m.row_mark(ResourceKind::Secrets, &id1), Some(Mark::Changed));
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 2);
    // Minutes pass elsewhere: the marks stay.
    tick(&mut m, 600);
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 2);
    let screen = draw(&m);
    assert!(screen.contains("Secrets 10 +2"), "{screen}");
    // Visit: still marked for a moment, with glyph and words.
    update(&mut m, key('4'));
    tick(&mut m, 601);
    let screen = draw(&m);
    assert!(screen.contains("+1 new"), "{screen}");
    assert!(screen.contains("*1 changed"), "{screen}");
    assert!(screen.contains("+NEW_ONE"), "{screen}");
    tick(&mut m, 602);
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 2);
    // On screen for SEEN_AFTER: gone.
    tick(&mut m, 605);
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 0);
    assert!(!draw(&m).contains("Secrets 10 +"));
}

#[test]
fn a_removed_row_loses_its_marker() {
    let mut m = loaded(120, 40);
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["BRIEF"], &[]))),
        5,
    );
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 1);
    poll(&mut m, sample::fetched(ResourceKind::Secrets), 6);
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 0);
    assert_eq!(m.activity.log.get(0).unwrap().kind, EventKind::Removed);
}

// ------------------------------------------------------------------ the view

fn with_events(w: u16, h: u16) -> Model {
    let mut m = loaded(w, h);
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE"], &["HF_TOKEN"]))),
        5,
    );
    let mut list = sample::members();
    if let Some(x) = list.iter_mut().find(|x| x.status == MemberStatus::Invited) {
        x.status = MemberStatus::Active;
    }
    poll(&mut m, Fetched::Members(listed(list)), 8);
    m
}

#[test]
fn activity_view_opens_filters_and_jumps() {
    let mut m = with_events(120, 40);
    update(&mut m, key('a'));
    assert!(m.activity.open);
    assert_eq!(m.activity.shown_len(), 3);
    assert_eq!(
        m.activity.selected_event().unwrap().kind,
        EventKind::InviteAccepted
    );
    // Filter.
    update(&mut m, key('/'));
    typed(&mut m, "new_one");
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.activity.shown_len(), 1);
    // Enter jumps to the row in its pane.
    update(&mut m, code(KeyCode::Enter));
    assert!(!m.activity.open);
    assert_eq!(m.visible_kind(), ResourceKind::Secrets);
    let v = m.view(ResourceKind::Secrets);
    let i = v.selected_item().unwrap();
    assert_eq!(m.source(ResourceKind::Secrets).name(i), "NEW_ONE");
    // A removed item: says it is gone.
    update(&mut m, key('a'));
    update(&mut m, code(KeyCode::Esc)); // clears the filter
    assert!(m.activity.open);
    update(&mut m, key('/'));
    typed(&mut m, "hf_token");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, code(KeyCode::Enter));
    let toast = m.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.contains("HF_TOKEN is gone"), "{toast}");
    // The palette opens it too; Esc closes it.
    update(&mut m, key(':'));
    typed(&mut m, "activity");
    update(&mut m, code(KeyCode::Enter));
    assert!(m.activity.open);
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, code(KeyCode::Esc));
    assert!(!m.activity.open);
}

#[test]
fn the_selection_stays_on_its_event_when_new_ones_arrive() {
    let mut m = with_events(120, 40);
    update(&mut m, key('a'));
    update(&mut m, key('j'));
    let before = m.activity.selected_event().unwrap().clone();
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE", "LATER"], &["HF_TOKEN"]))),
        20,
    );
    assert_eq!(m.activity.selected_event().unwrap(), &before);
}

#[test]
fn snapshots_of_the_activity_view_markers_and_tabs() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut m = with_events(w, h);
        // Markers and tab counts on the secrets pane.
        update(&mut m, key('4'));
        insta::assert_snapshot!(format!("markers_secrets_{w}x{h}"), draw(&m));
        update(&mut m, key('1'));
        insta::assert_snapshot!(format!("tab_counts_status_{w}x{h}"), draw(&m));
        update(&mut m, key('a'));
        insta::assert_snapshot!(format!("activity_view_{w}x{h}"), draw(&m));
        update(&mut m, key('/'));
        typed(&mut m, "secrets");
        insta::assert_snapshot!(format!("activity_filtered_{w}x{h}"), draw(&m));
    }
    let mut m = loaded(80, 24);
    update(&mut m, key('a'));
    insta::assert_snapshot!("activity_empty_80x24", draw(&m));
}

// ------------------------------------------------------------ workloads

fn jobs_fetched(jobs: Vec<lepdash::api::workloads::Job>) -> Fetched {
    Fetched::Jobs(lepdash::api::workloads::JobList {
        jobs: listed(jobs),
        pages: 1,
        truncated: false,
    })
}

/// The sample model after a job failed and an endpoint lost readiness.
fn with_workload_failures(w: u16, h: u16) -> Model {
    use lepdash::api::workloads::{EndpointState, JobState};
    let mut m = loaded(w, h);
    let mut jobs = sample::jobs();
    jobs[0].status.as_mut().unwrap().state = Some(JobState::Failed);
    poll(&mut m, jobs_fetched(jobs), 5);
    let mut eps = sample::endpoints();
    eps[0].state = Some(EndpointState::NotReady);
    poll(
        &mut m,
        Fetched::Endpoints {
            family: lepdash::api::workloads::RouteFamily::Legacy,
            list: listed(eps),
        },
        6,
    );
    m
}

#[test]
fn a_failed_readiness_lookup_keeps_the_last_ready_count_and_is_no_change() {
    use lepdash::api::workloads::RouteFamily;
    let eps_with = |ready: Option<u32>| {
        let mut eps = sample::endpoints();
        for e in &mut eps {
            e.family = RouteFamily::Legacy;
        }
        eps[0].replicas_ready = ready;
        Fetched::Endpoints {
            family: RouteFamily::Legacy,
            list: listed(eps),
        }
    };
    let mut m = loaded(120, 40);
    poll(&mut m, eps_with(Some(2)), 5);
    let first = m.endpoints.data.as_ref().unwrap().list[0].id.clone();
    let ready_now = |m: &Model| m.endpoints.data.as_ref().unwrap().list[0].replicas_ready;
    // The lookup failed (no count): the last one stays, nothing happened.
    poll(&mut m, eps_with(None), 10);
    assert_eq!(ready_now(&m), Some(2));
    assert!(m.activity.log.is_empty(), "{:?}", kinds(&m));
    // A real drop is a change.
    poll(&mut m, eps_with(Some(1)), 15);
    assert_eq!(ready_now(&m), Some(1));
    let fields: Vec<_> = m
        .activity
        .log
        .iter()
        .filter(|e| e.id == first)
        .flat_map(|e| e.fields.iter().map(|f| f.field.clone()))
        .collect();
    assert!(fields.iter().any(|f| f == "ready"), "{fields:?}");
}

#[test]
fn workload_events_reach_the_log_the_markers_and_the_workloads_tab() {
    let mut m = with_workload_failures(120, 40);
    assert_eq!(
        kinds(&m),
        [
            (
                ResourceKind::Endpoints,
                EventKind::Failed,
                "vllm-llama3".to_string()
            ),
            (
                ResourceKind::Jobs,
                EventKind::Failed,
                "pretrain-70b-x7k2".to_string()
            ),
        ]
    );
    // Marked rows in both views, one `+2` on the one Workloads tab.
    assert_eq!(m.activity.unseen_count(ResourceKind::Jobs), 1);
    assert_eq!(m.activity.unseen_count(ResourceKind::Endpoints), 1);
    assert_eq!(m.activity.unseen_tab_count(ResourceKind::Pods), 2);
    let tabs = lepdash::app::layout::tabs(&m, 120);
    assert!(
        tabs.iter()
            .any(|t| t.kind.is_workload() && t.label.ends_with("+2")),
        "{:?}",
        tabs.iter().map(|t| &t.label).collect::<Vec<_>>()
    );
    assert_eq!(
        m.row_mark(ResourceKind::Jobs, "pretrain-70b-x7k2"),
        Some(Mark::Changed)
    );
    // Failures need the user: the header says so until the view is opened.
    let att = activity::attention(&m);
    assert!(
        att.iter().any(|a| a.text == "2 need you" && a.urgent),
        "{att:?}"
    );
    update(&mut m, key('a'));
    assert!(
        !activity::attention(&m)
            .iter()
            .any(|a| a.text.contains("need"))
    );
    // A job completing is news, not a problem.
    update(&mut m, key('a'));
    let mut jobs = sample::jobs();
    jobs[0].status.as_mut().unwrap().state = Some(lepdash::api::workloads::JobState::Failed);
    jobs[1].status.as_mut().unwrap().state = Some(lepdash::api::workloads::JobState::Completed);
    poll(&mut m, jobs_fetched(jobs), 30);
    assert_eq!(m.activity.log.get(0).unwrap().kind, EventKind::StateChanged);
    assert_eq!(m.activity.needs_you(), 0);
}

#[test]
fn workload_parts_of_the_snapshot_give_while_away_events() {
    let m = loaded(120, 40);
    let snap = activity::snapshot_of(&m);
    assert!(snap.has(ResourceKind::Jobs) && snap.has(ResourceKind::Nodes));
    let mut init = sample::init();
    init.now = sample::at(3600);
    let mut m = Model::new(init);
    update(&mut m, Msg::Resize(120, 40));
    m.activity.away = Some(snap);
    let mut jobs = sample::jobs();
    jobs.remove(2);
    poll(&mut m, jobs_fetched(jobs), 3700);
    let e = m.activity.log.get(0).expect("a while-away event");
    assert_eq!(
        (e.resource, e.kind, e.origin),
        (ResourceKind::Jobs, EventKind::Removed, Origin::WhileAway)
    );
    assert_eq!(
        activity::away_summary(&m).as_deref(),
        Some("1 change while lepdash was not running")
    );
}

// ------------------------------------------------------------ the fleet

fn fleet_status(state: lepdash::api::types::WorkspaceState) -> Fetched {
    let mut info = sample::workspace_info();
    info.workspace_state = state;
    Fetched::Status {
        info,
        resolver: Some(sample::resolver(
            lepdash::api::types::ActivationState::Active,
            None,
        )),
    }
}

fn fleet_msg(secs: u64, result: Result<Fetched, ApiError>) -> Msg {
    Msg::Sync(SyncEvent::FleetFetched {
        workspace: 1,
        kind: ResourceKind::Status,
        at: sample::at(secs),
        result,
    })
}

/// Events of the current workspace and of `team2` (not on screen).
fn with_fleet_events(w: u16, h: u16) -> Model {
    use lepdash::api::types::WorkspaceState;
    let mut m = with_events(w, h);
    update(
        &mut m,
        fleet_msg(9, Ok(fleet_status(WorkspaceState::Normal))),
    );
    update(
        &mut m,
        fleet_msg(10, Ok(fleet_status(WorkspaceState::Terminated))),
    );
    update(
        &mut m,
        fleet_msg(
            11,
            Err(ApiError::Connect {
                url: "http://127.0.0.1:9/x".into(),
                detail: "refused".into(),
            }),
        ),
    );
    m
}

#[test]
fn fleet_events_are_in_the_activity_view_with_their_workspace() {
    let mut m = with_fleet_events(120, 40);
    let team2: Vec<EventKind> = m
        .activity
        .log
        .iter()
        .filter(|e| e.workspace == "team2")
        .map(|e| e.kind)
        .collect();
    assert_eq!(team2, [EventKind::Stale, EventKind::StateChanged]);
    // No row of the panes on screen is marked for another workspace.
    assert_eq!(m.activity.unseen_count(ResourceKind::Status), 0);
    // Header: an unreachable workspace and an event that needs the user.
    let att = activity::attention(&m);
    assert!(att.iter().any(|a| a.text == "ws team2"), "{att:?}");
    assert!(att.iter().any(|a| a.text == "1 needs you"), "{att:?}");
    update(&mut m, key('a'));
    assert_eq!(m.activity.shown_len(), 5);
    let screen = draw(&m);
    assert!(screen.contains("team2"), "{screen}");
    assert!(screen.contains("xfre17eu"), "{screen}");
    // `w` opens the fleet over the view, as on every pane; closing it
    // comes back to the view, scope unchanged.
    update(&mut m, key('w'));
    assert!(m.fleet.open, "w opens the fleet from the activity view");
    assert!(m.activity.open);
    update(&mut m, code(KeyCode::Esc));
    assert!(!m.fleet.open);
    assert!(
        m.activity.open,
        "closing the fleet comes back to the activity view"
    );
    assert_eq!(m.activity.shown_len(), 5);
    // `W`: this workspace only, and back; from over the fleet too (the
    // fleet closes on the view it covered).
    update(&mut m, key('w'));
    update(&mut m, key('W'));
    assert!(!m.fleet.open, "W leaves the fleet for the activity view");
    assert!(m.activity.open, "W stays in the activity view");
    assert_eq!(m.activity.shown_len(), 3);
    assert!((0..3).all(|i| m.activity.event_at(i).unwrap().workspace == "xfre17eu"));
    // With a text filter on top.
    update(&mut m, key('/'));
    typed(&mut m, "secrets");
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.activity.shown_len(), 2);
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('W'));
    assert_eq!(m.activity.shown_len(), 5);
    // From a pane, `W` opens the view in the other scope.
    update(&mut m, code(KeyCode::Esc));
    assert!(!m.activity.open);
    update(&mut m, key('W'));
    assert!(m.activity.open, "W opens the activity view from a pane");
    assert_eq!(m.activity.shown_len(), 3);
    update(&mut m, key('W'));
    // Enter on another workspace's event says where it is.
    update(&mut m, key('g'));
    update(&mut m, code(KeyCode::Enter));
    let toast = m.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.contains("workspace team2"), "{toast}");
}

#[test]
fn snapshots_of_the_activity_view_across_the_fleet() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut m = with_fleet_events(w, h);
        let mut jobs = sample::jobs();
        jobs[0].status.as_mut().unwrap().state = Some(lepdash::api::workloads::JobState::Failed);
        poll(&mut m, jobs_fetched(jobs), 12);
        insta::assert_snapshot!(format!("attention_fleet_{w}x{h}"), draw(&m));
        update(&mut m, key('a'));
        insta::assert_snapshot!(format!("activity_fleet_{w}x{h}"), draw(&m));
        update(&mut m, key('W'));
        insta::assert_snapshot!(format!("activity_this_workspace_{w}x{h}"), draw(&m));
        update(&mut m, key('W'));
        update(&mut m, key('7'));
        insta::assert_snapshot!(format!("workloads_tab_count_{w}x{h}"), draw(&m));
    }
}

const FLEET_KINDS: [ResourceKind; 4] = [
    ResourceKind::Status,
    ResourceKind::Members,
    ResourceKind::Tokens,
    ResourceKind::Secrets,
];

fn fleet_secrets(secs: u64, list: Vec<Secret>) -> Msg {
    Msg::Sync(SyncEvent::FleetFetched {
        workspace: 1,
        kind: ResourceKind::Secrets,
        at: sample::at(secs),
        result: Ok(Fetched::Secrets(listed(list))),
    })
}

/// `team2` (not on screen) as an earlier run saved it: paused, with a
/// secret since deleted, and a job list (a part the fleet does not poll).
fn with_saved_team2(w: u16, h: u16) -> Model {
    use lepdash::api::types::WorkspaceState;
    use lepdash::app::changes::StatusSnap;
    let mut m = loaded(w, h);
    let mut snap = Snapshot::new("team2", NOW_MS - DAY);
    if let Fetched::Status { info, resolver } = fleet_status(WorkspaceState::Paused) {
        snap.status = Some(StatusSnap { info, resolver });
    }
    snap.secrets = Some(secrets_with(&["OLD_KEY"], &[]));
    snap.jobs = Some(Vec::new());
    m.fleet.remember_saved(1, snap, &FLEET_KINDS);
    m
}

#[test]
fn fleet_workspaces_get_while_away_events_from_their_saved_snapshot() {
    use lepdash::api::types::WorkspaceState;
    use lepdash::app::fleet::SaveFleet;
    let mut m = with_saved_team2(120, 40);
    update(
        &mut m,
        fleet_msg(9, Ok(fleet_status(WorkspaceState::Normal))),
    );
    update(&mut m, fleet_secrets(9, secrets_with(&[], &[])));
    let team2: Vec<(EventKind, Origin, String)> = m
        .activity
        .log
        .iter()
        .filter(|e| e.workspace == "team2")
        .map(|e| (e.kind, e.origin, e.id.clone()))
        .collect();
    assert_eq!(
        team2,
        [
            (EventKind::Removed, Origin::WhileAway, "OLD_KEY".to_string()),
            (
                EventKind::StateChanged,
                Origin::WhileAway,
                "team2".to_string()
            ),
        ]
    );
    // The header's summary counts them (no row of the panes is marked).
    assert_eq!(m.activity.away_unseen, 2);
    assert_eq!(m.activity.unseen_count(ResourceKind::Secrets), 0);
    let header = draw(&m);
    assert!(
        header
            .lines()
            .next()
            .unwrap()
            .contains("2 changes while lepdash was not running"),
        "{header}"
    );
    // Each part is compared once: the next answers are live, and the same.
    let n = m.activity.log.len();
    update(
        &mut m,
        fleet_msg(70, Ok(fleet_status(WorkspaceState::Normal))),
    );
    update(&mut m, fleet_secrets(70, secrets_with(&[], &[])));
    assert_eq!(m.activity.log.len(), n);
    // Saved for the next start: the new answers over the old snapshot
    // (its job list kept), written once per change, not per poll.
    let saved = m.fleet.to_save(SaveFleet::Changed);
    assert_eq!(saved.len(), 1);
    let s = &m.fleet.seen[&saved[0]];
    assert_eq!(s.workspace, "team2");
    assert_eq!(
        s.status.as_ref().unwrap().info.workspace_state,
        WorkspaceState::Normal
    );
    assert!(
        s.secrets
            .as_ref()
            .unwrap()
            .iter()
            .all(|x| x.name != "OLD_KEY")
    );
    assert_eq!(
        s.jobs,
        Some(Vec::new()),
        "parts the fleet does not poll stay"
    );
    assert_eq!(s.saved_at_ms, lepdash::app::format::ms_of(sample::at(70)));
    update(
        &mut m,
        fleet_msg(130, Ok(fleet_status(WorkspaceState::Normal))),
    );
    assert!(
        m.fleet.to_save(SaveFleet::Changed).is_empty(),
        "nothing changed: nothing to write"
    );
    // On exit, every snapshot the fleet answered for (its time moved).
    assert_eq!(m.fleet.to_save(SaveFleet::Touched).len(), 1);
    assert!(m.fleet.to_save(SaveFleet::Touched).is_empty());
}

#[test]
fn switching_to_a_fleet_workspace_saves_what_the_fleet_saw_before_loading_it() {
    use lepdash::api::types::WorkspaceState;
    let mut m = with_saved_team2(120, 40);
    update(
        &mut m,
        fleet_msg(9, Ok(fleet_status(WorkspaceState::Normal))),
    );
    update(&mut m, key(':'));
    for c in "ws team2".chars() {
        update(&mut m, key(c));
    }
    let fx = update(&mut m, code(KeyCode::Enter));
    let order: Vec<String> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::SaveSnapshot(s) => Some(format!("save {}", s.workspace)),
            Effect::LoadSnapshot(ws) => Some(format!("load {ws}")),
            _ => None,
        })
        .collect();
    assert_eq!(order, ["save xfre17eu", "save team2", "load team2"]);
    assert_eq!(m.workspace_id(), "team2");
    // The workspace left is the fleet's now, with the dashboard's snapshot
    // as its base (nothing of it is "while away").
    assert!(m.fleet.seen.get(&0).is_some_and(|s| s.secrets.is_some()));
    assert!(m.fleet.away.is_empty());
    assert!(!m.fleet.seen.contains_key(&1));
}

/// A marked row: the marker cell takes the mark's style, the row's text keeps
/// its own (marking and unmarking then rewrite one cell over SSH), and the
/// tab of the pane on screen carries no count (its rows and title show it)
/// while a tab out of sight does.
#[test]
fn a_mark_restyles_only_its_cell_and_the_tab_on_screen_has_no_count() {
    let mut m = loaded(120, 40);
    update(&mut m, key('4'));
    poll(
        &mut m,
        Fetched::Secrets(listed(secrets_with(&["NEW_ONE"], &[]))),
        5,
    );
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test backend");
    term.draw(|f| lepdash::ui::render(f, &m)).expect("draw");
    let buf = term.backend().buffer().clone();
    let row = (0..40u16)
        .find(|&y| {
            (0..120u16)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                .contains("+NEW_ONE")
        })
        .expect("the new row is marked on screen");
    let x = (0..120u16)
        .find(|&x| buf[(x, row)].symbol() == "+" && buf[(x + 1, row)].symbol() == "N")
        .expect("the marker");
    let theme = lepdash::ui::theme::Theme::new(m.theme);
    assert_eq!(
        buf[(x, row)].fg,
        theme.changed.fg.unwrap(),
        "the marker is coloured"
    );
    assert!(
        buf[(x, row)]
            .modifier
            .contains(ratatui::style::Modifier::BOLD),
        "and bold"
    );
    for dx in 1..=6 {
        assert_ne!(
            buf[(x + dx, row)].fg,
            theme.changed.fg.unwrap(),
            "the row's text keeps its own colour"
        );
    }
    let screen = draw(&m);
    let tabs = screen.lines().nth(1).unwrap_or_default();
    assert!(
        tabs.contains("4 Secrets 10 ") || tabs.trim_end().ends_with("Secrets 10"),
        "no count on the tab on screen: {tabs}"
    );
    assert!(!tabs.contains("Secrets 10 +"), "{tabs}");
    update(&mut m, key('1'));
    let tabs = draw(&m).lines().nth(1).unwrap_or_default().to_string();
    assert!(
        tabs.contains("4 Secrets 10 +1"),
        "out of sight it counts: {tabs}"
    );
}
