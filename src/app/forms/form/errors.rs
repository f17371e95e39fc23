//! A server's refusal shown in the form: next to the field it obviously
//! concerns, or below the fields.

use super::{Form, FormKind};
use crate::api::ApiError;
use crate::app::forms::field::FieldId;

impl Form {
    /// Show the server's refusal and unlock the form. When the message
    /// obviously concerns one field (a duplicate email, an existing name, a
    /// reserved prefix) it goes next to that field; otherwise below the fields.
    pub fn set_server_error(&mut self, msg: String) {
        self.submitting = false;
        let target = self.field_for_message(&msg, false);
        self.place_server_error(target, msg);
    }

    /// Show `msg` below the fields (not next to one) and unlock the form:
    /// for refusals that concern the whole form, such as a workspace that is
    /// not activated.
    pub fn set_general_error(&mut self, msg: String) {
        self.submitting = false;
        self.server_error = Some(msg);
    }

    /// Like [`Form::set_server_error`], using the status: 409 goes to the
    /// name / email field, 403 says what the role cannot do.
    pub fn set_api_error(&mut self, err: &ApiError) {
        self.submitting = false;
        let detail = err
            .server_message()
            .map(ToString::to_string)
            .unwrap_or_else(|| err.to_string());
        match err.status() {
            Some(409) => {
                let target = self
                    .kind
                    .identity_field()
                    .or_else(|| self.field_for_message(&detail, true));
                self.place_server_error(target, format!("server: {detail}"));
            }
            Some(403) => {
                self.server_error = Some(format!("{} ({detail})", self.kind.forbidden_message()));
            }
            Some(400) => {
                let target = self.field_for_message(&detail, false);
                self.place_server_error(target, format!("server: {detail}"));
            }
            _ => self.server_error = Some(err.to_string()),
        }
    }

    /// The field a server message obviously concerns, if any.
    fn field_for_message(&self, msg: &str, conflict: bool) -> Option<FieldId> {
        let m = msg.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| m.contains(w));
        let exists = conflict
            || has(&[
                "already exists",
                "already a member",
                "conflict",
                "duplicate",
            ]);
        let id = match self.kind {
            FormKind::CreateSecret => {
                if exists || has(&["lepton_", "reserved", "name"]) {
                    FieldId::SecretName
                } else if has(&["value"]) {
                    FieldId::SecretValue
                } else if has(&["tag"]) {
                    FieldId::Tags
                } else {
                    return None;
                }
            }
            FormKind::UpdateSecret { .. } => {
                if has(&["value"]) {
                    FieldId::SecretValue
                } else {
                    return None;
                }
            }
            FormKind::InviteMember => {
                if exists || has(&["email", "member", "invit"]) {
                    FieldId::Email
                } else if has(&["role"]) {
                    FieldId::Role
                } else {
                    return None;
                }
            }
            FormKind::ChangeRole { .. } => {
                if has(&["admin", "role"]) {
                    FieldId::Role
                } else {
                    return None;
                }
            }
            FormKind::CreateToken => {
                if has(&["expir"]) {
                    FieldId::Expiry
                } else if exists || has(&["name"]) {
                    FieldId::TokenName
                } else {
                    return None;
                }
            }
            FormKind::AddRegistry => {
                if has(&["password"]) {
                    FieldId::Password
                } else if has(&["username", "user name"]) {
                    FieldId::Username
                } else if has(&["server", "host"]) {
                    FieldId::Server
                } else if exists || has(&["name"]) {
                    FieldId::RegistryName
                } else {
                    return None;
                }
            }
        };
        Some(id)
    }

    fn place_server_error(&mut self, target: Option<FieldId>, msg: String) {
        let index = target.and_then(|id| {
            self.fields
                .iter()
                .position(|f| f.id == id && f.is_focusable())
        });
        match index {
            Some(i) => {
                self.fields[i].error = Some(msg);
                self.server_error = None;
                if i != self.focus {
                    if let Some(f) = self.fields.get_mut(self.focus) {
                        f.conceal();
                    }
                    self.focus = i;
                }
            }
            None => self.server_error = Some(msg),
        }
    }
}
