//! The fleet view as pure state and as frames: rows from the dashboard's own
//! resources (current workspace) and from background fleet answers (the
//! others), every activation, state and reachability value, attention
//! order, filter, sort, Enter switching, `:ws` and `:fleet`, `:ws ID` for an
//! id no source lists (current token at the derived URL, refusal said
//! plainly), one failing workspace never touching another row.

#[path = "support/sample.rs"]
mod sample;

use std::time::{Duration, SystemTime};

use crossterm::event::KeyCode;
use lepdash::api::ApiError;
use lepdash::api::types::{
    ActivationState, Listed, QuotaAmount, ResourceQuota, Token, WorkspaceState,
};
use lepdash::app::fleet::Reach;
use lepdash::app::{Effect, Model, ModelInit, Msg, WorkspaceLabel, update};
use lepdash::protocol::{Fetched, ResourceKind, SyncCmd, SyncEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sample::{DAY, NOW_MS, at, code, key, now};

fn label(id: &str, name: Option<&str>, expires: Option<i64>) -> WorkspaceLabel {
    WorkspaceLabel {
        id: id.into(),
        display_name: name.map(str::to_string),
        base_url: format!("http://127.0.0.1:8080/api/v2/workspaces/{id}"),
        token_expires_at: expires,
    }
}

/// Eight workspaces, one per situation: current (demo), not activated,
/// pending, paused, terminated with an unknown-to-us state, unreachable,
/// token rejected, no permission; plus one whose token expires in 3 days.
fn fleet_labels() -> Vec<WorkspaceLabel> {
    vec![
        label("demo", Some("Demo Workspace"), Some(NOW_MS + 120 * DAY)),
        label("early", Some("Early Access"), None),
        label("pending", None, None),
        label("paused", Some("Paused Sandbox"), Some(NOW_MS + 3 * DAY)),
        label("ended", Some("Old Project"), None),
        label("odd", None, None),
        label("gone", Some("Gone Away"), None),
        label("revoked", None, None),
        label("locked", None, None),
    ]
}

fn err(status: u16) -> ApiError {
    ApiError::from_status(
        status,
        None,
        br#"{"code":"Nope","message":"refused by the test"}"#,
    )
}

fn connect_err() -> ApiError {
    ApiError::Connect {
        url: "http://127.0.0.1:9/api/v2/workspaces/gone/workspace".into(),
        detail: "Connection refused".into(),
    }
}

fn fleet_msg(
    ws: usize,
    kind: ResourceKind,
    at: SystemTime,
    result: Result<Fetched, ApiError>,
) -> Msg {
    Msg::Sync(SyncEvent::FleetFetched {
        workspace: ws,
        kind,
        at,
        result,
    })
}

fn status(state: WorkspaceState, activation: ActivationState, gpu: (f64, f64)) -> Fetched {
    let mut info = sample::workspace_info();
    info.workspace_state = state;
    info.resource_quota = ResourceQuota {
        limit: QuotaAmount {
            accelerator_num: gpu.1,
            ..QuotaAmount::default()
        },
        used: QuotaAmount {
            accelerator_num: gpu.0,
            ..QuotaAmount::default()
        },
    };
    // No display name from the server: the login record's name shows.
    let mut resolver = sample::resolver(activation, None);
    resolver.display_name = None;
    Fetched::Status {
        info,
        resolver: Some(resolver),
    }
}

fn tokens_expiring(days: &[i64]) -> Fetched {
    let items = days
        .iter()
        .enumerate()
        .map(|(i, d)| Token {
            id: format!("t{i}").into(),
            name: format!("token{i}").into(),
            masked_value: "nv...zz".into(),
            scopes: vec![],
            created_at: None,
            expires_at: Some(NOW_MS + d * DAY),
            created_by: None,
        })
        .collect();
    Fetched::Tokens {
        list: Listed {
            items,
            skipped: vec![],
        },
        own_id: None,
    }
}

fn count_list(n: usize) -> Listed<lepdash::api::types::Secret> {
    let mut items = sample::secrets();
    items.truncate(n);
    Listed {
        items,
        skipped: vec![],
    }
}

/// A model with every fleet situation loaded, `w` x `h`.
fn fleet_model(w: u16, h: u16) -> Model {
    let mut init: ModelInit = sample::init();
    init.workspaces = fleet_labels();
    let mut m = Model::new(init);
    update(&mut m, Msg::Resize(w, h));
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), now()));
    }
    let t = now();
    use ActivationState as A;
    use WorkspaceState as S;
    let answers: Vec<(usize, Fetched)> = vec![
        (1, status(S::Normal, A::NotActivated, (0.0, 0.0))),
        (2, status(S::Normal, A::Pending, (0.0, 0.0))),
        (3, status(S::Paused, A::Active, (0.0, 8.0))),
        (4, status(S::Terminated, A::Active, (8.0, 8.0))),
        (5, status(S::parse("hibernating"), A::Active, (2.0, 16.0))),
        (
            1,
            Fetched::Members(Listed {
                items: sample::members()[..1].to_vec(),
                skipped: vec![],
            }),
        ),
        (3, Fetched::Secrets(count_list(4))),
        (3, tokens_expiring(&[2, 30, -3])),
        (5, tokens_expiring(&[1, 9])),
    ];
    for (ws, f) in answers {
        let kind = f.kind();
        update(&mut m, fleet_msg(ws, kind, t, Ok(f)));
    }
    // gone: answered once, then stopped answering; revoked: 401 from the
    // start; locked: 403 on Status; 'odd' refuses one list.
    update(
        &mut m,
        fleet_msg(
            6,
            ResourceKind::Status,
            at(0),
            Ok(status(S::Normal, A::Active, (1.0, 4.0))),
        ),
    );
    update(
        &mut m,
        fleet_msg(6, ResourceKind::Status, at(60), Err(connect_err())),
    );
    update(
        &mut m,
        fleet_msg(7, ResourceKind::Status, at(60), Err(err(401))),
    );
    update(
        &mut m,
        fleet_msg(8, ResourceKind::Status, at(60), Err(err(403))),
    );
    update(
        &mut m,
        fleet_msg(5, ResourceKind::Members, at(60), Err(err(403))),
    );
    update(&mut m, Msg::Tick(at(300)));
    m
}

