//! Shared widgets: table, message, gauge, toast, help, palette and detail.
//! They draw model state; the management dialogs (forms, confirmations, the
//! token dialog) are drawn by `ui::form`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::format;
use crate::app::keymap::{HelpRow, Keymap};
use crate::app::palette;
use crate::app::view::{ListView, Source, fit_columns};
use crate::app::{Action, Detail, DetailLine, LineInput, Model, Toast};

use super::theme::{Glyphs, Theme};

/// What every drawing function needs.
pub struct Ctx<'a> {
    pub model: &'a Model,
    pub theme: Theme,
    pub glyphs: Glyphs,
}

/// A bordered block in the theme.
pub fn block<'a>(ctx: &Ctx<'_>, title: Line<'a>) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(ctx.glyphs.border)
        .border_style(ctx.theme.border)
        .title(title)
}

/// Centered rectangle of at most `w` x `h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Write `text` at (x, y), clipped to `max` columns. Returns columns used.
pub fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, style: Style, max: u16) -> u16 {
    if max == 0 {
        return 0;
    }
    if text.is_ascii() {
        return put_ascii(buf, x, y, text.as_bytes(), style, max);
    }
    let (end, _) = buf.set_stringn(x, y, text, usize::from(max), style);
    end.saturating_sub(x)
}

/// [`put`] of ASCII text: what `Buffer::set_stringn` does, without its
/// grapheme segmentation and width lookups (nearly every cell of a frame is
/// ASCII). Every printable ASCII char is one grapheme of one column; control
/// chars (and so `\r\n`) are skipped, as `set_stringn` skips them.
fn put_ascii(buf: &mut Buffer, x: u16, y: u16, text: &[u8], style: Style, max: u16) -> u16 {
    let room = buf.area.right().saturating_sub(x).min(max);
    let mut used = 0;
    for &b in text {
        if b.is_ascii_control() {
            continue;
        }
        if used == room {
            break;
        }
        let mut utf8 = [0u8; 4];
        buf[(x + used, y)]
            .set_symbol(char::from(b).encode_utf8(&mut utf8))
            .set_style(style);
        used += 1;
    }
    used
}

/// Write a line of spans, clipped to `max` columns.
pub fn put_line(buf: &mut Buffer, x: u16, y: u16, line: &Line<'_>, max: u16) -> u16 {
    if max == 0 {
        return 0;
    }
    // `Buffer::set_line`, each span through `put` (its ASCII fast path).
    let mut used = 0;
    for span in &line.spans {
        if used == max {
            break;
        }
        used += put(
            buf,
            x + used,
            y,
            &span.content,
            line.style.patch(span.style),
            max - used,
        );
    }
    used
}

/// Write a line of spans in `max` columns; when it does not fit, it is cut
/// there with `ellipsis` (in the style of the span cut), never silently.
pub fn put_line_cut(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    line: &Line<'_>,
    max: u16,
    ellipsis: &str,
) -> u16 {
    if line.width() <= usize::from(max) {
        return put_line(buf, x, y, line, max);
    }
    let mut room = usize::from(max).saturating_sub(format::width(ellipsis));
    let mut spans: Vec<Span<'_>> = Vec::new();
    for span in &line.spans {
        let w = format::width(&span.content);
        if w <= room {
            spans.push(span.clone());
            room -= w;
            continue;
        }
        let cut = format::truncate(&span.content, room, "")
            .trim_end()
            .to_string();
        spans.push(Span::styled(cut, span.style));
        spans.push(Span::styled(ellipsis.to_string(), span.style));
        break;
    }
    put_line(buf, x, y, &Line::from(spans), max)
}

/// A text input with a cursor mark.
pub fn input_spans<'a>(ctx: &Ctx<'_>, input: &'a LineInput, focused: bool) -> Vec<Span<'a>> {
    let value = input.value();
    if !focused {
        return vec![Span::styled(value, ctx.theme.base)];
    }
    let split = value
        .char_indices()
        .nth(input.cursor())
        .map(|(b, _)| b)
        .unwrap_or(value.len());
    vec![
        Span::styled(&value[..split], ctx.theme.base),
        Span::styled(ctx.glyphs.cursor, ctx.theme.key),
        Span::styled(&value[split..], ctx.theme.base),
    ]
}

