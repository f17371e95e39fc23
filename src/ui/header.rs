//! Header, tab line, activation banner and footer.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::api::types::{ActivationState, WorkspaceState};
use crate::app::banner::BannerLine;
use crate::app::keymap::Action;
use crate::app::{Overlay, format, layout, manage};
use crate::protocol::ResourceKind;

use super::widgets::{Ctx, input_spans, put, put_line};

/// The workspace state as badge text and style (text always says it).
/// Health follows activation (a workspace not activated says so, never a
/// green NORMAL) and freshness (stale data: the last known state, grey,
/// with `?`).
pub fn state_badge(ctx: &Ctx<'_>) -> (String, Style) {
    let m = ctx.model;
    let g = &ctx.glyphs;
    let t = &ctx.theme;
    let activation = m
        .status
        .data
        .as_ref()
        .and_then(|d| d.resolver.as_ref())
        .map(|r| r.activation());
    let (text, style) = match activation {
        Some(ActivationState::NotActivated) => {
            (format!("{} NOT ACTIVATED", g.paused), t.badge_warn)
        }
        Some(ActivationState::Pending) => (format!("{} PENDING REVIEW", g.paused), t.badge_warn),
        _ => state_badge_of_state(ctx),
    };
    if m.status.data.is_some() && m.is_stale(ResourceKind::Status) {
        return (format!("{text}?"), t.badge_unknown);
    }
    (text, style)
}

fn state_badge_of_state(ctx: &Ctx<'_>) -> (String, Style) {
    let m = ctx.model;
    let g = &ctx.glyphs;
    let t = &ctx.theme;
    match &m.status.data {
        None if m.status.error.is_some() => (format!("{} UNKNOWN", g.unknown), t.badge_unknown),
        None => (format!("{} LOADING", g.dot), t.muted),
        Some(d) => match &d.info.workspace_state {
            WorkspaceState::Normal => (format!("{} NORMAL", g.ok), t.badge_ok),
            WorkspaceState::Paused => (format!("{} PAUSED", g.paused), t.badge_warn),
            WorkspaceState::Terminated => (format!("{} TERMINATED", g.bad), t.badge_error),
            WorkspaceState::AllPodsTerminated => {
                (format!("{} ALL PODS TERMINATED", g.bad), t.badge_error)
            }
            WorkspaceState::Unknown(s) => (
                format!("{} {}", g.unknown, s.to_uppercase()),
                t.badge_unknown,
            ),
        },
    }
}

/// The host (and port) of the workspace URL: `gateway.dgxc-lepton.nvidia.com`.
fn gateway_host(m: &crate::app::Model) -> String {
    let url = m
        .workspaces
        .get(m.current)
        .map(|w| w.base_url.as_str())
        .unwrap_or_default();
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split('/').next().unwrap_or_default();
    // Never show credentials a URL might carry.
    host.rsplit('@').next().unwrap_or_default().to_string()
}