fn open(m: &mut Model) {
    update(m, key('w'));
    assert!(m.fleet.open, "w opens the fleet view");
}

fn row<'a>(
    rows: &'a [lepdash::app::fleet::FleetRow],
    id: &str,
) -> &'a lepdash::app::fleet::FleetRow {
    rows.iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

#[test]
fn every_workspace_has_a_row_with_its_state_and_reachability() {
    let m = fleet_model(120, 40);
    let rows = m.fleet_rows();
    assert_eq!(rows.len(), 9, "one row per known workspace");
    let demo = row(&rows, "demo");
    assert!(demo.current);
    assert_eq!(demo.reach, Reach::Ok);
    assert_eq!(demo.activation, "active");
    assert_eq!(demo.members, Some(sample::members().len()));
    assert_eq!(demo.secrets, Some(sample::secrets().len()));
    assert_eq!(row(&rows, "early").activation, "not activated");
    assert_eq!(row(&rows, "early").members, Some(1));
    assert_eq!(row(&rows, "pending").activation, "pending");
    assert_eq!(row(&rows, "paused").state, "paused");
    assert_eq!(row(&rows, "ended").state, "terminated");
    assert_eq!(
        row(&rows, "odd").state,
        "hibernating",
        "unknown states shown as sent"
    );
    assert_eq!(
        row(&rows, "gone").reach,
        Reach::Stale,
        "answered before: stale, data kept"
    );
    assert_eq!(
        row(&rows, "gone").state,
        "normal",
        "the last good data stays"
    );
    assert!(
        row(&rows, "gone").reach_text.starts_with("stale since"),
        "{}",
        row(&rows, "gone").reach_text
    );
    assert_eq!(row(&rows, "revoked").reach, Reach::TokenRejected);
    assert_eq!(row(&rows, "locked").reach, Reach::NoPermission);
    // Counts and quota.
    let paused = row(&rows, "paused");
    assert_eq!(paused.secrets, Some(4));
    assert_eq!(
        paused.tokens_expiring,
        Some(1),
        "expired and far tokens do not count"
    );
    assert_eq!(paused.gpu, Some((0.0, 8.0)));
    assert_eq!(row(&rows, "odd").tokens_expiring, Some(2));
}

