//! Management forms and confirmation dialogs as pure state (no I/O, no clock:
//! `now_ms` is passed in). The reducer holds one [`Dialog`] at a time
//! (`Overlay::Dialog`, opened by `app::manage` on `n` / `e` / `d`): a [`Form`],
//! a [`Confirm`] (possibly on top of the update-secret form) or the
//! [`TokenReveal`], and feeds it keys and pastes; `ui::form` draws them.

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