/// Lines of a message, wrapped, in `area`.
pub fn message(buf: &mut Buffer, area: Rect, lines: Vec<Line<'_>>) {
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}

// ------------------------------------------------------------------ table

/// Width of the marker column (selection + change marks).
pub const MARKER_W: u16 = 2;

/// A column header cut to `w` columns. The sort arrow is never cut: the
/// label is (`Last a… ▲`).
pub fn header_title(label: &str, arrow: Option<&str>, w: usize, ellipsis: &str) -> String {
    let Some(arrow) = arrow else {
        return format::truncate(label, w, ellipsis).into_owned();
    };
    let aw = format::width(arrow);
    if w <= aw {
        return arrow.to_string();
    }
    let label = format::truncate(label, w.saturating_sub(aw + 1), ellipsis);
    if label.is_empty() {
        return arrow.to_string();
    }
    format!("{label} {arrow}")
}

/// Draw a table of `src` rows as arranged by `view`: only the rows that fit
/// are formatted. `changed` tells whether a row id is marked.
pub fn table(
    buf: &mut Buffer,
    ctx: &Ctx<'_>,
    src: &Source<'_>,
    view: &ListView,
    header_row: Rect,
    rows: Rect,
    changed: &dyn Fn(&str) -> Option<crate::app::activity::Mark>,
) {
    let cols = src.columns();
    let avail = header_row.width.saturating_sub(MARKER_W);
    // The sort column wants room for its arrow too: spare width goes there
    // before any header is cut.
    let mut content = view.widths().to_vec();
    if let (Some(w), Some(c)) = (content.get_mut(view.sort_col), cols.get(view.sort_col)) {
        *w = (*w).max(format::width(c.title) as u16 + 2);
    }
    // The sort column is never dropped for width: a list sorted by a
    // column you cannot see looks unsorted (it takes the place of the
    // least important one instead).
    let mut keep = cols.to_vec();
    if let Some(c) = keep.get_mut(view.sort_col) {
        c.priority = 0;
    }
    let fit = fit_columns(&keep, &content, avail);
    let t = &ctx.theme;
    let g = &ctx.glyphs;
    let now_ms = ctx.model.now_ms();

    // Header.
    if header_row.height > 0 {
        buf.set_style(header_row, t.table_header);
        let mut x = header_row.x + MARKER_W;
        for (i, (c, w)) in fit.iter().enumerate() {
            let title = header_title(
                cols[*c].title,
                (*c == view.sort_col).then_some(if view.reverse { g.sort_down } else { g.sort_up }),
                usize::from(*w),
                g.ellipsis,
            );
            let tx = if cols[*c].right {
                x + w.saturating_sub(format::width(&title) as u16)
            } else {
                x
            };
            put(buf, tx, header_row.y, &title, t.table_header, *w);
            x += w + u16::from(i + 1 < fit.len());
        }
    }

    // Rows: only the visible window.
    let visible = view.visible();
    let height = usize::from(rows.height);
    if height == 0 {
        return;
    }
    // Keep the selection on screen even if the reducer's page size was off.
    let mut offset = view.offset.min(visible.len().saturating_sub(1));
    if view.selected < offset {
        offset = view.selected;
    } else if view.selected >= offset + height {
        offset = view.selected + 1 - height;
    }
    let needle = view.applied_filter();
    for (r, &item) in visible.iter().skip(offset).take(height).enumerate() {
        let i = item as usize;
        let y = rows.y + r as u16;
        let pos = offset + r;
        let row_rect = Rect::new(rows.x, y, rows.width, 1);
        let is_sel = pos == view.selected;
        if is_sel {
            buf.set_style(row_rect, t.selected);
            put(buf, rows.x, y, g.selected, t.selected, 1);
        }
        let id = src.id(i);
        if let Some(mark) = changed(&id) {
            // Glyph and (in the pane title) words: never colour alone. Only
            // the glyph takes the mark's style: marking and unmarking a row
            // then rewrites one cell, not the row (bytes over SSH).
            let glyph = match mark {
                crate::app::activity::Mark::New => "+",
                crate::app::activity::Mark::Changed => g.changed,
            };
            put(buf, rows.x + 1, y, glyph, t.changed, 1);
        }
        let mut x = rows.x + MARKER_W;
        for (k, (c, w)) in fit.iter().enumerate() {
            let col = &cols[*c];
            let text = src.cell(i, *c, now_ms);
            let shown = format::truncate(&text, usize::from(*w), g.ellipsis);
            let sw = format::width(&shown) as u16;
            let cx = if col.right {
                x + w.saturating_sub(sw)
            } else {
                x
            };
            let style = t.tone(src.tone(i, *c, now_ms));
            put(buf, cx, y, &shown, style, *w);
            if !needle.is_empty() {
                for (s, e) in format::match_ranges(&shown, needle) {
                    let off = format::width(&shown[..s]) as u16;
                    let len = format::width(&shown[s..e]) as u16;
                    let len = len.min(w.saturating_sub(off));
                    buf.set_style(Rect::new(cx + off, y, len, 1), t.matched);
                }
            }
            x += w + u16::from(k + 1 < fit.len());
        }
    }
}

