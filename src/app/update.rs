//! The reducer: `update(&mut Model, Msg) -> Vec<Effect>`. Pure.

use std::time::SystemTime;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use secrecy::SecretString;

use crate::protocol::{ResourceKind, SyncCmd};

use super::keymap::Action;
use super::view::Source;
use super::{
    Effect, LineInput, Model, Msg, Overlay, ToastLevel, activity, details, kind_index, layout,
    manage, with_resource,
};

mod activity_keys;
mod fetched;
mod mouse;
mod overlays;

use activity_keys::{activity_action, on_activity_filter_key, open_activity, toggle_scope};
use fetched::on_sync;
use mouse::on_mouse;
use overlays::{on_overlay_key, switch_workspace};

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
            // The parts not fetched yet are written from it from now on.
            model.activity.saved_generation = None;
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
    if let Some(t) = &model.toast
        && t.until.is_some_and(|u| u <= model.now)
    {
        model.toast = None;
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
            // Pane keys leave the fleet for that pane, the activity key for
            // the activity view (opened, never toggled shut from here); the
            // rest (help, palette, quit, pause, refresh) work over it.
            if action == Action::Activity {
                model.fleet.open = false;
                open_activity(model);
                return true;
            }
            if action == Action::ActivityScope {
                model.fleet.open = false;
            }
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
    let page = overlays::detail_page(model);
    match &mut model.overlay {
        Some(Overlay::Palette { input, .. }) => {
            input.insert_str(text);
            true
        }
        Some(Overlay::Detail(d)) => match &mut d.search.prompt {
            Some(prompt) => {
                prompt.insert_str(text);
                d.search_typed(page);
                true
            }
            None => false,
        },
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
        // From a pane: open the activity view in the other scope.
        Action::ActivityScope => {
            open_activity(model);
            toggle_scope(model);
        }
        Action::Quit => quit(model, fx),
        Action::Help => {
            model.overlay = Some(Overlay::Help {
                scroll: 0,
                under: None,
            })
        }
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
        // Detail-view actions: the pane table does not bind them.
        Action::SearchNext | Action::SearchPrev => {}
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
