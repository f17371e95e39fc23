//! The reducer: `update(&mut Model, Msg) -> Vec<Effect>`. Pure.

use std::borrow::Cow;
use std::time::SystemTime;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use secrecy::SecretString;

use crate::api::ApiError;
use crate::protocol::{Fetched, ResourceKind, SyncCmd, SyncEvent};

use super::keymap::Action;
use super::palette::{self, Command};
use super::resource::Resource;
use super::view::{ShapeRow, Source};
use super::{
    Effect, LineInput, Model, Msg, Overlay, StatusData, ToastLevel, TokenData, activity,
    changed_ids, details, kind_index, layout, manage, with_resource,
};

/// The first effects after start: tell the sync task what is visible and
/// fetch everything once.
pub fn initial_effects(model: &Model) -> Vec<Effect> {
    let mut fx = vec![
        Effect::Sync(SyncCmd::SetVisible(model.pane)),
        Effect::Sync(SyncCmd::RefreshAll),
    ];
    if model.mouse {
        fx.push(Effect::SetMouseCapture(true));
    }
    fx
}

/// Apply one message. Marks the model dirty when something on screen changed.
pub fn update(model: &mut Model, msg: Msg) -> Vec<Effect> {
    let mut fx = Vec::new();
    let changed = match msg {
        Msg::Key(key) => on_key(model, key, &mut fx),
        Msg::Paste(text) => {
            // A paste may be a secret value or a password: wipe this copy
            // once the focused field holds its own (`SecretString`).
            let text = secrecy::zeroize::Zeroizing::new(text);
            on_paste(model, &text)
        }
        Msg::Mouse(ev) => on_mouse(model, ev, &mut fx),
        Msg::Resize(w, h) => {
            model.size = (w, h);
            true
        }
        Msg::Tick(now) => {
            on_tick(model, now);
            false
        }
        Msg::Sync(ev) => on_sync(model, ev, &mut fx),
        Msg::SnapshotLoaded(snap) => {
            // Only for the workspace it was asked for, and only the parts
            // not fetched yet are compared (see `activity::events_of_fetch`).
            model.activity.away = snap
                .map(|s| *s)
                .filter(|s| s.workspace == model.workspace_id());
            false
        }
        Msg::Copied(result) => {
            let what = model
                .copy_label
                .take()
                .unwrap_or_else(|| "the text".to_string());
            // The token dialog shows how its copy went, too.
            if let Some(Overlay::Dialog(md)) = &mut model.overlay {
                md.dialog.copy_done(result.clone());
            }
            // Say how it was delivered, never more: OSC 52 cannot tell
            // whether the terminal accepted it.
            match result {
                Ok(how) => {
                    // The caveat after ` — ` (what the terminal must allow)
                    // once per session; then only how the text went.
                    let how = match how.split_once(" — ") {
                        Some((short, _)) if model.copy_explained => short.to_string(),
                        _ => how,
                    };
                    model.copy_explained = true;
                    model.toast(ToastLevel::Success, format!("{what}: {how}"))
                }
                Err(e) => model.toast(ToastLevel::Error, format!("could not copy {what}: {e}")),
            }
            true
        }
    };
    if changed {
        model.dirty = true;
    }
    after_update(model, &mut fx);
    let rows = model.page_rows();
    model.views[kind_index(model.pane)].ensure_visible(rows);
    let sig = model.time_signature();
    if sig != model.time_sig {
        model.time_sig = sig;
        model.dirty = true;
    }
    fx
}

/// The bookkeeping of issue 10 after every message: when the visible pane
/// came on screen, the markers it has shown long enough, stale/recovered
/// events, the activity view's window.
fn after_update(model: &mut Model, fx: &mut Vec<Effect>) {
    let on = model.pane_on_screen();
    match (on, model.activity.shown_since) {
        (true, None) => model.activity.shown_since = Some(model.now),
        (false, Some(_)) => model.activity.shown_since = None,
        _ => {}
    }
    if on && model.activity.fade(model.pane, model.now) {
        model.dirty = true;
    }
    let health = activity::health_events(model);
    if !health.is_empty() {
        let now = model.now;
        fx.extend(model.activity.record(health, now));
        model.dirty = true;
    }
    if model.activity.open {
        let rows = activity::view_rows(model);
        model.activity.ensure_visible(rows);
    }
}

fn on_tick(model: &mut Model, now: SystemTime) {
    if now > model.now {
        model.now = now;
    }
    if let Some(t) = &model.toast {
        if t.until.is_some_and(|u| u <= model.now) {
            model.toast = None;
        }
    }
    // Forget faded change marks (only the visible pane's are on screen; the
    // time signature decides whether a frame is needed).
    for kind in ResourceKind::ALL {
        let now = model.now;
        with_resource!(&mut model, kind, |r| {
            if r.changed_at.is_some() && !r.marks_active(now) {
                r.changed_ids.clear();
                r.changed_at = None;
            }
        });
    }
}

// ------------------------------------------------------------------ sync