// ------------------------------------------------------------------ gauge

/// `Label  ████░░░░  4.5 / 64 cores  7%` in one line.
pub fn gauge(
    buf: &mut Buffer,
    ctx: &Ctx<'_>,
    area: Rect,
    label: &str,
    used: f64,
    limit: f64,
    amount: &str,
) {
    if area.height == 0 || area.width < 20 {
        return;
    }
    let t = &ctx.theme;
    let g = &ctx.glyphs;
    let label_w = 8u16;
    put(
        buf,
        area.x,
        area.y,
        label,
        t.base.add_modifier(ratatui::style::Modifier::BOLD),
        label_w,
    );
    let (ratio, pct_text) = if limit > 0.0 {
        let r = (used / limit).clamp(0.0, 1.0);
        (r, format!("{:>3.0}%", (used / limit * 100.0).max(0.0)))
    } else {
        (0.0, "no limit".to_string())
    };
    let text = format!("{amount}  {pct_text}");
    // The bar scales with the width (a third of it, at most 40 cells); the
    // text gets the rest and is cut with an ellipsis, never silently.
    let bar_w = (area.width / 3)
        .min(40)
        .min(area.width.saturating_sub(label_w + 2 + 8));
    let text_room = usize::from(area.width.saturating_sub(label_w + bar_w + 2));
    let text = format::truncate(&text, text_room, g.ellipsis).into_owned();
    let text_w = format::width(&text) as u16;
    let filled = ((f64::from(bar_w) * ratio).round() as u16).min(bar_w);
    let fill_style = if limit <= 0.0 {
        t.gauge_empty
    } else if ratio >= 0.9 {
        t.gauge_error
    } else if ratio >= 0.7 {
        t.gauge_warn
    } else {
        t.gauge_ok
    };
    let x = area.x + label_w;
    for k in 0..bar_w {
        let (sym, style) = if k < filled {
            (g.gauge_full, fill_style)
        } else {
            (g.gauge_empty, t.gauge_empty)
        };
        put(buf, x + k, area.y, sym, style, 1);
    }
    let style = if limit > 0.0 && ratio >= 0.9 {
        t.error
    } else if limit > 0.0 && ratio >= 0.7 {
        t.warn
    } else {
        t.base
    };
    put(buf, x + bar_w + 2, area.y, &text, style, text_w);
}

// ------------------------------------------------------------------ toast

/// Most lines a toast takes (server messages can be long).
pub const TOAST_LINES: usize = crate::app::layout::TOAST_LINES;

/// The toast in its own rows (`area`, between the body and the footer, see
/// [`crate::app::layout::Screen::toast`]), right-aligned.
pub fn toast(buf: &mut Buffer, ctx: &Ctx<'_>, toast: &Toast, area: Rect) {
    if area.height == 0 || area.width < 10 {
        return;
    }
    let max = usize::from(area.width.saturating_sub(4));
    let text = ctx.glyphs.text(&toast.text);
    let mut lines = if format::width(&text) <= max {
        vec![text.into_owned()]
    } else {
        format::wrap(&text, max)
    };
    let room = usize::from(area.height);
    if lines.len() > room {
        lines.truncate(room);
        if let Some(last) = lines.last_mut() {
            let more = format!("{last} {}", ctx.glyphs.ellipsis);
            *last = format::truncate(&more, max, ctx.glyphs.ellipsis).into_owned();
        }
    }
    let w = lines.iter().map(|l| format::width(l)).max().unwrap_or(0) as u16 + 2;
    let h = lines.len() as u16;
    let x = area.x + area.width.saturating_sub(w + 1);
    let rect = Rect::new(x, area.y + area.height - h, w, h);
    Clear.render(rect, buf);
    let style = ctx.theme.toast(toast.level);
    buf.set_style(rect, style);
    for (i, l) in lines.iter().enumerate() {
        put(buf, x + 1, rect.y + i as u16, l, style, w - 1);
    }
}

