//! The activity view (key `a`, `:activity`): what changed, newest first —
//! time, workspace, resource, event, item, old → new, who (when it was this
//! dashboard) — with its filter. Only the rows on screen are formatted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::changes::{Event, EventKind, Origin, Severity};
use crate::app::{Action, format};

use super::widgets::{self, Ctx, block, message, put};

/// `11-28 14:03:09` (UTC) of epoch ms.
fn clock(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.strftime("%m-%d %H:%M:%S").to_string(),
        Err(_) => "-".to_string(),
    }
}

/// `role: admin → viewer; status: invited → active`.
pub fn change_text(e: &Event, arrow: &str) -> String {
    let mut parts: Vec<String> = e
        .fields
        .iter()
        .map(|f| match (f.old.is_empty(), f.new.is_empty()) {
            (true, false) => format!("{}: {}", f.field, f.new),
            (false, true) => format!("{}: {} {arrow} -", f.field, f.old),
            _ => format!("{}: {} {arrow} {}", f.field, f.old, f.new),
        })
        .collect();
    if e.own {
        parts.insert(0, "lepdash's own token".to_string());
    }
    parts.join("; ")
}

/// Who made the change, when known.
fn who(e: &Event) -> &'static str {
    match (e.yours, e.origin) {
        (true, _) => "you",
        (false, Origin::WhileAway) => "while away",
        _ => "",
    }
}

