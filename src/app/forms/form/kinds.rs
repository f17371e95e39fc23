//! The six forms: what each one holds when it opens, and the mutation it
//! sends once valid.

use super::{Form, FormKind, SubmitError};
use crate::api::types::{
    CreateTokenRequest, InviteRequest, Member, Metadata, RegistryWrite, RegistryWriteSpec, Role,
    SecretWrite, Visibility,
};
use crate::app::forms::field::{Field, FieldId};
use crate::app::forms::validate::{self, ASSIGNABLE_ROLES, EXPIRY_DAYS, Expiry, RegistryProvider};
use crate::protocol::Mutation;

impl Form {
    /// Create a secret; `existing` are the names already listed.
    pub fn create_secret(existing: &[String]) -> Form {
        Form::new(
            FormKind::CreateSecret,
            vec![
                Field::text(FieldId::SecretName, "Name", "").with_hint("e.g. HF_TOKEN"),
                Field::masked(FieldId::SecretValue, "Value", true)
                    .with_hint("type or paste; never shown back"),
                Field::choice(
                    FieldId::Visibility,
                    "Visibility",
                    vec!["private".into(), "public".into()],
                    0,
                ),
                Field::text(FieldId::Tags, "Tags", "")
                    .with_hint("optional, comma-separated: hf, models"),
            ],
            existing.to_vec(),
        )
    }

    /// Replace the value of secret `name` (needs an `OverwriteSecret` confirm).
    pub fn update_secret(name: impl Into<String>) -> Form {
        let name = name.into();
        Form::new(
            FormKind::UpdateSecret { name: name.clone() },
            vec![
                Field::info("Secret", name),
                Field::masked(FieldId::SecretValue, "New value", true)
                    .with_hint("type or paste; never shown back"),
                Field::info(
                    "",
                    "The current value cannot be shown; this one replaces it.",
                ),
            ],
            Vec::new(),
        )
    }

    /// Invite a member; `existing_emails` are members and pending invitations.
    pub fn invite_member(existing_emails: Vec<String>) -> Form {
        Form::new(
            FormKind::InviteMember,
            vec![
                Field::text(FieldId::Email, "Email", "").with_hint("name@example.com"),
                role_choice(&Role::User),
            ],
            existing_emails,
        )
    }

    /// Change member `id`'s role; `members` is the current list (for the
    /// last-admin rule).
    pub fn change_role(
        id: impl Into<String>,
        email: impl Into<String>,
        current: Role,
        members: &[Member],
    ) -> Form {
        let id = id.into();
        let email = email.into();
        let sole_admin = validate::would_remove_last_admin(members, &id, Some(Role::User));
        let current_text = if current.is_unknown() {
            format!("{current} (custom role)")
        } else {
            current.to_string()
        };
        let mut fields = vec![
            Field::info("Member", email.clone()),
            Field::info("Current", current_text),
            role_choice(&current),
        ];
        if sole_admin {
            fields.push(
                Field::info("", "This member is the workspace's only active admin.")
                    .warning_style(),
            );
        }
        let mut form = Form::new(
            FormKind::ChangeRole { id, email, current },
            fields,
            Vec::new(),
        );
        form.sole_admin = sole_admin;
        form
    }

    /// Create a token; `existing_names` are the names of listed tokens.
    pub fn create_token(existing_names: Vec<String>) -> Form {
        let mut options: Vec<String> = EXPIRY_DAYS
            .iter()
            .map(|d| {
                if *d == 1 {
                    "1 day".to_string()
                } else {
                    format!("{d} days")
                }
            })
            .collect();
        options.push("until a date".into());
        let mut date = Field::text(FieldId::ExpiryDate, "Date", "")
            .with_hint("YYYY-MM-DD, valid through that day (UTC)");
        date.hidden = true;
        Form::new(
            FormKind::CreateToken,
            vec![
                Field::text(FieldId::TokenName, "Name", "").with_hint("e.g. laptop"),
                Field::choice(FieldId::Expiry, "Expires in", options, 0),
                date,
            ],
            existing_names,
        )
    }

    /// Add registry credentials; `existing` are the listed registry names.
    pub fn add_registry(existing: Vec<String>) -> Form {
        let provider = RegistryProvider::Ngc;
        let mut form = Form::new(
            FormKind::AddRegistry,
            vec![
                Field::choice(
                    FieldId::Provider,
                    "Provider",
                    RegistryProvider::ALL
                        .iter()
                        .map(|p| p.label().to_string())
                        .collect(),
                    0,
                ),
                Field::text(FieldId::RegistryName, "Name", "").with_hint("e.g. ngc-pull"),
                Field::text(FieldId::Server, "Server", ""),
                Field::text(FieldId::Username, "Username", ""),
                Field::masked(FieldId::Password, "Password", false),
                Field::text(FieldId::RegistryEmail, "Email", "").with_hint("optional"),
            ],
            existing,
        );
        form.apply_provider(None, provider);
        form
    }

