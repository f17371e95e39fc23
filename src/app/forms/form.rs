//! The management forms as plain state: fields, focus, per-field errors, the
//! submitting lock, and `submit` turning a valid form into a `Mutation`.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::confirm::Destructive;
use super::field::{Field, FieldId, FieldKind};
use super::validate::{self, EXPIRY_DAYS, Expiry, FieldError, RegistryProvider};
use crate::api::types::Role;
use crate::app::keymap::{Action, Keymap};
use crate::protocol::Mutation;

mod errors;
mod kinds;

/// Which form this is, with what it was opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    CreateSecret,
    UpdateSecret {
        name: String,
    },
    InviteMember,
    ChangeRole {
        id: String,
        email: String,
        current: Role,
    },
    CreateToken,
    AddRegistry,
}

impl FormKind {
    /// The modal's title.
    pub fn title(&self) -> String {
        match self {
            FormKind::CreateSecret => "New secret".into(),
            FormKind::UpdateSecret { name } => format!("Update secret {name}"),
            FormKind::InviteMember => "Invite member".into(),
            FormKind::ChangeRole { email, .. } => format!("Change role of {email}"),
            FormKind::CreateToken => "New token".into(),
            FormKind::AddRegistry => "Add registry".into(),
        }
    }

    /// The verb phrase for "your role cannot …" / read-only messages.
    pub fn verb(&self) -> &'static str {
        match self {
            FormKind::CreateSecret => "create secrets",
            FormKind::UpdateSecret { .. } => "update secrets",
            FormKind::InviteMember => "invite members",
            FormKind::ChangeRole { .. } => "change roles",
            FormKind::CreateToken => "create tokens",
            FormKind::AddRegistry => "add registries",
        }
    }

    /// Shown on a 403: "your role cannot create secrets".
    pub fn forbidden_message(&self) -> String {
        format!("your role cannot {}", self.verb())
    }

    /// Shown when `--read-only` blocks opening the form.
    pub fn read_only_message(&self) -> String {
        format!("read-only mode: lepdash does not {}", self.verb())
    }

    /// The field a 409 conflict is about (the name or email being created).
    fn identity_field(&self) -> Option<FieldId> {
        match self {
            FormKind::CreateSecret => Some(FieldId::SecretName),
            FormKind::InviteMember => Some(FieldId::Email),
            FormKind::CreateToken => Some(FieldId::TokenName),
            FormKind::AddRegistry => Some(FieldId::RegistryName),
            FormKind::UpdateSecret { .. } | FormKind::ChangeRole { .. } => None,
        }
    }
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOutcome {
    /// Ignored (also every key while submitting).
    None,
    /// Something changed: redraw.
    Changed,
    /// Enter on the last field or Ctrl-S: call [`Form::submit`].
    Submit,
    /// Esc: close the form, nothing is sent.
    Cancel,
}

/// A valid form's result.
// A short-lived return value: boxing the mutation would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Submission {
    /// Send this mutation (the form is now `submitting`).
    Send(Mutation),
    /// Ask for this confirmation first; on `Confirmed`, call
    /// [`Form::submit_confirmed`] (the update-secret form: `OverwriteSecret`).
    Confirm(Destructive),
}

/// Why `submit` gave no mutation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    /// Some field is invalid; the errors are stored on the fields and the
    /// focus moved to the first one.
    Invalid,
    /// A submit is already in flight.
    AlreadySubmitting,
}

/// One open management form.
#[derive(Debug, Clone)]
pub struct Form {
    kind: FormKind,
    fields: Vec<Field>,
    focus: usize,
    submitting: bool,
    server_error: Option<String>,
    /// Names (or emails) that a create must not reuse.
    existing: Vec<String>,
    /// Change role: the member is the last active admin.
    sole_admin: bool,
}

const EXPIRY_DATE_CHOICE: usize = EXPIRY_DAYS.len();

impl Form {
    fn new(kind: FormKind, fields: Vec<Field>, existing: Vec<String>) -> Form {
        let mut form = Form {
            kind,
            fields,
            focus: 0,
            submitting: false,
            server_error: None,
            existing,
            sole_admin: false,
        };
        form.focus = form.first_focusable().unwrap_or(0);
        form
    }

    // ------------------------------------------------------------ reading

    pub fn kind(&self) -> &FormKind {
        &self.kind
    }

    pub fn title(&self) -> String {
        self.kind.title()
    }

