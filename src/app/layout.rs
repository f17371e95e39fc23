//! Screen geometry, shared by the reducer (page size, scrolling, mouse hits)
//! and the renderer, so both agree on where everything is.

use ratatui::layout::Rect;

use crate::protocol::ResourceKind;

use super::Model;
use super::banner::{self, BannerLine};

/// Below this the dashboard draws only "terminal too small".
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

/// The fixed regions of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub area: Rect,
    pub too_small: bool,
    pub header: Rect,
    pub tabs: Rect,
    pub banner: Rect,
    pub banner_lines: Vec<BannerLine>,
    pub body: Rect,
    /// The toast's own rows between the body and the footer (height 0 when
    /// there is none), so it never paints over borders or hints.
    pub toast: Rect,
    pub footer: Rect,
}

/// Most lines a toast takes (server messages can be long).
pub const TOAST_LINES: usize = 3;

/// Rows the toast needs at width `w`: its text wrapped to `w - 4`, at most
/// [`TOAST_LINES`]; 0 without a toast.
pub fn toast_height(m: &Model, w: u16) -> u16 {
    let Some(t) = &m.toast else {
        return 0;
    };
    let max = usize::from(w.saturating_sub(4)).max(1);
    let n = if super::format::width(&t.text) <= max {
        1
    } else {
        super::format::wrap(&t.text, max).len()
    };
    n.clamp(1, TOAST_LINES) as u16
}

/// The screen regions at the model's terminal size.
pub fn screen(m: &Model) -> Screen {
    screen_in(m, Rect::new(0, 0, m.size.0, m.size.1))
}

/// The screen regions inside `area` (the renderer passes the frame's area).
pub fn screen_in(m: &Model, area: Rect) -> Screen {
    let (w, h) = (area.width, area.height);
    if w < MIN_WIDTH || h < MIN_HEIGHT {
        return Screen {
            area,
            too_small: true,
            header: Rect::default(),
            tabs: Rect::default(),
            banner: Rect::default(),
            banner_lines: Vec::new(),
            body: Rect::default(),
            toast: Rect::default(),
            footer: Rect::default(),
        };
    }
    let lines = banner::banner_lines(&m.banners(), w);
    let bh = lines.len() as u16;
    let th = toast_height(m, w).min(h.saturating_sub(4 + bh));
    let (x, y) = (area.x, area.y);
    Screen {
        area,
        too_small: false,
        header: Rect::new(x, y, w, 1),
        tabs: Rect::new(x, y + 1, w, 1),
        banner: Rect::new(x, y + 2, w, bh),
        banner_lines: lines,
        body: Rect::new(x, y + 2 + bh, w, h.saturating_sub(3 + bh + th)),
        toast: Rect::new(x, y + h - 1 - th, w, th),
        footer: Rect::new(x, y + h - 1, w, 1),
    }
}

/// The regions inside a pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaneLayout {
    pub block: Rect,
    pub inner: Rect,
    /// Status pane: facts and quota gauges above the shapes table.
    pub summary: Rect,
    /// One line for stale / skipped notes (height 0 when none).
    pub note: Rect,
    /// Table header + rows.
    pub table: Rect,
    pub header_row: Rect,
    pub rows: Rect,
}

/// Height of the status summary at an inner width: facts and gauges (side
/// by side when wide), the workloads line and its attention line, and the
/// shapes heading.
pub fn status_summary_height(inner_width: u16) -> u16 {
    if inner_width >= 150 { 6 } else { 9 }
}

/// Whether the pane shows a note line (stale, skipped items).
pub fn has_note(m: &Model, kind: ResourceKind) -> bool {
    let st = m.resource_state(kind);
    st.has_data && (st.error.is_some() || st.skipped > 0 || m.is_stale(kind))
}