pub fn header(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect) {
    let m = ctx.model;
    let t = &ctx.theme;
    let width = area.width;

    // Right: markers, never dropped.
    let mut markers: Vec<(String, Style)> = Vec::new();
    let marker = t.marker.add_modifier(Modifier::REVERSED);
    if m.demo {
        markers.push(("DEMO".into(), marker));
    }
    if m.paused {
        let text = if width >= 100 {
            "POLLING PAUSED"
        } else {
            "PAUSED"
        };
        markers.push((text.into(), marker));
    }
    if m.read_only {
        markers.push(("READ-ONLY".into(), marker));
    }
    if m.is_stale(m.pane) || m.is_stale(ResourceKind::Status) {
        markers.push(("STALE".into(), t.badge_warn));
    }
    // What needs the user (issue 10), lasting while true; words, not colour.
    for a in crate::app::activity::attention(m) {
        let style = if a.urgent {
            t.badge_error
        } else {
            t.badge_warn
        };
        markers.push((format!("! {}", a.text.to_uppercase()), style));
    }
    let markers_w = |markers: &[(String, Style)]| -> u16 {
        markers
            .iter()
            .map(|(s, _)| format::width(s) as u16 + 3)
            .sum()
    };

    // Left: name (id), state badge, tier, updated label and spinner.
    let id = m.workspace_id();
    let name = m.workspace_name();
    let ident = if name == id || name.is_empty() {
        id.to_string()
    } else {
        format!("{name} ({id})")
    };
    let (badge, badge_style) = state_badge(ctx);
    let badge = format!(" {badge} ");
    let tier = m
        .status
        .data
        .as_ref()
        .map(|d| d.info.workspace_tier.clone())
        .filter(|s| !s.is_empty());
    let mut updated = m.updated_label();
    // The spinner has a cell of its own after the label (blank while idle),
    // so turning it on and off rewrites that cell, not the rest of the line
    // (bytes over SSH).
    let spin = if m.spinner_on() {
        let frames = ctx.glyphs.spinner;
        frames[(format::secs_between(std::time::UNIX_EPOCH, m.now) as usize) % frames.len()]
    } else {
        " "
    };
    // While lepdash was not running: one line until the activity view is
    // opened (in place of the "updated" label, which comes back then).
    let mut updated_style = t.muted;
    if let Some(summary) = crate::app::activity::away_summary(m) {
        let key = m
            .keymap
            .first_key(Action::Activity)
            .unwrap_or_else(|| ":activity".into());
        updated = format!("{summary} ({key})");
        updated_style = t.changed;
    }
    // Badge, label and the gaps around them, the spinner's cell included.
    let fixed = format::width(&badge) + format::width(&updated) + 6;
    // Attention markers go (from the right) before the workspace id would
    // be cut: the banner says the same at length.
    while markers.last().is_some_and(|(s, _)| s.starts_with('!'))
        && usize::from(width.saturating_sub(markers_w(&markers) + 1))
            < fixed + format::width(m.workspace_id()) + 1
    {
        markers.pop();
    }
    let right_w = markers_w(&markers);
    let avail = usize::from(width.saturating_sub(right_w + 1));
    let tier_w = tier.as_ref().map(|s| format::width(s) + 3).unwrap_or(0);
    let show_tier = fixed + tier_w + format::width(&ident).min(16) < avail;
    let ident_room = avail
        .saturating_sub(fixed + if show_tier { tier_w } else { 0 })
        .max(6);
    // Keep the id visible: shorten the display name first.
    let ident = if format::width(&ident) <= ident_room || name == id || name.is_empty() {
        format::truncate(&ident, ident_room, ctx.glyphs.ellipsis).into_owned()
    } else {
        let room = ident_room.saturating_sub(format::width(id) + 3);
        if room >= 4 {
            format!(
                "{} ({id})",
                format::truncate(name, room, ctx.glyphs.ellipsis)
            )
        } else {
            format::truncate(id, ident_room, ctx.glyphs.ellipsis).into_owned()
        }
    };

    let mut spans = vec![
        Span::raw(" "),
        Span::styled(ident, t.base.add_modifier(Modifier::BOLD)),
        Span::raw(" "),
        Span::styled(badge, badge_style),
    ];
    if show_tier && let Some(tier) = tier {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(tier, t.accent));
    }
    spans.push(Span::raw("  "));
    spans.push(Span::styled(updated, updated_style));
    // Where and how often, when there is room: `gateway.example.com · every 5s`.
    let used: usize = spans.iter().map(|s| s.width()).sum();
    let whereabouts = format!(
        "{} {} every {}",
        gateway_host(m),
        ctx.glyphs.dot,
        format::short_duration(m.interval.as_secs().max(1))
    );
    if used + 3 + format::width(&whereabouts) <= avail {
        spans.push(Span::styled(format!(" {spin} "), t.muted));
        spans.push(Span::styled(whereabouts, t.muted));
    } else {
        spans.push(Span::styled(format!(" {spin}"), t.muted));
    }
    put_line(
        buf,
        area.x,
        area.y,
        &Line::from(spans),
        width.saturating_sub(right_w),
    );

    let mut x = area.x + width.saturating_sub(right_w);
    for (text, style) in markers {
        x += 1;
        x += put(buf, x, area.y, &format!(" {text} "), style, width);
    }
}

pub fn tabs(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect) {
    let m = ctx.model;
    for tab in layout::tabs(m, area.width) {
        let style = if tab.kind == m.pane && !m.activity.open {
            ctx.theme.tab_active
        } else {
            ctx.theme.tab
        };
        if tab.x + tab.width > area.x + area.width {
            break;
        }
        put(
            buf,
            area.x + tab.x,
            area.y,
            &format!(" {} ", tab.label),
            style,
            tab.width,
        );
    }
}

pub fn banner(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect, lines: &[BannerLine]) {
    for (i, l) in lines.iter().enumerate().take(usize::from(area.height)) {
        let mut style = ctx.theme.severity(l.severity);
        if l.headline {
            style = style.add_modifier(Modifier::BOLD);
            if ctx.theme.mono {
                style = style.add_modifier(Modifier::REVERSED);
            }
        }
        put(buf, area.x, area.y + i as u16, &l.text, style, area.width);
    }
}

