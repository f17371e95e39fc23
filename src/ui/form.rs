//! Drawing of the management forms, the confirmation dialog and the token
//! dialog as centred modals. Every state is shown by text or a glyph as well
//! as colour (`›` focus, `✗` error, `⚠` warning); `mono` restricts styling to
//! bold, reverse and underline; `ascii` draws only ASCII (`>`, `x`, `!`, `+-|`
//! borders). Masked values are drawn as one `•` per character and never read
//! unless the user toggled them visible.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use secrecy::ExposeSecret;
use std::borrow::Cow;

use crate::app::forms::{Confirm, Dialog, Display, Field, Form, NOT_SHOWN_AGAIN, TokenReveal};

/// Widest modal drawn.
const MAX_WIDTH: u16 = 76;
/// Glyph before an inline error.
const ERROR_GLYPH: &str = "✗";
/// Glyph of the focused row.
const FOCUS_GLYPH: &str = "›";
/// Masked character.
const BULLET: char = '•';
/// A fixed mask for the token dialog (does not give away the length).
const TOKEN_MASK: &str = "••••••••••••••••••••••••";

/// How the dashboard draws: mono (no colour) and/or ASCII only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DialogStyle {
    pub mono: bool,
    pub ascii: bool,
}

/// The styles of the modals, in colour or mono, Unicode or ASCII.
#[derive(Clone, Copy)]
struct Theme {
    mono: bool,
    ascii: bool,
}

/// Unicode glyphs of the modals and their ASCII stand-ins.
const ASCII_FOLD: [(char, &str); 14] = [
    ('·', "-"),
    ('…', "..."),
    ('—', "-"),
    ('–', "-"),
    ('←', "<-"),
    ('→', "->"),
    ('‹', "<"),
    ('›', ">"),
    ('•', "*"),
    ('✗', "x"),
    ('⚠', "!"),
    ('✓', "+"),
    ('⏎', "|"),
    ('’', "'"),
];

