//! Keys in overlays (help, details, palette) and the palette's commands, workspace switching included.

use crossterm::event::KeyEvent;

use super::activity_keys::open_activity;
use super::{emit_copy, open_fleet, quit, refresh, set_pane, toggle_mouse, toggle_pause};
use crate::app::keymap::Action;
use crate::app::palette::{self, Command};
use crate::app::{Detail, Effect, LineInput, Model, Overlay, ToastLevel, activity, manage};
use crate::protocol::SyncCmd;

pub(super) fn on_overlay_key(model: &mut Model, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = model.keymap.action_for(&key);
    let Some(overlay) = model.overlay.take() else {
        return;
    };
    let keep = match overlay {
        // Closing the help goes back to the detail view it was opened in.
        Overlay::Help { scroll, under } => match action {
            Some(Action::Help | Action::Back | Action::Quit | Action::Details) => {
                under.map(|d| Overlay::Detail(*d))
            }
            Some(a) => Some(Overlay::Help {
                scroll: scroll_by(scroll, a, usize::MAX, detail_page(model)),
                under,
            }),
            None => Some(Overlay::Help { scroll, under }),
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
        Overlay::Detail(d) => detail_key(model, d, &key, fx),
        Overlay::Dialog(md) => manage::dialog_key(model, md, key, fx),
    };
    model.overlay = keep;
}

/// A key in a detail view: scrolling, `y`, `e` where the pane edits, `?`,
/// and the search (`/` prompt, `n`/`N`, Esc clears it before closing).
fn detail_key(
    model: &mut Model,
    mut d: Detail,
    key: &KeyEvent,
    fx: &mut Vec<Effect>,
) -> Option<Overlay> {
    let page = detail_page(model);
    // The search prompt: a text field, the dialog keys, typed text wins.
    if let Some(prompt) = &mut d.search.prompt {
        match model.keymap.text_field_action(key) {
            Some(Action::Cancel) => d.clear_search(page),
            Some(Action::Confirm) => d.keep_search(),
            _ => {
                if prompt.handle_key(key) {
                    d.search_typed(page);
                }
            }
        }
        return Some(Overlay::Detail(d));
    }
    match model.keymap.details_action_for(key) {
        Some(Action::Back) if d.search.active() => d.clear_search(page),
        Some(Action::Back | Action::Quit | Action::Details) => return None,
        Some(Action::Help) => {
            return Some(Overlay::Help {
                scroll: 0,
                under: Some(Box::new(d)),
            });
        }
        Some(Action::Copy) => {
            if let Some((label, value)) = d.copy.clone() {
                emit_copy(model, label, value, fx);
            }
        }
        Some(Action::Edit) => return edit_from_details(model, d),
        Some(Action::Filter) => d.start_search(),
        Some(Action::SearchNext | Action::SearchPrev) if !d.search.active() => {
            let key = model.keymap.key_or_unbound(Action::Filter);
            model.toast(
                ToastLevel::Info,
                format!("no search: {key} searches the details"),
            );
        }
        Some(a @ (Action::SearchNext | Action::SearchPrev)) => {
            let step = if a == Action::SearchNext { 1 } else { -1 };
            if !d.step_match(step, page) {
                let q = d.search.query.clone();
                model.toast(ToastLevel::Info, format!("no match for \"{q}\""));
            }
        }
        Some(a) => {
            // A page is what the view shows; the last page ends the scroll.
            let max = d.lines.len().saturating_sub(page);
            d.scroll = scroll_by(d.scroll, a, max, page);
        }
        None => {}
    }
    Some(Overlay::Detail(d))
}

/// `e` in a detail view: the pane's edit form for the row shown, when the
/// pane has one (Secrets: the value, Members: the role) and the row shown
/// is still the selected one.
fn edit_from_details(model: &mut Model, d: Detail) -> Option<Overlay> {
    let kind = model.pane;
    if !crate::app::keymap::binding(Action::Edit).is_some_and(|b| b.applies_to(kind)) {
        return Some(Overlay::Detail(d));
    }
    let selected = model
        .view(kind)
        .selected_item()
        .map(|i| model.source(kind).id(i).into_owned());
    if selected.is_none() || selected != d.subject {
        model.toast(
            ToastLevel::Info,
            "the row shown is no longer in the list: nothing to edit".to_string(),
        );
        return Some(Overlay::Detail(d));
    }
    // The form takes the details' place; when none opens (read-only, not
    // activated) the toast says why and the details stay.
    manage::on_action(model, Action::Edit);
    model.overlay.take().or(Some(Overlay::Detail(d)))
}

/// Lines a detail view shows at once: the body inside its border.
pub(super) fn detail_page(model: &Model) -> usize {
    usize::from(
        crate::app::layout::screen(model)
            .body
            .height
            .saturating_sub(2),
    )
    .max(1)
}

pub(super) fn scroll_by(scroll: usize, action: Action, max: usize, page: usize) -> usize {
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
        Command::Help => {
            return Some(Overlay::Help {
                scroll: 0,
                under: None,
            });
        }
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
                model.workspaces.push(crate::app::WorkspaceLabel {
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
pub(super) fn switch_workspace(model: &mut Model, i: usize, fx: &mut Vec<Effect>) {
    if i == model.current {
        let id = model.workspace_id().to_string();
        model.toast(ToastLevel::Info, format!("already on workspace {id}"));
        return;
    }
    // The workspace being left: its snapshot for the next start, and the
    // fleet's base for it from now on.
    let left = activity::snapshot_of(model);
    fx.push(Effect::SaveSnapshot(Box::new(left.clone())));
    model.fleet.left(model.current, left);
    model.current = i;
    // What the fleet saw of the new one is written before it is loaded.
    if let Some(seen) = model.fleet.entered(i) {
        fx.push(Effect::SaveSnapshot(Box::new(seen)));
    }
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