fn on_sync(model: &mut Model, ev: SyncEvent, fx: &mut Vec<Effect>) -> bool {
    match ev {
        SyncEvent::FetchStarted { kind, workspace } => {
            if workspace != model.current {
                return false;
            }
            let now = model.now;
            with_resource!(&mut model, kind, |r| {
                r.in_flight = true;
                r.in_flight_since = Some(now);
            });
            false
        }
        SyncEvent::Fetched {
            kind,
            workspace,
            at,
            result,
            next_attempt,
        } => {
            if workspace != model.current {
                return false;
            }
            if at > model.now {
                model.now = at;
            }
            with_resource!(&mut model, kind, |r| {
                r.in_flight = false;
                r.in_flight_since = None;
                r.manual = false;
            });
            match result {
                Ok(fetched) => {
                    model.token_rejected = false;
                    let events = activity::events_of_fetch(model, &fetched, at);
                    let any = !events.is_empty();
                    fx.extend(model.activity.record(events, at));
                    apply_fetched(model, fetched, at) || (any && model.activity.open)
                }
                Err(e) => apply_error(model, kind, e, at, next_attempt),
            }
        }
        SyncEvent::Mutated {
            id,
            workspace,
            result,
        } => manage::mutated(model, id, workspace, result),
        SyncEvent::WorkloadDetail {
            workspace,
            target,
            result,
        } => {
            workspace == model.current && details::workload_detail_arrived(model, &target, &result)
        }
        SyncEvent::FleetFetched {
            workspace,
            kind,
            at,
            result,
        } => {
            // The current workspace's row comes from the dashboard's own
            // resources; a late fleet answer for it is dropped.
            if workspace == model.current || workspace >= model.workspaces.len() {
                return false;
            }
            let before = model.fleet.data_mut(workspace).clone();
            let changed = model.fleet.data_mut(workspace).apply(kind, at, result);
            if changed {
                let yours = super::changes::Yours::new();
                let ctx = super::changes::Ctx {
                    now_ms: super::format::ms_of(at),
                    workspace: &model.workspaces[workspace].id,
                    origin: super::changes::Origin::Live,
                    yours: &yours,
                };
                let events =
                    super::changes::fleet::diff_fleet(&ctx, &before, &model.fleet.data[workspace]);
                for e in events {
                    if model.fleet.events.len() >= super::fleet::FLEET_EVENTS_CAP {
                        model.fleet.events.pop_front();
                    }
                    model.fleet.events.push_back(e);
                }
            }
            changed && model.fleet.open
        }
    }
}

// ------------------------------------------------------------------ fleet

/// Open the fleet view on the current workspace's row.
fn open_fleet(model: &mut Model) {
    model.fleet.open = true;
    model.fleet.selected = Some(model.current);
    model.filter_editing = false;
}

fn on_fleet_key(model: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    let shown: Vec<usize> = model.fleet_rows().iter().map(|r| r.index).collect();
    let page = usize::from(model.size.1.saturating_sub(6));
    match super::fleet::on_key(&mut model.fleet, &model.keymap, &key, &shown, page) {
        super::fleet::FleetKey::Handled => true,
        super::fleet::FleetKey::Ignored => false,
        super::fleet::FleetKey::Switch(i) => {
            model.fleet.open = false;
            model.fleet.filter.clear();
            model.fleet.filter_editing = false;
            switch_workspace(model, i, fx);
            true
        }
        super::fleet::FleetKey::Pass(action) => {
            // Pane keys leave the fleet for that pane; the rest (help,
            // palette, quit, pause, refresh) work over it.
            if matches!(
                action,
                Action::PaneStatus
                    | Action::PaneMembers
                    | Action::PaneTokens
                    | Action::PaneSecrets
                    | Action::PaneRegistries
                    | Action::PaneTemplates
                    | Action::PaneWorkloads
                    | Action::NextPane
                    | Action::PrevPane
            ) {
                model.fleet.open = false;
            }
            if matches!(
                action,
                Action::NewItem | Action::Edit | Action::Delete | Action::Copy
            ) {
                return false;
            }
            do_action(model, action, fx);
            true
        }
    }
}

fn apply_error(
    model: &mut Model,
    kind: ResourceKind,
    e: ApiError,
    at: SystemTime,
    next_attempt: Option<SystemTime>,
) -> bool {
    if e.status() == Some(401) {
        if !model.token_rejected {
            if let Some(from) = model.fleet.borrowed.get(&model.current) {
                let text = format!(
                    "workspace {} refused the token of {from} at {}: it needs its own token (`lep login -c ID:TOKEN -u URL`)",
                    model.workspace_id(),
                    model.workspace().map(|w| w.base_url.as_str()).unwrap_or("")
                );
                model.toast = Some(super::Toast {
                    text,
                    level: ToastLevel::Error,
                    until: None,
                });
            }
        }
        model.token_rejected = true;
    }
    let changed = with_resource!(&mut model, kind, |r| {
        let changed = r.error.as_ref() != Some(&e);
        r.error = Some(e);
        r.error_at = Some(at);
        r.next_attempt = next_attempt;
        changed
    });
    if changed && kind.is_workload() {
        // "n/a" in the summary follows a 404.
        model.refresh_workload_summary();
    }
    changed
}