pub fn pane_layout(m: &Model, kind: ResourceKind, body: Rect) -> PaneLayout {
    let inner = Rect::new(
        body.x.saturating_add(1),
        body.y.saturating_add(1),
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    );
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let take = |y: &mut u16, h: u16| -> Rect {
        let h = h.min(bottom.saturating_sub(*y));
        let r = Rect::new(inner.x, *y, inner.width, h);
        *y += h;
        r
    };
    let note_h = u16::from(has_note(m, kind));
    let note = take(&mut y, note_h);
    let has_data = m.resource_state(kind).has_data;
    let summary = if kind == ResourceKind::Status && has_data {
        take(&mut y, status_summary_height(inner.width))
    } else {
        Rect::new(inner.x, y, inner.width, 0)
    };
    let rest = bottom.saturating_sub(y);
    let table = take(&mut y, rest);
    let header_row = Rect::new(table.x, table.y, table.width, table.height.min(1));
    let rows = Rect::new(
        table.x,
        table.y + header_row.height,
        table.width,
        table.height - header_row.height,
    );
    PaneLayout {
        block: body,
        inner,
        summary,
        note,
        table,
        header_row,
        rows,
    }
}

/// One tab of the tab line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    pub kind: ResourceKind,
    pub label: String,
    pub x: u16,
    pub width: u16,
}

/// The tab title at shortening `level` (0 = full).
fn short_title(kind: ResourceKind, level: u8) -> &'static str {
    match level {
        0 if kind.is_workload() => crate::protocol::WORKLOADS_TITLE,
        0 => kind.title(),
        1 => kind.info().tab_short[0],
        _ => kind.info().tab_short[1],
    }
}

/// A count for a tab: `950`, `1.2k`, `12k`.
pub fn compact_count(n: usize) -> String {
    match n {
        n if n >= 10_000 => format!("{}k", n / 1000),
        n if n >= 1_000 => format!("{:.1}k", n as f64 / 1000.0),
        n => n.to_string(),
    }
}

/// The kind each tab shows, in tab order: one per kind, except that the
/// workload views share one tab (the Workloads pane, at its current view).
pub fn tab_kinds(m: &Model) -> Vec<ResourceKind> {
    let mut out = Vec::with_capacity(ResourceKind::ALL.len());
    let mut workloads = false;
    for kind in ResourceKind::ALL {
        if kind.is_workload() {
            if !workloads {
                workloads = true;
                out.push(m.workload_view);
            }
        } else {
            out.push(kind);
        }
    }
    out
}

/// The tab labels with counts (`2 Members 14`) and their positions; shorter
/// names, gaps and counts when the full ones do not fit.
pub fn tabs(m: &Model, width: u16) -> Vec<Tab> {
    // (title level, gap, compact counts, counts at all)
    let build = |short: u8, gap: u16, compact: bool, counts: bool| -> Vec<Tab> {
        let mut x = 1u16;
        tab_kinds(m)
            .into_iter()
            .enumerate()
            .map(|(i, kind)| {
                let title = short_title(kind, short);
                let st = m.resource_state(kind);
                let label = match (kind, st.len) {
                    (ResourceKind::Status, _) | (_, None) => format!("{} {title}", i + 1),
                    // One tab for four views: no single count.
                    _ if kind.is_workload() => format!("{} {title}", i + 1),
                    _ if !counts => format!("{} {title}", i + 1),
                    (_, Some(n)) if compact => {
                        format!("{} {title} {}", i + 1, compact_count(n))
                    }
                    (_, Some(n)) => format!("{} {title} {n}", i + 1),
                };
                // Unseen changes (issue 10): `Secrets 29 +2`, on the tabs of
                // panes not on screen; the pane on screen shows them on its
                // rows and in its title (and a change there then redraws no
                // tab: fewer bytes over SSH).
                let on_screen = kind == m.pane && !m.activity.open && !m.fleet.open;
                let unseen = if on_screen {
                    0
                } else {
                    m.activity.unseen_tab_count(kind)
                };
                let label = if unseen > 0 {
                    format!("{label} +{}", compact_count(unseen))
                } else {
                    label
                };
                let w = label.chars().count() as u16 + 2;
                let tab = Tab {
                    kind,
                    label,
                    x,
                    width: w,
                };
                x = x.saturating_add(w + gap);
                tab
            })
            .collect()
    };
    let levels = [
        (0, 2, false, true),
        (1, 2, false, true),
        (1, 1, false, true),
        (1, 1, true, true),
        (2, 1, true, true),
        (2, 1, false, false),
    ];
    let mut last = Vec::new();
    for (short, gap, compact, counts) in levels {
        last = build(short, gap, compact, counts);
        if last.last().is_some_and(|t| t.x + t.width <= width) {
            break;
        }
    }
    last
}
