//! The "shown once" dialog after a token is created.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use secrecy::SecretString;

use crate::api::types::CreatedToken;

/// Text of the dialog: the plaintext cannot be fetched again.
pub const NOT_SHOWN_AGAIN: &str = "This token will not be shown again.";

/// What a key did to the token dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealOutcome {
    None,
    /// Redraw (reveal toggled, close armed).
    Changed,
    /// `y`: the caller copies [`TokenReveal::plaintext`] (`Effect::Copy`) and
    /// then calls [`TokenReveal::mark_copied`].
    Copy,
    /// Close the dialog; dropping it drops the plaintext.
    Close,
}

/// The new token's plaintext, masked until `x` is pressed. Dropping this
/// drops (and zeroizes) the secret.
#[derive(Debug)]
pub struct TokenReveal {
    name: String,
    plaintext: SecretString,
    shown: bool,
    /// Shown at least once.
    seen: bool,
    copied: bool,
    /// Esc pressed once before the token was copied or shown.
    close_armed: bool,
}

impl TokenReveal {
    pub fn new(name: impl Into<String>, plaintext: SecretString) -> TokenReveal {
        TokenReveal {
            name: name.into(),
            plaintext,
            shown: false,
            seen: false,
            copied: false,
            close_armed: false,
        }
    }

    /// Take the plaintext out of a create answer.
    pub fn from_created(created: CreatedToken) -> TokenReveal {
        TokenReveal::new(created.record.name, created.plaintext)
    }

    /// The token's name (not secret).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The plaintext, for the clipboard or the revealed view only.
    pub fn plaintext(&self) -> &SecretString {
        &self.plaintext
    }

    /// Whether the plaintext is shown in clear.
    pub fn is_shown(&self) -> bool {
        self.shown
    }

    pub fn is_copied(&self) -> bool {
        self.copied
    }

    /// Esc was pressed once without copying or showing: the dialog asks again.
    pub fn is_close_armed(&self) -> bool {
        self.close_armed
    }

    /// The caller emitted the copy effect.
    pub fn mark_copied(&mut self) {
        self.copied = true;
        self.close_armed = false;
    }

    /// `x` toggles reveal, `y` copies, Esc / Enter / `q` close. Closing before
    /// the token was copied or shown needs a second press, so one stray key
    /// cannot lose the only copy.
    pub fn handle_key(&mut self, key: KeyEvent) -> RevealOutcome {
        if key.kind == KeyEventKind::Release {
            return RevealOutcome::None;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) {
            return RevealOutcome::None;
        }
        match key.code {
            KeyCode::Char('x') | KeyCode::Char('X') => {
                self.shown = !self.shown;
                self.seen |= self.shown;
                self.close_armed = false;
                RevealOutcome::Changed
            }
            KeyCode::Char('y') | KeyCode::Char('Y') => RevealOutcome::Copy,
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') => {
                if self.copied || self.seen || self.close_armed {
                    RevealOutcome::Close
                } else {
                    self.close_armed = true;
                    RevealOutcome::Changed
                }
            }
            _ => RevealOutcome::None,
        }
    }
}