    /// All fields, hidden ones included (check [`Field::is_hidden`]).
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// Index of the focused field in [`Form::fields`].
    pub fn focus(&self) -> usize {
        self.focus
    }

    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The inline error of field `id`.
    pub fn error(&self, id: FieldId) -> Option<&str> {
        self.field(id).and_then(Field::error)
    }

    /// The text of a text field.
    pub fn text(&self, id: FieldId) -> Option<&str> {
        self.field(id).and_then(|f| match &f.kind {
            FieldKind::Text(input) => Some(input.value()),
            _ => None,
        })
    }

    /// Whether the user typed into a text field (text that quitting would lose).
    pub fn has_typed_text(&self) -> bool {
        !self.submitting && self.fields.iter().any(|f| f.dirty && f.takes_text())
    }

    /// Whether any field holds a masked value.
    pub fn has_masked(&self) -> bool {
        self.fields.iter().any(|f| f.is_masked() && !f.hidden)
    }

    pub fn is_submitting(&self) -> bool {
        self.submitting
    }

    /// The server's answer that maps to no field.
    pub fn server_error(&self) -> Option<&str> {
        self.server_error.as_deref()
    }

    /// The key help for the current focus, with the effective keys (a key
    /// that would type into the focused field is not offered there).
    pub fn help_line(&self, keymap: &Keymap) -> String {
        if self.submitting {
            return "Sending… keys are ignored until the server answers".into();
        }
        let focused = self.focused().map(|f| &f.kind);
        let typing = self.focused().is_some_and(Field::takes_text);
        let mut parts: Vec<String> = Vec::new();
        if matches!(focused, Some(FieldKind::Choice { .. })) {
            parts.push("←/→ change".into());
        }
        let revealed = matches!(focused, Some(FieldKind::Masked { revealed: true, .. }));
        let reveal = if revealed { "hide" } else { "show" };
        // What the confirm key (Enter) does here: on the last field it
        // submits; before it, it goes to the next field (and the submit key
        // submits from anywhere).
        let last = self.last_focusable() == Some(self.focus);
        if last {
            parts.extend(keymap.dialog_hint(Action::NextField, typing, "next"));
            parts.extend(keymap.dialog_hint(Action::Confirm, typing, "submit"));
        } else {
            let next: Vec<String> = [Action::NextField, Action::Confirm]
                .into_iter()
                .filter_map(|a| keymap.dialog_key(a, typing))
                .collect();
            if !next.is_empty() {
                parts.push(format!("{} next", next.join("/")));
            }
            parts.extend(keymap.dialog_hint(Action::Submit, typing, "submit"));
        }
        parts.extend(keymap.dialog_hint(Action::Cancel, typing, "cancel"));
        // `reveal` works in the masked field, where typed keys are text.
        if self.has_masked() {
            parts.extend(keymap.dialog_hint(Action::Reveal, true, reveal));
        }
        parts.join(" · ")
    }

    // ------------------------------------------------------------ input

    /// Move the focus to field `id` (false if it is not focusable).
    pub fn focus_field(&mut self, id: FieldId) -> bool {
        match self
            .fields
            .iter()
            .position(|f| f.id == id && f.is_focusable())
        {
            Some(i) => {
                self.set_focus(i);
                true
            }
            None => false,
        }
    }

    /// The keymap's dialog actions: `next_field` / `prev_field` move,
    /// `confirm` on the last field or `submit` submits, `cancel` cancels,
    /// `reveal` shows or hides the focused masked value; other keys edit the
    /// focused field, and in a text field a typed character is always text.
    /// Every key is ignored while submitting.
    pub fn handle_key(&mut self, key: KeyEvent, keymap: &Keymap) -> FormOutcome {
        if key.kind == KeyEventKind::Release || self.submitting {
            return FormOutcome::None;
        }
        let action = if self.focused().is_some_and(Field::takes_text) {
            keymap.text_field_action(&key)
        } else {
            keymap.dialog_action_for(&key)
        };
        match action {
            Some(Action::Cancel) => FormOutcome::Cancel,
            Some(Action::Submit) => FormOutcome::Submit,
            Some(Action::Reveal) => self.toggle_reveal(),
            Some(Action::NextField) => self.step(true),
            Some(Action::PrevField) => self.step(false),
            Some(Action::Confirm) => {
                if self.last_focusable() == Some(self.focus) {
                    FormOutcome::Submit
                } else if !self.accept_focused() {
                    // An invalid field keeps the focus, its error shown.
                    FormOutcome::Changed
                } else {
                    self.step(true)
                }
            }
            _ => {
                let i = self.focus;
                let before_provider = self.provider();
                let Some(field) = self.fields.get_mut(i) else {
                    return FormOutcome::None;
                };
                if field.handle_key(&key) {
                    self.after_edit(i, before_provider);
                    FormOutcome::Changed
                } else {
                    FormOutcome::None
                }
            }
        }
    }

