//! Terminal notifications (issue 10): OSC 9 (iTerm2, WezTerm, kitty,
//! Windows Terminal, Ghostty) or OSC 777 (VTE terminals, urxvt, foot),
//! passed through tmux or screen with the clipboard's wrapper; a bell
//! where the terminal is not known to show either.
//!
//! The text is one line of printable ASCII (anything else becomes `?`,
//! `;` a `,` for OSC 777's fields), at most [`MAX_NOTIFY`] characters. It
//! comes from an event, which names items and never carries a secret value
//! or a token.

use crate::clipboard::passthrough;

/// Longest notification body (characters).
pub const MAX_NOTIFY: usize = 160;

/// Which escape a terminal understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Osc9,
    Osc777,
    Bell,
}

/// The method for the terminal described by `env` (TERM, TERM_PROGRAM,
/// VTE_VERSION, …). Inside tmux or screen without a better hint: OSC 9.
pub fn method(env: &dyn Fn(&str) -> Option<String>) -> Method {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    let term = env("TERM").unwrap_or_default();
    let program = env("TERM_PROGRAM").unwrap_or_default();
    if set("VTE_VERSION") || term.starts_with("rxvt") || term.starts_with("foot") {
        return Method::Osc777;
    }
    let osc9_programs = ["iTerm.app", "WezTerm", "ghostty", "vscode"];
    if osc9_programs.contains(&program.as_str())
        || term.contains("kitty")
        || term.contains("ghostty")
        || set("WT_SESSION")
        || set("KITTY_WINDOW_ID")
        || set("WEZTERM_PANE")
        || set("TMUX")
        || set("STY")
    {
        return Method::Osc9;
    }
    Method::Bell
}

/// The text made safe for an OSC string: printable ASCII, one line, short.
pub fn safe_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_NOTIFY));
    for (n, c) in text.chars().enumerate() {
        if n == MAX_NOTIFY {
            out.push_str("...");
            break;
        }
        out.push(match c {
            '→' => '>',
            ';' => ',',
            ' '..='~' => c,
            _ => '?',
        });
    }
    out.replace("->", ">")
}

/// The bytes to write for a notification with `text`.
pub fn sequence(text: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let body = safe_text(text);
    let osc = match method(env) {
        Method::Bell => return "\x07".to_string(),
        Method::Osc9 => format!("\x1b]9;lepdash: {body}\x07"),
        Method::Osc777 => format!("\x1b]777;notify;lepdash;{body}\x07"),
    };
    passthrough(&osc, env).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, x)| (k.to_string(), x.to_string()))
            .collect();
        move |k: &str| v.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone())
    }

    #[test]
    fn methods_by_terminal() {
        assert_eq!(method(&env_of(&[("TERM", "xterm")])), Method::Bell);
        assert_eq!(method(&env_of(&[("VTE_VERSION", "7600")])), Method::Osc777);
        assert_eq!(
            method(&env_of(&[("TERM_PROGRAM", "iTerm.app")])),
            Method::Osc9
        );
        assert_eq!(method(&env_of(&[("TMUX", "/tmp/x,1,0")])), Method::Osc9);
    }

    #[test]
    fn osc9_and_777_and_bell() {
        let s = sequence("secrets added HF", &env_of(&[("WT_SESSION", "1")]));
        assert_eq!(s, "\x1b]9;lepdash: secrets added HF\x07");
        let s = sequence("a;b", &env_of(&[("VTE_VERSION", "1")]));
        assert_eq!(s, "\x1b]777;notify;lepdash;a,b\x07");
        assert_eq!(sequence("x", &env_of(&[])), "\x07");
    }

    #[test]
    fn tmux_passthrough_doubles_escapes() {
        let s = sequence("hi", &env_of(&[("TMUX", "1")]));
        assert!(
            s.contains("\x1bPtmux;\x1b\x1b]9;lepdash: hi\x07\x1b\\"),
            "{s:?}"
        );
    }

    #[test]
    fn text_is_printable_ascii_one_line() {
        let t = safe_text("a\x1b]52;c;x\x07\nb\u{202e}é → z");
        assert!(t.chars().all(|c| (' '..='~').contains(&c)), "{t:?}");
        assert!(!t.contains(';'));
        assert!(safe_text(&"x".repeat(500)).len() <= MAX_NOTIFY + 3);
    }
}