/// Store new data; returns whether anything visible changed.
fn store<T: PartialEq>(
    r: &mut Resource<T>,
    data: T,
    skipped: usize,
    at: SystemTime,
    changed: impl FnOnce(Option<&T>, &T) -> std::collections::HashSet<String>,
) -> bool {
    let same = r.data.as_ref() == Some(&data);
    let was_error = r.error.is_some();
    let skipped_changed = r.skipped != skipped;
    r.error = None;
    r.error_at = None;
    r.next_attempt = None;
    r.fetched_at = Some(at);
    r.skipped = skipped;
    if same {
        if !r.changed_ids.is_empty() {
            r.changed_ids.clear();
            r.changed_at = None;
        }
        return was_error || skipped_changed;
    }
    let ids = changed(r.data.as_ref(), &data);
    r.changed_at = (!ids.is_empty()).then_some(at);
    r.changed_ids = ids;
    r.data = Some(data);
    true
}

/// A poll identical to the last one: as fresh as a new fetch (the error
/// and its back-off cleared, `fetched_at` moved), with nothing to store,
/// diff or rebuild. Returns whether anything visible changed.
fn touch<T>(r: &mut Resource<T>, at: SystemTime) -> bool {
    let was_error = r.error.is_some();
    r.error = None;
    r.error_at = None;
    r.next_attempt = None;
    r.fetched_at = Some(at);
    if !r.changed_ids.is_empty() {
        r.changed_ids.clear();
        r.changed_at = None;
    }
    was_error
}