/// `text` with the modal glyphs replaced by ASCII.
pub fn fold_ascii(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match ASCII_FOLD.iter().find(|(g, _)| *g == c) {
            Some((_, a)) => out.push_str(a),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

impl Theme {
    fn new(style: DialogStyle) -> Theme {
        Theme {
            mono: style.mono,
            ascii: style.ascii,
        }
    }

    /// Text as drawn: folded to ASCII in ASCII mode.
    fn text<'a>(self, text: &'a str) -> Cow<'a, str> {
        if self.ascii {
            fold_ascii(text)
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Lines as drawn (every span folded in ASCII mode).
    fn lines(self, lines: Vec<Line<'static>>) -> Vec<Line<'static>> {
        if !self.ascii {
            return lines;
        }
        lines
            .into_iter()
            .map(|l| {
                let spans: Vec<Span<'static>> = l
                    .spans
                    .into_iter()
                    .map(|sp| {
                        let text = fold_ascii(&sp.content).into_owned();
                        Span::styled(text, sp.style)
                    })
                    .collect();
                Line::from(spans).style(l.style)
            })
            .collect()
    }

    fn pick(self, color: Style, mono: Style) -> Style {
        if self.mono { mono } else { color }
    }
    fn border(self, danger: bool) -> Style {
        let color = if danger { Color::Red } else { Color::Cyan };
        self.pick(Style::new().fg(color), Style::new())
    }
    fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    fn label(self, focused: bool) -> Style {
        if focused {
            self.pick(
                Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
                Style::new().add_modifier(Modifier::BOLD),
            )
        } else {
            Style::new()
        }
    }
    fn input(self, focused: bool) -> Style {
        if focused {
            self.pick(
                Style::new().bg(Color::DarkGray).fg(Color::White),
                Style::new().add_modifier(Modifier::UNDERLINED),
            )
        } else {
            Style::new()
        }
    }
    fn hint(self, focused: bool) -> Style {
        self.pick(
            Style::new().fg(Color::Gray).add_modifier(Modifier::DIM),
            Style::new(),
        )
        .patch(if focused {
            self.input(true)
        } else {
            Style::new()
        })
    }
    fn error(self) -> Style {
        self.pick(
            Style::new().fg(Color::Red),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    fn warn(self) -> Style {
        self.pick(
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    fn ok(self) -> Style {
        self.pick(
            Style::new().fg(Color::Green),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }
    fn help(self) -> Style {
        self.pick(Style::new().fg(Color::Gray), Style::new())
    }
    fn info(self) -> Style {
        self.pick(Style::new().fg(Color::Gray), Style::new())
    }
    /// A hint in mono has no dim: bracket it so it does not read as a value.
    fn hint_text(self, hint: &str) -> String {
        if self.mono {
            format!("({hint})")
        } else {
            hint.to_string()
        }
    }
}

/// Draw whatever `dialog` holds: a form, a confirmation (over the form it
/// belongs to, if any) or the token dialog.
pub fn render_dialog(frame: &mut Frame, area: Rect, dialog: &Dialog, mono: bool) {
    render_dialog_styled(frame, area, dialog, DialogStyle { mono, ascii: false });
}

/// [`render_dialog`] in the dashboard's style (mono and/or ASCII).
pub fn render_dialog_styled(frame: &mut Frame, area: Rect, dialog: &Dialog, style: DialogStyle) {
    let theme = Theme::new(style);
    if let Some(form) = dialog.form_ref() {
        // Under a confirmation the form's cursor would be misleading.
        draw_form(frame, area, form, theme, dialog.confirm_ref().is_none());
    }
    if let Some(confirm) = dialog.confirm_ref() {
        draw_confirm(frame, area, confirm, theme);
    }
    if let Some(reveal) = dialog.reveal_ref() {
        draw_token_reveal(frame, area, reveal, theme);
    }
}

/// Draw `form` as a modal centred in `area`.
pub fn render_form(frame: &mut Frame, area: Rect, form: &Form, mono: bool) {
    draw_form(frame, area, form, Theme { mono, ascii: false }, true);
}

fn draw_form(frame: &mut Frame, area: Rect, form: &Form, theme: Theme, show_cursor: bool) {
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
                theme.warn()
            } else {
                theme.info()
            };
            let labelled = !field.label().is_empty();
            let (indent, width) = if labelled {
                (value_x, value_w)
            } else {
                (0, content_w)
            };
            let glyph = if field.is_warning() { "⚠ " } else { "" };
            for (n, chunk) in wrap(&format!("{glyph}{text}"), width)
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
        let marker = if focused { FOCUS_GLYPH } else { " " };
        let mut spans = vec![
            Span::styled(format!("{marker} "), theme.label(focused)),
            Span::styled(pad(field.label(), label_w), theme.label(focused)),
        ];
        let (value_spans, cursor_col) = value_spans(field, focused, value_w, theme);
        spans.extend(value_spans);
        if focused {
            cursor = cursor_col.map(|c| (lines.len(), value_x + c));
        }
        lines.push(Line::from(spans));
        if let Some(err) = field.error() {
            for chunk in wrap(&format!("{ERROR_GLYPH} {err}"), value_w) {
                lines.push(Line::from(vec![
                    Span::raw(" ".repeat(value_x)),
                    Span::styled(chunk, theme.error()),
                ]));
            }
        }
    }
    if let Some(err) = form.server_error() {
        lines.push(Line::raw(""));
        for chunk in wrap(&format!("{ERROR_GLYPH} {err}"), content_w) {
            lines.push(Line::styled(chunk, theme.error()));
        }
    }

    let lines = theme.lines(lines);
    let help = form.help_line();
    let help_lines = wrap(&theme.text(&help), content_w);
    let body_h = lines.len() as u16;
    let help_h = help_lines.len() as u16;
    // Border, body, a blank line, help, border.
    let height = (body_h + help_h + 3).min(area.height);
    let rect = centered(area, width, height);
    let mut title = format!(" {} ", form.title());
    if form.is_submitting() {
        title = format!(" {} · sending… ", form.title());
    }
    let inner = draw_frame(frame, rect, &theme.text(&title), theme, false);
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
        .map(|l| Line::styled(l, theme.help()))
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
pub fn render_confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, mono: bool) {
    draw_confirm(frame, area, confirm, Theme { mono, ascii: false });
}

fn draw_confirm(frame: &mut Frame, area: Rect, confirm: &Confirm, theme: Theme) {
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
                Span::styled(want.to_string(), theme.title()),
                Span::raw(" to confirm:"),
            ]));
            let field_w = content_w.saturating_sub(2).max(1);
            let typed: Vec<char> = confirm.typed().chars().collect();
            let start = typed.len().saturating_sub(field_w.saturating_sub(1));
            let shown: String = typed[start..].iter().collect();
            cursor = Some((lines.len(), 2 + shown.chars().count()));
            lines.push(Line::from(vec![
                Span::styled(format!("{FOCUS_GLYPH} "), theme.label(true)),
                Span::styled(pad(&shown, field_w), theme.input(true)),
            ]));
            if confirm.mismatch() {
                for chunk in wrap(
                    &format!("{ERROR_GLYPH} that does not match {want}; type it exactly"),
                    content_w,
                ) {
                    lines.push(Line::styled(chunk, theme.error()));
                }
            }
            "Enter confirm · Esc cancel"
        }
        None => {
            lines.push(Line::raw(
                "Press y or Enter to confirm, n or Esc to cancel.",
            ));
            "y/Enter confirm · n/Esc cancel"
        }
    };
    let title = format!(" ⚠ {} ", action.title());
    let Some(body) = draw_modal(frame, area, width, &title, lines, help, theme, true) else {
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
pub fn render_token_reveal(frame: &mut Frame, area: Rect, reveal: &TokenReveal, mono: bool) {
    draw_token_reveal(frame, area, reveal, Theme { mono, ascii: false });
}

fn draw_token_reveal(frame: &mut Frame, area: Rect, reveal: &TokenReveal, theme: Theme) {
    let width = modal_width(area);
    let content_w = usize::from(width.saturating_sub(4)).max(1);
    let mut lines: Vec<Line> = vec![Line::styled(format!("⚠ {NOT_SHOWN_AGAIN}"), theme.warn())];
    for chunk in wrap(
        "Copy it now and keep it somewhere safe: lepdash forgets it when this dialog closes.",
        content_w,
    ) {
        lines.push(Line::raw(chunk));
    }
    lines.push(Line::raw(""));
    // The token gets whole lines of its own so it can be selected with the
    // mouse (a 70-character `nvapi-` token fits at 80 columns).
    lines.push(Line::styled("Token:", theme.label(true)));
    if reveal.is_shown() {
        let text = reveal.plaintext().expose_secret();
        for chunk in wrap_chars(text, content_w) {
            lines.push(Line::styled(chunk, theme.title()));
        }
    } else {
        let mask: String = TOKEN_MASK.chars().take(content_w).collect();
        lines.push(Line::from(vec![
            Span::raw(mask),
            Span::styled(" (hidden: press x to show)", theme.info()),
        ]));
    }
    // How the copy went, as the driver reported it: never more than that
    // (OSC 52 cannot tell whether the terminal put it on the clipboard).
    let copy_line = match (reveal.copy_result(), reveal.is_copied()) {
        (Some(Ok(how)), _) => Some((format!("✓ Copy: {how}."), theme.ok())),
        (Some(Err(e)), _) => Some((format!("✗ Could not copy: {e}."), theme.error())),
        (None, true) => Some(("Copying…".to_string(), theme.info())),
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
        for chunk in wrap(
            "⚠ Not copied yet: press Esc again to close and lose the token, or y to copy it.",
            content_w,
        ) {
            lines.push(Line::styled(chunk, theme.warn()));
        }
    }
    let help = if reveal.is_shown() {
        "x hide · y copy · Esc close"
    } else {
        "x show · y copy · Esc close"
    };
    let title = format!(" Token created: {} ", reveal.name());
    draw_modal(frame, area, width, &title, lines, help, theme, false);
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
    theme: Theme,
    danger: bool,
) -> Option<Rect> {
    let content_w = usize::from(width.saturating_sub(4)).max(1);
    let lines = theme.lines(lines);
    let help_lines = wrap(&theme.text(help), content_w);
    let height = (lines.len() as u16 + help_lines.len() as u16 + 3).min(area.height);
    let rect = centered(area, width, height);
    let inner = draw_frame(frame, rect, &theme.text(title), theme, danger);
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
    render_help(frame, inner, help_lines, theme);
    Some(body)
}

// ---------------------------------------------------------------- helpers

/// The value part of a field row and the cursor column within it.
fn value_spans(
    field: &Field,
    focused: bool,
    width: usize,
    theme: Theme,
) -> (Vec<Span<'static>>, Option<usize>) {
    let input = theme.input(focused);
    match field.display() {
        Display::Text { text, cursor } => {
            if text.is_empty() {
                return (hint_spans(field, focused, width, theme), Some(0));
            }
            let chars: Vec<char> = text.chars().collect();
            let (shown, col) = window(&chars, cursor, width);
            (vec![Span::styled(pad(&shown, width), input)], Some(col))
        }
        Display::Masked { len, cursor } => {
            if len == 0 {
                return (hint_spans(field, focused, width, theme), Some(0));
            }
            let bullets = vec![BULLET; len];
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
fn hint_spans(field: &Field, focused: bool, width: usize, theme: Theme) -> Vec<Span<'static>> {
    let hint = if field.was_sent() {
        Some("cleared after sending: enter it again to retry")
    } else {
        field.hint()
    };
    let text = hint.map(|h| theme.hint_text(h)).unwrap_or_default();
    let text: String = text.chars().take(width).collect();
    vec![Span::styled(pad(&text, width), theme.hint(focused))]
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

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// Clear `rect`, draw the border and title, return the padded inner area.
fn draw_frame(frame: &mut Frame, rect: Rect, title: &str, theme: Theme, danger: bool) -> Rect {
    frame.render_widget(Clear, rect);
    let block = Block::bordered();
    let block = if theme.ascii {
        block.border_set(super::theme::ASCII_BORDER)
    } else {
        block.border_type(if danger {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
    };
    let block = block
        .border_style(theme.border(danger))
        .title(Span::styled(title.to_string(), theme.title()));
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
fn render_help(frame: &mut Frame, inner: Rect, help: Vec<String>, theme: Theme) {
    let rows = (help.len() as u16).min(inner.height);
    let area = Rect::new(inner.x, inner.y + inner.height - rows, inner.width, rows);
    let lines: Vec<Line> = help
        .into_iter()
        .map(|l| Line::styled(l, theme.help()))
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
