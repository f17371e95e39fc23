//! Key specs: parsing the config file's `ctrl-c`, `shift-tab`, `G`, and
//! printing keys for hints (`Ctrl-C`, `Shift-Tab`).

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A parsed key: code plus the modifiers that matter (ctrl, alt). Shift is
/// folded into the character for printable keys (`S` = shift-s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl KeySpec {
    /// Whether this key types a character into a text field (no Ctrl or
    /// Alt): inside a text field the character wins over its action.
    pub fn types_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }

    /// Normalise a terminal key event for lookup.
    pub fn from_event(ev: &KeyEvent) -> Self {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let shift = ev.modifiers.contains(KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Tab if shift => KeyCode::BackTab,
            // Some terminals report ctrl-C as 'C'; bindings are lowercase.
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        KeySpec { code, ctrl, alt }
    }

    /// Parse a config spec: `j`, `G`, `?`, `ctrl-c`, `alt-x`, `shift-tab`,
    /// `enter`, `esc`, `pagedown`, `f5`, `space`, `minus`.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err("empty key".into());
        }
        // A single character is always literal (so `-` works).
        if spec.chars().any(char::is_control) {
            return Err(format!(
                "`{}` holds a control character",
                spec.escape_debug()
            ));
        }
        if spec.chars().count() == 1 {
            let c = spec.chars().next().unwrap_or(' ');
            return Ok(KeySpec {
                code: KeyCode::Char(c),
                ctrl: false,
                alt: false,
            });
        }
        let mut parts: Vec<&str> = spec.split('-').collect();
        // `ctrl--` style specs: a trailing empty part means the key is '-'.
        if parts.len() >= 2 && parts[parts.len() - 1].is_empty() {
            parts.pop();
            if let Some(last) = parts.last_mut()
                && last.is_empty()
            {
                *last = "-";
            }
        }
        let key = parts.pop().unwrap_or_default();
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        for m in parts {
            match m.to_ascii_lowercase().as_str() {
                "ctrl" | "c" | "control" => ctrl = true,
                "alt" | "a" | "meta" | "m" => alt = true,
                "shift" | "s" => shift = true,
                other => return Err(format!("unknown modifier `{other}` in `{spec}`")),
            }
        }
        let lower = key.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "tab" if shift => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" | "bs" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" | "pgdown" => KeyCode::PageDown,
            "space" => KeyCode::Char(' '),
            "minus" => KeyCode::Char('-'),
            "plus" => KeyCode::Char('+'),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                match f[1..].parse::<u8>() {
                    Ok(n) if (1..=24).contains(&n) => KeyCode::F(n),
                    _ => return Err(format!("unknown key `{key}` in `{spec}`")),
                }
            }
            _ if key.chars().count() == 1 => {
                let c = key.chars().next().unwrap_or(' ');
                if ctrl {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else if shift {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => return Err(format!("unknown key `{key}` in `{spec}`")),
        };
        Ok(KeySpec { code, ctrl, alt })
    }
}

impl fmt::Display for KeySpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            // `Ctrl-C`, as menus write it (the key is the same).
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}