/// The footer over the fleet view: what its keys do there, the least
/// important dropped first when the line is narrow.
fn fleet_footer(m: &crate::app::Model) -> String {
    let km = &m.keymap;
    let key = |a: Action| km.key_or_unbound(a);
    // (hint, priority): the highest number goes first when narrow; switch,
    // close and quit (0) always stay.
    let parts = vec![
        (format!("{} switch", key(Action::Details)), 0),
        (format!("{} filter", key(Action::Filter)), 1),
        (format!("{} sort", key(Action::SortNext)), 2),
        (format!("{} activity", key(Action::Activity)), 4),
        (format!("{} refresh", key(Action::Refresh)), 5),
        (format!("{} help", key(Action::Help)), 3),
        (format!("{} close", key(Action::Back)), 0),
        (format!("{} quit", key(Action::Quit)), 0),
    ];
    fit_hints(parts, usize::from(m.size.0).saturating_sub(2))
}

/// Join `(hint, priority)` pairs with two spaces, first dropping the
/// highest-numbered hints (see [`drop_to_fit`]) until the line fits in
/// `avail` cells.
fn fit_hints(parts: Vec<(String, u8)>, avail: usize) -> String {
    drop_to_fit(parts, avail, |(h, _)| format::width(h) + 2, |p| p.1)
        .into_iter()
        .map(|(h, _)| h)
        .collect::<Vec<_>>()
        .join("  ")
}

/// Drop the highest-`priority` parts (the last of equals first) until their
/// `width`s sum to at most `avail`; priority 0 is never dropped.
pub(super) fn drop_to_fit<T>(
    mut parts: Vec<T>,
    avail: usize,
    width: impl Fn(&T) -> usize,
    priority: impl Fn(&T) -> u8,
) -> Vec<T> {
    while parts.iter().map(&width).sum::<usize>() > avail {
        let Some(worst) = parts.iter().map(&priority).max().filter(|w| *w > 0) else {
            break;
        };
        if let Some(i) = parts.iter().rposition(|p| priority(p) == worst) {
            parts.remove(i);
        }
    }
    parts
}

