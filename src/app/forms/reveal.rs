//! The "shown once" dialog after a token is created.

use crossterm::event::{KeyEvent, KeyEventKind};
use secrecy::SecretString;

use crate::api::types::CreatedToken;
use crate::app::keymap::{Action, Keymap};

/// Text of the dialog: the plaintext cannot be fetched again.
pub const NOT_SHOWN_AGAIN: &str = "This token will not be shown again.";

/// What a key did to the token dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealOutcome {
    None,
    /// Redraw (reveal toggled, close armed).
    Changed,
    /// `copy`: the caller copies [`TokenReveal::plaintext`] (`Effect::Copy`) and
    /// then calls [`TokenReveal::mark_copied`].
    Copy,
    /// Close the dialog; dropping it drops the plaintext.
    Close,
}

/// The new token's plaintext, masked until `reveal` (x) is pressed. Dropping this
/// drops (and zeroizes) the secret.
// Clone only because the model is cloned by tests and benches; a cloned
// `SecretString` is zeroized on drop like the original.
#[derive(Debug, Clone)]
pub struct TokenReveal {
    name: String,
    plaintext: SecretString,
    shown: bool,
    /// Shown at least once.
    seen: bool,
    /// A copy was asked for.
    copied: bool,
    /// How the last copy was delivered (`Ok`) or why it failed, as the
    /// driver reported it; `None` while it is on its way.
    copy_result: Option<Result<String, String>>,
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
            copy_result: None,
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

    /// A copy was asked for (see [`TokenReveal::copy_result`] for whether
    /// and how it was delivered).
    pub fn is_copied(&self) -> bool {
        self.copied
    }

    /// How the last copy was delivered, or why it failed; `None` before the
    /// driver answered (or before any copy).
    pub fn copy_result(&self) -> Option<&Result<String, String>> {
        self.copy_result.as_ref()
    }

    /// The driver's answer to the copy (`Msg::Copied`). A failed copy does
    /// not count as copied: closing asks again.
    pub fn set_copy_result(&mut self, result: Result<String, String>) {
        if result.is_err() {
            self.copied = false;
        }
        self.copy_result = Some(result);
    }

    /// Esc was pressed once without copying or showing: the dialog asks again.
    pub fn is_close_armed(&self) -> bool {
        self.close_armed
    }

    /// The caller emitted the copy effect.
    pub fn mark_copied(&mut self) {
        self.copied = true;
        self.copy_result = None;
        self.close_armed = false;
    }

    /// The keymap's `reveal` (x) toggles reveal, `copy` (y) copies,
    /// `cancel` / `confirm` / `quit` (Esc / Enter / q) close. Closing before
    /// the token was copied or shown needs a second press, so one stray key
    /// cannot lose the only copy.
    pub fn handle_key(&mut self, key: KeyEvent, keymap: &Keymap) -> RevealOutcome {
        if key.kind == KeyEventKind::Release {
            return RevealOutcome::None;
        }
        match keymap.dialog_action_for(&key) {
            Some(Action::Reveal) => {
                self.shown = !self.shown;
                self.seen |= self.shown;
                self.close_armed = false;
                RevealOutcome::Changed
            }
            Some(Action::Copy) => RevealOutcome::Copy,
            Some(Action::Cancel | Action::Confirm | Action::Quit) => {
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
