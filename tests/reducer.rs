//! Behaviour of the pure reducer: keys, sync events, ticks, effects.

#[path = "support/sample.rs"]
mod sample;

use sample::{code, ctrl, key, typed};
use std::collections::BTreeMap;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use lepdash::api::types::{ActivationState, Listed, Secret, Visibility, WorkspaceState};
use lepdash::api::{ApiError, ServerMessage};
use lepdash::app::{
    Action, BannerKind, Effect, Model, Msg, Overlay, Problem, ToastLevel, initial_effects, update,
};
use lepdash::protocol::{Fetched, Mutation, ResourceKind, SyncCmd, SyncEvent};
use sample::{DAY, NOW_MS};
use secrecy::ExposeSecret;

fn loaded() -> Model {
    sample::loaded_model(120, 40)
}

fn fetch_err(kind: ResourceKind, e: ApiError, secs: u64, next: Option<u64>) -> Msg {
    Msg::Sync(SyncEvent::Fetched {
        kind,
        workspace: 0,
        at: sample::at(secs),
        result: Err(e),
        next_attempt: next.map(sample::at),
    })
}

fn secrets_msg(items: Vec<Secret>, secs: u64) -> Msg {
    sample::ok_msg(
        Fetched::Secrets(Listed {
            items,
            skipped: vec![],
        }),
        sample::at(secs),
    )
}

fn msg(code: Option<&str>, text: &str) -> ServerMessage {
    ServerMessage {
        code: code.map(Into::into),
        message: text.into(),
    }
}

fn selected_name(m: &Model) -> String {
    let kind = m.visible_kind();
    let i = m.view(kind).selected_item().expect("a selection");
    m.source(kind).name(i).into_owned()
}

fn visible_names(m: &Model) -> Vec<String> {
    let kind = m.visible_kind();
    let src = m.source(kind);
    m.view(kind)
        .visible()
        .iter()
        .map(|&i| src.name(i as usize).into_owned())
        .collect()
}

fn sync_cmds(fx: &[Effect]) -> Vec<String> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Sync(c) => Some(format!("{c:?}")),
            _ => None,
        })
        .collect()
}

fn toast_text(m: &Model) -> String {
    m.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

// ------------------------------------------------------------------ start

#[test]
fn initial_effects_announce_the_visible_pane_and_fetch_all() {
    let m = Model::new(sample::init());
    let fx = initial_effects(&m);
    assert_eq!(sync_cmds(&fx), ["SetVisible(Status)", "RefreshAll"]);
    assert!(m.is_dirty(), "the first frame must be drawn");
    let mut init = sample::init();
    init.mouse = true;
    let fx = initial_effects(&Model::new(init));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::SetMouseCapture(true)))
    );
}

// ------------------------------------------------------------------ navigation

#[test]
fn tab_switching_emits_set_visible() {
    let mut m = loaded();
    let fx = update(&mut m, key('4'));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Secrets)"]);
    assert_eq!(m.visible_kind(), ResourceKind::Secrets);
    assert!(update(&mut m, key('4')).is_empty(), "same pane: no effect");
    let fx = update(&mut m, code(KeyCode::Tab));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Registries)"]);
    update(&mut m, code(KeyCode::Tab));
    // The Workloads tab (at its first view), then around.
    let fx = update(&mut m, code(KeyCode::Tab));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Endpoints)"]);
    let fx = update(&mut m, code(KeyCode::Tab));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Status)"], "wraps around");
    let fx = update(
        &mut m,
        Msg::Key(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT)),
    );
    assert_eq!(sync_cmds(&fx), ["SetVisible(Endpoints)"]);
    let fx = update(&mut m, key('1'));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Status)"]);
}

#[test]
fn moving_the_selection() {
    let mut m = loaded();
    update(&mut m, key('4'));
    assert_eq!(selected_name(&m), "DB_PASSWORD");
    update(&mut m, key('j'));
    update(&mut m, code(KeyCode::Down));
    assert_eq!(selected_name(&m), "NGC_API_KEY");
    update(&mut m, key('k'));
    assert_eq!(selected_name(&m), "HF_TOKEN");
    update(&mut m, key('G'));
    assert_eq!(selected_name(&m), "WANDB_API_KEY");
    update(&mut m, key('j'));
    assert_eq!(selected_name(&m), "WANDB_API_KEY", "stays at the end");
    update(&mut m, key('g'));
    assert_eq!(selected_name(&m), "DB_PASSWORD");
    update(&mut m, key('k'));
    assert_eq!(selected_name(&m), "DB_PASSWORD", "stays at the top");
}

#[test]
fn paging_and_scrolling_keep_the_selection_on_screen() {
    let mut m = loaded();
    update(&mut m, secrets_msg(sample::many_secrets(1000), 5));
    update(&mut m, key('4'));
    let rows = m.page_rows();
    assert!(rows > 10, "120x40 shows many rows, got {rows}");
    update(&mut m, code(KeyCode::PageDown));
    let v = m.view(ResourceKind::Secrets);
    assert_eq!(v.selected, rows - 1);
    assert!(v.selected >= v.offset && v.selected < v.offset + rows);
    update(&mut m, key('G'));
    let v = m.view(ResourceKind::Secrets);
    assert_eq!(v.selected, 999);
    assert_eq!(v.offset, 1000 - rows);
    update(&mut m, code(KeyCode::PageUp));
    let v = m.view(ResourceKind::Secrets);
    assert!(v.selected >= v.offset && v.selected < v.offset + rows);
}

// ------------------------------------------------------------------ filter and sort