// ------------------------------------------------------------------ help

/// The `?` overlay, generated from the keymap table.
pub fn help(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect, scroll: usize, under: Option<&Detail>) {
    let t = &ctx.theme;
    let km = &ctx.model.keymap;
    // What each key does here: in a detail view its keys, on a pane what
    // works on it (n/e/d/x/y differ per pane, `d` per row).
    let rows = match under {
        Some(d) => km.help_rows_in_details(
            ctx.model.pane,
            d.copy.as_ref().map(|(label, _)| label.as_str()),
        ),
        None => row_help(ctx.model, km.help_rows_for(ctx.model.pane)),
    };
    let off = crate::app::manage::changes_off(ctx.model);
    // Group by section, in first-appearance order.
    let mut sections: Vec<(String, Vec<HelpRow>)> = Vec::new();
    for row in rows {
        let section = match off {
            Some(why) if row.section == "Changes" => format!("{} (off: {why})", row.section),
            _ => row.section.to_string(),
        };
        match sections.iter_mut().find(|(s, _)| *s == section) {
            Some((_, list)) => list.push(row),
            None => sections.push((section, vec![row])),
        }
    }
    let key_w = sections
        .iter()
        .flat_map(|(_, l)| l.iter().map(|r| format::width(&r.keys)))
        .max()
        .unwrap_or(4)
        .min(14);
    let w = area.width.saturating_sub(4).min(120);
    // Two columns once each is wide enough for a key and a readable text
    // (a row wider than its column wraps under its text); one otherwise.
    let two_cols = w >= 100;
    let col_w = if two_cols {
        usize::from(w.saturating_sub(2)) / 2 - 1
    } else {
        usize::from(w.saturating_sub(2))
    };
    // Keys, what they do, and the action's name for the config file.
    let lines_of = |row: &HelpRow| -> Vec<Line<'static>> {
        let keys = Span::styled(format!(" {:<key_w$}  ", row.keys), t.key);
        let indent = key_w + 3;
        let full = indent + format::width(&row.text) + 2 + format::width(row.name);
        if !two_cols || full <= col_w {
            return vec![Line::from(vec![
                keys,
                Span::styled(row.text.clone(), t.base),
                Span::styled(format!("  {}", row.name), t.muted),
            ])];
        }
        let room = col_w.saturating_sub(indent).max(8);
        let pad = || Span::raw(" ".repeat(indent));
        let mut out: Vec<Line<'static>> = Vec::new();
        for (i, part) in format::wrap(&row.text, room).into_iter().enumerate() {
            let lead = if i == 0 { keys.clone() } else { pad() };
            out.push(Line::from(vec![lead, Span::styled(part, t.base)]));
        }
        let name = Span::styled(format!("  {}", row.name), t.muted);
        match out.last_mut() {
            Some(last) if last.width() + name.width() <= col_w => last.push_span(name),
            _ => out.push(Line::from(vec![pad(), Span::styled(row.name, t.muted)])),
        }
        out
    };
    let section_lines = |(name, list): &(String, Vec<HelpRow>)| -> Vec<Line<'static>> {
        let mut out = vec![Line::styled(name.clone(), t.title)];
        out.extend(list.iter().flat_map(lines_of));
        out
    };
    let mut left: Vec<Line> = Vec::new();
    let mut right: Vec<Line> = Vec::new();
    if two_cols {
        // Pack whole sections into two columns as evenly as possible,
        // keeping the table order inside each column.
        let blocks: Vec<Vec<Line>> = sections.iter().map(section_lines).collect();
        let sizes: Vec<usize> = blocks.iter().map(Vec::len).collect();
        let n = sections.len().min(16);
        let mut best = (usize::MAX, 0u32);
        for mask in 0u32..(1 << n) {
            let l: usize = (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| sizes[i])
                .sum();
            let r: usize = sizes.iter().sum::<usize>() - l;
            // Prefer the first section on the left.
            if mask & 1 == 1 && l.max(r) < best.0 {
                best = (l.max(r), mask);
            }
        }
        for (i, block) in blocks.into_iter().enumerate() {
            if best.1 & (1 << i) != 0 {
                left.extend(block);
            } else {
                right.extend(block);
            }
        }
    } else {
        for s in &sections {
            left.extend(section_lines(s));
        }
    }
    let mut extra: Vec<Line> = Vec::new();
    if !ctx.model.warnings.is_empty() {
        extra.push(Line::raw(""));
        extra.push(Line::styled(
            "Warnings",
            t.warn.add_modifier(ratatui::style::Modifier::BOLD),
        ));
        for warning in &ctx.model.warnings {
            for l in format::wrap(warning, usize::from(w.saturating_sub(4))) {
                extra.push(Line::styled(format!(" {l}"), t.warn));
            }
        }
    }
    let commands = format!(
        "Palette (:) {}",
        palette::COMMANDS
            .iter()
            .map(|(n, a, _)| format!("{n}{a}"))
            .collect::<Vec<_>>()
            .join(&format!(" {} ", ctx.glyphs.dot))
    );
    if under.is_none() {
        extra.push(Line::raw(""));
        for l in format::wrap(&commands, usize::from(w.saturating_sub(4))) {
            extra.push(Line::styled(format!(" {l}"), t.muted));
        }
    }
    let body_h = left.len().max(right.len()) + extra.len();
    let h = (body_h as u16 + 2).min(area.height);
    let rect = centered(area, w, h);
    Clear.render(rect, buf);
    let place = match under {
        Some(_) => "details".to_string(),
        None => format!("{} pane", crate::app::pane_title(ctx.model.pane)),
    };
    let title = Line::from(vec![Span::styled(
        format!(" Keys {} {place} ", ctx.glyphs.dot),
        t.title,
    )]);
    let bottom = Line::from(Span::styled(
        format!(
            " {} close {} {} ",
            km.key_or_unbound(Action::Back),
            ctx.glyphs.dot,
            scroll_hint(km)
        ),
        t.muted,
    ));
    let blk = block(ctx, title).title_bottom(bottom.right_aligned());
    let inner = blk.inner(rect);
    blk.render(rect, buf);
    let col_w = if two_cols {
        inner.width / 2
    } else {
        inner.width
    };
    let max_scroll = body_h.saturating_sub(usize::from(inner.height));
    let scroll = scroll.min(max_scroll);
    let mut all_rows: Vec<(Option<Line>, Option<Line>)> = Vec::new();
    let n = left.len().max(right.len());
    let mut li = left.into_iter();
    let mut ri = right.into_iter();
    for _ in 0..n {
        all_rows.push((li.next(), ri.next()));
    }
    for e in extra {
        all_rows.push((Some(e), None));
    }
    for (r, (l, rt)) in all_rows
        .iter()
        .skip(scroll)
        .take(usize::from(inner.height))
        .enumerate()
    {
        let y = inner.y + r as u16;
        let full = rt.is_none() && r + scroll >= n;
        if let Some(l) = l {
            let max = if full {
                inner.width
            } else {
                col_w.saturating_sub(1)
            };
            put_line(buf, inner.x, y, l, max);
        }
        if let Some(rt) = rt {
            put_line(buf, inner.x + col_w, y, rt, inner.width - col_w);
        }
    }
}