/// The footer over an overlay: what its keys do there (`None`: no overlay).
fn overlay_footer(m: &crate::app::Model) -> Option<String> {
    let km = &m.keymap;
    let key = |a: Action| km.key_or_unbound(a);
    let line = match m.overlay.as_ref()? {
        Overlay::Detail(d) => {
            // Only keys that work here, with their effective keys there;
            // (hint, priority): the highest numbers go first when narrow.
            let dk = |a: Action| km.details_key(a);
            let mut parts: Vec<(String, u8)> = Vec::new();
            if let Some(status) = d.search.status() {
                if let (Some(n), Some(p)) = (dk(Action::SearchNext), dk(Action::SearchPrev)) {
                    parts.push((format!("{n}/{p} next/prev"), 0));
                }
                parts.push((status, 0));
            }
            if d.copy.is_some() {
                parts.extend(dk(Action::Copy).map(|k| (format!("{k} copy"), 2)));
            }
            if let Some(label) = crate::app::keymap::binding(Action::Edit)
                .and_then(|b| b.label_for(m.pane))
                .filter(|_| manage::changes_off(m).is_none())
            {
                parts.extend(dk(Action::Edit).map(|k| (format!("{k} {label}"), 1)));
            }
            parts.extend(dk(Action::Filter).map(|k| (format!("{k} search"), 1)));
            parts.push((
                format!("{}/{} scroll", key(Action::Down), key(Action::Up)),
                3,
            ));
            parts.push((
                format!("{}/{} page", key(Action::PageDown), key(Action::PageUp)),
                4,
            ));
            parts.extend(dk(Action::Help).map(|k| (format!("{k} help"), 2)));
            let back = if d.search.active() { "clear" } else { "close" };
            parts.push((format!("{} {back}", key(Action::Back)), 0));
            fit_hints(parts, usize::from(m.size.0).saturating_sub(2))
        }
        Overlay::Help { .. } => format!(
            "{}/{} scroll  {} close",
            key(Action::Down),
            key(Action::Up),
            key(Action::Back)
        ),
        Overlay::Palette { .. } => [
            km.dialog_hint(Action::Confirm, true, "run"),
            km.dialog_hint(Action::NextField, true, "complete"),
            km.dialog_hint(Action::Cancel, true, "cancel"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("  "),
        Overlay::Dialog(md) => match md.dialog.form_ref() {
            Some(f) => f.help_line(km),
            None if md.dialog.reveal_ref().is_some() => [
                km.dialog_hint(Action::Reveal, false, "show/hide"),
                km.dialog_hint(Action::Copy, false, "copy"),
                km.dialog_hint(Action::Cancel, false, "close"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("  "),
            None => [
                km.dialog_hint(Action::Confirm, false, "confirm"),
                km.dialog_hint(Action::Cancel, false, "cancel"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("  "),
        },
    };
    Some(line)
}

/// The footer: filter input while typing, the overlay's keys over an
/// overlay, else key hints from the keymap.
pub fn footer(buf: &mut Buffer, ctx: &Ctx<'_>, area: Rect) {
    let m = ctx.model;
    let t = &ctx.theme;
    if m.filter_editing {
        let view = m.view(m.pane);
        let mut spans = vec![Span::styled(" /", t.key)];
        spans.extend(input_spans(ctx, &view.filter, true));
        spans.push(Span::styled(
            format!(
                "   {} of {}  {d}  Enter keep {d} Esc clear {d} Up/Down move",
                view.visible().len(),
                view.total(),
                d = ctx.glyphs.dot
            ),
            t.muted,
        ));
        put_line(buf, area.x, area.y, &Line::from(spans), area.width);
        return;
    }
    // The search prompt of a detail view, like the filter's.
    if let Some(Overlay::Detail(d)) = &m.overlay
        && let Some(prompt) = &d.search.prompt
    {
        let km = &m.keymap;
        let mut spans = vec![Span::styled(
            format!(" {}", km.details_key(Action::Filter).unwrap_or_default()),
            t.key,
        )];
        spans.extend(input_spans(ctx, prompt, true));
        let mut tail: Vec<String> = d.search.status().into_iter().collect();
        tail.extend(km.dialog_hint(Action::Confirm, true, "keep"));
        tail.extend(km.dialog_hint(Action::Cancel, true, "clear"));
        spans.push(Span::styled(
            format!("   {}", tail.join(&format!("  {}  ", ctx.glyphs.dot))),
            t.muted,
        ));
        put_line(buf, area.x, area.y, &Line::from(spans), area.width);
        return;
    }
    // Over an overlay, only the keys that work there.
    if let Some(line) = overlay_footer(m) {
        let line = ctx.glyphs.text(&line).into_owned();
        let spans = vec![Span::raw(" "), Span::styled(line, t.muted)];
        put_line(buf, area.x, area.y, &Line::from(spans), area.width);
        return;
    }
    // Over the fleet view: its keys, not the pane's underneath.
    if m.fleet.open {
        let line = ctx.glyphs.text(&fleet_footer(m)).into_owned();
        let spans = vec![Span::raw(" "), Span::styled(line, t.muted)];
        put_line(buf, area.x, area.y, &Line::from(spans), area.width);
        return;
    }
    if m.activity.open {
        put_line(
            buf,
            area.x,
            area.y,
            &super::activity::footer_hints(ctx),
            area.width,
        );
        return;
    }
    let has_rows = !m.view(m.pane).visible().is_empty();
    let off = manage::changes_off(m);
    // (key, label, priority), in keymap table order: only what applies on
    // this pane, with its label here.
    let mut hints: Vec<(Option<String>, String, u8)> = Vec::new();
    for (action, key, label, priority) in m.keymap.footer_hints_for(m.pane) {
        let needs_row = matches!(
            action,
            Action::Details | Action::Copy | Action::Edit | Action::Delete
        );
        if needs_row && !has_rows {
            continue;
        }
        if action.is_mutation()
            && let Some(why) = off
        {
            if !hints.iter().any(|(k, _, _)| k.is_none()) {
                hints.push((None, format!("{why}: no changes"), priority));
            }
            continue;
        }
        let label = match action {
            Action::Pause if m.is_paused() => "resume",
            Action::Delete => super::widgets::row_delete_hint(m).map_or(label, |(l, _)| l),
            _ => label,
        };
        hints.push((Some(key), label.to_string(), priority));
    }
    let width_of = |(key, label, _): &(Option<String>, String, u8)| {
        key.as_ref().map_or(0, |k| format::width(k) + 1) + format::width(label) + 2
    };
    // Drop the least important hints (last first) until the line fits.
    let avail = usize::from(area.width).saturating_sub(1);
    while hints.iter().map(width_of).sum::<usize>() > avail {
        let Some(worst) = hints.iter().map(|h| h.2).max() else {
            break;
        };
        if let Some(i) = hints.iter().rposition(|h| h.2 == worst) {
            hints.remove(i);
        }
    }
    let mut spans: Vec<Span> = vec![Span::raw(" ")];
    for (key, label, _) in hints {
        match key {
            Some(k) => {
                spans.push(Span::styled(k, t.key));
                spans.push(Span::styled(format!(" {label}  "), t.muted));
            }
            None => spans.push(Span::styled(format!("{label}  "), t.warn)),
        }
    }
    put_line(buf, area.x, area.y, &Line::from(spans), area.width);
}