#[test]
fn filter_is_case_insensitive_over_visible_columns() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('/'));
    assert!(m.filter_editing);
    typed(&mut m, "AWS");
    assert_eq!(
        visible_names(&m),
        ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]
    );
    // Typing into the filter never triggers actions ('q', 's' are text).
    update(&mut m, code(KeyCode::Backspace));
    update(&mut m, code(KeyCode::Backspace));
    update(&mut m, code(KeyCode::Backspace));
    let fx = typed(&mut m, "carol");
    assert!(fx.is_empty() && !m.should_quit());
    assert_eq!(
        visible_names(&m),
        ["OPENAI_API_KEY"],
        "matches the owner column"
    );
    update(&mut m, code(KeyCode::Enter));
    assert!(!m.filter_editing);
    assert_eq!(
        m.view(ResourceKind::Secrets).filter.value(),
        "carol",
        "kept"
    );
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(visible_names(&m).len(), 9, "Esc clears a kept filter");
    update(&mut m, key('/'));
    update(&mut m, Msg::Paste("hf\n".into()));
    assert_eq!(visible_names(&m), ["HF_TOKEN"]);
    update(&mut m, code(KeyCode::Esc));
    assert!(!m.filter_editing);
    assert_eq!(visible_names(&m).len(), 9);
}

#[test]
fn filter_sees_status_words_of_relative_columns() {
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, key('/'));
    typed(&mut m, "expired");
    assert_eq!(visible_names(&m), ["old-notebook"]);
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('2'));
    update(&mut m, key('/'));
    typed(&mut m, "never");
    assert_eq!(visible_names(&m), ["eve@example.com", "ines@example.com"]);
}

#[test]
fn sorting_cycles_columns_and_reverses() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('j'));
    assert_eq!(selected_name(&m), "HF_TOKEN");
    update(&mut m, key('S'));
    assert_eq!(visible_names(&m)[0], "WANDB_API_KEY");
    assert_eq!(selected_name(&m), "HF_TOKEN", "selection follows the row");
    update(&mut m, key('s'));
    let v = m.view(ResourceKind::Secrets);
    assert_eq!(
        (v.sort_col, v.reverse),
        (1, false),
        "next column, ascending"
    );
    // Visibility: "private" < "public"; missing values last.
    let names = visible_names(&m);
    assert_eq!(names.last().map(String::as_str), Some("SLACK_WEBHOOK_URL"));
    for _ in 0..3 {
        update(&mut m, key('s'));
    }
    assert_eq!(
        m.view(ResourceKind::Secrets).sort_col,
        0,
        "wraps to the first column"
    );
    assert_eq!(selected_name(&m), "HF_TOKEN");
}

#[test]
fn sorting_by_time_uses_the_timestamp() {
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, key('s'));
    update(&mut m, key('s'));
    update(&mut m, key('s'));
    assert_eq!(m.view(ResourceKind::Tokens).sort_col, 3, "Expires");
    assert_eq!(
        visible_names(&m),
        [
            "old-notebook",
            "ci-pipeline",
            "laptop",
            "grafana-exporter",
            "batch-runner"
        ],
        "expired first, never-expiring last"
    );
}

// ------------------------------------------------------------------ refreshes

#[test]
fn selection_is_kept_by_id_across_refreshes() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('j'));
    update(&mut m, key('j'));
    assert_eq!(selected_name(&m), "NGC_API_KEY");
    let mut items = sample::secrets();
    items.push(Secret {
        name: "AAA_FIRST".into(),
        tags: vec![],
        owner: None,
        visibility: None,
    });
    items.push(Secret {
        name: "CACHE_URL".into(),
        tags: vec![],
        owner: None,
        visibility: Some(Visibility::Private),
    });
    update(&mut m, secrets_msg(items.clone(), 5));
    assert_eq!(selected_name(&m), "NGC_API_KEY");
    assert_eq!(m.view(ResourceKind::Secrets).selected, 4);
    // The selected row disappears: the position is kept (clamped).
    items.retain(|s| s.name != "NGC_API_KEY");
    update(&mut m, secrets_msg(items, 10));
    assert_eq!(m.view(ResourceKind::Secrets).selected, 4);
    assert_eq!(selected_name(&m), "OPENAI_API_KEY");
}

#[test]
fn an_error_keeps_the_data_and_marks_it_stale() {
    let mut m = loaded();
    update(&mut m, key('4'));
    assert!(!m.is_stale(ResourceKind::Secrets));
    update(
        &mut m,
        fetch_err(
            ResourceKind::Secrets,
            ApiError::Server {
                status: 502,
                message: msg(None, "bad gateway"),
            },
            7,
            Some(20),
        ),
    );
    assert_eq!(m.secrets.data.as_ref().map(Vec::len), Some(9), "data kept");
    assert!(m.secrets.error.is_some());
    assert_eq!(m.secrets.next_attempt, Some(sample::at(20)));
    assert!(m.is_stale(ResourceKind::Secrets));
    assert_eq!(m.problem(ResourceKind::Secrets), Some(Problem::Failed));
    assert_eq!(visible_names(&m).len(), 9);
    // The next success clears the error.
    update(&mut m, secrets_msg(sample::secrets(), 20));
    assert!(m.secrets.error.is_none());
    assert!(!m.is_stale(ResourceKind::Secrets));
}

#[test]
fn old_data_becomes_stale_with_time() {
    let mut m = loaded();
    assert!(!m.is_stale(ResourceKind::Status));
    update(&mut m, Msg::Tick(sample::at(29)));
    assert!(!m.is_stale(ResourceKind::Status));
    update(&mut m, Msg::Tick(sample::at(31)));
    assert!(
        m.is_stale(ResourceKind::Status),
        "older than 3x interval (min 30 s)"
    );
}