/// What `d` does on the selected row where it differs from the pane's
/// (cancelling a pending invitation is a plain y/n, removing a member asks
/// for the email): `(footer label, help text)`.
pub fn row_delete_hint(m: &Model) -> Option<(&'static str, &'static str)> {
    if m.pane != crate::protocol::ResourceKind::Members {
        return None;
    }
    let i = m.view(m.pane).selected_item()?;
    let member = m.members.data.as_ref()?.get(i)?;
    (member.status == crate::api::types::MemberStatus::Invited)
        .then_some(("cancel invite", "cancel the pending invitation (y/n)"))
}

/// The pane's help rows with what `d` does on the selected row.
fn row_help(m: &Model, mut rows: Vec<HelpRow>) -> Vec<HelpRow> {
    if let Some((_, help)) = row_delete_hint(m) {
        let name = crate::app::keymap::binding(Action::Delete).map(|b| b.name);
        for r in rows.iter_mut().filter(|r| Some(r.name) == name) {
            r.text = help.to_string();
        }
    }
    rows
}

/// `j/k scroll`, with the effective keys of `down` and `up`.
fn scroll_hint(km: &Keymap) -> String {
    format!(
        "{}/{} scroll",
        km.key_or_unbound(Action::Down),
        km.key_or_unbound(Action::Up)
    )
}

