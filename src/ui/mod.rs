//! Rendering: `render(frame, &Model)` only reads the model and draws.
//! Header and banner, one module per kind of pane, shared widgets, theme.

pub mod activity;
pub mod fleet;
pub mod form;
pub mod header;
pub mod list;
pub mod status;
pub mod theme;
pub mod widgets;
pub mod workloads;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::app::{Model, Overlay, layout};
use crate::protocol::ResourceKind;

use theme::{Glyphs, Theme};
use widgets::Ctx;

/// Draw the whole dashboard for the model.
pub fn render(frame: &mut Frame, model: &Model) {
    draw(frame, model);
    // The one sanitizer between outside text and the terminal, on every
    // cell: no widget can let a control or bidi character through.
    crate::text::sanitize_buffer(frame.buffer_mut());
}

fn draw(frame: &mut Frame, model: &Model) {
    let ctx = Ctx {
        model,
        theme: Theme::new(model.theme),
        glyphs: Glyphs::new(model.ascii_borders),
    };
    let area = frame.area();
    let screen = layout::screen_in(model, area);
    if screen.too_small {
        too_small(frame.buffer_mut(), &ctx, area);
        return;
    }
    let buf = frame.buffer_mut();
    header::header(buf, &ctx, screen.header);
    header::tabs(buf, &ctx, screen.tabs);
    header::banner(buf, &ctx, screen.banner, &screen.banner_lines);
    match model.pane {
        _ if model.activity.open => activity::render(buf, &ctx, screen.body),
        ResourceKind::Status => status::render(buf, &ctx, screen.body),
        kind if kind.is_workload() => workloads::render(buf, &ctx, kind, screen.body),
        kind => list::render(buf, &ctx, kind, screen.body),
    }
    if model.fleet.open {
        // Over the banner and the pane, like a dialog.
        let over = Rect::new(
            area.x,
            screen.banner.y,
            area.width,
            screen.footer.y.saturating_sub(screen.banner.y),
        );
        fleet::render(buf, &ctx, over);
    }
    header::footer(buf, &ctx, screen.footer);
    match &model.overlay {
        Some(Overlay::Help { scroll, under }) => {
            // Over the detail view it was opened in.
            if let Some(d) = under {
                widgets::detail(buf, &ctx, screen.body, d);
            }
            widgets::help(buf, &ctx, area, *scroll, under.as_deref())
        }
        Some(Overlay::Palette { input, error }) => {
            widgets::palette_box(buf, &ctx, screen.body, input, error.as_deref())
        }
        Some(Overlay::Detail(d)) => widgets::detail(buf, &ctx, screen.body, d),
        Some(Overlay::Dialog(md)) => {
            // Over the banner and the pane; the header and the footer (with
            // the toast that reports progress) stay visible.
            let over = Rect::new(
                area.x,
                screen.banner.y,
                area.width,
                screen.toast.y.saturating_sub(screen.banner.y),
            );
            form::render_dialog(frame, over, &md.dialog, form::DialogLook::of(&ctx));
        }
        None => {}
    }
    if let Some(t) = &model.toast {
        widgets::toast(frame.buffer_mut(), &ctx, t, screen.toast);
    }
}

fn too_small(buf: &mut ratatui::buffer::Buffer, ctx: &Ctx<'_>, area: Rect) {
    let text = format!(
        "terminal too small (need {}x{}, have {}x{})",
        layout::MIN_WIDTH,
        layout::MIN_HEIGHT,
        area.width,
        area.height
    );
    let lines = crate::app::format::wrap(&text, usize::from(area.width.max(1)));
    let h = lines.len() as u16;
    let y0 = area.y + area.height.saturating_sub(h) / 2;
    for (i, l) in lines.iter().enumerate() {
        let y = y0 + i as u16;
        if y >= area.y + area.height {
            break;
        }
        let w = crate::app::format::width(l) as u16;
        let x = area.x + area.width.saturating_sub(w) / 2;
        widgets::put_line(
            buf,
            x,
            y,
            &Line::styled(l.clone(), ctx.theme.warn),
            area.width,
        );
    }
}