#[test]
fn forbidden_not_found_and_unauthorized() {
    let mut m = Model::new(sample::init());
    update(&mut m, Msg::Resize(80, 24));
    let forbidden = ApiError::Forbidden(msg(Some("StatusForbidden"), "no"));
    let not_found = ApiError::NotFound(msg(Some("ResourceNotFound"), "no route"));
    update(&mut m, fetch_err(ResourceKind::Members, forbidden, 0, None));
    assert_eq!(
        m.problem(ResourceKind::Members),
        Some(Problem::NoPermission)
    );
    for kind in [
        ResourceKind::Members,
        ResourceKind::Tokens,
        ResourceKind::Registries,
    ] {
        update(&mut m, fetch_err(kind, not_found.clone(), 0, None));
        assert_eq!(m.problem(kind), Some(Problem::NotAvailable), "{kind:?}");
    }
    update(&mut m, fetch_err(ResourceKind::Secrets, not_found, 0, None));
    assert_eq!(
        m.problem(ResourceKind::Secrets),
        Some(Problem::Failed),
        "404 on a real endpoint is an error, not 'not available'"
    );
    assert!(!m.token_rejected);
    update(
        &mut m,
        fetch_err(
            ResourceKind::Status,
            ApiError::Unauthorized(msg(None, "bad token")),
            1,
            None,
        ),
    );
    assert!(m.token_rejected);
    let banners = m.banners();
    assert_eq!(banners[0].kind, BannerKind::TokenRejected);
    assert!(banners[0].todo.contains("lep login -c xfre17eu:TOKEN"));
    assert!(banners[0].todo.contains("LEPTON_WORKSPACE_TOKEN"));
    // Any success proves the token works again.
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Secrets), sample::at(2)),
    );
    assert!(!m.token_rejected);
}

#[test]
fn skipped_items_are_counted() {
    let mut m = loaded();
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Secrets(Listed {
                items: sample::secrets(),
                skipped: vec!["item 1: bad".into(), "item 4: bad".into()],
            }),
            sample::at(5),
        ),
    );
    assert_eq!(m.secrets.skipped, 2);
    assert!(lepdash::app::layout::has_note(&m, ResourceKind::Secrets));
}

#[test]
fn events_of_another_workspace_are_ignored() {
    let mut m = loaded();
    update(
        &mut m,
        Msg::Sync(SyncEvent::Fetched {
            kind: ResourceKind::Secrets,
            workspace: 1,
            at: sample::at(5),
            result: Ok(Fetched::Secrets(Listed::default())),
            next_attempt: None,
        }),
    );
    assert_eq!(m.secrets.data.as_ref().map(Vec::len), Some(9));
}

// ------------------------------------------------------------------ banners

fn status_with(
    m: &mut Model,
    state: WorkspaceState,
    not_in_use: bool,
    activation: Option<ActivationState>,
) {
    let mut info = sample::workspace_info();
    info.workspace_state = state;
    info.not_in_use = Some(not_in_use);
    let resolver = activation.map(|a| sample::resolver(a, Some(NOW_MS - 2 * DAY)));
    update(
        m,
        sample::ok_msg(Fetched::Status { info, resolver }, sample::now()),
    );
}

#[test]
fn banner_for_every_variant() {
    let cases = [
        (
            WorkspaceState::Normal,
            true,
            Some(ActivationState::NotActivated),
            BannerKind::NotActivated,
        ),
        (
            WorkspaceState::Normal,
            true,
            Some(ActivationState::Pending),
            BannerKind::ActivationPending,
        ),
        (WorkspaceState::Paused, false, None, BannerKind::Paused),
        (
            WorkspaceState::Terminated,
            false,
            None,
            BannerKind::Terminated,
        ),
        (
            WorkspaceState::AllPodsTerminated,
            false,
            None,
            BannerKind::AllPodsTerminated,
        ),
        (
            WorkspaceState::Normal,
            true,
            Some(ActivationState::Active),
            BannerKind::NotInUse,
        ),
    ];
    for (state, niu, act, want) in cases {
        let mut m = loaded();
        status_with(&mut m, state, niu, act);
        let kinds: Vec<_> = m.banners().iter().map(|b| b.kind).collect();
        assert_eq!(kinds, [want]);
    }
    // Healthy: none. (The sample token expires in 60 days.)
    assert!(loaded().banners().is_empty());
    // Resolver absent on a later fetch: the last known activation is kept.
    let mut m = loaded();
    status_with(
        &mut m,
        WorkspaceState::Normal,
        true,
        Some(ActivationState::Pending),
    );
    status_with(&mut m, WorkspaceState::Normal, true, None);
    assert_eq!(m.banners()[0].kind, BannerKind::ActivationPending);
}

#[test]
fn token_banners_use_the_own_token_then_the_login_record() {
    // Before the token list arrives: the login record's expiry.
    let mut init = sample::init();
    init.workspaces[0].token_expires_at = Some(NOW_MS - DAY);
    let m = Model::new(init);
    assert_eq!(m.banners()[0].kind, BannerKind::TokenExpired);
    // The token list wins once it names lepdash's own token.
    let mut m = loaded();
    let mut list = sample::tokens();
    list[0].expires_at = Some(NOW_MS + 2 * DAY);
    update(
        &mut m,
        sample::ok_msg(
            Fetched::Tokens {
                list: Listed {
                    items: list,
                    skipped: vec![],
                },
                own_id: Some(sample::OWN_TOKEN_ID.into()),
            },
            sample::now(),
        ),
    );
    let b = m.banners();
    assert_eq!(b[0].kind, BannerKind::TokenExpiring);
    assert!(b[0].title.contains("in 2 days"), "{}", b[0].title);
}

// ------------------------------------------------------------------ palette and overlays

#[test]
fn palette_switches_workspace_and_resets_its_data() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('/'));
    typed(&mut m, "aws");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key(':'));
    assert!(matches!(m.overlay, Some(Overlay::Palette { .. })));
    let fx = typed(&mut m, "ws team2");
    assert!(fx.is_empty());
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(
        sync_cmds(&fx),
        ["SwitchWorkspace(1)", "SetVisible(Secrets)", "RefreshAll"]
    );
    assert!(m.overlay.is_none());
    assert_eq!(m.current_workspace(), 1);
    assert_eq!(m.workspace_id(), "team2");
    assert!(
        m.secrets.data.is_none() && m.status.data.is_none(),
        "per-workspace data reset"
    );
    assert!(m.view(ResourceKind::Secrets).filter.is_empty());
    assert!(toast_text(&m).contains("Team Sandbox"));
    // Late answers for the old workspace are dropped.
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Secrets), sample::at(1)),
    );
    assert!(m.secrets.data.is_none());
}