    /// Bracketed paste into the focused field (newlines dropped, except inner
    /// ones of a secret value). Ignored while submitting.
    pub fn handle_paste(&mut self, text: &str) -> FormOutcome {
        if self.submitting {
            return FormOutcome::None;
        }
        let i = self.focus;
        let before_provider = self.provider();
        let changed = self.fields.get_mut(i).is_some_and(|f| f.paste(text));
        if changed {
            self.after_edit(i, before_provider);
            FormOutcome::Changed
        } else {
            FormOutcome::None
        }
    }

    // ------------------------------------------------------------ submit

    /// Validate every field (errors stored on the fields, focus on the first
    /// bad one). For the update-secret form a valid submit asks for the
    /// `OverwriteSecret` confirmation first; every other form gives the
    /// mutation at once, moving masked values out of the form and locking it
    /// (`submitting`).
    pub fn submit(&mut self, now_ms: i64) -> Result<Submission, SubmitError> {
        if self.submitting {
            return Err(SubmitError::AlreadySubmitting);
        }
        self.validate_all(now_ms)?;
        if let FormKind::UpdateSecret { name } = &self.kind {
            return Ok(Submission::Confirm(Destructive::OverwriteSecret {
                name: name.clone(),
            }));
        }
        self.build(now_ms).map(Submission::Send)
    }

    /// Submit without asking again: after `Confirmed(OverwriteSecret)` for the
    /// update form (for other forms the same as a `Send` from [`Form::submit`]).
    pub fn submit_confirmed(&mut self, now_ms: i64) -> Result<Mutation, SubmitError> {
        if self.submitting {
            return Err(SubmitError::AlreadySubmitting);
        }
        self.validate_all(now_ms)?;
        self.build(now_ms)
    }

    // ------------------------------------------------------------ internals

    fn first_focusable(&self) -> Option<usize> {
        self.fields.iter().position(Field::is_focusable)
    }

    fn last_focusable(&self) -> Option<usize> {
        self.fields.iter().rposition(Field::is_focusable)
    }

    fn set_focus(&mut self, i: usize) {
        if i == self.focus {
            return;
        }
        self.blur();
        self.focus = i;
    }

    /// Leaving the focused field: hide a revealed value, validate an edited one.
    fn blur(&mut self) {
        let i = self.focus;
        if let Some(f) = self.fields.get_mut(i) {
            f.conceal();
            if f.dirty {
                f.touched = true;
            }
        }
        if self.fields.get(i).is_some_and(|f| f.touched) {
            self.validate_field(i, None);
        }
    }

    /// Enter on a field: validate it as it stands (shown when wrong).
    fn accept_focused(&mut self) -> bool {
        let i = self.focus;
        match self.fields.get_mut(i) {
            Some(f) if f.is_focusable() => f.touched = true,
            _ => return true,
        }
        self.validate_field(i, None)
    }

    fn step(&mut self, forward: bool) -> FormOutcome {
        let n = self.fields.len();
        if n == 0 {
            return FormOutcome::None;
        }
        let mut i = self.focus;
        for _ in 0..n {
            i = if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            if self.fields[i].is_focusable() {
                break;
            }
        }
        if i == self.focus {
            return FormOutcome::None;
        }
        self.set_focus(i);
        FormOutcome::Changed
    }

    fn toggle_reveal(&mut self) -> FormOutcome {
        if self
            .fields
            .get_mut(self.focus)
            .is_some_and(Field::toggle_reveal)
        {
            FormOutcome::Changed
        } else {
            FormOutcome::None
        }
    }

    fn provider(&self) -> RegistryProvider {
        self.field(FieldId::Provider)
            .map(|f| RegistryProvider::ALL[f.choice_index().min(RegistryProvider::ALL.len() - 1)])
            .unwrap_or(RegistryProvider::Custom)
    }

    fn index_of(&self, id: FieldId) -> Option<usize> {
        self.fields.iter().position(|f| f.id == id)
    }