fn apply_fetched(model: &mut Model, fetched: Fetched, at: SystemTime) -> bool {
    let kind = fetched.kind();
    let shapes_changed = match &fetched {
        Fetched::Status { info, .. } => model.shapes() != Some(&info.supported_shapes),
        _ => false,
    };
    let changed = match fetched {
        Fetched::Unchanged(kind) => {
            // Nothing to rebuild: the rows are the ones already built.
            return with_resource!(&mut model, kind, |r| touch(r, at));
        }
        Fetched::Status { info, resolver } => {
            let resolver =
                resolver.or_else(|| model.status.data.as_ref().and_then(|d| d.resolver.clone()));
            let shapes = info
                .supported_shapes
                .iter()
                .map(|(name, shape)| ShapeRow {
                    name: name.clone(),
                    shape: shape.clone(),
                })
                .collect();
            let data = StatusData {
                info,
                resolver,
                shapes,
            };
            store(&mut model.status, data, 0, at, |old, new| match old {
                Some(old) => changed_ids(&old.shapes, &new.shapes, |s| Cow::Borrowed(&s.name)),
                None => Default::default(),
            })
        }
        Fetched::Members(list) => {
            let skipped = list.skipped.len();
            store(&mut model.members, list.items, skipped, at, |old, new| {
                old.map(|o| changed_ids(o, new, |m| Cow::Borrowed(&m.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Tokens { list, own_id } => {
            let skipped = list.skipped.len();
            let data = TokenData {
                list: list.items,
                own_id,
            };
            store(&mut model.tokens, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.list, &new.list, |t| Cow::Borrowed(&t.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Secrets(list) => {
            let skipped = list.skipped.len();
            store(&mut model.secrets, list.items, skipped, at, |old, new| {
                old.map(|o| changed_ids(o, new, |s| Cow::Borrowed(&s.name)))
                    .unwrap_or_default()
            })
        }
        Fetched::Registries(list) => {
            let skipped = list.skipped.len();
            store(
                &mut model.registries,
                list.items,
                skipped,
                at,
                |old, new| {
                    old.map(|o| changed_ids(o, new, |r| Cow::Borrowed(r.id())))
                        .unwrap_or_default()
                },
            )
        }
        Fetched::Templates(list) => {
            let skipped = list.skipped.len();
            store(&mut model.templates, list.items, skipped, at, |old, new| {
                old.map(|o| {
                    changed_ids(o, new, |t| {
                        let ns = if t.public { "public" } else { "private" };
                        Cow::Owned(format!("{ns}/{}", t.template.id()))
                    })
                })
                .unwrap_or_default()
            })
        }
        Fetched::Endpoints { family, list } => {
            let skipped = list.skipped.len();
            let data = super::EndpointData {
                family,
                list: list.items,
            };
            store(&mut model.endpoints, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.list, &new.list, |e| Cow::Borrowed(&e.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Jobs(list) => {
            let skipped = list.jobs.skipped.len();
            let data = super::JobData {
                jobs: list.jobs.items,
                truncated: list.truncated,
            };
            store(&mut model.jobs, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.jobs, &new.jobs, |j| Cow::Borrowed(j.id())))
                    .unwrap_or_default()
            })
        }
        Fetched::Pods { family, list } => {
            let skipped = list.skipped.len();
            let data = super::PodData {
                family,
                list: list.items,
            };
            store(&mut model.pods, data, skipped, at, |old, new| {
                old.map(|o| changed_ids(&o.list, &new.list, |p| Cow::Borrowed(&p.id)))
                    .unwrap_or_default()
            })
        }
        Fetched::Nodes(list) => {
            let skipped = list.skipped.len();
            let rows: Vec<super::NodeGroupRow> = list
                .items
                .into_iter()
                .map(super::NodeGroupRow::from_fetched)
                .collect();
            store(&mut model.nodes, rows, skipped, at, |old, new| {
                old.map(|o| changed_ids(o, new, |g| Cow::Borrowed(g.group.id())))
                    .unwrap_or_default()
            })
        }
    };
    if changed && (kind == ResourceKind::Status || kind.is_workload()) {
        model.refresh_workload_summary();
    }
    if changed {
        rebuild(model, kind);
        manage::select_new(model, kind);
        if kind == ResourceKind::Status && shapes_changed {
            // GPU counts of the workload rows read the shapes.
            for w in crate::protocol::WORKLOAD_VIEWS {
                rebuild(model, w);
            }
        }
    }
    changed
}

/// Recompute a pane's cached rows after its data changed.
fn rebuild(model: &mut Model, kind: ResourceKind) {
    let mut view = std::mem::take(&mut model.views[kind_index(kind)]);
    view.rebuild(&model.source(kind), model.now_ms());
    model.views[kind_index(kind)] = view;
}

/// Run `f` on a pane's view with its source (borrow split).
fn with_view<R>(
    model: &mut Model,
    kind: ResourceKind,
    f: impl FnOnce(&mut super::ListView, &Source<'_>) -> R,
) -> R {
    let mut view = std::mem::take(&mut model.views[kind_index(kind)]);
    let r = f(&mut view, &model.source(kind));
    model.views[kind_index(kind)] = view;
    r
}

// ------------------------------------------------------------------ keys

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('C'))
}

fn quit(model: &mut Model, fx: &mut Vec<Effect>) {
    model.quit = true;
    fx.push(Effect::Quit);
}

fn on_key(model: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
    if key.kind == KeyEventKind::Release {
        return false;
    }
    // Ctrl-C always quits, whatever the mode or the keymap; over a form
    // holding typed, unsent text it asks first (a second Ctrl-C quits).
    if is_ctrl_c(&key) {
        let unsent = matches!(&model.overlay, Some(Overlay::Dialog(md))
            if md.dialog.form_ref().is_some_and(|f| f.has_typed_text()));
        if unsent && !model.quit_armed {
            model.quit_armed = true;
            model.toast(
                ToastLevel::Warn,
                "the form holds text not sent yet: Ctrl-C again quits and loses it".to_string(),
            );
            return true;
        }
        quit(model, fx);
        return true;
    }
    model.quit_armed = false;
    // A sticky toast (warnings) goes away with the next key.
    if model.toast.as_ref().is_some_and(|t| t.until.is_none()) {
        model.toast = None;
    }
    if model.overlay.is_some() {
        on_overlay_key(model, key, fx);
        return true;
    }
    if model.fleet.open {
        return on_fleet_key(model, key, fx);
    }
    if model.activity.filter_editing {
        on_activity_filter_key(model, key);
        return true;
    }
    if model.filter_editing {
        on_filter_key(model, key);
        return true;
    }
    match model.keymap.action_for(&key) {
        Some(action) => {
            do_action(model, action, fx);
            true
        }
        None => false,
    }
}

fn on_paste(model: &mut Model, text: &str) -> bool {
    // Forms decide themselves what newlines mean (a secret value may be a
    // multi-line key).
    if let Some(Overlay::Dialog(md)) = &mut model.overlay {
        return !matches!(
            md.dialog.handle_paste(text),
            super::forms::DialogOutcome::None
        );
    }
    // One-line inputs: a trailing newline of a copied line is not content.
    let text = text.trim_end_matches(['\r', '\n']);
    match &mut model.overlay {
        Some(Overlay::Palette { input, .. }) => {
            input.insert_str(text);
            true
        }
        Some(_) => false,
        None if model.filter_editing => {
            let kind = model.pane;
            with_view(model, kind, |v, src| {
                v.filter.insert_str(text);
                v.refilter(src);
            });
            true
        }
        None => false,
    }
}

fn on_filter_key(model: &mut Model, key: KeyEvent) {
    let kind = model.pane;
    match key.code {
        KeyCode::Enter => model.filter_editing = false,
        KeyCode::Esc => {
            model.filter_editing = false;
            with_view(model, kind, |v, src| {
                v.filter.clear();
                v.refilter(src);
            });
        }
        KeyCode::Up => move_selection(model, -1),
        KeyCode::Down => move_selection(model, 1),
        KeyCode::PageUp => page(model, -1),
        KeyCode::PageDown => page(model, 1),
        _ => {
            with_view(model, kind, |v, src| {
                if v.filter.handle_key(&key) {
                    v.refilter(src);
                }
            });
        }
    }
}

fn move_selection(model: &mut Model, delta: isize) {
    let kind = model.pane;
    with_view(model, kind, |v, src| v.move_by(delta, src));
}

fn page(model: &mut Model, dir: isize) {
    let rows = model.page_rows().saturating_sub(1).max(1) as isize;
    move_selection(model, rows * dir);
}

fn set_pane(model: &mut Model, kind: ResourceKind, fx: &mut Vec<Effect>) {
    // A pane key leaves the activity view for that pane.
    model.activity.open = false;
    model.activity.filter_editing = false;
    if model.pane == kind {
        return;
    }
    model.activity.shown_since = None;
    if kind.is_workload() {
        model.workload_view = kind;
    }
    model.pane = kind;
    model.filter_editing = false;
    fx.push(Effect::Sync(SyncCmd::SetVisible(kind)));
}

/// Next / previous tab (the Workloads pane is one tab: its last view).
fn cycle_pane(model: &mut Model, delta: isize, fx: &mut Vec<Effect>) {
    let tabs = layout::tab_kinds(model);
    let n = tabs.len() as isize;
    let here = tabs.iter().position(|k| *k == model.pane).unwrap_or(0) as isize;
    let i = (here + delta).rem_euclid(n) as usize;
    set_pane(model, tabs[i], fx);
}

/// Next / previous view inside the Workloads pane (nothing elsewhere).
fn cycle_view(model: &mut Model, delta: isize, fx: &mut Vec<Effect>) {
    let views = crate::protocol::WORKLOAD_VIEWS;
    let Some(here) = views.iter().position(|k| *k == model.pane) else {
        return;
    };
    let i = (here as isize + delta).rem_euclid(views.len() as isize) as usize;
    set_pane(model, views[i], fx);
}

fn do_action(model: &mut Model, action: Action, fx: &mut Vec<Effect>) {
    let kind = model.pane;
    if model.activity.open && activity_action(model, action, fx) {
        return;
    }
    match action {
        Action::Activity => open_activity(model),
        Action::Quit => quit(model, fx),
        Action::Help => model.overlay = Some(Overlay::Help { scroll: 0 }),
        Action::Palette => {
            model.overlay = Some(Overlay::Palette {
                input: LineInput::default(),
                error: None,
            })
        }
        Action::PaneStatus => set_pane(model, ResourceKind::Status, fx),
        Action::PaneMembers => set_pane(model, ResourceKind::Members, fx),
        Action::PaneTokens => set_pane(model, ResourceKind::Tokens, fx),
        Action::PaneSecrets => set_pane(model, ResourceKind::Secrets, fx),
        Action::PaneRegistries => set_pane(model, ResourceKind::Registries, fx),
        Action::PaneTemplates => set_pane(model, ResourceKind::Templates, fx),
        Action::Fleet => open_fleet(model),
        Action::PaneWorkloads => set_pane(model, model.workload_view, fx),
        Action::NextView => cycle_view(model, 1, fx),
        Action::PrevView => cycle_view(model, -1, fx),
        Action::NextPane => cycle_pane(model, 1, fx),
        Action::PrevPane => cycle_pane(model, -1, fx),
        Action::Down => move_selection(model, 1),
        Action::Up => move_selection(model, -1),
        Action::Top => with_view(model, kind, |v, src| v.select(0, src)),
        Action::Bottom => with_view(model, kind, |v, src| v.select(usize::MAX, src)),
        Action::PageDown => page(model, 1),
        Action::PageUp => page(model, -1),
        Action::Details => details::open(model, fx),
        Action::Back => {
            if !model.view(kind).filter.is_empty() {
                with_view(model, kind, |v, src| {
                    v.filter.clear();
                    v.refilter(src);
                });
            } else {
                model.toast = None;
            }
        }
        Action::Filter => model.filter_editing = true,
        Action::SortNext => with_view(model, kind, |v, src| {
            v.sort_col = (v.sort_col + 1) % src.columns().len().max(1);
            v.reverse = false;
            v.resort(src);
        }),
        Action::SortReverse => with_view(model, kind, |v, src| {
            v.reverse = !v.reverse;
            v.resort(src);
        }),
        Action::Refresh => refresh(model, kind, fx),
        Action::RefreshAll => {
            for k in ResourceKind::ALL {
                with_resource!(&mut model, k, |r| r.manual = true);
            }
            fx.push(Effect::Sync(SyncCmd::RefreshAll));
        }
        Action::Pause => toggle_pause(model, fx),
        Action::ToggleMouse => toggle_mouse(model, fx),
        Action::NewItem | Action::Edit | Action::Delete => manage::on_action(model, action),
        Action::Copy => copy_selected(model, fx),
        Action::Reveal => model.toast(
            ToastLevel::Info,
            format!(
                "nothing to reveal here: {} shows a new token's value right after it is created",
                model.keymap.key_or_unbound(Action::Reveal)
            ),
        ),
        // Dialog actions: the pane table does not bind them.
        Action::Confirm
        | Action::Cancel
        | Action::NextField
        | Action::PrevField
        | Action::Submit => {}
    }
}

/// Refresh the pane and the status header with it: the header's freshness
/// (STALE) must follow the same key press, not wait out its back-off.
fn refresh(model: &mut Model, kind: ResourceKind, fx: &mut Vec<Effect>) {
    with_resource!(&mut model, kind, |r| r.manual = true);
    fx.push(Effect::Sync(SyncCmd::Refresh(kind)));
    if kind != ResourceKind::Status {
        fx.push(Effect::Sync(SyncCmd::Refresh(ResourceKind::Status)));
    }
}

fn toggle_pause(model: &mut Model, fx: &mut Vec<Effect>) {
    model.paused = !model.paused;
    fx.push(Effect::Sync(SyncCmd::SetPaused(model.paused)));
    let key = model
        .keymap
        .first_key(Action::Pause)
        .unwrap_or_else(|| ":pause".into());
    let text = if model.paused {
        format!("polling paused ({key} resumes)")
    } else {
        "polling resumed".to_string()
    };
    model.toast(ToastLevel::Info, text);
}

fn toggle_mouse(model: &mut Model, fx: &mut Vec<Effect>) {
    model.mouse = !model.mouse;
    fx.push(Effect::SetMouseCapture(model.mouse));
    let text = if model.mouse {
        "mouse on: click tabs and rows, wheel scrolls (Shift+drag selects text)"
    } else {
        "mouse off: the terminal's text selection works again"
    };
    model.toast(ToastLevel::Info, text.to_string());
}

fn copy_selected(model: &mut Model, fx: &mut Vec<Effect>) {
    let kind = model.pane;
    let src = model.source(kind);
    let Some(i) = model.view(kind).selected_item() else {
        model.toast(ToastLevel::Info, "nothing selected to copy".to_string());
        return;
    };
    let (label, value) = match src {
        Source::Templates(v) => {
            let id = v[i].template.id().to_string();
            (format!("template id {id}"), id)
        }
        Source::Endpoints(v, _) if v[i].url.as_deref().is_some_and(|u| !u.is_empty()) => {
            let url = v[i].url.clone().unwrap_or_default();
            (format!("URL of {}", v[i].name), url)
        }
        Source::Pods(v, _) if v[i].ssh_command().is_some() => {
            let ssh = v[i].ssh_command().unwrap_or_default();
            (format!("SSH command of {}", v[i].name), ssh)
        }
        other => {
            let name = other.name(i).into_owned();
            (format!("\"{name}\""), name)
        }
    };
    emit_copy(model, label, value, fx);
}

fn emit_copy(model: &mut Model, label: String, value: String, fx: &mut Vec<Effect>) {
    model.copy_label = Some(label);
    fx.push(Effect::Copy(SecretString::from(value)));
}

// ------------------------------------------------------------------ overlays

fn on_overlay_key(model: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = model.keymap.action_for(&key);
    let Some(overlay) = model.overlay.take() else {
        return;
    };
    let keep = match overlay {
        Overlay::Help { scroll } => match action {
            Some(Action::Help | Action::Back | Action::Quit | Action::Details) => None,
            Some(a) => Some(Overlay::Help {
                scroll: scroll_by(scroll, a, usize::MAX, detail_page(model)),
            }),
            None => Some(Overlay::Help { scroll }),
        },
        // A text field: the keymap's dialog actions, typed text wins.
        Overlay::Palette { mut input, error } => match model.keymap.text_field_action(&key) {
            Some(Action::Cancel) => None,
            Some(Action::Confirm) => run_palette(model, input.value().to_string(), fx),
            Some(Action::NextField) => {
                if let Some((first, _)) =
                    palette::suggestions(input.value(), &model.workspaces).first()
                {
                    let arg = if first == "ws ID" {
                        "ws "
                    } else {
                        first.as_str()
                    };
                    input = LineInput::new(arg);
                }
                Some(Overlay::Palette { input, error: None })
            }
            _ => {
                let changed = input.handle_key(&key);
                Some(Overlay::Palette {
                    input,
                    error: if changed { None } else { error },
                })
            }
        },
        Overlay::Detail(mut d) => match action {
            Some(Action::Back | Action::Quit | Action::Details) => None,
            Some(Action::Copy) => {
                if let Some((label, value)) = d.copy.clone() {
                    emit_copy(model, label, value, fx);
                }
                Some(Overlay::Detail(d))
            }
            Some(a) => {
                // A page is what the view shows; the last page ends the scroll.
                let page = detail_page(model);
                let max = d.lines.len().saturating_sub(page);
                d.scroll = scroll_by(d.scroll, a, max, page);
                Some(Overlay::Detail(d))
            }
            None => Some(Overlay::Detail(d)),
        },
        Overlay::Dialog(md) => manage::dialog_key(model, md, key, fx),
    };
    model.overlay = keep;
}

/// Lines a detail view shows at once: the body inside its border.
fn detail_page(model: &Model) -> usize {
    usize::from(super::layout::screen(model).body.height.saturating_sub(2)).max(1)
}

fn scroll_by(scroll: usize, action: Action, max: usize, page: usize) -> usize {
    let s = match action {
        Action::Down => scroll.saturating_add(1),
        Action::Up => scroll.saturating_sub(1),
        Action::PageDown => scroll.saturating_add(page),
        Action::PageUp => scroll.saturating_sub(page),
        Action::Top => 0,
        Action::Bottom => max,
        _ => scroll,
    };
    s.min(max)
}

fn run_palette(model: &mut Model, line: String, fx: &mut Vec<Effect>) -> Option<Overlay> {
    let cmd = match palette::parse(&line) {
        Ok(c) => c,
        Err(e) => {
            return Some(Overlay::Palette {
                input: LineInput::new(&line),
                error: Some(e),
            });
        }
    };
    match cmd {
        Command::Pane(kind) => set_pane(model, kind, fx),
        Command::Activity => open_activity(model),
        Command::Workloads => set_pane(model, model.workload_view, fx),
        Command::Refresh => {
            let kind = model.pane;
            refresh(model, kind, fx);
        }
        Command::Pause => toggle_pause(model, fx),
        Command::Mouse => toggle_mouse(model, fx),
        Command::Help => return Some(Overlay::Help { scroll: 0 }),
        Command::Quit => quit(model, fx),
        Command::Fleet | Command::Workspace(None) => open_fleet(model),
        Command::Workspace(Some(id)) => match model.workspaces.iter().position(|w| w.id == id) {
            Some(i) => switch_workspace(model, i, fx),
            None => {
                if let Err(e) = check_workspace_id(&id) {
                    return Some(Overlay::Palette {
                        input: LineInput::new(&line),
                        error: Some(e),
                    });
                }
                // An id no credential source lists: try the current token at
                // the URL derived from the current one, as `lep` derives it.
                let cur = model.workspace()?;
                let base_url = derive_base(&cur.base_url, &id);
                let from = cur.id.clone();
                let i = model.workspaces.len();
                model.workspaces.push(super::WorkspaceLabel {
                    id: id.clone(),
                    display_name: None,
                    base_url: base_url.clone(),
                    token_expires_at: None,
                });
                model.fleet.borrowed.insert(i, from.clone());
                fx.push(Effect::Sync(SyncCmd::AddWorkspace {
                    id: id.clone(),
                    base_url: base_url.clone(),
                }));
                switch_workspace(model, i, fx);
                model.toast(
                    ToastLevel::Info,
                    format!("{id} is in no login record: trying the token of {from} at {base_url}"),
                );
            }
        },
    }
    None
}

/// The base URL of workspace `id` on the current one's gateway:
/// `<origin>/api/v2/workspaces/<id>` (the public gateway when the current URL
/// has another shape).
fn derive_base(current_base: &str, id: &str) -> String {
    let origin = crate::api::paths::split_base(current_base)
        .map(|(origin, _)| origin)
        .unwrap_or_else(|| crate::api::paths::GATEWAY_ORIGIN.to_string());
    crate::api::paths::workspace_base(&origin, id)
}

fn check_workspace_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a workspace id (letters, digits, - and _)",
            crate::text::sanitize(id)
        ))
    }
}

/// Switch to workspace `i`: forget every per-workspace datum, then ask the
/// sync task to switch and fetch.
fn switch_workspace(model: &mut Model, i: usize, fx: &mut Vec<Effect>) {
    if i == model.current {
        let id = model.workspace_id().to_string();
        model.toast(ToastLevel::Info, format!("already on workspace {id}"));
        return;
    }
    // The workspace being left: its snapshot for the next start.
    fx.push(Effect::SaveSnapshot(Box::new(activity::snapshot_of(model))));
    model.current = i;
    model.forget_data();
    fx.push(Effect::LoadSnapshot(model.workspace_id().to_string()));
    model.token_rejected = false;
    model.filter_editing = false;
    model.pending.clear();
    fx.push(Effect::Sync(SyncCmd::SwitchWorkspace(i)));
    fx.push(Effect::Sync(SyncCmd::SetVisible(model.pane)));
    fx.push(Effect::Sync(SyncCmd::RefreshAll));
    let name = model.workspace_name().to_string();
    let id = model.workspace_id().to_string();
    model.toast(
        ToastLevel::Info,
        format!("switched to workspace {name} ({id})"),
    );
}

// ------------------------------------------------------------------ mouse

fn on_mouse(model: &mut Model, ev: MouseEvent, fx: &mut Vec<Effect>) -> bool {
    match ev.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp if model.activity.open => {
            let down = ev.kind == MouseEventKind::ScrollDown;
            model.activity.move_by(if down { 3 } else { -3 });
            true
        }
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = ev.kind == MouseEventKind::ScrollDown;
            let action = if down { Action::Down } else { Action::Up };
            let page = detail_page(model);
            match &mut model.overlay {
                Some(Overlay::Help { scroll }) => {
                    for _ in 0..3 {
                        *scroll = scroll_by(*scroll, action, usize::MAX, page);
                    }
                }
                Some(Overlay::Detail(d)) => {
                    let max = d.lines.len().saturating_sub(page);
                    for _ in 0..3 {
                        d.scroll = scroll_by(d.scroll, action, max, page);
                    }
                }
                Some(_) => return false,
                None => move_selection(model, if down { 3 } else { -3 }),
            }
            true
        }
        MouseEventKind::Down(MouseButton::Left) => {
            if model.overlay.is_some() {
                return false;
            }
            let screen = layout::screen(model);
            if screen.too_small {
                return false;
            }
            if ev.row == screen.tabs.y {
                let hit = layout::tabs(model, screen.tabs.width)
                    .into_iter()
                    .find(|t| ev.column >= t.x && ev.column < t.x + t.width);
                if let Some(tab) = hit {
                    set_pane(model, tab.kind, fx);
                    return true;
                }
                return false;
            }
            // The activity view's rows are not the pane's.
            if model.activity.open {
                return false;
            }
            let pl = layout::pane_layout(model, model.pane, screen.body);
            let rows = pl.rows;
            if ev.row >= rows.y
                && ev.row < rows.y + rows.height
                && ev.column >= rows.x
                && ev.column < rows.x + rows.width
            {
                let kind = model.pane;
                let pos = model.view(kind).offset + usize::from(ev.row - rows.y);
                if pos < model.view(kind).visible().len() {
                    with_view(model, kind, |v, src| v.select(pos, src));
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

// ------------------------------------------------------------------ activity

/// Open the activity view (the while-away summary counts as seen).
fn open_activity(model: &mut Model) {
    model.activity.open = true;
    model.activity.away_unseen = 0;
    model.filter_editing = false;
}

/// Keys while the activity view is open; `false`: not handled here (the
/// pane table's meaning applies).
fn activity_action(model: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
    let page = activity::view_rows(model).saturating_sub(1).max(1) as isize;
    let a = &mut model.activity;
    match action {
        Action::Activity => {
            a.open = false;
            a.filter_editing = false;
        }
        Action::Down => a.move_by(1),
        Action::Up => a.move_by(-1),
        Action::PageDown => a.move_by(page),
        Action::PageUp => a.move_by(-page),
        Action::Top => a.selected = 0,
        Action::Bottom => a.move_by(isize::MAX / 2),
        Action::Filter => a.filter_editing = true,
        Action::Back => {
            if a.filter.is_empty() {
                a.open = false;
            } else {
                a.filter.clear();
                a.refilter();
            }
        }
        Action::Details => jump_to_event(model, fx),
        // Sorting and changes belong to the panes.
        Action::SortNext
        | Action::SortReverse
        | Action::NewItem
        | Action::Edit
        | Action::Delete
        | Action::Copy
        | Action::Reveal => {}
        _ => return false,
    }
    true
}

fn on_activity_filter_key(model: &mut Model, key: KeyEvent) {
    let a = &mut model.activity;
    match key.code {
        KeyCode::Enter => a.filter_editing = false,
        KeyCode::Esc => {
            a.filter_editing = false;
            a.filter.clear();
            a.refilter();
        }
        KeyCode::Up => a.move_by(-1),
        KeyCode::Down => a.move_by(1),
        _ => {
            if a.filter.handle_key(&key) {
                a.selected = 0;
                a.offset = 0;
                a.refilter();
            }
        }
    }
}

/// Enter on an event: show its item in its pane, or say it is gone.
fn jump_to_event(model: &mut Model, fx: &mut Vec<Effect>) {
    let Some(e) = model.activity.selected_event().cloned() else {
        return;
    };
    if e.workspace != crate::app::changes::clean(model.workspace_id()) {
        model.toast(
            ToastLevel::Info,
            format!(
                "{} is in workspace {}; switch with :ws {}",
                e.name, e.workspace, e.workspace
            ),
        );
        return;
    }
    let kind = e.resource;
    set_pane(model, kind, fx);
    let Some(row) = crate::app::changes::row_id(&e) else {
        return;
    };
    let found = with_view(model, kind, |v, src| {
        if !v.filter.is_empty() {
            v.filter.clear();
            v.refilter(src);
        }
        let pos = v
            .visible()
            .iter()
            .position(|&i| src.id(i as usize) == row.as_str());
        if let Some(p) = pos {
            v.select(p, src);
        }
        pos.is_some()
    });
    if !found {
        let name = if e.name.is_empty() { &e.id } else { &e.name };
        model.toast(
            ToastLevel::Info,
            format!("{name} is gone: it is no longer in {}", kind.label()),
        );
    }
}