#[test]
fn palette_errors_and_commands() {
    let mut m = loaded();
    update(&mut m, key(':'));
    // An id no source lists is tried (see tests/fleet.rs); one that cannot
    // be a workspace id is refused in the palette.
    typed(&mut m, "ws no/pe");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.is_empty());
    match &m.overlay {
        Some(Overlay::Palette { error: Some(e), .. }) => {
            assert!(e.contains("is not a workspace id"), "{e}")
        }
        other => panic!("palette should stay open with an error: {other:?}"),
    }
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_none());
    update(&mut m, key(':'));
    typed(&mut m, "tem");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Templates)"]);
    update(&mut m, key(':'));
    typed(&mut m, "q");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.iter().any(|e| matches!(e, Effect::Quit)));
    assert!(m.should_quit());
}

#[test]
fn help_opens_and_closes() {
    let mut m = loaded();
    update(&mut m, key('?'));
    assert!(matches!(m.overlay, Some(Overlay::Help { .. })));
    let fx = update(&mut m, key('q'));
    assert!(
        fx.is_empty() && !m.should_quit(),
        "q closes help, does not quit"
    );
    assert!(m.overlay.is_none());
    update(&mut m, key('?'));
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_none());
}

#[test]
fn template_detail_and_copy() {
    let mut m = loaded();
    update(&mut m, key('6'));
    update(&mut m, key(':'));
    update(&mut m, code(KeyCode::Esc));
    update(&mut m, key('/'));
    typed(&mut m, "torch");
    update(&mut m, code(KeyCode::Enter));
    let fx = update(&mut m, key('y'));
    match fx.as_slice() {
        [Effect::Copy(s)] => assert_eq!(s.expose_secret(), "torchrun"),
        other => panic!("expected a copy: {other:?}"),
    }
    update(&mut m, Msg::Copied(Ok("OSC 52".into())));
    assert!(
        toast_text(&m).contains("template id torchrun"),
        "{}",
        toast_text(&m)
    );
    update(&mut m, code(KeyCode::Enter));
    let Some(Overlay::Detail(d)) = &m.overlay else {
        panic!("Enter opens the detail view");
    };
    let text: Vec<String> = d.lines.iter().map(|l| format!("{l:?}")).collect();
    let text = text.join("\n");
    assert!(
        text.contains("\\\"type\\\": \\\"object\\\""),
        "pretty schema: {text}"
    );
    assert!(text.contains("nvcr.io/nvidia/pytorch"), "content shown");
    update(&mut m, key('j'));
    update(&mut m, key('j'));
    let Some(Overlay::Detail(d)) = &m.overlay else {
        panic!()
    };
    assert_eq!(d.scroll, 2);
    let fx = update(&mut m, key('y'));
    assert!(
        matches!(fx.as_slice(), [Effect::Copy(_)]),
        "y copies the id from the detail view"
    );
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_none());
    update(&mut m, Msg::Copied(Err("terminal refused".into())));
    assert_eq!(m.toast.as_ref().map(|t| t.level), Some(ToastLevel::Error));
}

/// Issue 13: PgDn in details moves a whole page (what the view shows), and
/// the scroll ends with the last page on screen.
#[test]
fn page_down_in_details_moves_a_page() {
    let mut m = sample::loaded_model(80, 24);
    update(&mut m, key('6'));
    update(&mut m, key('/'));
    typed(&mut m, "torch");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, code(KeyCode::Enter));
    let page = usize::from(lepdash::app::layout::screen(&m).body.height - 2);
    let len = match &m.overlay {
        Some(Overlay::Detail(d)) => d.lines.len(),
        _ => panic!("Enter opens the detail view"),
    };
    assert!(
        len > page + 2,
        "the detail needs more than a page: {len} vs {page}"
    );
    let scroll = |m: &Model| match &m.overlay {
        Some(Overlay::Detail(d)) => d.scroll,
        _ => panic!("still in details"),
    };
    update(&mut m, code(KeyCode::PageDown));
    assert_eq!(scroll(&m), page.min(len - page));
    for _ in 0..10 {
        update(&mut m, code(KeyCode::PageDown));
    }
    assert_eq!(scroll(&m), len - page, "the last page ends the scroll");
    update(&mut m, code(KeyCode::PageUp));
    assert_eq!(scroll(&m), (len - page).saturating_sub(page));
}

/// Issue 13: a toast has its own rows between the body and the footer, so
/// it never paints over the pane's border or the key hints.
#[test]
fn toasts_have_their_own_rows() {
    let mut m = loaded();
    let before = lepdash::app::layout::screen(&m);
    assert_eq!(before.toast.height, 0);
    update(&mut m, key('4'));
    update(&mut m, key('y'));
    update(
        &mut m,
        Msg::Copied(Ok("sent to the terminal (OSC 52)".into())),
    );
    let s = lepdash::app::layout::screen(&m);
    assert_eq!(s.toast.height, 1);
    assert_eq!(
        s.body.y + s.body.height,
        s.toast.y,
        "the body ends above it"
    );
    assert_eq!(
        s.toast.y + s.toast.height,
        s.footer.y,
        "the footer stays below"
    );
}

/// Issue 13: the OSC 52 caveat is explained once per session.
#[test]
fn the_copy_caveat_is_explained_once() {
    let mut m = loaded();
    update(&mut m, key('4'));
    let how = "sent to the terminal (OSC 52) — your terminal must allow clipboard access";
    update(&mut m, key('y'));
    update(&mut m, Msg::Copied(Ok(how.into())));
    assert!(toast_text(&m).contains("must allow"), "{}", toast_text(&m));
    update(&mut m, key('y'));
    update(&mut m, Msg::Copied(Ok(how.into())));
    let t = toast_text(&m);
    assert!(t.contains("OSC 52") && !t.contains("must allow"), "{t}");
}