    pub(super) fn chosen_role(&self) -> Role {
        self.field(FieldId::Role)
            .and_then(|f| ASSIGNABLE_ROLES.get(f.choice_index()).cloned())
            .unwrap_or(Role::User)
    }

    fn take_secret(&mut self, id: FieldId) -> secrecy::SecretString {
        match self.index_of(id) {
            Some(i) => self.fields[i].take_secret(),
            None => secrecy::SecretString::default(),
        }
    }

    fn trimmed(&self, id: FieldId) -> String {
        self.text(id).unwrap_or_default().trim().to_string()
    }

    /// Build the mutation of a validated form, moving masked values out, and
    /// lock the form.
    pub(super) fn build(&mut self, now_ms: i64) -> Result<Mutation, SubmitError> {
        let mutation = match self.kind.clone() {
            FormKind::CreateSecret => {
                let visibility = match self.field(FieldId::Visibility).map(Field::choice_index) {
                    Some(1) => Visibility::Public,
                    _ => Visibility::Private,
                };
                let name = self
                    .text(FieldId::SecretName)
                    .unwrap_or_default()
                    .to_string();
                let tags = validate::parse_tags(self.text(FieldId::Tags).unwrap_or_default());
                Mutation::PutSecrets {
                    items: vec![SecretWrite {
                        name,
                        value: self.take_secret(FieldId::SecretValue),
                        visibility: Some(visibility),
                        tags,
                    }],
                    overwrite: false,
                }
            }
            FormKind::UpdateSecret { name } => Mutation::PutSecrets {
                // No visibility: an update must not change it.
                items: vec![SecretWrite {
                    name,
                    value: self.take_secret(FieldId::SecretValue),
                    visibility: None,
                    tags: Vec::new(),
                }],
                overwrite: true,
            },
            FormKind::InviteMember => Mutation::InviteMember(InviteRequest {
                email: self.trimmed(FieldId::Email),
                role: self.chosen_role(),
            }),
            FormKind::ChangeRole { id, email, .. } => Mutation::ChangeRole {
                id,
                email,
                role: self.chosen_role(),
            },
            FormKind::CreateToken => {
                let choice = self.field(FieldId::Expiry).map_or(0, Field::choice_index);
                let expiry = match EXPIRY_DAYS.get(choice) {
                    Some(days) => Expiry::Days(*days),
                    None => Expiry::Until(
                        validate::parse_date(self.text(FieldId::ExpiryDate).unwrap_or_default())
                            .map_err(|_| SubmitError::Invalid)?,
                    ),
                };
                let expires_in = validate::expires_in_seconds(expiry, now_ms)
                    .map_err(|_| SubmitError::Invalid)?;
                Mutation::CreateToken(CreateTokenRequest {
                    name: self.trimmed(FieldId::TokenName),
                    scopes: Vec::new(),
                    expires_in,
                })
            }
            FormKind::AddRegistry => {
                let name = self
                    .text(FieldId::RegistryName)
                    .unwrap_or_default()
                    .to_string();
                let email = self.trimmed(FieldId::RegistryEmail);
                let provider = self.provider();
                Mutation::AddRegistry(RegistryWrite {
                    metadata: Metadata {
                        // The id is the name, as the DGXC callers send it.
                        id: Some(name.clone().into()),
                        name: Some(name.into()),
                        ..Metadata::default()
                    },
                    spec: RegistryWriteSpec {
                        registry_server: self.trimmed(FieldId::Server),
                        username: self.trimmed(FieldId::Username),
                        password: self.take_secret(FieldId::Password),
                        email: (!email.is_empty()).then_some(email),
                        provider: Some(provider.wire().to_string()),
                    },
                })
            }
        };
        self.submitting = true;
        Ok(mutation)
    }
}

/// The role choice (admin / user / viewer), on `initial` when it is one of them.
fn role_choice(initial: &Role) -> Field {
    let index = ASSIGNABLE_ROLES
        .iter()
        .position(|r| r == initial)
        .unwrap_or(1);
    Field::choice(
        FieldId::Role,
        "Role",
        ASSIGNABLE_ROLES.iter().map(|r| r.to_string()).collect(),
        index,
    )
}