// ------------------------------------------------------------------ palette

/// The `:` command palette with suggestions and the last error.
pub fn palette_box(
    buf: &mut Buffer,
    ctx: &Ctx<'_>,
    area: Rect,
    input: &LineInput,
    error: Option<&str>,
) {
    let t = &ctx.theme;
    let suggestions = palette::suggestions(input.value(), &ctx.model.workspaces);
    let shown = suggestions.len().min(8);
    let h = 2 + 1 + shown as u16 + u16::from(error.is_some());
    let w = area.width.saturating_sub(4).min(64);
    let rect = Rect::new(area.x + (area.width - w) / 2, area.y, w, h.min(area.height));
    Clear.render(rect, buf);
    let km = &ctx.model.keymap;
    let hints: Vec<String> = [
        (Action::Confirm, "run"),
        (Action::NextField, "complete"),
        (Action::Cancel, "close"),
    ]
    .into_iter()
    .filter_map(|(action, label)| km.dialog_hint(action, true, label))
    .collect();
    let hints = format!(" {} ", hints.join(&format!(" {} ", ctx.glyphs.dot)));
    let blk = block(ctx, Line::styled(" Command ", t.title))
        .title_bottom(Line::styled(hints, t.muted).right_aligned());
    let inner = blk.inner(rect);
    blk.render(rect, buf);
    let mut spans = vec![Span::styled(":", t.key)];
    spans.extend(input_spans(ctx, input, true));
    put_line(buf, inner.x, inner.y, &Line::from(spans), inner.width);
    let mut y = inner.y + 1;
    if let Some(e) = error
        && y < inner.y + inner.height
    {
        put(buf, inner.x, y, e, t.error, inner.width);
        y += 1;
    }
    let name_w = suggestions
        .iter()
        .map(|(n, _)| format::width(n))
        .max()
        .unwrap_or(0)
        .min(24);
    for (name, help) in suggestions.iter().take(shown) {
        if y >= inner.y + inner.height {
            break;
        }
        let line = Line::from(vec![
            Span::styled(format!(" :{name:<name_w$}  "), t.key),
            Span::styled(help.clone(), t.muted),
        ]);
        put_line(buf, inner.x, y, &line, inner.width);
        y += 1;
    }
}

// ------------------------------------------------------------------ detail

