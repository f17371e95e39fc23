//! Destructive actions as data: one enum gives the confirmation text, the
//! read-only / 403 message, the log line and the mutation. Irreversible ones
//! need their name typed.

use crossterm::event::{KeyEvent, KeyEventKind};

use crate::app::input::{LineInput, typed_char};
use crate::app::keymap::{Action, Keymap};
use crate::protocol::Mutation;

/// Every destructive action of the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destructive {
    DeleteSecret {
        name: String,
    },
    /// Replacing a secret's value (the update form asks for this first).
    OverwriteSecret {
        name: String,
    },
    RemoveMember {
        id: String,
        email: String,
    },
    /// Withdrawing an invitation not accepted yet: reversible (invite
    /// again), so y / Enter is enough.
    CancelInvite {
        id: String,
        email: String,
    },
    /// `own`: the token lepdash itself is using.
    RevokeToken {
        id: String,
        name: String,
        own: bool,
    },
    DeleteRegistry {
        id: String,
        name: String,
    },
}

impl Destructive {
    /// The dialog title.
    pub fn title(&self) -> String {
        match self {
            Destructive::DeleteSecret { name } => format!("Delete secret {name}?"),
            Destructive::OverwriteSecret { name } => format!("Replace the value of {name}?"),
            Destructive::RemoveMember { email, .. } => format!("Remove member {email}?"),
            Destructive::CancelInvite { email, .. } => format!("Cancel the invitation of {email}?"),
            Destructive::RevokeToken { name, own, .. } => {
                if *own {
                    format!("Revoke token {name} (used by lepdash)?")
                } else {
                    format!("Revoke token {name}?")
                }
            }
            Destructive::DeleteRegistry { name, .. } => format!("Delete registry {name}?"),
        }
    }

    /// What happens, and whether it can be undone.
    pub fn explanation(&self) -> String {
        match self {
            Destructive::DeleteSecret { name } => format!(
                "The secret {name} and its value are deleted from the workspace. Workloads that \
                 reference it fail to start until it is created again. This cannot be undone: \
                 the value cannot be recovered."
            ),
            Destructive::OverwriteSecret { name } => format!(
                "The current value of {name} is replaced by the one you entered; the old value \
                 cannot be shown or restored. Running workloads keep the old value until they \
                 restart."
            ),
            Destructive::RemoveMember { email, .. } => format!(
                "{email} loses access to this workspace at once. This cannot be undone; to give \
                 access back, invite them again."
            ),
            Destructive::CancelInvite { email, .. } => format!(
                "The pending invitation of {email} is withdrawn; the link in their email stops \
                 working. You can invite them again at any time."
            ),
            Destructive::RevokeToken { name, own, .. } => {
                let base = format!(
                    "Every program using the token {name} is rejected from now on. This cannot \
                     be undone."
                );
                if *own {
                    format!(
                        "{base} WARNING: lepdash itself is using this token. After revoking it, \
                         lepdash (and any `lep` login with it) loses access to the workspace \
                         immediately; you will need a new token and `lep login` to continue."
                    )
                } else {
                    base
                }
            }
            Destructive::DeleteRegistry { name, .. } => format!(
                "The registry credentials {name} are deleted. Workloads that pull images with \
                 them fail until they are added again (you can add them again at any time)."
            ),
        }
    }

    /// The text to type for irreversible actions (revoke token, delete secret,
    /// remove member); `None` means y / Enter is enough.
    pub fn typed_confirmation(&self) -> Option<&str> {
        match self {
            Destructive::DeleteSecret { name } => Some(name),
            Destructive::RemoveMember { email, .. } => Some(email),
            Destructive::RevokeToken { name, .. } => Some(name),
            Destructive::OverwriteSecret { .. }
            | Destructive::CancelInvite { .. }
            | Destructive::DeleteRegistry { .. } => None,
        }
    }

    /// One line for the log: names and ids only, never a value.
    pub fn log_line(&self) -> String {
        match self {
            Destructive::DeleteSecret { name } => format!("delete secret name={name}"),
            Destructive::OverwriteSecret { name } => format!("overwrite secret name={name}"),
            Destructive::RemoveMember { id, email } => {
                format!("remove member id={id} email={email}")
            }
            Destructive::CancelInvite { id, email } => {
                format!("cancel invitation id={id} email={email}")
            }
            Destructive::RevokeToken { id, name, own } => {
                format!("revoke token id={id} name={name} own={own}")
            }
            Destructive::DeleteRegistry { id, name } => {
                format!("delete registry id={id} name={name}")
            }
        }
    }

