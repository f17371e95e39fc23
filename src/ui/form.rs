//! Drawing of the management forms, the confirmation dialog and the token
//! dialog as centred modals, in the panes' theme and glyph set
//! ([`DialogLook`]); their key hints come from the effective keymap. Every
//! state is shown by text or a glyph as well as colour (`›` focus, `✗`
//! error, `⚠` warning), so the mono theme (bold, reverse, underline) and
//! ASCII mode (`>`, `x`, `!`, `+-|` borders) lose nothing. Masked values are
//! drawn as one `•` per character and never read unless the user toggled
//! them visible.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use secrecy::ExposeSecret;
use std::borrow::Cow;

use super::theme::{Glyphs, Theme};
use super::widgets::{Ctx, centered};
use crate::app::forms::{Confirm, Dialog, Display, Field, Form, NOT_SHOWN_AGAIN, TokenReveal};
use crate::app::keymap::{Action, Keymap};

/// Widest modal drawn.
const MAX_WIDTH: u16 = 76;
/// How many mask characters the token dialog shows (not the token's length).
const TOKEN_MASK_LEN: usize = 24;

/// What the dialogs are drawn with: the panes' theme and glyph set, and the
/// effective keymap for their key hints.
#[derive(Clone, Copy)]
pub struct DialogLook<'a> {
    pub theme: &'a Theme,
    pub glyphs: &'a Glyphs,
    pub keymap: &'a Keymap,
}

impl<'a> DialogLook<'a> {
    /// The look of the dashboard being drawn.
    pub fn of(ctx: &'a Ctx<'a>) -> DialogLook<'a> {
        DialogLook {
            theme: &ctx.theme,
            glyphs: &ctx.glyphs,
            keymap: &ctx.model.keymap,
        }
    }

    /// Text as drawn: folded to ASCII in ASCII mode.
    fn text<'t>(self, text: &'t str) -> Cow<'t, str> {
        self.glyphs.text(text)
    }

    /// Lines as drawn (every span folded in ASCII mode).
    fn lines(self, lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
        if !self.glyphs.ascii {
            return lines;
        }
        lines
            .into_iter()
            .map(|l| {
                let spans: Vec<Span<'static>> = l
                    .spans
                    .into_iter()
                    .map(|sp| Span::styled(self.text(&sp.content).into_owned(), sp.style))
                    .collect();
                Line::from(spans).style(l.style)
            })
            .collect()
    }

    fn border(self, danger: bool) -> Style {
        if danger {
            self.theme.banner_error
        } else {
            self.theme.accent
        }
    }
    fn title(self) -> Style {
        self.theme.title
    }
    fn label(self, focused: bool) -> Style {
        if focused {
            self.theme.key
        } else {
            Style::new()
        }
    }
    fn input(self, focused: bool) -> Style {
        if focused {
            self.theme.input
        } else {
            Style::new()
        }
    }
    fn hint(self, focused: bool) -> Style {
        self.theme.hint.patch(self.input(focused))
    }
    fn warn(self) -> Style {
        self.theme.warn.add_modifier(Modifier::BOLD)
    }
    /// A hint in mono has no dim: bracket it so it does not read as a value.
    fn hint_text(self, hint: &str) -> String {
        if self.theme.mono {
            format!("({hint})")
        } else {
            hint.to_string()
        }
    }
    /// The first key that does `action` in a dialog (not a typing key when
    /// `typing`), or `(unbound)`.
    fn key(self, action: Action, typing: bool) -> String {
        self.keymap
            .dialog_key(action, typing)
            .unwrap_or_else(|| "(unbound)".to_string())
    }
    /// `y/Enter`: a fixed answer letter and the action's key, if any.
    fn letter_or_key(self, letter: &str, action: Action) -> String {
        match self.keymap.dialog_key(action, false) {
            Some(k) if k != letter => format!("{letter}/{k}"),
            _ => letter.to_string(),
        }
    }
}

/// Draw whatever `dialog` holds: a form, a confirmation (over the form it
/// belongs to, if any) or the token dialog.
pub fn render_dialog(frame: &mut Frame, area: Rect, dialog: &Dialog, look: DialogLook<'_>) {
    if let Some(form) = dialog.form_ref() {
        // Under a confirmation the form's cursor would be misleading.
        draw_form(frame, area, form, look, dialog.confirm_ref().is_none());
    }
    if let Some(confirm) = dialog.confirm_ref() {
        render_confirm(frame, area, confirm, look);
    }
    if let Some(reveal) = dialog.reveal_ref() {
        render_token_reveal(frame, area, reveal, look);
    }
}