fn title_line(ctx: &Ctx<'_>) -> Line<'static> {
    let a = &ctx.model.activity;
    let t = &ctx.theme;
    let total = a.log.len();
    let count = if a.filter.value().trim().is_empty() && a.only.is_none() {
        format!("{total} ")
    } else {
        format!("{} of {total} ", a.shown_len())
    };
    let mut spans = vec![
        Span::styled(" Activity ".to_string(), t.title),
        Span::styled(count, t.base),
    ];
    let scope = match &a.only {
        Some(ws) => format!("{} only {ws} ", ctx.glyphs.dot),
        None => format!("{} every workspace ", ctx.glyphs.dot),
    };
    spans.push(Span::styled(scope, t.muted));
    spans.push(Span::styled(
        format!("{} newest first, times UTC ", ctx.glyphs.dot),
        t.muted,
    ));
    Line::from(spans)
}

fn bottom_line(ctx: &Ctx<'_>) -> Option<Line<'static>> {
    let a = &ctx.model.activity;
    let t = &ctx.theme;
    if a.filter_editing || !a.filter.is_empty() {
        let mut spans = vec![Span::styled(" /", t.key)];
        spans.extend(
            widgets::input_spans(ctx, &a.filter, a.filter_editing)
                .into_iter()
                .map(|s| Span::styled(s.content.into_owned(), s.style)),
        );
        spans.push(Span::styled(
            format!(" {} {} shown ", ctx.glyphs.dot, a.shown_len()),
            t.muted,
        ));
        return Some(Line::from(spans));
    }
    let n = a.shown_len();
    (n > 0).then(|| Line::styled(format!(" {}/{} ", a.selected + 1, n), t.muted))
}

/// Column widths at an inner width: time, workspace, resource, event,
/// item; the change gets the rest. The marker column before them holds
/// the selection and `!` for an event that needs the user.
fn widths(inner: u16) -> [u16; 5] {
    if inner >= 110 {
        [14, 12, 10, 18, 26]
    } else if inner >= 90 {
        [14, 10, 10, 16, 20]
    } else {
        [8, 8, 9, 13, 14]
    }
}

pub fn render(buf: &mut Buffer, ctx: &Ctx<'_>, body: Rect) {
    let m = ctx.model;
    let a = &m.activity;
    let t = &ctx.theme;
    let g = &ctx.glyphs;
    let mut blk = block(ctx, title_line(ctx));
    if let Some(bottom) = bottom_line(ctx) {
        blk = blk.title_bottom(bottom.right_aligned());
    }
    blk.render(body, buf);
    let inner = Rect::new(
        body.x + 1,
        body.y + 1,
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    );
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if a.shown_len() == 0 {
        let text = if a.log.is_empty() {
            "Nothing changed yet. Changes seen by polling (and, on start, those made while \
             lepdash was not running) are listed here, newest first."
                .to_string()
        } else {
            format!(
                "No event matches \"{}\" (Esc clears the filter).",
                a.filter.value()
            )
        };
        let area = Rect::new(
            inner.x + 1,
            inner.y,
            inner.width.saturating_sub(1),
            inner.height,
        );
        message(buf, area, vec![Line::styled(text, t.muted)]);
        return;
    }
    let mut w = widths(inner.width);
    // Narrow: the workspace column only when events of more than one
    // workspace are listed (its room goes to the item and the change).
    if inner.width < 90 {
        let here = crate::app::changes::clean(m.workspace_id());
        let many = a.only.is_none() && a.log.iter().any(|e| e.workspace != here);
        if !many {
            w = [8, 0, 9, 14, 16];
        }
    }
    let marker = 2u16;
    // Header row.
    let ws_title = if w[1] >= 9 { "workspace" } else { "ws" };
    let titles = ["time", ws_title, "resource", "event", "item"];
    buf.set_style(Rect::new(inner.x, inner.y, inner.width, 1), t.table_header);
    let mut x = inner.x + marker;
    for (title, width) in titles.iter().zip(w) {
        if width > 0 {
            put(buf, x, inner.y, title, t.table_header, width);
            x += width + 1;
        }
    }
    let rest = (inner.x + inner.width).saturating_sub(x);
    put(buf, x, inner.y, "change", t.table_header, rest);

    let rows = Rect::new(inner.x, inner.y + 1, inner.width, inner.height - 1);
    let height = usize::from(rows.height);
    let mut offset = a.offset;
    if a.selected < offset {
        offset = a.selected;
    } else if a.selected >= offset + height {
        offset = a.selected + 1 - height;
    }
    for r in 0..height {
        let pos = offset + r;
        let Some(e) = a.event_at(pos) else {
            break;
        };
        let y = rows.y + r as u16;
        let is_sel = pos == a.selected;
        if is_sel {
            buf.set_style(Rect::new(rows.x, y, rows.width, 1), t.selected);
            put(buf, rows.x, y, g.selected, t.selected, 1);
        }
        let pick = |style| if is_sel { t.selected } else { style };
        let time = if w[0] >= 14 {
            clock(e.time_ms)
        } else {
            clock(e.time_ms).split_off(6)
        };
        let severity = e.severity();
        let kind_style = match (severity, e.kind) {
            (Severity::NeedsYou, _) | (_, EventKind::Removed) => t.error,
            (Severity::Warn, _) => t.warn,
            (_, EventKind::Added | EventKind::Recovered | EventKind::InviteAccepted) => t.ok,
            (_, EventKind::StateChanged) => t.warn,
            _ => t.base,
        };
        if severity == Severity::NeedsYou {
            put(buf, rows.x + 1, y, "!", pick(t.error), 1);
        }
        let cells: [(String, ratatui::style::Style); 5] = [
            (time, t.muted),
            (e.workspace.clone(), t.muted),
            (e.resource.label().to_string(), t.base),
            (e.kind.as_str().replace('_', " "), kind_style),
            (
                if e.name.is_empty() {
                    e.id.clone()
                } else {
                    e.name.clone()
                },
                t.base.add_modifier(Modifier::BOLD),
            ),
        ];
        let mut x = rows.x + marker;
        for ((text, style), width) in cells.iter().zip(w) {
            if width > 0 {
                let shown = format::truncate(text, usize::from(width), g.ellipsis);
                put(buf, x, y, &shown, pick(*style), width);
                x += width + 1;
            }
        }
        let mut change = change_text(e, if g.ascii { "->" } else { "→" });
        let who = who(e);
        if !who.is_empty() {
            change = if change.is_empty() {
                format!("[{who}]")
            } else {
                format!("[{who}] {change}")
            };
        }
        let rest = (rows.x + rows.width).saturating_sub(x);
        let shown = format::truncate(&change, usize::from(rest), g.ellipsis);
        put(buf, x, y, &shown, pick(t.base), rest);
    }
}

/// The footer while the activity view is open.
pub fn footer_hints(ctx: &Ctx<'_>) -> Line<'static> {
    let m = ctx.model;
    let t = &ctx.theme;
    let key = |a: Action, fallback: &str| m.keymap.first_key(a).unwrap_or_else(|| fallback.into());
    let scope = if m.activity.only.is_some() {
        "every workspace"
    } else {
        "this workspace"
    };
    // (key, label, priority): the highest number goes first when the line
    // is narrow; going to the item, closing and quitting always stay.
    let hints: Vec<(String, &str, u8)> = vec![
        (key(Action::Details, "enter"), "go to item", 0),
        (key(Action::Filter, "/"), "filter", 1),
        (key(Action::ActivityScope, "W"), scope, 2),
        (key(Action::Fleet, "w"), "fleet", 4),
        (key(Action::Back, "esc"), "close", 0),
        (key(Action::Help, "?"), "help", 3),
        (key(Action::Quit, "q"), "quit", 0),
    ];
    // The leading space is not in the hints; the last one's two trailing
    // spaces may fall off the edge.
    let avail = usize::from(m.size.0).saturating_sub(1) + 2;
    let hints = super::header::drop_to_fit(
        hints,
        avail,
        |(k, l, _)| format::width(k) + format::width(l) + 3,
        |h| h.2,
    );
    let mut spans = vec![Span::raw(" ")];
    for (k, label, _) in hints {
        spans.push(Span::styled(k, t.key));
        spans.push(Span::styled(format!(" {label}  "), t.muted));
    }
    Line::from(spans)
}
