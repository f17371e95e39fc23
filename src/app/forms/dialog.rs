//! An optional driver that stacks the three kinds of modal and runs the
//! flows between them, so the reducer needs one field (`Option<Dialog>`) and
//! one call per key:
//!
//! - a form's Submit validates; the update-secret form then opens the
//!   `OverwriteSecret` confirmation on top of itself; confirming submits the
//!   form, cancelling returns to it with the value still entered;
//! - a plain confirmation gives its mutation and asks to be closed;
//! - the token dialog asks for copies and closing.

use crossterm::event::KeyEvent;
use secrecy::SecretString;

use super::confirm::{Confirm, ConfirmOutcome, Destructive};
use super::form::{Form, FormOutcome, Submission, SubmitError};
use super::reveal::{RevealOutcome, TokenReveal};
use crate::api::ApiError;
use crate::app::keymap::Keymap;
use crate::protocol::Mutation;

/// The modal stack: a form, a confirmation (possibly over the form), or the
/// token dialog. The top-most one gets the keys.
// Clone: the model holding it is cloned by tests and benches.
#[derive(Debug, Clone)]
pub struct Dialog {
    form: Option<Form>,
    confirm: Option<Confirm>,
    reveal: Option<TokenReveal>,
}

/// What the caller does after a key.
// A short-lived return value: boxing the mutation would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum DialogOutcome {
    /// Nothing changed.
    None,
    /// Redraw.
    Changed,
    /// Drop the dialog; nothing is sent.
    Close,
    /// Send `mutation` (`Effect::Mutate`). With `close`, drop the dialog now
    /// (a confirmation: progress shows elsewhere); otherwise the form stays
    /// open and locked until [`Dialog::mutation_failed`] or the caller closes
    /// it on success.
    Mutate { mutation: Mutation, close: bool },
    /// Copy [`Dialog::copy_secret`] (`Effect::Copy`); already marked copied.
    Copy,
}

impl Dialog {
    pub fn form(form: Form) -> Dialog {
        Dialog {
            form: Some(form),
            confirm: None,
            reveal: None,
        }
    }

    pub fn confirm(action: Destructive) -> Dialog {
        Dialog {
            form: None,
            confirm: Some(Confirm::new(action)),
            reveal: None,
        }
    }

    pub fn reveal(reveal: TokenReveal) -> Dialog {
        Dialog {
            form: None,
            confirm: None,
            reveal: Some(reveal),
        }
    }

    /// The form, if one is open (possibly under a confirmation).
    pub fn form_ref(&self) -> Option<&Form> {
        self.form.as_ref()
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        self.form.as_mut()
    }

    /// The confirmation on top, if any.
    pub fn confirm_ref(&self) -> Option<&Confirm> {
        self.confirm.as_ref()
    }

    pub fn reveal_ref(&self) -> Option<&TokenReveal> {
        self.reveal.as_ref()
    }

    /// A key for the top-most modal, read through the keymap's dialog
    /// actions. `now_ms` is used by submits (token expiry).
    pub fn handle_key(&mut self, key: KeyEvent, keymap: &Keymap, now_ms: i64) -> DialogOutcome {
        if let Some(reveal) = &mut self.reveal {
            return match reveal.handle_key(key, keymap) {
                RevealOutcome::None => DialogOutcome::None,
                RevealOutcome::Changed => DialogOutcome::Changed,
                RevealOutcome::Copy => {
                    reveal.mark_copied();
                    DialogOutcome::Copy
                }
                RevealOutcome::Close => DialogOutcome::Close,
            };
        }
        if let Some(confirm) = &mut self.confirm {
            return match confirm.handle_key(key, keymap) {
                ConfirmOutcome::None => DialogOutcome::None,
                ConfirmOutcome::Changed => DialogOutcome::Changed,
                ConfirmOutcome::Cancel => {
                    self.confirm = None;
                    if self.form.is_some() {
                        DialogOutcome::Changed
                    } else {
                        DialogOutcome::Close
                    }
                }
                ConfirmOutcome::Confirmed(action) => {
                    self.confirm = None;
                    match &mut self.form {
                        // Only the update form stacks a confirmation
                        // (OverwriteSecret): the value is in the form.
                        Some(form) => match form.submit_confirmed(now_ms) {
                            Ok(mutation) => DialogOutcome::Mutate {
                                mutation,
                                close: false,
                            },
                            Err(_) => DialogOutcome::Changed,
                        },
                        None => match action.into_mutation() {
                            Some(mutation) => DialogOutcome::Mutate {
                                mutation,
                                close: true,
                            },
                            None => DialogOutcome::Close,
                        },
                    }
                }
            };
        }
        let Some(form) = &mut self.form else {
            return DialogOutcome::Close;
        };
        match form.handle_key(key, keymap) {
            FormOutcome::None => DialogOutcome::None,
            FormOutcome::Changed => DialogOutcome::Changed,
            FormOutcome::Cancel => DialogOutcome::Close,
            FormOutcome::Submit => match form.submit(now_ms) {
                Ok(Submission::Send(mutation)) => DialogOutcome::Mutate {
                    mutation,
                    close: false,
                },
                Ok(Submission::Confirm(action)) => {
                    self.confirm = Some(Confirm::new(action));
                    DialogOutcome::Changed
                }
                Err(SubmitError::Invalid) => DialogOutcome::Changed,
                Err(SubmitError::AlreadySubmitting) => DialogOutcome::None,
            },
        }
    }

    /// Bracketed paste into the top-most modal.
    pub fn handle_paste(&mut self, text: &str) -> DialogOutcome {
        let changed = if self.reveal.is_some() {
            false
        } else if let Some(confirm) = &mut self.confirm {
            confirm.handle_paste(text) == ConfirmOutcome::Changed
        } else if let Some(form) = &mut self.form {
            form.handle_paste(text) == FormOutcome::Changed
        } else {
            false
        };
        if changed {
            DialogOutcome::Changed
        } else {
            DialogOutcome::None
        }
    }

    /// The form's mutation failed: show why in the form and unlock it.
    /// Returns false when no form is open (report the error elsewhere).
    pub fn mutation_failed(&mut self, err: &ApiError) -> bool {
        match &mut self.form {
            Some(form) => {
                form.set_api_error(err);
                true
            }
            None => false,
        }
    }

    /// Whether a form waits for the answer to its mutation (keys are ignored).
    pub fn is_locked(&self) -> bool {
        self.form.as_ref().is_some_and(Form::is_submitting)
    }

    /// The token plaintext for `Effect::Copy`, still wrapped (`None` unless
    /// the token dialog is open).
    pub fn copy_secret(&self) -> Option<SecretString> {
        self.reveal.as_ref().map(|r| r.plaintext().clone())
    }

    /// The driver's answer to a copy asked by the token dialog.
    pub fn copy_done(&mut self, result: Result<String, String>) -> bool {
        match &mut self.reveal {
            Some(r) => {
                r.set_copy_result(result);
                true
            }
            None => false,
        }
    }
}