/// Draw `form` as a modal centred in `area`.
pub fn render_form(frame: &mut Frame, area: Rect, form: &Form, look: DialogLook<'_>) {
    draw_form(frame, area, form, look, true);
}

fn draw_form(frame: &mut Frame, area: Rect, form: &Form, look: DialogLook<'_>, show_cursor: bool) {
    let width = modal_width(area);
    // Borders and one column of padding on each side.
    let content_w = usize::from(width.saturating_sub(4)).max(1);
    let visible: Vec<(usize, &Field)> = form
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_hidden())
        .collect();
    let label_w = visible
        .iter()
        .map(|(_, f)| f.label().chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let value_x = 2 + label_w;
    let value_w = content_w.saturating_sub(value_x).max(1);

    let mut lines: Vec<Line> = Vec::new();
    let mut cursor: Option<(usize, usize)> = None;
    let mut focus_line = 0;
    for (i, field) in visible {
        let focused = i == form.focus() && !form.is_submitting();
        if i == form.focus() {
            focus_line = lines.len();
        }
        if let Display::Info { text } = field.display() {
            let style = if field.is_warning() {
                look.warn()
            } else {
                look.theme.help
            };
            let labelled = !field.label().is_empty();
            let (indent, width) = if labelled {
                (value_x, value_w)
            } else {
                (0, content_w)
            };
            let glyph = if field.is_warning() {
                look.glyphs.warning
            } else {
                ""
            };
            let sep = if glyph.is_empty() { "" } else { " " };
            for (n, chunk) in wrap(&format!("{glyph}{sep}{text}"), width)
                .into_iter()
                .enumerate()
            {
                let mut spans = Vec::new();
                if n == 0 && labelled {
                    spans.push(Span::raw("  "));
                    spans.push(Span::raw(pad(field.label(), label_w)));
                } else {
                    spans.push(Span::raw(" ".repeat(indent)));
                }
                spans.push(Span::styled(chunk, style));
                lines.push(Line::from(spans));
            }
            continue;
        }
        let marker = if focused { look.glyphs.focus } else { " " };
        let mut spans = vec![
            Span::styled(format!("{marker} "), look.label(focused)),
            Span::styled(pad(field.label(), label_w), look.label(focused)),
        ];
        let (value_spans, cursor_col) = value_spans(field, focused, value_w, look);
        spans.extend(value_spans);
        if focused {
            cursor = cursor_col.map(|c| (lines.len(), value_x + c));
        }
        lines.push(Line::from(spans));
        if let Some(err) = field.error() {
            for chunk in wrap(&format!("{} {err}", look.glyphs.error), value_w) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(value_x)),
                    Span::styled(chunk, look.theme.error),
                ]));
            }
        }
    }
    if let Some(err) = form.server_error() {
        lines.push(Line::raw(""));
        for chunk in wrap(&format!("{} {err}", look.glyphs.error), content_w) {
            lines.push(Line::styled(chunk, look.theme.error));
        }
    }

    let lines = look.lines(lines);
    let help = form.help_line(look.keymap);
    let help_lines = wrap(&look.text(&help), content_w);
    let body_h = lines.len() as u16;
    let help_h = help_lines.len() as u16;
    // Border, body, a blank line, help, border.
    let height = (body_h + help_h + 3).min(area.height);
    let rect = centered(area, width, height);
    let mut title = format!(" {} ", form.title());
    if form.is_submitting() {
        title = format!(" {} · sending… ", form.title());
    }
    let inner = draw_frame(frame, rect, &look.text(&title), look, false);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let help_rows = help_h.min(inner.height);
    let body_rows = inner.height.saturating_sub(help_rows + 1);
    // Scroll the body so the focused row stays visible on a short terminal.
    let offset = if usize::from(body_rows) <= focus_line {
        (focus_line + 1 - usize::from(body_rows)) as u16
    } else {
        0
    };
    let body = Rect::new(inner.x, inner.y, inner.width, body_rows);
    frame.render_widget(Paragraph::new(lines).scroll((offset, 0)), body);
    let help_area = Rect::new(
        inner.x,
        inner.y + inner.height - help_rows,
        inner.width,
        help_rows,
    );
    let help_lines: Vec<Line> = help_lines
        .into_iter()
        .map(|l| Line::styled(l, look.theme.help))
        .collect();
    frame.render_widget(Paragraph::new(help_lines), help_area);

    if let Some((line, col)) = cursor.filter(|_| show_cursor) {
        let line = line as u16;
        if line >= offset && line - offset < body_rows {
            let x = body.x + col as u16;
            if x < body.x + body.width {
                frame.set_cursor_position(Position::new(x, body.y + line - offset));
            }
        }
    }
}