/// Issue 13: cancelling a pending invitation is reversible: a plain y/n,
/// no typed email; removing an active member still asks for the email.
#[test]
fn cancelling_an_invite_is_a_plain_yes() {
    let mut m = loaded();
    update(&mut m, key('2'));
    update(&mut m, key('/'));
    typed(&mut m, "eve@");
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(selected_name(&m), "eve@example.com");
    update(&mut m, key('d'));
    let fx = update(&mut m, key('y'));
    let cmds = sync_cmds(&fx);
    assert!(
        cmds.iter()
            .any(|c| c.contains("RemoveMember") && c.contains("u-005")),
        "{cmds:?}"
    );
    let mut m = loaded();
    update(&mut m, key('2'));
    update(&mut m, key('/'));
    typed(&mut m, "farah@");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('d'));
    let fx = update(&mut m, key('y'));
    assert!(
        sync_cmds(&fx).is_empty(),
        "an active member needs the email typed"
    );
}

// ------------------------------------------------------------------ commands

#[test]
fn refresh_pause_mouse_quit() {
    let mut m = loaded();
    update(&mut m, key('2'));
    let fx = update(&mut m, key('r'));
    assert_eq!(
        sync_cmds(&fx),
        ["Refresh(Members)", "Refresh(Status)"],
        "r refreshes the header with the pane"
    );
    update(
        &mut m,
        Msg::Sync(SyncEvent::FetchStarted {
            kind: ResourceKind::Members,
            workspace: 0,
        }),
    );
    assert!(m.spinner_on(), "a refresh the user asked for spins at once");
    let fx = update(&mut m, key('p'));
    assert_eq!(sync_cmds(&fx), ["SetPaused(true)"]);
    assert!(m.is_paused());
    let fx = update(&mut m, key('p'));
    assert_eq!(sync_cmds(&fx), ["SetPaused(false)"]);
    let fx = update(&mut m, key('m'));
    assert!(matches!(fx.as_slice(), [Effect::SetMouseCapture(true)]));
    assert!(m.mouse_capture());
    let fx = update(&mut m, key('m'));
    assert!(matches!(fx.as_slice(), [Effect::SetMouseCapture(false)]));
    let fx = update(&mut m, key('q'));
    assert!(matches!(fx.as_slice(), [Effect::Quit]) && m.should_quit());
}

/// Issue 13: after the API is back, `r` clears STALE at once (the header's
/// status is refreshed with the pane), and `R` refreshes every pane.
#[test]
fn refresh_clears_stale_at_once_and_shift_r_refreshes_all() {
    let mut m = loaded();
    update(&mut m, key('2'));
    let down = || ApiError::Server {
        status: 503,
        message: msg(None, "unavailable"),
    };
    update(&mut m, fetch_err(ResourceKind::Status, down(), 5, Some(22)));
    update(
        &mut m,
        fetch_err(ResourceKind::Members, down(), 5, Some(22)),
    );
    assert!(m.is_stale(ResourceKind::Status) && m.is_stale(ResourceKind::Members));
    let fx = update(&mut m, key('r'));
    let cmds = sync_cmds(&fx);
    assert!(cmds.contains(&"Refresh(Status)".to_string()), "{cmds:?}");
    // The sync task answers both requests at once.
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Members), sample::at(6)),
    );
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Status), sample::at(6)),
    );
    assert!(!m.is_stale(ResourceKind::Status) && !m.is_stale(ResourceKind::Members));
    let fx = update(&mut m, key('R'));
    assert_eq!(sync_cmds(&fx), ["RefreshAll"]);
}

/// Issue 13: Ctrl-C over a form holding typed, unsent text asks first.
#[test]
fn ctrl_c_over_typed_form_text_asks_first() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('n'));
    typed(&mut m, "MY_SECRET");
    let fx = update(&mut m, ctrl('c'));
    assert!(!m.should_quit() && fx.is_empty(), "asks first");
    assert!(
        toast_text(&m).contains("Ctrl-C again"),
        "{}",
        toast_text(&m)
    );
    let fx = update(&mut m, ctrl('c'));
    assert!(fx.iter().any(|e| matches!(e, Effect::Quit)) && m.should_quit());
}

#[test]
fn ctrl_c_quits_from_anywhere() {
    for setup in [None, Some('/'), Some('?'), Some(':')] {
        let mut m = loaded();
        update(&mut m, key('4'));
        if let Some(c) = setup {
            update(&mut m, key(c));
        }
        let fx = update(&mut m, ctrl('c'));
        assert!(fx.iter().any(|e| matches!(e, Effect::Quit)), "{setup:?}");
        assert!(m.should_quit());
    }
}

#[test]
fn background_polls_do_not_flash_the_spinner() {
    let mut m = loaded();
    update(
        &mut m,
        Msg::Sync(SyncEvent::FetchStarted {
            kind: ResourceKind::Status,
            workspace: 0,
        }),
    );
    assert!(!m.spinner_on());
    update(&mut m, Msg::Tick(sample::at(1)));
    assert!(m.spinner_on(), "a slow request (>= 1 s) shows the spinner");
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Status), sample::at(1)),
    );
    assert!(!m.spinner_on());
}

#[test]
fn read_only_gates_mutations_and_says_why() {
    let mut init = sample::init();
    init.read_only = true;
    let mut m = Model::new(init);
    for kind in ResourceKind::ALL {
        update(&mut m, sample::ok_msg(sample::fetched(kind), sample::now()));
    }
    update(&mut m, key('4'));
    for c in ['n', 'e', 'd'] {
        let fx = update(&mut m, key(c));
        assert!(fx.is_empty(), "{c}: no effect in read-only mode");
        assert!(m.overlay.is_none(), "{c}: no dialog in read-only mode");
        assert!(toast_text(&m).contains("read-only"), "{}", toast_text(&m));
    }
    assert!(Action::Delete.is_mutation() && !Action::Copy.is_mutation());
}