    /// The verb phrase for "your role cannot …" / read-only messages.
    pub fn verb(&self) -> &'static str {
        match self {
            Destructive::DeleteSecret { .. } => "delete secrets",
            Destructive::OverwriteSecret { .. } => "update secrets",
            Destructive::RemoveMember { .. } | Destructive::CancelInvite { .. } => "remove members",
            Destructive::RevokeToken { .. } => "revoke tokens",
            Destructive::DeleteRegistry { .. } => "delete registries",
        }
    }

    /// Shown on a 403: "your role cannot delete secrets".
    pub fn forbidden_message(&self) -> String {
        format!("your role cannot {}", self.verb())
    }

    /// Shown when `--read-only` blocks the action.
    pub fn read_only_message(&self) -> String {
        format!("read-only mode: lepdash does not {}", self.verb())
    }

    /// The mutation to run once confirmed. `OverwriteSecret` gives `None`: the
    /// value is in the update form, which the caller submits with
    /// `Form::submit_confirmed`.
    pub fn into_mutation(self) -> Option<Mutation> {
        Some(match self {
            Destructive::DeleteSecret { name } => Mutation::DeleteSecret { name },
            Destructive::OverwriteSecret { .. } => return None,
            Destructive::RemoveMember { id, email } | Destructive::CancelInvite { id, email } => {
                Mutation::RemoveMember { id, email }
            }
            Destructive::RevokeToken { id, name, .. } => Mutation::RevokeToken { id, name },
            Destructive::DeleteRegistry { id, .. } => Mutation::DeleteRegistry { id },
        })
    }
}

/// What a key did to a confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmOutcome {
    /// Nothing happened.
    None,
    /// The typed text changed (redraw).
    Changed,
    /// Go ahead (only when the typed text matched exactly, or `confirm` / y
    /// for reversible actions).
    Confirmed(Destructive),
    /// `cancel` (or n for y/n dialogs): close, nothing happens.
    Cancel,
}

/// The confirmation dialog of one destructive action.
#[derive(Debug, Clone)]
pub struct Confirm {
    action: Destructive,
    typed: LineInput,
    /// Enter was pressed with text that does not match.
    mismatch: bool,
}

impl Confirm {
    pub fn new(action: Destructive) -> Confirm {
        Confirm {
            action,
            typed: LineInput::default(),
            mismatch: false,
        }
    }

    pub fn action(&self) -> &Destructive {
        &self.action
    }

    /// What has been typed so far, and the cursor in it.
    pub fn typed(&self) -> &LineInput {
        &self.typed
    }

    /// True after Enter with text that does not match (cleared by typing).
    pub fn mismatch(&self) -> bool {
        self.mismatch
    }

    /// Whether the typed text matches (always true for y/n dialogs).
    pub fn matches(&self) -> bool {
        self.action
            .typed_confirmation()
            .is_none_or(|want| self.typed.value() == want)
    }

    /// The keymap's `confirm` and `cancel`; a y/n dialog also takes y and n,
    /// the typed-name one edits its line (a typed character is always text).
    pub fn handle_key(&mut self, key: KeyEvent, keymap: &Keymap) -> ConfirmOutcome {
        if key.kind == KeyEventKind::Release {
            return ConfirmOutcome::None;
        }
        let typing = self.action.typed_confirmation().is_some();
        let action = if typing {
            keymap.text_field_action(&key)
        } else {
            keymap.dialog_action_for(&key)
        };
        match action {
            Some(Action::Cancel) => return ConfirmOutcome::Cancel,
            Some(Action::Confirm) if self.matches() => {
                return ConfirmOutcome::Confirmed(self.action.clone());
            }
            Some(Action::Confirm) => {
                self.mismatch = true;
                return ConfirmOutcome::Changed;
            }
            _ => {}
        }
        if !typing {
            return match typed_char(&key) {
                Some('y' | 'Y') => ConfirmOutcome::Confirmed(self.action.clone()),
                Some('n' | 'N') => ConfirmOutcome::Cancel,
                _ => ConfirmOutcome::None,
            };
        }
        if self.typed.handle_key(&key) {
            // Editing clears the mismatch note.
            self.mismatch = false;
            return ConfirmOutcome::Changed;
        }
        ConfirmOutcome::None
    }

    /// Bracketed paste into the typed-name input (newlines dropped).
    pub fn handle_paste(&mut self, text: &str) -> ConfirmOutcome {
        if self.action.typed_confirmation().is_none() {
            return ConfirmOutcome::None;
        }
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
        self.mismatch = false;
        if clean.is_empty() {
            ConfirmOutcome::None
        } else {
            self.typed.insert_str(&clean);
            ConfirmOutcome::Changed
        }
    }

    /// The mutation of the action (see [`Destructive::into_mutation`]).
    pub fn into_mutation(self) -> Option<Mutation> {
        self.action.into_mutation()
    }
}