#[test]
fn a_workspace_never_answering_is_unreachable_and_touches_no_other_row() {
    let mut init: ModelInit = sample::init();
    init.workspaces = fleet_labels();
    let mut m = Model::new(init);
    update(
        &mut m,
        fleet_msg(
            1,
            ResourceKind::Status,
            now(),
            Ok(status(
                WorkspaceState::Normal,
                ActivationState::Active,
                (1.0, 2.0),
            )),
        ),
    );
    let before = m
        .fleet_rows()
        .into_iter()
        .find(|r| r.id == "early")
        .unwrap();
    for _ in 0..3 {
        update(
            &mut m,
            fleet_msg(6, ResourceKind::Status, at(30), Err(connect_err())),
        );
    }
    let rows = m.fleet_rows();
    assert_eq!(row(&rows, "gone").reach, Reach::Unreachable);
    assert!(
        row(&rows, "gone")
            .attention
            .iter()
            .any(|a| a.contains("does not answer"))
    );
    assert_eq!(
        row(&rows, "early"),
        &before,
        "another workspace's failure changes nothing here"
    );
    assert_eq!(row(&rows, "pending").reach, Reach::Waiting);
    // The current workspace's row does not take fleet answers.
    update(
        &mut m,
        fleet_msg(0, ResourceKind::Status, at(30), Err(err(401))),
    );
    assert_ne!(row(&m.fleet_rows(), "demo").reach, Reach::TokenRejected);
}

#[test]
fn attention_says_why_in_words_and_sorts_first() {
    let m = fleet_model(120, 40);
    let rows = m.fleet_rows();
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    // Alerts (gone stale is a warning; revoked, ended are alerts) come first;
    // the healthy current workspace's notices later.
    let pos = |id: &str| ids.iter().position(|i| *i == id).unwrap();
    assert!(pos("revoked") < pos("early"), "{ids:?}");
    assert!(pos("ended") < pos("pending"), "{ids:?}");
    assert!(pos("paused") < pos("pending"), "{ids:?}");
    let paused = row(&rows, "paused");
    assert!(
        paused.attention.iter().any(|a| a == "paused"),
        "{:?}",
        paused.attention
    );
    assert!(
        paused
            .attention
            .iter()
            .any(|a| a.starts_with("lepdash's token expires in")),
        "{:?}",
        paused.attention
    );
    assert!(
        paused
            .attention
            .iter()
            .any(|a| a == "1 token expires within 10 days")
    );
    assert!(
        row(&rows, "early")
            .attention
            .iter()
            .any(|a| a == "not activated yet")
    );
    assert!(
        row(&rows, "pending")
            .attention
            .iter()
            .any(|a| a == "activation pending")
    );
    assert!(
        row(&rows, "ended")
            .attention
            .iter()
            .any(|a| a == "terminated")
    );
    assert!(
        row(&rows, "ended")
            .attention
            .iter()
            .any(|a| a == "GPU quota used up")
    );
    assert!(
        row(&rows, "odd")
            .attention
            .iter()
            .any(|a| a == "state hibernating")
    );
    assert!(
        row(&rows, "odd")
            .attention
            .iter()
            .any(|a| a == "no permission to list members")
    );
    assert!(row(&rows, "revoked").attention[0].contains("lep login"));
}