/// Draw the confirmation dialog of a destructive action.
pub fn render_confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, look: DialogLook<'_>) {
    let width = modal_width(area);
    let content_w = usize::from(width.saturating_sub(4)).max(1);
    let action = confirm.action();
    let mut lines: Vec<Line> = Vec::new();
    for chunk in wrap(&action.explanation(), content_w) {
        lines.push(Line::raw(chunk));
    }
    lines.push(Line::raw(""));
    let mut cursor = None;
    let help = match action.typed_confirmation() {
        Some(want) => {
            lines.push(Line::from(vec![
                Span::raw("Type "),
                Span::styled(want.to_string(), look.title()),
                Span::raw(" to confirm:"),
            ]));
            let field_w = content_w.saturating_sub(2).max(1);
            let typed: Vec<char> = confirm.typed().value().chars().collect();
            let (shown, col) = window(&typed, confirm.typed().cursor(), field_w);
            cursor = Some((lines.len(), 2 + col));
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", look.glyphs.focus), look.label(true)),
                Span::styled(pad(&shown, field_w), look.input(true)),
            ]));
            if confirm.mismatch() {
                for chunk in wrap(
                    &format!(
                        "{} that does not match {want}; type it exactly",
                        look.glyphs.error
                    ),
                    content_w,
                ) {
                    lines.push(Line::styled(chunk, look.theme.error));
                }
            }
            format!(
                "{} confirm · {} cancel",
                look.key(Action::Confirm, true),
                look.key(Action::Cancel, true)
            )
        }
        None => {
            let (yes, no) = (
                look.letter_or_key("y", Action::Confirm),
                look.letter_or_key("n", Action::Cancel),
            );
            let say = |keys: &str| keys.replace('/', " or ");
            lines.push(Line::raw(format!(
                "Press {} to confirm, {} to cancel.",
                say(&yes),
                say(&no)
            )));
            format!("{yes} confirm · {no} cancel")
        }
    };
    let title = format!(" {} {} ", look.glyphs.warning, action.title());
    let Some(body) = draw_modal(frame, area, width, &title, lines, &help, look, true) else {
        return;
    };
    if let Some((line, col)) = cursor {
        let (line, col) = (line as u16, col as u16);
        if line < body.height && col < body.width {
            frame.set_cursor_position(Position::new(body.x + col, body.y + line));
        }
    }
}