    /// After field `i` changed: clear the general server error, apply the
    /// cross-field rules, re-validate what is being validated live.
    fn after_edit(&mut self, i: usize, before_provider: RegistryProvider) {
        self.server_error = None;
        let id = self.fields[i].id;
        if matches!(self.fields[i].kind, FieldKind::Choice { .. }) {
            // A choice has no half-typed state: validate it at once.
            self.fields[i].touched = true;
        }
        match id {
            FieldId::Provider => {
                let now = self.provider();
                if now != before_provider {
                    self.apply_provider(Some(before_provider), now);
                }
            }
            FieldId::Expiry => {
                let by_date = self.fields[i].choice_index() == EXPIRY_DATE_CHOICE;
                if let Some(d) = self.index_of(FieldId::ExpiryDate) {
                    self.fields[d].hidden = !by_date;
                    if !by_date {
                        self.fields[d].error = None;
                    }
                }
            }
            _ => {}
        }
        if self.fields[i].touched || self.fields[i].error.is_some() {
            self.validate_field(i, None);
        }
    }

    /// Fill server and username from the provider's presets where the user has
    /// not typed their own (empty, or still the previous preset).
    fn apply_provider(&mut self, before: Option<RegistryProvider>, now: RegistryProvider) {
        let presets = [
            (
                FieldId::Server,
                before.and_then(RegistryProvider::preset_server),
                now.preset_server(),
                now.server_hint(),
            ),
            (
                FieldId::Username,
                before.and_then(RegistryProvider::preset_username),
                now.preset_username(),
                now.username_hint(),
            ),
        ];
        for (id, old, new, hint) in presets {
            let Some(i) = self.index_of(id) else { continue };
            let f = &mut self.fields[i];
            let current = f.text_value();
            if current.is_empty() || Some(current) == old {
                f.set_text(new.unwrap_or_default());
            }
            f.hint = Some(hint.to_string());
            if f.touched || f.error.is_some() {
                self.validate_field(i, None);
            }
        }
        if let Some(i) = self.index_of(FieldId::Password) {
            self.fields[i].hint = Some(now.password_hint().to_string());
        }
    }

    /// Check one field; `now_ms` enables the date-in-the-future rule.
    fn check(&self, i: usize, now_ms: Option<i64>) -> Result<(), FieldError> {
        let f = &self.fields[i];
        if f.hidden {
            return Ok(());
        }
        let text = f.text_value();
        match f.id {
            FieldId::SecretName => validate::validate_secret_name(text, &self.existing),
            FieldId::SecretValue => validate::validate_secret_value(f.secret()),
            FieldId::Tags => validate::validate_tags(text),
            FieldId::Email => validate::validate_invite_email(text, &self.existing),
            FieldId::Role => {
                let role = self.chosen_role();
                match &self.kind {
                    FormKind::ChangeRole { current, .. } if *current == role => {
                        Err(FieldError::SameRole)
                    }
                    FormKind::ChangeRole { .. } if self.sole_admin && role != Role::Admin => {
                        Err(FieldError::LastAdmin)
                    }
                    _ => Ok(()),
                }
            }
            FieldId::TokenName => validate::validate_token_name(text, &self.existing),
            FieldId::ExpiryDate => {
                let date = validate::parse_date(text)?;
                match now_ms {
                    Some(now) => validate::expires_in_seconds(Expiry::Until(date), now).map(|_| ()),
                    None => Ok(()),
                }
            }
            FieldId::RegistryName => validate::validate_registry_name(text, &self.existing),
            FieldId::Server => validate::validate_registry_server(self.provider(), text),
            FieldId::Username => validate::validate_username(text),
            FieldId::Password => validate::validate_password(f.secret()),
            FieldId::RegistryEmail => validate::validate_optional_email(text),
            FieldId::Visibility | FieldId::Expiry | FieldId::Provider | FieldId::Info => Ok(()),
        }
    }

    fn validate_field(&mut self, i: usize, now_ms: Option<i64>) -> bool {
        let result = self.check(i, now_ms);
        let f = &mut self.fields[i];
        f.error = result.err().map(|e| e.to_string());
        f.error.is_none()
    }

    fn validate_all(&mut self, now_ms: i64) -> Result<(), SubmitError> {
        self.server_error = None;
        let mut first_bad = None;
        for i in 0..self.fields.len() {
            if !self.fields[i].is_focusable() {
                continue;
            }
            self.fields[i].touched = true;
            if !self.validate_field(i, Some(now_ms)) && first_bad.is_none() {
                first_bad = Some(i);
            }
        }
        match first_bad {
            Some(i) => {
                if i != self.focus {
                    if let Some(f) = self.fields.get_mut(self.focus) {
                        f.conceal();
                    }
                    self.focus = i;
                }
                Err(SubmitError::Invalid)
            }
            None => Ok(()),
        }
    }
}