#[test]
fn delete_confirm_requires_the_typed_name() {
    let mut m = loaded();
    update(&mut m, key('4'));
    assert_eq!(selected_name(&m), "DB_PASSWORD");
    update(&mut m, key('d'));
    assert!(matches!(&m.overlay, Some(Overlay::Dialog(_))));
    typed(&mut m, "DB_PASS");
    let fx = update(&mut m, code(KeyCode::Enter));
    assert!(fx.is_empty());
    typed(&mut m, "WORD");
    let fx = update(&mut m, code(KeyCode::Enter));
    match fx.as_slice() {
        [
            Effect::Sync(SyncCmd::Mutate {
                id,
                mutation: Mutation::DeleteSecret { name },
            }),
        ] => {
            assert_eq!(name, "DB_PASSWORD");
            assert_eq!(
                m.pending.get(id).map(|p| p.what.as_str()),
                Some("delete secret DB_PASSWORD")
            );
            update(
                &mut m,
                Msg::Sync(SyncEvent::Mutated {
                    id: *id,
                    workspace: 0,
                    result: Err(ApiError::Conflict(msg(None, "in use"))),
                }),
            );
        }
        other => panic!("expected the mutation: {other:?}"),
    }
    assert!(m.pending.is_empty());
    assert!(
        toast_text(&m).contains("delete secret DB_PASSWORD failed"),
        "{}",
        toast_text(&m)
    );
}

#[test]
fn key_overrides_rebind_and_bad_specs_warn() {
    let mut init = sample::init();
    let mut keys = BTreeMap::new();
    keys.insert("refresh".to_string(), vec!["f5".to_string()]);
    keys.insert("quit".to_string(), vec!["ctrl-banana".to_string()]);
    init.key_overrides = keys;
    let mut m = Model::new(init);
    assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
    assert!(m.toast.is_some(), "warnings are shown");
    let fx = update(&mut m, code(KeyCode::F(5)));
    assert_eq!(sync_cmds(&fx), ["Refresh(Status)"]);
    assert!(
        update(&mut m, key('r')).is_empty(),
        "r is no longer refresh"
    );
    let fx = update(&mut m, key('q'));
    assert!(
        matches!(fx.as_slice(), [Effect::Quit]),
        "bad spec keeps the default"
    );
}

// ------------------------------------------------------------------ mouse

#[test]
fn mouse_clicks_tabs_and_rows_and_scrolls() {
    let mut m = loaded();
    let tabs = lepdash::app::layout::tabs(&m, 120);
    let secrets_tab = &tabs[3];
    let click = |x: u16, y: u16| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: x,
            row: y,
            modifiers: KeyModifiers::NONE,
        })
    };
    let fx = update(&mut m, click(secrets_tab.x + 1, 1));
    assert_eq!(sync_cmds(&fx), ["SetVisible(Secrets)"]);
    let screen = lepdash::app::layout::screen(&m);
    let pl = lepdash::app::layout::pane_layout(&m, ResourceKind::Secrets, screen.body);
    update(&mut m, click(pl.rows.x + 3, pl.rows.y + 2));
    assert_eq!(selected_name(&m), "NGC_API_KEY");
    update(
        &mut m,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 10,
            row: 10,
            modifiers: KeyModifiers::NONE,
        }),
    );
    assert_eq!(m.view(ResourceKind::Secrets).selected, 5);
}

// ------------------------------------------------------------------ time and dirtiness

#[test]
fn tick_marks_dirty_only_when_a_visible_label_changes() {
    let mut m = loaded();
    m.clear_dirty();
    update(&mut m, Msg::Tick(sample::at(1)));
    assert!(!m.is_dirty(), "'updated just now' did not change");
    update(&mut m, Msg::Tick(sample::at(9)));
    assert!(!m.is_dirty());
    update(&mut m, Msg::Tick(sample::at(10)));
    assert!(m.is_dirty(), "now 'updated 10s ago'");
    m.clear_dirty();
    update(&mut m, Msg::Tick(sample::at(15)));
    assert!(!m.is_dirty());
    // A poll with identical data: no frame.
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Status), sample::at(16)),
    );
    assert!(m.is_dirty(), "the age label went back to 'just now'");
    m.clear_dirty();
    update(
        &mut m,
        sample::ok_msg(sample::fetched(ResourceKind::Status), sample::at(17)),
    );
    assert!(!m.is_dirty(), "same data, same labels: nothing to draw");
    update(&mut m, Msg::Resize(100, 30));
    assert!(m.is_dirty(), "resize redraws");
}

#[test]
fn tick_redraws_when_a_relative_cell_changes() {
    let mut m = loaded();
    update(&mut m, key('2'));
    // Keep the header label still: refresh members every tick.
    let members = || sample::fetched(ResourceKind::Members);
    m.clear_dirty();
    update(&mut m, Msg::Tick(sample::at(5)));
    update(&mut m, sample::ok_msg(members(), sample::at(5)));
    assert!(!m.is_dirty(), "alice is still '2m ago'");
    update(&mut m, Msg::Tick(sample::at(60)));
    assert!(m.is_dirty(), "alice is now '3m ago'");
}

#[test]
fn changed_rows_are_marked_then_fade() {
    let mut m = loaded();
    update(&mut m, key('4'));
    assert!(
        !m.is_changed(ResourceKind::Secrets, "HF_TOKEN"),
        "first load marks nothing"
    );
    let mut items = sample::secrets();
    items[0].tags = vec!["rotated".into()];
    items.push(Secret {
        name: "NEW_ONE".into(),
        tags: vec![],
        owner: None,
        visibility: None,
    });
    update(&mut m, secrets_msg(items.clone(), 5));
    assert!(m.is_changed(ResourceKind::Secrets, "HF_TOKEN"));
    assert!(m.is_changed(ResourceKind::Secrets, "NEW_ONE"));
    assert!(!m.is_changed(ResourceKind::Secrets, "DB_PASSWORD"));
    m.clear_dirty();
    update(&mut m, Msg::Tick(sample::at(7)));
    assert!(m.is_changed(ResourceKind::Secrets, "NEW_ONE"));
    assert!(!m.is_dirty());
    update(&mut m, Msg::Tick(sample::at(8)));
    assert!(
        !m.is_changed(ResourceKind::Secrets, "NEW_ONE"),
        "faded after 3 s"
    );
    assert!(m.is_dirty(), "the marks went away: redraw");
}