/// A scrollable detail view over `area`, with the search's matches
/// highlighted (the current one reversed).
pub fn detail(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect, d: &Detail) {
    let t = &ctx.theme;
    Clear.render(area, buf);
    let inner_h = usize::from(area.height.saturating_sub(2));
    let max_scroll = d.lines.len().saturating_sub(inner_h);
    let scroll = d.scroll.min(max_scroll);
    let last = (scroll + inner_h).min(d.lines.len());
    let km = &ctx.model.keymap;
    let mut hints = Vec::new();
    if let Some(status) = d.search.status() {
        // A search in force: how to move through it and where it is.
        if let (Some(n), Some(p)) = (
            km.details_key(Action::SearchNext),
            km.details_key(Action::SearchPrev),
        ) {
            hints.push(format!("{n}/{p} next/prev"));
        }
        hints.push(status);
        if let Some(k) = km.details_key(Action::Back) {
            hints.push(format!("{k} clear"));
        }
    } else {
        if let Some((label, _)) = &d.copy
            && let Some(k) = km.details_key(Action::Copy)
        {
            let what = if d.title.starts_with("Template") {
                "copy id"
            } else if label == "the log command" {
                "copy log command"
            } else {
                "copy name"
            };
            hints.push(format!("{k} {what}"));
        }
        if let Some(k) = km.details_key(Action::Filter) {
            hints.push(format!("{k} search"));
        }
        hints.push(scroll_hint(km));
        hints.push(format!("{} close", km.key_or_unbound(Action::Back)));
    }
    let bottom = format!(
        " {} {} {}-{} of {} ",
        hints.join(&format!(" {} ", ctx.glyphs.dot)),
        ctx.glyphs.dot,
        if d.lines.is_empty() { 0 } else { scroll + 1 },
        last,
        d.lines.len()
    );
    let title = format::truncate(
        &d.title,
        usize::from(area.width.saturating_sub(4)),
        ctx.glyphs.ellipsis,
    );
    let blk = block(ctx, Line::styled(format!(" {title} "), t.title))
        .title_bottom(Line::styled(bottom, t.muted).right_aligned());
    let inner = blk.inner(area);
    blk.render(area, buf);
    let field_w = d
        .lines
        .iter()
        .filter_map(|l| match l {
            DetailLine::Field(n, _) => Some(format::width(n)),
            _ => None,
        })
        .max()
        .unwrap_or(0);
    let x = inner.x + 1;
    let w = inner.width.saturating_sub(1);
    for (r, line) in d.lines.iter().enumerate().skip(scroll).take(inner_h) {
        let y = inner.y + (r - scroll) as u16;
        match line {
            DetailLine::Heading(h) => {
                put(buf, x, y, h, t.title, w);
            }
            DetailLine::Field(name, value) => {
                let l = Line::from(vec![
                    Span::styled(format!("{name:<field_w$}  "), t.muted),
                    Span::styled(value.as_str(), t.base),
                ]);
                put_line(buf, x, y, &l, w);
            }
            DetailLine::Text(text) => {
                put(buf, x, y, text, t.base, w);
            }
            DetailLine::Blank => {}
        }
        // The matches on this line, where the text shows.
        // (In reading order: those of line `r` are one run.)
        let first = d.search.matches.partition_point(|m| m.line < r);
        for (k, m) in d.search.matches.iter().enumerate().skip(first) {
            if m.line != r {
                break;
            }
            let (text, start_col) = match (line, m.part) {
                (DetailLine::Field(_, v), 1) => (v.as_str(), field_w + 2),
                (DetailLine::Field(n, _), _) => (n.as_str(), 0),
                (DetailLine::Heading(h) | DetailLine::Text(h), _) => (h.as_str(), 0),
                (DetailLine::Blank, _) => continue,
            };
            let (Some(before), Some(hit)) = (text.get(..m.start), text.get(m.start..m.end)) else {
                continue;
            };
            let off = start_col + format::width(before);
            let end = (off + format::width(hit)).min(usize::from(w));
            if off >= end {
                continue;
            }
            let style = if k == d.search.current {
                t.matched.add_modifier(ratatui::style::Modifier::REVERSED)
            } else {
                t.matched
            };
            buf.set_style(Rect::new(x + off as u16, y, (end - off) as u16, 1), style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::header_title;

    /// `put`'s ASCII path writes what `Buffer::set_stringn` writes: the same
    /// cells, styles and width, control chars skipped, clipped at `max` and
    /// at the buffer's edge.
    #[test]
    fn ascii_put_matches_set_stringn() {
        use ratatui::buffer::Buffer;
        use ratatui::layout::Rect;
        use ratatui::style::{Color, Style};
        let style = Style::new().fg(Color::Magenta);
        for (text, x, max) in [
            ("plain text", 0u16, 20u16),
            ("cut here and there", 2, 7),
            ("tab\there\r\nand\x1b[31m", 1, 30),
            ("to the right edge and past it", 15, 40),
            ("", 3, 5),
        ] {
            let area = Rect::new(0, 0, 24, 1);
            let (mut ours, mut theirs) = (Buffer::empty(area), Buffer::empty(area));
            let w = super::put(&mut ours, x, 0, text, style, max);
            let (end, _) = theirs.set_stringn(x, 0, text, usize::from(max), style);
            assert_eq!(ours, theirs, "{text:?}");
            assert_eq!(w, end.saturating_sub(x), "{text:?}");
        }
    }

    #[test]
    fn header_cuts_the_label_never_the_arrow() {
        assert_eq!(header_title("Status", Some("▲"), 8, "…"), "Status ▲");
        assert_eq!(
            header_title("Last active", Some("▼"), 11, "…"),
            "Last act… ▼"
        );
        assert_eq!(header_title("Status", Some("▲"), 1, "…"), "▲");
        assert_eq!(header_title("Status", None, 4, "…"), "Sta…");
    }
}