#[test]
fn keys_move_filter_sort_and_enter_switches() {
    let mut m = fleet_model(120, 40);
    open(&mut m);
    assert_eq!(m.fleet.selected, Some(0), "opens on the current workspace");
    // Filter to one row, Enter switches to it.
    update(&mut m, key('/'));
    for c in "sandbox".chars() {
        update(&mut m, key(c));
    }
    update(&mut m, code(KeyCode::Enter));
    let rows = m.fleet_rows();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].id, "paused");
    update(&mut m, key('j'));
    assert_eq!(m.fleet.selected, Some(3));
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(!m.fleet.open, "Enter leaves the fleet for the dashboard");
    assert_eq!(m.workspace_id(), "paused");
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Sync(SyncCmd::SwitchWorkspace(3)))),
        "{fx:?}"
    );
    // Reopen: sort cycles, reverse; Esc clears the filter then closes.
    open(&mut m);
    update(&mut m, key('s'));
    assert_eq!(m.fleet.sort.label(), "name");
    let names: Vec<String> = m
        .fleet_rows()
        .iter()
        .map(|r| r.name.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    update(&mut m, key('S'));
    assert!(m.fleet.reverse);
    update(&mut m, key('/'));
    update(&mut m, key('x'));
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, code(KeyCode::Esc));
    assert!(m.fleet.open, "Esc first clears the filter");
    assert!(m.fleet.filter.is_empty());
    update(&mut m, code(KeyCode::Esc));
    assert!(!m.fleet.open);
    // A pane key leaves the fleet for the pane.
    open(&mut m);
    update(&mut m, key('4'));
    assert!(!m.fleet.open);
    assert_eq!(m.pane, ResourceKind::Secrets);
}

#[test]
fn palette_ws_alone_and_fleet_open_it() {
    for line in ["ws", "fleet"] {
        let mut m = fleet_model(120, 40);
        update(&mut m, key(':'));
        for c in line.chars() {
            update(&mut m, key(c));
        }
        update(&mut m, code(KeyCode::Enter));
        assert!(m.fleet.open, ":{line} opens the fleet view");
    }
}

#[test]
fn ws_with_an_unlisted_id_tries_the_current_token_at_the_derived_url() {
    let mut m = Model::new(sample::init());
    update(&mut m, Msg::Resize(120, 40));
    update(&mut m, key(':'));
    for c in "ws early".chars() {
        update(&mut m, key(c));
    }
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.workspace_id(), "early");
    assert_eq!(
        m.workspace().unwrap().base_url,
        "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/early",
        "derived from the current URL as lep derives it"
    );
    let i = m.current_workspace();
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Sync(SyncCmd::AddWorkspace { id, base_url })
            if id == "early" && base_url.ends_with("/workspaces/early"))));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Sync(SyncCmd::SwitchWorkspace(j)) if *j == i))
    );
    // The workspace refuses the token: said plainly.
    update(
        &mut m,
        Msg::Sync(SyncEvent::Fetched {
            kind: ResourceKind::Status,
            workspace: i,
            at: at(1),
            result: Err(err(401)),
            next_attempt: None,
        }),
    );
    let toast = m.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default();
    assert!(toast.contains("refused the token of xfre17eu"), "{toast}");
    // A bad id is refused in the palette.
    update(&mut m, key(':'));
    for c in "ws ../x".chars() {
        update(&mut m, key(c));
    }
    let n = m.workspaces.len();
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.workspaces.len(), n);
}

#[test]
fn server_numbers_are_checked_before_arithmetic() {
    let mut init: ModelInit = sample::init();
    init.workspaces = fleet_labels();
    let mut m = Model::new(init);
    update(
        &mut m,
        fleet_msg(
            1,
            ResourceKind::Status,
            now(),
            Ok(status(
                WorkspaceState::Normal,
                ActivationState::Active,
                (f64::NAN, -4.0),
            )),
        ),
    );
    let rows = m.fleet_rows();
    assert_eq!(row(&rows, "early").gpu, None);
    assert_eq!(row(&rows, "early").gpu_text(), "-");
}

// ------------------------------------------------------------------ frames

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
            let sw = ratatui::text::Span::raw(sym).width();
            if sw > 1 {
                skip = sw - 1;
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn snapshots_of_the_fleet_view() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut m = fleet_model(w, h);
        open(&mut m);
        insta::assert_snapshot!(format!("fleet_{w}x{h}"), draw(&m));
        update(&mut m, key('/'));
        for c in "token".chars() {
            update(&mut m, key(c));
        }
        insta::assert_snapshot!(format!("fleet_filtered_{w}x{h}"), draw(&m));
    }
}