/// Draw the "shown once" dialog of a new token. The plaintext is read only
/// while the user toggled it visible.
pub fn render_token_reveal(
    frame: &mut Frame,
    area: Rect,
    reveal: &TokenReveal,
    look: DialogLook<'_>,
) {
    let width = modal_width(area);
    let content_w = usize::from(width.saturating_sub(4)).max(1);
    let mut lines: Vec<Line> = vec![Line::styled(
        format!("{} {NOT_SHOWN_AGAIN}", look.glyphs.warning),
        look.warn(),
    )];
    for chunk in wrap(
        "Copy it now and keep it somewhere safe: lepdash forgets it when this dialog closes.",
        content_w,
    ) {
        lines.push(Line::raw(chunk));
    }
    lines.push(Line::raw(""));
    // The token gets whole lines of its own so it can be selected with the
    // mouse (a 70-character `nvapi-` token fits at 80 columns).
    lines.push(Line::styled("Token:", look.label(true)));
    if reveal.is_shown() {
        let text = reveal.plaintext().expose_secret();
        for chunk in wrap_chars(text, content_w) {
            lines.push(Line::styled(chunk, look.title()));
        }
    } else {
        let mask: String =
            std::iter::repeat_n(look.glyphs.mask, TOKEN_MASK_LEN.min(content_w)).collect();
        lines.push(Line::from(vec![
            Span::raw(mask),
            Span::styled(
                format!(
                    " (hidden: press {} to show)",
                    look.key(Action::Reveal, false)
                ),
                look.theme.help,
            ),
        ]));
    }
    // How the copy went, as the driver reported it: never more than that
    // (OSC 52 cannot tell whether the terminal put it on the clipboard).
    let copy_line = match (reveal.copy_result(), reveal.is_copied()) {
        (Some(Ok(how)), _) => Some((format!("{} Copy: {how}.", look.glyphs.check), look.theme.ok)),
        (Some(Err(e)), _) => Some((
            format!("{} Could not copy: {e}.", look.glyphs.error),
            look.theme.error,
        )),
        (None, true) => Some(("Copying…".to_string(), look.theme.help)),
        (None, false) => None,
    };
    if copy_line.is_some() || reveal.is_close_armed() {
        lines.push(Line::raw(""));
    }
    if let Some((text, style)) = copy_line {
        for chunk in wrap(&text, content_w) {
            lines.push(Line::styled(chunk, style));
        }
    }
    if reveal.is_close_armed() {
        let text = format!(
            "{} Not copied yet: press {} again to close and lose the token, or {} to copy it.",
            look.glyphs.warning,
            look.key(Action::Cancel, false),
            look.key(Action::Copy, false)
        );
        for chunk in wrap(&text, content_w) {
            lines.push(Line::styled(chunk, look.warn()));
        }
    }
    let help = format!(
        "{} {} · {} copy · {} close",
        look.key(Action::Reveal, false),
        if reveal.is_shown() { "hide" } else { "show" },
        look.key(Action::Copy, false),
        look.key(Action::Cancel, false)
    );
    let title = format!(" Token created: {} ", reveal.name());
    draw_modal(frame, area, width, &title, lines, &help, look, false);
}

/// A centred modal `width` wide: the frame titled `title`, `lines` at the
/// top and the wrapped `help` at the bottom. Returns the area `lines` went
/// to, or `None` when the frame has no room inside.
#[allow(clippy::too_many_arguments)] // a drawing call: each is one knob
fn draw_modal(
    frame: &mut Frame,
    area: Rect,
    width: u16,
    title: &str,
    lines: Vec<Line<'static>>,
    help: &str,
    look: DialogLook<'_>,
    danger: bool,
) -> Option<Rect> {
    let content_w = usize::from(width.saturating_sub(4)).max(1);
    let lines = look.lines(lines);
    let help_lines = wrap(&look.text(help), content_w);
    let height = (lines.len() as u16 + help_lines.len() as u16 + 3).min(area.height);
    let rect = centered(area, width, height);
    let inner = draw_frame(frame, rect, &look.text(title), look, danger);
    if inner.height == 0 {
        return None;
    }
    let help_rows = (help_lines.len() as u16).min(inner.height);
    let body = Rect::new(
        inner.x,
        inner.y,
        inner.width,
        inner.height.saturating_sub(help_rows + 1),
    );
    frame.render_widget(Paragraph::new(lines), body);
    render_help(frame, inner, help_lines, look);
    Some(body)
}

// ---------------------------------------------------------------- helpers

/// The value part of a field row and the cursor column within it.
fn value_spans(
    field: &Field,
    focused: bool,
    width: usize,
    look: DialogLook<'_>,
) -> (Vec<Span<'static>>, Option<usize>) {
    let input = look.input(focused);
    match field.display() {
        Display::Text { text, cursor } => {
            if text.is_empty() {
                return (hint_spans(field, focused, width, look), Some(0));
            }
            let chars: Vec<char> = text.chars().collect();
            let (shown, col) = window(&chars, cursor, width);
            (vec![Span::styled(pad(&shown, width), input)], Some(col))
        }
        Display::Masked { len, cursor } => {
            if len == 0 {
                return (hint_spans(field, focused, width, look), Some(0));
            }
            let bullets = vec![look.glyphs.mask; len];
            let (shown, col) = window(&bullets, cursor, width);
            (vec![Span::styled(pad(&shown, width), input)], Some(col))
        }
        Display::Revealed { text, cursor } => {
            let chars: Vec<char> = text
                .chars()
                .map(|c| if c == '\n' { '⏎' } else { c })
                .collect();
            let (shown, col) = window(&chars, cursor, width);
            (vec![Span::styled(pad(&shown, width), input)], Some(col))
        }
        Display::Choice { label, .. } => {
            let text = format!("‹ {label} ›");
            (vec![Span::styled(pad(&text, width), input)], None)
        }
        Display::Info { text } => (vec![Span::raw(text.to_string())], None),
    }
}

