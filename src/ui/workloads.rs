//! The Workloads pane: one pane, four views (Endpoints, Jobs, Pods, Nodes)
//! switched with `]`/`[`. The title names every view (the visible one
//! highlighted, each with its count or why it has none, and `+N` for its
//! unseen changes like the tabs) and sums up the
//! visible one; the table is the shared list table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};

use crate::app::Problem;
use crate::app::workloads::KindSummary;
use crate::protocol::{ResourceKind, WORKLOAD_VIEWS, WORKLOADS_TITLE};

use super::list;
use super::widgets::Ctx;

/// `3 run · 1 wait · 1 attention` of the visible view's rows.
fn view_summary(ctx: &Ctx<'_>, kind: ResourceKind, short: bool) -> Vec<Span<'static>> {
    let m = ctx.model;
    let t = &ctx.theme;
    // Counted when the data changed, not per frame.
    let summary = m.workload_summary();
    let counts = match kind {
        ResourceKind::Endpoints => summary.kinds.first().map(|k| &k.1),
        ResourceKind::Jobs => summary.kinds.get(1).map(|k| &k.1),
        ResourceKind::Pods => summary.kinds.get(2).map(|k| &k.1),
        ResourceKind::Nodes => summary.node_groups.as_ref(),
        _ => None,
    };
    let Some(&KindSummary::Live {
        running,
        waiting,
        failed,
        ..
    }) = counts
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (healthy, wait, attention) = match (short, kind) {
        (true, ResourceKind::Nodes) => ("ok", "not ready", "attention"),
        (true, _) => ("run", "wait", "attention"),
        (false, ResourceKind::Nodes) => ("healthy", "not ready", "need attention"),
        (false, _) => ("running", "waiting", "need attention"),
    };
    if running > 0 {
        out.push(Span::styled(format!("{running} {healthy} "), t.ok));
    }
    if waiting > 0 {
        out.push(Span::styled(format!("{waiting} {wait} "), t.warn));
    }
    if failed > 0 {
        out.push(Span::styled(
            format!("{failed} {attention} "),
            t.error.add_modifier(Modifier::BOLD),
        ));
    }
    if kind == ResourceKind::Jobs && m.jobs.data.as_ref().is_some_and(|d| d.truncated) {
        out.push(Span::styled("list cut at the cap ".to_string(), t.warn));
    }
    out
}

/// ` Workloads  [Endpoints 5] Jobs 14 +1  Pods 3  Nodes 2 · 3 running …`
/// (`+N`: rows of the view added or changed since it was last looked at)
pub fn title_line(ctx: &Ctx<'_>, kind: ResourceKind, width: u16) -> Line<'static> {
    let m = ctx.model;
    let t = &ctx.theme;
    let mut spans = vec![Span::styled(format!(" {WORKLOADS_TITLE} "), t.title)];
    for v in WORKLOAD_VIEWS {
        let st = m.resource_state(v);
        let count = match (st.len, m.problem(v)) {
            (Some(n), _) => {
                let view = m.view(v);
                if v == kind && !view.applied_filter().is_empty() {
                    format!(" {} of {n}", view.visible().len())
                } else {
                    format!(" {n}")
                }
            }
            (None, Some(Problem::NotAvailable)) => " n/a".to_string(),
            (None, Some(_)) => " !".to_string(),
            (None, None) => String::new(),
        };
        // Unseen changes of the view, as on the tabs: `Jobs 7 +1`.
        let unseen = m.activity.unseen_count(v);
        let plus = (unseen > 0).then(|| {
            Span::styled(
                format!(" +{}", crate::app::layout::compact_count(unseen)),
                t.changed,
            )
        });
        let text = format!("{}{count}", v.title());
        if v == kind {
            let active = t.tab_active.add_modifier(Modifier::BOLD);
            spans.push(Span::styled(format!("[{text}"), active));
            spans.extend(plus);
            spans.push(Span::styled("]", active));
        } else {
            spans.push(Span::styled(format!(" {text}"), t.muted));
            spans.extend(plus);
            spans.push(Span::styled(" ", t.muted));
        }
    }
    spans.push(Span::raw(" "));
    // The long words want some room to spare; the short ones only have to
    // fit between the corners.
    let fits =
        |l: &Line<'_>, short: bool| l.width() + if short { 2 } else { 4 } <= usize::from(width);
    for short in [false, true] {
        let mut summary = view_summary(ctx, kind, short);
        loop {
            if summary.is_empty() {
                return Line::from(spans);
            }
            let mut with = spans.clone();
            with.push(Span::styled(format!("{} ", ctx.glyphs.dot), t.muted));
            with.extend(summary.iter().cloned());
            let l = Line::from(with);
            if fits(&l, short) {
                return l;
            }
            if !short {
                break;
            }
            // Too narrow even in short words: the healthy count goes
            // first, what needs attention last (it is the last span).
            summary.remove(0);
        }
    }
    Line::from(spans)
}

pub fn render(buf: &mut Buffer, ctx: &Ctx<'_>, kind: ResourceKind, body: Rect) {
    list::render_titled(buf, ctx, kind, body, title_line(ctx, kind, body.width));
}