#[test]
fn a_label_that_ages_redraws_only_when_it_changes() {
    let mut m = fleet_model(120, 40);
    open(&mut m);
    m.clear_dirty();
    update(&mut m, Msg::Tick(at(301)));
    assert!(!m.is_dirty(), "a second later nothing on screen changed");
    update(&mut m, Msg::Tick(at(301) + Duration::from_secs(600)));
    assert!(m.is_dirty(), "ages moved on");
}

#[test]
fn after_a_switch_the_palette_reopens_the_fleet_and_esc_closes_it() {
    let mut m = fleet_model(140, 40);
    open(&mut m);
    update(&mut m, key('/'));
    for c in "paused".chars() {
        update(&mut m, key(c));
    }
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(m.workspace_id(), "paused");
    assert!(!m.fleet.open);
    assert!(
        m.fleet.filter.is_empty(),
        "a switch clears the fleet's filter"
    );
    update(&mut m, key(':'));
    update(&mut m, key('w'));
    update(&mut m, key('s'));
    update(&mut m, code(KeyCode::Enter));
    assert!(m.fleet.open, "{:?}", m.overlay);
    assert!(m.overlay.is_none(), "{:?}", m.overlay);
    update(&mut m, code(KeyCode::Esc));
    assert!(!m.fleet.open);
}

#[test]
fn fleet_changes_become_change_engine_events() {
    use lepdash::app::changes::EventKind;
    let mut init: ModelInit = sample::init();
    init.workspaces = fleet_labels();
    let mut m = Model::new(init);
    let st = |a| status(WorkspaceState::Normal, a, (0.0, 1.0));
    update(
        &mut m,
        fleet_msg(
            2,
            ResourceKind::Status,
            at(0),
            Ok(st(ActivationState::Pending)),
        ),
    );
    assert!(m.activity.log.is_empty(), "a first answer is no change");
    update(
        &mut m,
        fleet_msg(
            2,
            ResourceKind::Status,
            at(60),
            Ok(st(ActivationState::Active)),
        ),
    );
    update(
        &mut m,
        fleet_msg(2, ResourceKind::Status, at(120), Err(connect_err())),
    );
    // The activity log is newest first.
    let kinds: Vec<(String, EventKind)> = m
        .activity
        .log
        .iter()
        .rev()
        .map(|e| (e.workspace.clone(), e.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("pending".to_string(), EventKind::ActivationChanged),
            ("pending".to_string(), EventKind::Stale)
        ]
    );
    // Another workspace's events mark no row of the panes on screen.
    assert!(
        ResourceKind::ALL
            .iter()
            .all(|k| m.activity.unseen_count(*k) == 0)
    );
}

/// Over the fleet view the footer offers the fleet's keys (not the pane's
/// `Enter details`, `y copy`), and the activity key leaves the fleet for the
/// activity view — opening it even when it was already open underneath.
#[test]
fn the_footer_over_the_fleet_is_the_fleets_and_a_opens_activity() {
    for w in [80, 120] {
        let mut m = fleet_model(w, 24);
        open(&mut m);
        let screen = draw(&m);
        let footer = screen.lines().last().unwrap_or_default().to_string();
        assert!(footer.contains("Enter switch"), "{footer}");
        assert!(footer.contains("Esc close"), "{footer}");
        assert!(footer.contains("q quit"), "{footer}");
        assert!(!footer.contains("details"), "{footer}");
        assert!(!footer.contains("copy"), "{footer}");
    }
    let mut m = fleet_model(120, 40);
    update(&mut m, key('a'));
    assert!(m.activity.open);
    // Inside the activity view `w` scopes it to one workspace; the palette
    // still opens the fleet over it.
    update(&mut m, key(':'));
    for c in "fleet".chars() {
        update(&mut m, key(c));
    }
    update(&mut m, code(KeyCode::Enter));
    assert!(m.fleet.open, "{:?}", m.overlay);
    update(&mut m, key('a'));
    assert!(!m.fleet.open, "a leaves the fleet");
    assert!(
        m.activity.open,
        "and shows the activity view, not toggles it shut"
    );
}