#[test]
fn toasts_expire_with_ticks() {
    let mut m = loaded();
    update(&mut m, key('n'));
    assert!(m.toast.is_some());
    update(&mut m, Msg::Tick(sample::at(3)));
    assert!(m.toast.is_some());
    m.clear_dirty();
    update(&mut m, Msg::Tick(sample::at(4)));
    assert!(m.toast.is_none());
    assert!(m.is_dirty());
}

#[test]
fn time_only_comes_from_messages() {
    let mut m = loaded();
    let before = m.now;
    update(&mut m, key('j'));
    assert_eq!(m.now, before);
    update(&mut m, Msg::Tick(before - Duration::from_secs(5)));
    assert_eq!(m.now, before, "time never goes backwards");
}

// ------------------------------------------------------------------ properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn any_msg() -> impl Strategy<Value = Msg> {
        let keys = "123456jkgGsS/?:rpmnedxyq \t".chars().collect::<Vec<_>>();
        prop_oneof![
            4 => proptest::sample::select(keys).prop_map(|c| {
                if c == '\t' { code(KeyCode::Tab) } else { key(c) }
            }),
            2 => proptest::sample::select(vec![
                KeyCode::Enter, KeyCode::Esc, KeyCode::Backspace, KeyCode::PageDown,
                KeyCode::PageUp, KeyCode::Up, KeyCode::Down, KeyCode::Home, KeyCode::End,
            ]).prop_map(code),
            1 => (0u16..200, 0u16..60).prop_map(|(w, h)| Msg::Resize(w, h)),
            1 => (0u64..600).prop_map(|s| Msg::Tick(sample::at(s))),
            1 => (0usize..40, 0u64..600).prop_map(|(n, s)| {
                let mut items = sample::many_secrets(n);
                items.retain(|x| !x.name.contains("KEY") || s % 2 == 0);
                secrets_msg(items, s)
            }),
            1 => (0u64..600).prop_map(|s| fetch_err(
                ResourceKind::Secrets,
                ApiError::Timeout(Duration::from_secs(1)),
                s,
                Some(s + 10),
            )),
            1 => "[a-z :]{0,8}".prop_map(Msg::Paste),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Any sequence of messages keeps the model consistent and drawable.
        #[test]
        fn any_message_sequence_keeps_invariants(msgs in proptest::collection::vec(any_msg(), 1..60)) {
            let mut m = loaded();
            for msg in msgs {
                update(&mut m, msg);
                if m.should_quit() {
                    break;
                }
                for kind in ResourceKind::ALL {
                    let v = m.view(kind);
                    let n = v.visible().len();
                    prop_assert!(n == 0 || v.selected < n, "{kind:?}: {} >= {n}", v.selected);
                    prop_assert!(n <= v.total());
                    if let Some(id) = &v.selected_id
                        && let Some(i) = v.selected_item() {
                            let actual = m.source(kind).id(i).into_owned();
                            prop_assert_eq!(actual.as_str(), id.as_str());
                        }
                }
                let (w, h) = m.size;
                let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
                term.draw(|f| lepdash::ui::render(f, &m)).unwrap();
            }
        }
    }
}

/// An unchanged poll is a successful fetch: the error and its back-off are
/// cleared and the data is fresh again, while rows, selection and view stay
/// exactly as built.
#[test]
fn an_unchanged_poll_freshens_the_data_without_touching_the_rows() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, key('j'));
    let rows = visible_names(&m);
    let selected = selected_name(&m);
    update(
        &mut m,
        fetch_err(
            ResourceKind::Secrets,
            ApiError::Timeout(Duration::from_secs(30)),
            5,
            Some(10),
        ),
    );
    assert!(m.secrets.error.is_some());
    update(
        &mut m,
        sample::ok_msg(Fetched::Unchanged(ResourceKind::Secrets), sample::at(12)),
    );
    assert!(m.secrets.error.is_none());
    assert!(m.secrets.next_attempt.is_none());
    assert_eq!(m.secrets.fetched_at, Some(sample::at(12)));
    assert!(!m.secrets.in_flight);
    assert!(!m.secrets.is_stale(sample::at(13), Duration::from_secs(60)));
    assert_eq!(m.secrets.data.as_ref().map(Vec::len), Some(9));
    assert_eq!(visible_names(&m), rows);
    assert_eq!(selected_name(&m), selected);
}

// ------------------------------------------------------- details search

fn detail(m: &Model) -> &lepdash::app::Detail {
    match &m.overlay {
        Some(Overlay::Detail(d)) => d,
        other => panic!("no detail view: {other:?}"),
    }
}

/// Issue 13 item 18: `/` in a detail view searches it: matches as typed,
/// the view scrolls to the first, n/N go round (wrapping), Esc clears the
/// search and only then closes the view.
#[test]
fn slash_in_details_searches_and_n_goes_round() {
    // A short screen, so the schema is off screen when the view opens.
    let mut m = sample::loaded_model(80, 14);
    update(&mut m, key('6'));
    update(&mut m, code(KeyCode::Enter));
    assert_eq!(detail(&m).scroll, 0);
    update(&mut m, key('/'));
    assert!(detail(&m).search.prompt.is_some(), "the prompt opens");
    typed(&mut m, "\"type");
    let d = detail(&m);
    // "type": object / string / integer in the input schema.
    assert_eq!(d.search.matches.len(), 3, "{:?}", d.search.matches);
    assert_eq!(d.search.status().as_deref(), Some("match 1/3"));
    let first = d.search.matches[0].line;
    assert!(
        d.scroll > 0 && d.scroll <= first,
        "scrolled to line {first}: {}",
        d.scroll
    );
    // Typed text wins in the prompt: `n` is a letter there.
    update(&mut m, code(KeyCode::Enter));
    assert!(detail(&m).search.prompt.is_none(), "Enter keeps the search");
    update(&mut m, key('n'));
    assert_eq!(detail(&m).search.status().as_deref(), Some("match 2/3"));
    update(&mut m, key('n'));
    update(&mut m, key('n'));
    assert_eq!(
        detail(&m).search.status().as_deref(),
        Some("match 1/3"),
        "wraps"
    );
    update(&mut m, key('N'));
    assert_eq!(
        detail(&m).search.status().as_deref(),
        Some("match 3/3"),
        "wraps back"
    );
    let d = detail(&m);
    let line = d.search.matches[2].line;
    assert!(
        d.scroll <= line && line < d.scroll + 12,
        "the match is on screen"
    );
    // No `new` dialog behind the view: n is the search's there.
    assert!(matches!(m.overlay, Some(Overlay::Detail(_))));
    // Esc clears the search, the second closes.
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(detail(&m).search.status(), None);
    update(&mut m, code(KeyCode::Esc));
    assert!(m.overlay.is_none());
}

