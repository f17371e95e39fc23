//! Themes (dark, light, mono) and glyph sets (Unicode, ASCII). Mono uses
//! only bold / reverse / underline, never a colour (also used for NO_COLOR).

use std::borrow::Cow;

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::app::ThemeName;
use crate::app::view::Tone;
use crate::app::{Severity, ToastLevel};

#[derive(Debug, Clone)]
pub struct Theme {
    pub mono: bool,
    pub base: Style,
    pub muted: Style,
    pub accent: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    pub border: Style,
    pub title: Style,
    pub key: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub table_header: Style,
    pub selected: Style,
    pub matched: Style,
    pub changed: Style,
    pub badge_ok: Style,
    pub badge_warn: Style,
    pub badge_error: Style,
    pub badge_unknown: Style,
    pub marker: Style,
    pub banner_error: Style,
    pub banner_warn: Style,
    pub banner_info: Style,
    pub gauge_ok: Style,
    pub gauge_warn: Style,
    pub gauge_error: Style,
    pub gauge_empty: Style,
    pub toast_info: Style,
    pub toast_success: Style,
    pub toast_warn: Style,
    pub toast_error: Style,
    pub overlay: Style,
    /// The focused input of a dialog.
    pub input: Style,
    /// The hint in an empty dialog field.
    pub hint: Style,
    /// Dialog help and info lines.
    pub help: Style,
}

fn fg(c: Color) -> Style {
    Style::new().fg(c)
}

const BOLD: Modifier = Modifier::BOLD;
const REV: Modifier = Modifier::REVERSED;
const UNDER: Modifier = Modifier::UNDERLINED;

impl Theme {
    pub fn new(name: ThemeName) -> Self {
        match name {
            ThemeName::Dark => Theme::dark(),
            ThemeName::Light => Theme::light(),
            ThemeName::Mono => Theme::mono(),
        }
    }

    fn dark() -> Self {
        Theme {
            mono: false,
            base: Style::new(),
            muted: fg(Color::DarkGray),
            accent: fg(Color::Cyan),
            ok: fg(Color::Green),
            warn: fg(Color::Yellow),
            error: fg(Color::Red),
            border: fg(Color::DarkGray),
            title: fg(Color::Cyan).add_modifier(BOLD),
            key: fg(Color::Cyan).add_modifier(BOLD),
            tab: Style::new(),
            tab_active: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(BOLD),
            table_header: fg(Color::Cyan).add_modifier(BOLD),
            selected: Style::new().bg(Color::DarkGray).add_modifier(BOLD),
            matched: fg(Color::Yellow).add_modifier(BOLD | UNDER),
            changed: fg(Color::Magenta).add_modifier(BOLD),
            badge_ok: Style::new()
                .fg(Color::Black)
                .bg(Color::Green)
                .add_modifier(BOLD),
            badge_warn: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(BOLD),
            badge_error: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(BOLD),
            badge_unknown: Style::new()
                .fg(Color::Black)
                .bg(Color::Magenta)
                .add_modifier(BOLD),
            marker: fg(Color::Yellow).add_modifier(BOLD),
            banner_error: fg(Color::Red),
            banner_warn: fg(Color::Yellow),
            banner_info: fg(Color::Cyan),
            gauge_ok: fg(Color::Green),
            gauge_warn: fg(Color::Yellow),
            gauge_error: fg(Color::Red),
            gauge_empty: fg(Color::DarkGray),
            toast_info: Style::new().fg(Color::Black).bg(Color::Cyan),
            toast_success: Style::new().fg(Color::Black).bg(Color::Green),
            toast_warn: Style::new().fg(Color::Black).bg(Color::Yellow),
            toast_error: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(BOLD),
            overlay: Style::new(),
            input: Style::new().bg(Color::DarkGray).fg(Color::White),
            hint: fg(Color::Gray).add_modifier(Modifier::DIM),
            help: fg(Color::Gray),
        }
    }

