//! The fleet view: one row per workspace, most urgent first, drawn over the
//! banner and the pane (the header and the footer stay).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::fleet::{FleetRow, Reach, Urgency};
use crate::app::format;
use crate::app::keymap::Action;

use super::widgets::{Ctx, MARKER_W, block, input_spans, put, put_line};

/// A column: title, width, the narrowest screen that shows it, right-aligned.
struct Col {
    title: &'static str,
    width: u16,
    min_screen: u16,
    right: bool,
}

const COLS: [Col; 10] = [
    Col {
        title: "WORKSPACE",
        width: 18,
        min_screen: 0,
        right: false,
    },
    Col {
        title: "ACTIVATION",
        width: 10,
        min_screen: 0,
        right: false,
    },
    Col {
        title: "STATE",
        width: 10,
        min_screen: 0,
        right: false,
    },
    Col {
        title: "TIER",
        width: 10,
        min_screen: 150,
        right: false,
    },
    Col {
        title: "REACH",
        width: 17,
        min_screen: 0,
        right: false,
    },
    Col {
        title: "TOKEN",
        width: 9,
        min_screen: 100,
        right: false,
    },
    Col {
        title: "MEMB",
        width: 4,
        min_screen: 120,
        right: true,
    },
    Col {
        title: "SECR",
        width: 4,
        min_screen: 120,
        right: true,
    },
    Col {
        title: "TOK<10d",
        width: 7,
        min_screen: 120,
        right: true,
    },
    Col {
        title: "GPU",
        width: 7,
        min_screen: 90,
        right: true,
    },
];

fn cells(r: &FleetRow, now_ms: i64) -> [String; 10] {
    let n = |v: Option<usize>| v.map(|v| v.to_string()).unwrap_or_else(|| "-".into());
    let name = if r.name == r.id {
        r.id.clone()
    } else {
        format!("{} ({})", r.name, r.id)
    };
    [
        name,
        r.activation.clone(),
        r.state.clone(),
        r.tier.clone(),
        r.reach_text.clone(),
        r.token_text(now_ms),
        n(r.members),
        n(r.secrets),
        n(r.tokens_expiring),
        r.gpu_text(),
    ]
}

fn reach_style(ctx: &Ctx<'_>, reach: Reach) -> Style {
    match reach {
        Reach::Ok => ctx.theme.ok,
        Reach::Waiting => ctx.theme.muted,
        Reach::Stale | Reach::NoPermission => ctx.theme.warn,
        Reach::Unreachable | Reach::TokenRejected => ctx.theme.error,
    }
}

fn urgency_style(ctx: &Ctx<'_>, u: Urgency) -> Style {
    match u {
        Urgency::None => ctx.theme.muted,
        Urgency::Notice => ctx.theme.base,
        Urgency::Warn => ctx.theme.warn,
        Urgency::Alert => ctx.theme.error,
    }
}

