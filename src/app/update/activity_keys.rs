//! The activity view's keys: open, actions, filter entry, jump to an event's row.

use crossterm::event::{KeyCode, KeyEvent};

use super::{set_pane, with_view};
use crate::app::keymap::Action;
use crate::app::{Effect, Model, ToastLevel, activity};

/// Open the activity view (the while-away summary counts as seen).
pub(super) fn open_activity(model: &mut Model) {
    model.activity.open = true;
    model.activity.away_unseen = 0;
    model.activity.seen_needs();
    model.filter_editing = false;
}

/// Show this workspace's events only, or every workspace's.
pub(super) fn toggle_scope(model: &mut Model) {
    let here = model.workspace_id().to_string();
    model.activity.toggle_only(&here);
}

/// Keys while the activity view is open; `false`: not handled here (the
/// pane table's meaning applies).
pub(super) fn activity_action(model: &mut Model, action: Action, fx: &mut Vec<Effect>) -> bool {
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
        // `W`: this workspace's events only, or every one's. (`w` opens
        // the fleet over the view, as everywhere.)
        Action::ActivityScope => toggle_scope(model),
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

pub(super) fn on_activity_filter_key(model: &mut Model, key: KeyEvent) {
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