    fn light() -> Self {
        let amber = Color::Rgb(0x9a, 0x60, 0x00);
        let blue = Color::Rgb(0x00, 0x55, 0xaa);
        let grey = Color::Rgb(0x70, 0x70, 0x70);
        Theme {
            mono: false,
            base: Style::new(),
            muted: fg(grey),
            accent: fg(blue),
            ok: fg(Color::Rgb(0x10, 0x7a, 0x10)),
            warn: fg(amber),
            error: fg(Color::Rgb(0xc0, 0x10, 0x10)),
            border: fg(grey),
            title: fg(blue).add_modifier(BOLD),
            key: fg(blue).add_modifier(BOLD),
            tab: Style::new(),
            tab_active: Style::new().fg(Color::White).bg(blue).add_modifier(BOLD),
            table_header: fg(blue).add_modifier(BOLD),
            selected: Style::new()
                .bg(Color::Rgb(0xd8, 0xe4, 0xf0))
                .add_modifier(BOLD),
            matched: fg(Color::Rgb(0xa0, 0x00, 0x70)).add_modifier(BOLD | UNDER),
            changed: fg(Color::Rgb(0xa0, 0x00, 0xa0)).add_modifier(BOLD),
            badge_ok: Style::new()
                .fg(Color::White)
                .bg(Color::Rgb(0x10, 0x7a, 0x10))
                .add_modifier(BOLD),
            badge_warn: Style::new().fg(Color::White).bg(amber).add_modifier(BOLD),
            badge_error: Style::new()
                .fg(Color::White)
                .bg(Color::Rgb(0xc0, 0x10, 0x10))
                .add_modifier(BOLD),
            badge_unknown: Style::new()
                .fg(Color::White)
                .bg(Color::Rgb(0x80, 0x30, 0x90))
                .add_modifier(BOLD),
            marker: fg(amber).add_modifier(BOLD),
            banner_error: fg(Color::Rgb(0xc0, 0x10, 0x10)),
            banner_warn: fg(amber),
            banner_info: fg(blue),
            gauge_ok: fg(Color::Rgb(0x10, 0x7a, 0x10)),
            gauge_warn: fg(amber),
            gauge_error: fg(Color::Rgb(0xc0, 0x10, 0x10)),
            gauge_empty: fg(Color::Rgb(0xb0, 0xb0, 0xb0)),
            toast_info: Style::new().fg(Color::White).bg(blue),
            toast_success: Style::new()
                .fg(Color::White)
                .bg(Color::Rgb(0x10, 0x7a, 0x10)),
            toast_warn: Style::new().fg(Color::White).bg(amber),
            toast_error: Style::new()
                .fg(Color::White)
                .bg(Color::Rgb(0xc0, 0x10, 0x10))
                .add_modifier(BOLD),
            overlay: Style::new(),
            input: Style::new()
                .bg(Color::Rgb(0xd8, 0xe4, 0xf0))
                .fg(Color::Black),
            hint: fg(grey),
            help: fg(Color::Rgb(0x50, 0x50, 0x50)),
        }
    }

    fn mono() -> Self {
        let plain = Style::new();
        let bold = Style::new().add_modifier(BOLD);
        let rev = Style::new().add_modifier(REV);
        Theme {
            mono: true,
            base: plain,
            muted: plain,
            accent: bold,
            ok: plain,
            warn: bold,
            error: bold.add_modifier(UNDER),
            border: plain,
            title: bold,
            key: bold,
            tab: plain,
            tab_active: rev.add_modifier(BOLD),
            table_header: bold.add_modifier(UNDER),
            selected: rev,
            matched: Style::new().add_modifier(UNDER | BOLD),
            changed: bold,
            badge_ok: rev,
            badge_warn: rev.add_modifier(BOLD),
            badge_error: rev.add_modifier(BOLD | UNDER),
            badge_unknown: rev,
            marker: bold,
            banner_error: bold,
            banner_warn: bold,
            banner_info: plain,
            gauge_ok: plain,
            gauge_warn: bold,
            gauge_error: bold,
            gauge_empty: plain,
            toast_info: rev,
            toast_success: rev,
            toast_warn: rev.add_modifier(BOLD),
            toast_error: rev.add_modifier(BOLD),
            overlay: plain,
            input: Style::new().add_modifier(UNDER),
            hint: plain,
            help: plain,
        }
    }