/// An empty field: its hint (or "enter again" after a sent masked value).
fn hint_spans(
    field: &Field,
    focused: bool,
    width: usize,
    look: DialogLook<'_>,
) -> Vec<Span<'static>> {
    let hint = if field.was_sent() {
        Some("cleared after sending: enter it again to retry")
    } else {
        field.hint()
    };
    let text = hint.map(|h| look.hint_text(h)).unwrap_or_default();
    let text: String = text.chars().take(width).collect();
    vec![Span::styled(pad(&text, width), look.hint(focused))]
}

/// The part of `chars` that fits `width` with the cursor visible, and the
/// cursor's column in it.
fn window(chars: &[char], cursor: usize, width: usize) -> (String, usize) {
    let cursor = cursor.min(chars.len());
    let start = (cursor + 1).saturating_sub(width);
    let end = (start + width).min(chars.len());
    (chars[start..end].iter().collect(), cursor - start)
}

/// Pad `text` with spaces to `width` characters (or cut it).
fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n >= width {
        text.chars().take(width).collect()
    } else {
        let mut s = String::with_capacity(text.len() + width - n);
        s.push_str(text);
        s.extend(std::iter::repeat_n(' ', width - n));
        s
    }
}

/// Word-wrap `text` to `width` characters; over-long words are split.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut len = 0;
    for word in text.split(' ') {
        let mut word: Vec<char> = word.chars().collect();
        loop {
            let extra = if len == 0 { 0 } else { 1 };
            if len + extra + word.len() <= width {
                if extra == 1 {
                    line.push(' ');
                }
                line.extend(word.iter());
                len += extra + word.len();
                break;
            }
            if len > 0 {
                out.push(std::mem::take(&mut line));
                len = 0;
                continue;
            }
            // A word longer than the line: split it.
            let rest = word.split_off(width);
            out.push(word.iter().collect());
            word = rest;
        }
    }
    if len > 0 || out.is_empty() {
        out.push(line);
    }
    out
}

/// Split `text` every `width` characters (for tokens: no word breaks).
fn wrap_chars(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}

fn modal_width(area: Rect) -> u16 {
    area.width
        .saturating_sub(4)
        .min(MAX_WIDTH)
        .max(area.width.min(20))
}

/// Clear `rect`, draw the border and title, return the padded inner area.
fn draw_frame(
    frame: &mut Frame,
    rect: Rect,
    title: &str,
    look: DialogLook<'_>,
    danger: bool,
) -> Rect {
    frame.render_widget(Clear, rect);
    let set = if danger {
        look.glyphs.heavy_border
    } else {
        look.glyphs.border
    };
    let block = Block::bordered()
        .border_set(set)
        .border_style(look.border(danger))
        .title(Span::styled(title.to_string(), look.title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    Rect::new(
        inner.x.saturating_add(1).min(inner.x + inner.width),
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    )
}

/// The help lines pinned to the bottom of `inner`.
fn render_help(frame: &mut Frame, inner: Rect, help: Vec<String>, look: DialogLook<'_>) {
    let rows = (help.len() as u16).min(inner.height);
    let area = Rect::new(inner.x, inner.y + inner.height - rows, inner.width, rows);
    let lines: Vec<Line> = help
        .into_iter()
        .map(|l| Line::styled(l, look.theme.help))
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap_chars("abcdefg", 3), ["abc", "def", "g"]);
    }

    #[test]
    fn windows_keep_the_cursor_visible() {
        let chars: Vec<char> = "abcdefghij".chars().collect();
        assert_eq!(window(&chars, 10, 4), ("hij".to_string(), 3));
        assert_eq!(window(&chars, 0, 4), ("abcd".to_string(), 0));
        assert_eq!(window(&chars, 5, 20), ("abcdefghij".to_string(), 5));
    }

    #[test]
    fn padding() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("abcdef", 3), "abc");
    }
}
