//! The list panes (members, tokens, secrets, registries, templates) and the
//! pane states shared with the status pane: loading, error, no permission,
//! not available, stale note, empty, no match.

use std::collections::BTreeMap;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::api::types::{MemberStatus, Role};
use crate::app::view::{Expiry, expiry_of};
use crate::app::{Problem, format, layout, pane_title};
use crate::protocol::ResourceKind;

use super::widgets::{self, Ctx, block, message, put_line};

fn noun(kind: ResourceKind) -> &'static str {
    kind.label()
}

/// The pane title: name, count and a per-pane summary.
fn title_line(ctx: &Ctx<'_>, kind: ResourceKind) -> Line<'static> {
    let m = ctx.model;
    let t = &ctx.theme;
    let view = m.view(kind);
    let st = m.resource_state(kind);
    let mut spans = vec![Span::styled(format!(" {} ", pane_title(kind)), t.title)];
    if let Some(n) = st.len {
        let count = if view.applied_filter().is_empty() {
            format!("{n} ")
        } else {
            format!("{} of {n} ", view.visible().len())
        };
        spans.push(Span::styled(count, t.base));
    }
    let sep = format!("{} ", ctx.glyphs.dot);
    let mut extra: Vec<Span<'static>> = Vec::new();
    match kind {
        ResourceKind::Members => {
            if let Some(list) = &m.members.data {
                // Borrowed role names: no allocation per member per frame.
                let mut roles: BTreeMap<(u8, &str), usize> = BTreeMap::new();
                let mut invited = 0;
                for mem in list {
                    let order = match mem.role {
                        Role::Admin => 0,
                        Role::User => 1,
                        Role::Viewer => 2,
                        Role::Unknown(_) => 3,
                    };
                    *roles.entry((order, mem.role.as_str())).or_default() += 1;
                    if mem.status == MemberStatus::Invited {
                        invited += 1;
                    }
                }
                for ((_, role), n) in roles {
                    extra.push(Span::styled(format!("{role} {n} "), t.muted));
                }
                if invited > 0 {
                    extra.push(Span::styled(format!("{invited} invited "), t.warn));
                }
            }
        }
        ResourceKind::Tokens => {
            if let Some(d) = &m.tokens.data {
                let now = m.now_ms();
                let soon = d
                    .list
                    .iter()
                    .filter(|tk| expiry_of(tk.expires_at, now) == Expiry::Soon)
                    .count();
                let expired = d
                    .list
                    .iter()
                    .filter(|tk| expiry_of(tk.expires_at, now) == Expiry::Expired)
                    .count();
                if soon > 0 {
                    extra.push(Span::styled(format!("{soon} expiring "), t.warn));
                }
                if expired > 0 {
                    extra.push(Span::styled(format!("{expired} expired "), t.error));
                }
            }
        }
        ResourceKind::Templates => {
            if let Some(list) = &m.templates.data {
                let public = list.iter().filter(|e| e.public).count();
                extra.push(Span::styled(format!("{public} public "), t.muted));
                extra.push(Span::styled(
                    format!("{} private ", list.len() - public),
                    t.muted,
                ));
            }
        }
        _ => {}
    }
    // Lasting markers in words too (the rows carry + and *).
    let (new, changed) = m.activity.mark_counts(kind);
    if new > 0 {
        extra.push(Span::styled(format!("+{new} new "), t.changed));
    }
    if changed > 0 {
        extra.push(Span::styled(
            format!("{}{changed} changed ", ctx.glyphs.changed),
            t.changed,
        ));
    }
    for e in extra {
        spans.push(Span::styled(sep.clone(), t.muted));
        spans.push(e);
    }
    Line::from(spans)
}

/// Bottom border: the filter (while set) or the row position.
fn bottom_line(ctx: &Ctx<'_>, kind: ResourceKind) -> Option<Line<'static>> {
    let m = ctx.model;
    let t = &ctx.theme;
    let view = m.view(kind);
    let editing = m.filter_editing && m.pane == kind;
    if editing || !view.filter.is_empty() {
        let mut spans = vec![Span::styled(" /", t.key)];
        spans.extend(
            widgets::input_spans(ctx, &view.filter, editing)
                .into_iter()
                .map(|s| Span::styled(s.content.into_owned(), s.style)),
        );
        let n = view.visible().len();
        spans.push(Span::styled(
            format!(
                " {} {} match{} ",
                ctx.glyphs.dot,
                n,
                if n == 1 { "" } else { "es" }
            ),
            t.muted,
        ));
        return Some(Line::from(spans));
    }
    let n = view.visible().len();
    (n > 0).then(|| Line::styled(format!(" {}/{} ", view.selected + 1, n), t.muted))
}

/// The one-line note over a table whose data is not current.
pub fn note_line(ctx: &Ctx<'_>, kind: ResourceKind) -> Line<'static> {
    let m = ctx.model;
    let t = &ctx.theme;
    let st = m.resource_state(kind);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let dot = format!(" {} ", ctx.glyphs.dot);
    let age = st
        .fetched_at
        .map(|f| format::age_label(format::secs_between(f, m.now)))
        .unwrap_or_else(|| "-".into());
    if let Some(e) = st.error {
        let what = match m.problem(kind) {
            Some(Problem::NoPermission) => {
                format!("no permission to view {} now (403)", noun(kind))
            }
            Some(Problem::NotAvailable) => "not available on this workspace now (404)".to_string(),
            Some(Problem::TokenRejected) => "token rejected (401)".to_string(),
            _ => format!("refresh failed: {e}"),
        };
        spans.push(Span::styled(
            "STALE".to_string(),
            t.warn.add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(format!(": data from {age}"), t.warn));
        if let Some(next) = st.next_attempt {
            spans.push(Span::styled(dot.clone(), t.muted));
            spans.push(Span::styled(
                format!("retry in {}", format::countdown(m.now, next)),
                t.muted,
            ));
        }
        spans.push(Span::styled(dot.clone(), t.muted));
        spans.push(Span::styled(what, t.error));
    } else if m.is_stale(kind) {
        spans.push(Span::styled(
            "STALE".to_string(),
            t.warn.add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::styled(format!(": last update {age}"), t.warn));
    }
    if st.skipped > 0 {
        if !spans.is_empty() {
            spans.push(Span::styled(dot, t.muted));
        }
        spans.push(Span::styled(
            format!(
                "{} item{} skipped (unreadable)",
                st.skipped,
                if st.skipped == 1 { "" } else { "s" }
            ),
            t.warn,
        ));
    }
    Line::from(spans)
}

/// What a pane without data shows: loading, or why there is nothing.
pub fn state_message(buf: &mut Buffer, ctx: &Ctx<'_>, kind: ResourceKind, area: Rect) {
    let m = ctx.model;
    let t = &ctx.theme;
    let st = m.resource_state(kind);
    let name = noun(kind);
    let area = Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(1),
    );
    let Some(e) = st.error else {
        message(
            buf,
            area,
            vec![Line::styled(
                format!("Loading {name}{}", ctx.glyphs.ellipsis),
                t.muted,
            )],
        );
        return;
    };
    let server = e
        .server_message()
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty() && s != "no details");
    let mut lines: Vec<Line> = Vec::new();
    match m.problem(kind) {
        Some(Problem::NoPermission) => {
            lines.push(Line::styled(
                format!("No permission to view {name}"),
                t.warn.add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::styled(
                format!(
                    "Your role does not allow reading {name} (403). Ask a workspace admin for access; \
                     the other panes keep working."
                ),
                t.base,
            ));
        }
        Some(Problem::NotAvailable) => {
            lines.push(Line::styled(
                format!("{} not available on this workspace", pane_title(kind)),
                t.warn.add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::styled(
                "The API answered 404 for this endpoint: this workspace does not offer it.",
                t.base,
            ));
        }
        Some(Problem::TokenRejected) => {
            lines.push(Line::styled(
                "Token rejected (401)",
                t.error.add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::styled(
                format!(
                    "lepdash cannot read {name} until the token is replaced; see the banner above."
                ),
                t.base,
            ));
        }
        _ => {
            lines.push(Line::styled(
                format!("Could not load {name}"),
                t.error.add_modifier(Modifier::BOLD),
            ));
            lines.push(Line::styled(e.to_string(), t.error));
            let hint = e.hint();
            if !hint.is_empty() {
                lines.push(Line::styled(hint.to_string(), t.base));
            }
        }
    }
    if let Some(s) = server
        && !matches!(m.problem(kind), Some(Problem::Failed) | None)
    {
        lines.push(Line::styled(format!("Server said: {s}"), t.muted));
    }
    lines.push(Line::raw(""));
    let key = m
        .keymap
        .first_key(crate::app::Action::Refresh)
        .unwrap_or_else(|| ":refresh".into());
    match st.next_attempt {
        Some(next) => lines.push(Line::styled(
            format!(
                "Retrying in {} ({key} retries now).",
                format::countdown(m.now, next)
            ),
            t.muted,
        )),
        None => lines.push(Line::styled(format!("Press {key} to retry."), t.muted)),
    }
    message(buf, area, lines);
}

/// Empty list or nothing matching the filter.
pub fn empty_message(buf: &mut Buffer, ctx: &Ctx<'_>, kind: ResourceKind, area: Rect) {
    let m = ctx.model;
    let t = &ctx.theme;
    let view = m.view(kind);
    let text = if view.total() == 0 {
        match kind {
            ResourceKind::Status => "No shapes reported by this workspace.".to_string(),
            _ => format!("No {} in this workspace.", noun(kind)),
        }
    } else {
        format!(
            "No {} match \"{}\" (Esc clears the filter).",
            noun(kind),
            view.filter.value()
        )
    };
    let area = Rect::new(
        area.x + 2,
        area.y,
        area.width.saturating_sub(2),
        area.height,
    );
    message(buf, area, vec![Line::styled(text, t.muted)]);
}

/// Draw the note line, then the table (or the empty message).
pub fn table_part(buf: &mut Buffer, ctx: &Ctx<'_>, kind: ResourceKind, pl: &layout::PaneLayout) {
    let m = ctx.model;
    if pl.note.height > 0 {
        put_line(
            buf,
            pl.note.x + 1,
            pl.note.y,
            &note_line(ctx, kind),
            pl.note.width.saturating_sub(1),
        );
    }
    let view = m.view(kind);
    if view.visible().is_empty() {
        empty_message(buf, ctx, kind, pl.table);
        return;
    }
    let src = m.source(kind);
    let changed = |id: &str| m.row_mark(kind, id);
    widgets::table(buf, ctx, &src, view, pl.header_row, pl.rows, &changed);
}

pub fn render(buf: &mut Buffer, ctx: &Ctx<'_>, kind: ResourceKind, body: Rect) {
    render_titled(buf, ctx, kind, body, title_line(ctx, kind));
}

/// [`render`] under another title (the Workloads pane names its views).
pub fn render_titled(
    buf: &mut Buffer,
    ctx: &Ctx<'_>,
    kind: ResourceKind,
    body: Rect,
    title: Line<'static>,
) {
    let m = ctx.model;
    let pl = layout::pane_layout(m, kind, body);
    let mut blk = block(ctx, title);
    if let Some(bottom) = bottom_line(ctx, kind) {
        blk = blk.title_bottom(bottom.right_aligned());
    }
    blk.render(body, buf);
    if !m.resource_state(kind).has_data {
        state_message(buf, ctx, kind, pl.inner);
        return;
    }
    table_part(buf, ctx, kind, &pl);
}