    pub fn tone(&self, tone: Tone) -> Style {
        match tone {
            Tone::Normal => self.base,
            Tone::Muted => self.muted,
            Tone::Accent => self.accent,
            Tone::Ok => self.ok,
            Tone::Warn => self.warn,
            Tone::Error => self.error,
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.banner_error,
            Severity::Warn => self.banner_warn,
            Severity::Info => self.banner_info,
        }
    }

    pub fn toast(&self, level: ToastLevel) -> Style {
        match level {
            ToastLevel::Info => self.toast_info,
            ToastLevel::Success => self.toast_success,
            ToastLevel::Warn => self.toast_warn,
            ToastLevel::Error => self.toast_error,
        }
    }
}

/// Characters that differ between Unicode and ASCII mode.
#[derive(Debug, Clone, Copy)]
pub struct Glyphs {
    pub ascii: bool,
    pub border: border::Set<'static>,
    /// The border of a dialog that asks about a destructive action.
    pub heavy_border: border::Set<'static>,
    pub spinner: &'static [&'static str],
    pub sort_up: &'static str,
    pub sort_down: &'static str,
    pub ellipsis: &'static str,
    pub gauge_full: &'static str,
    pub gauge_empty: &'static str,
    pub selected: &'static str,
    pub changed: &'static str,
    pub cursor: &'static str,
    pub sep: &'static str,
    pub dot: &'static str,
    pub ok: &'static str,
    pub paused: &'static str,
    pub bad: &'static str,
    pub unknown: &'static str,
    /// The focused row of a dialog.
    pub focus: &'static str,
    /// Before an inline error.
    pub error: &'static str,
    /// Before a warning.
    pub warning: &'static str,
    /// Before a success.
    pub check: &'static str,
    /// One masked character.
    pub mask: char,
}

/// ASCII border: `+`, `-`, `|`.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Glyphs {
    pub fn new(ascii: bool) -> Self {
        if ascii {
            Glyphs {
                ascii: true,
                border: ASCII_BORDER,
                heavy_border: ASCII_BORDER,
                spinner: &["|", "/", "-", "\\"],
                sort_up: "^",
                sort_down: "v",
                ellipsis: "...",
                gauge_full: "#",
                gauge_empty: ".",
                selected: ">",
                changed: "*",
                cursor: "_",
                sep: "|",
                dot: "-",
                ok: "*",
                paused: "=",
                bad: "x",
                unknown: "?",
                focus: ">",
                error: "x",
                warning: "!",
                check: "+",
                mask: '*',
            }
        } else {
            Glyphs {
                ascii: false,
                border: border::ROUNDED,
                heavy_border: border::THICK,
                spinner: &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
                sort_up: "▲",
                sort_down: "▼",
                ellipsis: "…",
                gauge_full: "█",
                gauge_empty: "░",
                selected: "▶",
                changed: "*",
                cursor: "▏",
                sep: "│",
                dot: "·",
                ok: "●",
                paused: "‖",
                bad: "✖",
                unknown: "?",
                focus: "›",
                error: "✗",
                warning: "⚠",
                check: "✓",
                mask: '•',
            }
        }
    }

    /// `text` as drawn: in ASCII mode the Unicode punctuation of messages
    /// and dialogs is replaced (see [`fold_ascii`]).
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.ascii {
            fold_ascii(text)
        } else {
            Cow::Borrowed(text)
        }
    }
}

/// Unicode punctuation of messages and dialogs and its ASCII stand-ins.
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

/// `text` with that punctuation replaced by ASCII.
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
