//! Management forms and confirmation dialogs as pure state (no I/O, no clock:
//! `now_ms` is passed in). The reducer owns at most one of [`Form`],
//! [`Confirm`] or [`TokenReveal`] at a time (a `Confirm` may sit on top of
//! the update-secret form) and feeds it keys and pastes; `ui::form` draws them.
//! [`Dialog`] is an optional driver that holds that stack and runs the flows.

mod confirm;
mod dialog;
mod field;
mod form;
mod reveal;
pub mod validate;

pub use confirm::{Confirm, ConfirmOutcome, Destructive};
pub use dialog::{Dialog, DialogOutcome};
pub use field::{Display, Field, FieldId, FieldKind};
pub use form::{Form, FormKind, FormOutcome, Submission, SubmitError};
pub use reveal::{NOT_SHOWN_AGAIN, RevealOutcome, TokenReveal};
pub use validate::{FieldError, RegistryProvider};