#[test]
fn a_search_without_a_match_says_so() {
    let mut m = loaded();
    update(&mut m, key('6'));
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('/'));
    typed(&mut m, "zzz-nowhere");
    assert_eq!(detail(&m).search.status().as_deref(), Some("no match"));
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('n'));
    assert!(toast_text(&m).contains("no match"), "{}", toast_text(&m));
    // Esc in the prompt drops the search and goes back where the view was.
    update(&mut m, key('/'));
    typed(&mut m, "type");
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(detail(&m).search.status(), None);
    assert!(matches!(m.overlay, Some(Overlay::Detail(_))), "still open");
    // n without a search says how to start one.
    update(&mut m, key('n'));
    assert!(toast_text(&m).contains("/ searches"), "{}", toast_text(&m));
}

/// `?` in a detail view lists the detail view's keys, and closing the help
/// goes back to the view (search kept).
#[test]
fn help_in_details_comes_back_to_them() {
    let mut m = loaded();
    update(&mut m, key('6'));
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('/'));
    typed(&mut m, "type");
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('?'));
    assert!(matches!(
        m.overlay,
        Some(Overlay::Help { under: Some(_), .. })
    ));
    let rows = m
        .keymap
        .help_rows_in_details(ResourceKind::Templates, Some("template id x"));
    let names: Vec<&str> = rows.iter().map(|r| r.name).collect();
    for want in [
        "filter",
        "search_next",
        "search_prev",
        "copy",
        "back",
        "down",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    for not_here in ["sort", "new", "delete", "refresh", "edit", "pane_status"] {
        assert!(!names.contains(&not_here), "{not_here} in {names:?}");
    }
    update(&mut m, code(KeyCode::Esc));
    assert_eq!(detail(&m).search.status().as_deref(), Some("match 1/3"));
}

/// Issue 13 items 6 and 9: `e` in a secret's details opens the edit form
/// of that secret; where the pane has no edit it is neither offered nor
/// does anything.
#[test]
fn e_in_details_edits_where_the_pane_edits() {
    let mut m = loaded();
    update(&mut m, key('4'));
    update(&mut m, code(KeyCode::Enter));
    let name = selected_name(&m);
    update(&mut m, key('e'));
    match &m.overlay {
        Some(Overlay::Dialog(md)) => {
            let title = md.dialog.form_ref().map(|f| f.title()).unwrap_or_default();
            assert!(title.contains(&name), "{title}");
        }
        other => panic!("no edit form: {other:?}"),
    }
    // Tokens have no edit: `e` keeps the view and is not in its help.
    let mut m = loaded();
    update(&mut m, key('3'));
    update(&mut m, code(KeyCode::Enter));
    update(&mut m, key('e'));
    assert!(matches!(m.overlay, Some(Overlay::Detail(_))));
    let rows = m
        .keymap
        .help_rows_in_details(ResourceKind::Tokens, Some("x"));
    assert!(rows.iter().all(|r| r.name != "edit"));
    let rows = m
        .keymap
        .help_rows_in_details(ResourceKind::Secrets, Some("x"));
    assert!(rows.iter().any(|r| r.name == "edit"));
}

/// Issue 13 item 7: the help lists only what works on the pane (no
/// "not on this pane" rows); dialog keys stay, in their own section.
#[test]
fn pane_help_lists_only_what_works_there() {
    let km = lepdash::app::Keymap::default();
    let status = km.help_rows_for(ResourceKind::Status);
    assert!(status.iter().all(|r| !r.text.contains("not on this pane")));
    for not_here in ["new", "edit", "delete", "next_view", "prev_view"] {
        assert!(status.iter().all(|r| r.name != not_here), "{not_here}");
    }
    assert!(status.iter().any(|r| r.section == "Dialogs"));
    let members = km.help_rows_for(ResourceKind::Members);
    for here in ["new", "edit", "delete"] {
        assert!(members.iter().any(|r| r.name == here), "{here}");
    }
    let pods = km.help_rows_for(ResourceKind::Pods);
    assert!(pods.iter().any(|r| r.name == "next_view"));
}

#[test]
fn a_details_key_override_that_shadows_a_pane_key_is_said() {
    let mut o = BTreeMap::new();
    o.insert("search_next".to_string(), vec!["j".to_string()]);
    let (km, warnings) = lepdash::app::Keymap::new(&o);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`down`") && w.contains("`search_next`")),
        "{warnings:?}"
    );
    // j moves on the panes, searches in details.
    let j = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    assert_eq!(km.action_for(&j), Some(Action::Down));
    assert_eq!(km.details_action_for(&j), Some(Action::SearchNext));
    // The defaults give no warning: n is `new` on panes, the search's in details.
    let (km, warnings) = lepdash::app::Keymap::new(&BTreeMap::new());
    assert!(warnings.is_empty(), "{warnings:?}");
    let n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE);
    assert_eq!(km.action_for(&n), Some(Action::NewItem));
    assert_eq!(km.details_action_for(&n), Some(Action::SearchNext));
    // A pane key that does nothing in details is not found there.
    let s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::NONE);
    assert_eq!(km.details_action_for(&s), None);
}
