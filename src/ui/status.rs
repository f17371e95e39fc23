//! The Status pane: state, tier, build, disk, workloads, quota gauges and
//! the supported shapes table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::api::types::WorkspaceState;
use crate::app::workloads::KindSummary;
use crate::app::{StatusData, format, layout};
use crate::protocol::ResourceKind;

use super::list;
use super::widgets::{Ctx, block, gauge, put_line_cut};

fn label(ctx: &Ctx<'_>, text: &str) -> Span<'static> {
    Span::styled(format!("{text} "), ctx.theme.muted)
}

fn value(ctx: &Ctx<'_>, text: impl Into<String>) -> Span<'static> {
    Span::styled(text.into(), ctx.theme.base.add_modifier(Modifier::BOLD))
}

fn facts(ctx: &Ctx<'_>, d: &StatusData) -> Vec<Line<'static>> {
    let t = &ctx.theme;
    let info = &d.info;
    let (state_text, state_style) = match &info.workspace_state {
        WorkspaceState::Normal => (format!("{} normal", ctx.glyphs.ok), t.ok),
        WorkspaceState::Paused => (format!("{} paused", ctx.glyphs.paused), t.warn),
        WorkspaceState::Terminated => (format!("{} terminated", ctx.glyphs.bad), t.error),
        WorkspaceState::AllPodsTerminated => {
            (format!("{} all pods terminated", ctx.glyphs.bad), t.error)
        }
        WorkspaceState::Unknown(s) => (format!("{} {s} (unknown)", ctx.glyphs.unknown), t.warn),
    };
    let gap = || Span::raw("   ");
    let mut l1 = vec![
        label(ctx, "State"),
        Span::styled(state_text, state_style.add_modifier(Modifier::BOLD)),
        gap(),
        label(ctx, "Tier"),
        value(
            ctx,
            if info.workspace_tier.is_empty() {
                "-".to_string()
            } else {
                info.workspace_tier.clone()
            },
        ),
        gap(),
        label(ctx, "ID"),
        value(
            ctx,
            if info.workspace_name.is_empty() {
                ctx.model.workspace_id().to_string()
            } else {
                info.workspace_name.clone()
            },
        ),
    ];
    if info.not_in_use == Some(true) {
        l1.push(gap());
        l1.push(Span::styled("not in use", t.warn));
    }
    let version = if format::is_semver(&info.git_commit) {
        vec![label(ctx, "Version"), value(ctx, info.git_commit.clone())]
    } else {
        let short: String = info.git_commit.chars().take(12).collect();
        vec![
            label(ctx, "Commit"),
            value(
                ctx,
                if short.is_empty() {
                    "-".to_string()
                } else {
                    short
                },
            ),
        ]
    };
    let mut l2 = version;
    l2.extend([
        gap(),
        label(ctx, "Built"),
        value(ctx, format::build_time(&info.build_time)),
        gap(),
        label(ctx, "Disk"),
        value(ctx, format::bytes_1024(info.workspace_disk_usage_bytes)),
    ]);
    let w = &info.workloads;
    let dot = || Span::styled(format!(" {} ", ctx.glyphs.dot), t.muted);
    // Nodes and GPUs of the workloads (when loaded), then the counts the
    // workload line does not show.
    let summary = ctx.model.workload_summary();
    let mut l3 = vec![label(ctx, "Nodes")];
    match summary.nodes {
        Some((ok, bad, all)) => {
            l3.push(value(ctx, format!("{ok}/{all}")));
            l3.push(Span::styled(" ready", t.muted));
            if bad > 0 {
                l3.push(Span::styled(
                    format!(" ({bad} unhealthy)"),
                    t.error.add_modifier(Modifier::BOLD),
                ));
            }
        }
        None => l3.push(Span::styled("-", t.muted)),
    }
    l3.push(dot());
    l3.push(Span::styled("GPU in use ", t.muted));
    l3.push(match summary.gpus_in_use {
        Some(g) => value(ctx, format::num(g)),
        None => Span::styled("-", t.muted),
    });
    for (name, n) in [
        ("secrets", w.num_secrets),
        ("registries", w.num_image_pull_secrets),
    ] {
        l3.push(dot());
        l3.push(Span::styled(format!("{name} "), t.muted));
        l3.push(value(ctx, n.to_string()));
    }
    vec![Line::from(l1), Line::from(l2), Line::from(l3)]
}

/// The live workloads line (`running / waiting / failed` per kind) and the
/// line that calls out workloads needing attention. The per-kind details
/// shorten until the line fits `width`.
fn workloads_lines(ctx: &Ctx<'_>, width: u16) -> [Line<'static>; 2] {
    let t = &ctx.theme;
    let s = ctx.model.workload_summary();
    let line = |level: u8| -> Line<'static> {
        let mut l = vec![label(ctx, "Workloads")];
        for (i, (name, k)) in s.kinds.iter().enumerate() {
            if i > 0 {
                l.push(Span::styled(format!(" {} ", ctx.glyphs.dot), t.muted));
            }
            l.push(Span::styled(format!("{name} "), t.muted));
            match k {
                KindSummary::Live {
                    running,
                    waiting,
                    failed,
                    total,
                } => {
                    l.push(value(ctx, total.to_string()));
                    let words = match level {
                        0 => ["running", "waiting", "failed"],
                        _ => ["run", "wait", "failed"],
                    };
                    let mut parts = Vec::new();
                    if *running > 0 && level < 2 {
                        parts.push(Span::styled(format!("{running} {}", words[0]), t.ok));
                    }
                    if *waiting > 0 && level < 2 {
                        parts.push(Span::styled(format!("{waiting} {}", words[1]), t.warn));
                    }
                    if *failed > 0 {
                        parts.push(Span::styled(
                            format!("{failed} {}", words[2]),
                            t.error.add_modifier(Modifier::BOLD),
                        ));
                    }
                    if !parts.is_empty() {
                        l.push(Span::styled(" (", t.muted));
                        for (j, p) in parts.into_iter().enumerate() {
                            if j > 0 {
                                l.push(Span::styled(", ", t.muted));
                            }
                            l.push(p);
                        }
                        l.push(Span::styled(")", t.muted));
                    }
                }
                KindSummary::Counted(n) => l.push(value(ctx, n.to_string())),
                KindSummary::NotAvailable => l.push(Span::styled("n/a", t.muted)),
                KindSummary::Unknown => l.push(Span::styled("-", t.muted)),
            }
        }
        Line::from(l)
    };
    let wl = (0..3)
        .map(line)
        .find(|l| l.width() <= usize::from(width))
        .unwrap_or_else(|| line(2));
    let attention = match s.attention.as_slice() {
        [] => Line::from(vec![label(ctx, "Attention"), Span::styled("none", t.muted)]),
        list => {
            let key = ctx
                .model
                .keymap
                .first_key(crate::app::Action::PaneWorkloads)
                .unwrap_or_else(|| ":workloads".into());
            let head = vec![
                label(ctx, "Attention"),
                Span::styled(
                    format!("{} ", ctx.glyphs.bad),
                    t.error.add_modifier(Modifier::BOLD),
                ),
            ];
            // As many as fit, then how many more.
            let total = s.attention_total.max(list.len());
            let mut shown = 0;
            let mut text = String::new();
            for (i, a) in list.iter().enumerate() {
                let next = if i == 0 {
                    a.clone()
                } else {
                    format!("{text}, {a}")
                };
                let rest = total - i - 1;
                let tail = if rest > 0 {
                    format!(" (+{rest} more, {key} shows them)").len()
                } else {
                    0
                };
                if i > 0 && 12 + next.chars().count() + tail > usize::from(width) {
                    break;
                }
                text = next;
                shown = i + 1;
            }
            let mut a = head;
            a.push(Span::styled(text, t.error));
            if shown < total {
                a.push(Span::styled(
                    format!(" (+{} more, {key} shows them)", total - shown),
                    t.muted,
                ));
            }
            Line::from(a)
        }
    };
    [wl, attention]
}

fn gauges(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect, d: &StatusData) {
    // A workspace not activated has no quota yet: say so, not `0 / 0`.
    if d.resolver.as_ref().is_some_and(|r| {
        matches!(
            r.activation(),
            crate::api::types::ActivationState::NotActivated
                | crate::api::types::ActivationState::Pending
        )
    }) {
        if area.height > 0 {
            super::widgets::put(
                buf,
                area.x,
                area.y,
                &format::truncate(
                    "Quota: none until the workspace is activated (see the banner)",
                    usize::from(area.width),
                    ctx.glyphs.ellipsis,
                ),
                ctx.theme.muted,
                area.width,
            );
        }
        return;
    }
    let q = &d.info.resource_quota;
    let rows = [
        (
            "CPU",
            q.used.cpu,
            q.limit.cpu,
            format!(
                "{} / {} cores",
                format::num(q.used.cpu),
                format::num(q.limit.cpu)
            ),
        ),
        (
            "Memory",
            q.used.memory,
            q.limit.memory,
            format!(
                "{} / {}",
                format::mib(q.used.memory),
                format::mib(q.limit.memory)
            ),
        ),
        (
            "GPU",
            q.used.accelerator_num,
            q.limit.accelerator_num,
            format!(
                "{} / {} cards",
                format::num(q.used.accelerator_num),
                format::num(q.limit.accelerator_num)
            ),
        ),
    ];
    for (i, (name, used, limit, text)) in rows.iter().enumerate() {
        if i as u16 >= area.height {
            break;
        }
        let r = Rect::new(area.x, area.y + i as u16, area.width, 1);
        gauge(buf, ctx, r, name, *used, *limit, text);
    }
}

pub fn render(buf: &mut Buffer, ctx: &Ctx<'_>, body: Rect) {
    let m = ctx.model;
    let kind = ResourceKind::Status;
    let pl = layout::pane_layout(m, kind, body);
    let t = &ctx.theme;
    let title = Line::from(vec![Span::styled(" Status ", t.title)]);
    let mut blk = block(ctx, title);
    let n = m.view(kind).visible().len();
    if n > 0 {
        blk = blk.title_bottom(
            Line::styled(
                format!(" shape {}/{} ", m.view(kind).selected + 1, n),
                t.muted,
            )
            .right_aligned(),
        );
    }
    blk.render(body, buf);
    let Some(d) = &m.status.data else {
        list::state_message(buf, ctx, kind, pl.inner);
        return;
    };
    if pl.note.height > 0 {
        put_line_cut(
            buf,
            pl.note.x + 1,
            pl.note.y,
            &list::note_line(ctx, kind),
            pl.note.width.saturating_sub(1),
            ctx.glyphs.ellipsis,
        );
    }
    let s = pl.summary;
    let x = s.x + 1;
    let w = s.width.saturating_sub(1);
    let fact_lines = facts(ctx, d);
    let wide = layout::status_summary_height(pl.inner.width) == 6;
    let (facts_w, gauges_area) = if wide {
        let half = w / 2;
        (
            half,
            Rect::new(x + half + 1, s.y, w - half - 1, 3.min(s.height)),
        )
    } else {
        (
            w,
            Rect::new(x, s.y + 3, w, s.height.saturating_sub(4).min(3)),
        )
    };
    for (i, l) in fact_lines.iter().enumerate() {
        if (i as u16) < s.height {
            put_line_cut(buf, x, s.y + i as u16, l, facts_w, ctx.glyphs.ellipsis);
        }
    }
    gauges(buf, ctx, gauges_area, d);
    if s.height >= 3 {
        let [wl, attention] = workloads_lines(ctx, w);
        let e = ctx.glyphs.ellipsis;
        put_line_cut(buf, x, s.y + s.height - 3, &wl, w, e);
        put_line_cut(buf, x, s.y + s.height - 2, &attention, w, e);
    }
    if s.height > 0 {
        let heading = Line::from(vec![
            Span::styled("Supported shapes ", t.title),
            Span::styled(d.shapes.len().to_string(), t.muted),
        ]);
        put_line_cut(buf, x, s.y + s.height - 1, &heading, w, ctx.glyphs.ellipsis);
    }
    list::table_part(
        buf,
        ctx,
        kind,
        &layout::PaneLayout {
            note: Rect::default(),
            ..pl
        },
    );
}