/// Draw the fleet view in `area`.
pub fn render(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect) {
    let model = ctx.model;
    let fv = &model.fleet;
    let rows = model.fleet_rows();
    let total = model.workspaces.len();
    let mut title = format!(
        " Fleet: {} workspace{} · sorted by {}{} ",
        total,
        if total == 1 { "" } else { "s" },
        fv.sort.label(),
        if fv.reverse { " (reversed)" } else { "" }
    );
    if rows.len() != total {
        title = format!("{}· {} shown ", title, rows.len());
    }
    let blk = block(ctx, Line::styled(title, ctx.theme.title));
    let inner = blk.inner(area);
    ratatui::widgets::Clear.render(area, buf);
    buf.set_style(area, ctx.theme.base);
    blk.render(area, buf);
    if inner.height < 4 || inner.width < 20 {
        return;
    }
    let g = &ctx.glyphs;
    let now_ms = model.now_ms();
    let shown: Vec<usize> = (0..COLS.len())
        .filter(|&c| area.width >= COLS[c].min_screen)
        .collect();
    let fixed: u16 = shown.iter().map(|&c| COLS[c].width + 1).sum();
    let avail = inner.width.saturating_sub(MARKER_W);
    // What is left goes to the attention column (at least 12 columns, else
    // the workspace column gives some up).
    let mut name_w = COLS[0].width;
    let mut attn_w = avail.saturating_sub(fixed);
    if attn_w < 12 {
        let give = (12 - attn_w).min(name_w.saturating_sub(10));
        name_w -= give;
        attn_w += give;
    }
    let width_of = |c: usize| if c == 0 { name_w } else { COLS[c].width };

    // Header.
    let hy = inner.y;
    buf.set_style(
        Rect::new(inner.x, hy, inner.width, 1),
        ctx.theme.table_header,
    );
    let mut x = inner.x + MARKER_W;
    for &c in &shown {
        let w = width_of(c);
        put(buf, x, hy, COLS[c].title, ctx.theme.table_header, w);
        x += w + 1;
    }
    put(
        buf,
        x,
        hy,
        "NEEDS ATTENTION",
        ctx.theme.table_header,
        attn_w,
    );

    // The last line: filter or hints.
    let foot_y = inner.y + inner.height - 1;
    let foot = if fv.filter_editing || !fv.filter.is_empty() {
        let mut spans = vec![Span::styled("/", ctx.theme.key)];
        spans.extend(input_spans(ctx, &fv.filter, fv.filter_editing));
        Line::from(spans)
    } else {
        let k = |a: Action| model.keymap.keys_text(a);
        Line::from(vec![
            Span::styled(k(Action::Details), ctx.theme.key),
            Span::styled(" switch  ", ctx.theme.hint),
            Span::styled(k(Action::Filter), ctx.theme.key),
            Span::styled(" filter  ", ctx.theme.hint),
            Span::styled(k(Action::SortNext), ctx.theme.key),
            Span::styled(" sort  ", ctx.theme.hint),
            Span::styled(k(Action::Back), ctx.theme.key),
            Span::styled(" close", ctx.theme.hint),
        ])
    };
    put_line(
        buf,
        inner.x + 1,
        foot_y,
        &foot,
        inner.width.saturating_sub(1),
    );

    // Rows; the line above the hints spells out the selected row.
    let detail_y = foot_y.saturating_sub(1);
    let body = Rect::new(
        inner.x,
        inner.y + 1,
        inner.width,
        inner.height.saturating_sub(3),
    );
    if rows.is_empty() {
        let text = if fv.filter.is_empty() {
            "no workspace known".to_string()
        } else {
            format!(
                "no workspace matches `{}`",
                crate::text::sanitize(fv.filter.value())
            )
        };
        put(buf, body.x + 2, body.y, &text, ctx.theme.muted, body.width);
        return;
    }
    let sel = fv
        .selected
        .and_then(|s| rows.iter().position(|r| r.index == s))
        .unwrap_or(0);
    if let Some(r) = rows.get(sel) {
        let what = format!(
            "{} ({}): {}",
            r.name,
            r.id,
            if r.attention.is_empty() {
                "nothing needs attention".to_string()
            } else {
                r.attention_text()
            }
        );
        let what = format::truncate(
            &what,
            usize::from(inner.width.saturating_sub(2)),
            g.ellipsis,
        );
        put(
            buf,
            inner.x + 1,
            detail_y,
            &what,
            urgency_style(ctx, r.urgency),
            inner.width.saturating_sub(1),
        );
    }
    let height = usize::from(body.height);
    let offset = (sel + 1).saturating_sub(height);
    for (k, r) in rows.iter().enumerate().skip(offset).take(height) {
        let y = body.y + (k - offset) as u16;
        let line = Rect::new(body.x, y, body.width, 1);
        let is_sel = k == sel;
        if is_sel {
            buf.set_style(line, ctx.theme.selected);
            put(buf, body.x, y, g.selected, ctx.theme.selected, 1);
        }
        if r.current {
            put(buf, body.x + 1, y, "*", ctx.theme.accent, 1);
        }
        let texts = cells(r, now_ms);
        let mut x = body.x + MARKER_W;
        for &c in &shown {
            let w = width_of(c);
            let t = format::truncate(&texts[c], usize::from(w), g.ellipsis);
            let tw = format::width(&t) as u16;
            let cx = if COLS[c].right {
                x + w.saturating_sub(tw)
            } else {
                x
            };
            let style = match c {
                4 => reach_style(ctx, r.reach),
                _ => ctx.theme.base,
            };
            let style = if is_sel {
                style.patch(ctx.theme.selected)
            } else {
                style
            };
            put(buf, cx, y, &t, style, w);
            x += w + 1;
        }
        let attn = r.attention_text();
        let t = format::truncate(&attn, usize::from(attn_w), g.ellipsis);
        let style = urgency_style(ctx, r.urgency);
        let style = if is_sel {
            style.patch(ctx.theme.selected)
        } else {
            style
        };
        put(buf, x, y, &t, style, attn_w);
    }
}
