//! Mouse events: scrolling, clicks on tabs and rows.

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::overlays::{detail_page, scroll_by};
use super::{move_selection, set_pane, with_view};
use crate::app::keymap::Action;
use crate::app::{Effect, Model, Overlay, layout};

pub(super) fn on_mouse(model: &mut Model, ev: MouseEvent, fx: &mut Vec<Effect>) -> bool {
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
                Some(Overlay::Help { scroll, .. }) => {
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
