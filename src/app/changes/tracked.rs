//! `Tracked` for every polled list item. Fields are display strings; none
//! can hold a secret value (the list types carry none).

use std::borrow::Cow;

use super::{EventKind, FieldChange, TemplateEntry, Tracked};
use crate::api::types::{Member, MemberStatus, Registry, Secret, Token};
use crate::app::format;

fn opt<S: AsRef<str>>(v: &Option<S>) -> String {
    v.as_ref()
        .map(|s| s.as_ref().to_string())
        .unwrap_or_default()
}

fn opt_date(v: Option<i64>) -> String {
    v.map(format::datetime).unwrap_or_default()
}

impl Tracked for Member {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn label(&self) -> String {
        if !self.email.is_empty() {
            self.email.to_string()
        } else if let Some(n) = self.name.as_deref().filter(|n| !n.is_empty()) {
            n.to_string()
        } else {
            self.id.to_string()
        }
    }
    fn alt_key(&self) -> Option<&str> {
        Some(&self.email)
            .filter(|e| !e.is_empty())
            .map(|e| e.as_str())
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("email", self.email.to_string()),
            ("name", opt(&self.name)),
            ("role", self.role.to_string()),
            ("status", self.status.to_string()),
        ]
    }
    fn change_kind(changes: &[FieldChange]) -> EventKind {
        let accepted = changes.iter().any(|c| {
            c.field == "status"
                && c.old == MemberStatus::Invited.as_str()
                && c.new == MemberStatus::Active.as_str()
        });
        if accepted {
            EventKind::InviteAccepted
        } else {
            EventKind::Changed
        }
    }
}

impl Tracked for Token {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }
    fn label(&self) -> String {
        super::name_or_id(&self.name, &self.id)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name.to_string()),
            ("scopes", self.scopes.join(",")),
            ("expires", opt_date(self.expires_at)),
            ("masked", self.masked_value.to_string()),
        ]
    }
}

impl Tracked for Secret {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.name)
    }
    fn label(&self) -> String {
        self.name.to_string()
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("tags", self.tags.join(",")),
            ("owner", opt(&self.owner)),
            (
                "visibility",
                self.visibility
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            ),
        ]
    }
}

impl Tracked for Registry {
    fn key(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.id())
    }
    fn label(&self) -> String {
        self.name().to_string()
    }
    fn alt_key(&self) -> Option<&str> {
        Some(self.spec.registry_server.as_str()).filter(|s| !s.is_empty())
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("name", self.name().to_string()),
            ("server", self.spec.registry_server.to_string()),
            ("username", self.spec.username.to_string()),
            ("email", opt(&self.spec.email)),
            ("provider", opt(&self.spec.provider)),
        ]
    }
}

impl Tracked for TemplateEntry {
    fn key(&self) -> Cow<'_, str> {
        let id = self.template.id();
        if self.public {
            Cow::Borrowed(id)
        } else {
            // Public and private collections may share an id.
            Cow::Owned(format!("private/{id}"))
        }
    }
    fn label(&self) -> String {
        self.template.name().to_string()
    }
    fn alt_key(&self) -> Option<&str> {
        Some(self.template.id())
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        let t = &self.template;
        vec![
            ("name", t.name().to_string()),
            (
                "type",
                t.spec
                    .workload_type
                    .as_ref()
                    .map(|w| w.to_string())
                    .unwrap_or_default(),
            ),
            (
                "version",
                t.metadata
                    .semantic_version()
                    .unwrap_or_default()
                    .to_string(),
            ),
            (
                "state",
                t.status
                    .as_ref()
                    .and_then(|s| s.state.clone())
                    .unwrap_or_default()
                    .to_string(),
            ),
            ("content", digest(&t.spec.content)),
            ("schema", digest(&t.spec.json_schema)),
            ("modified", opt_date(t.metadata.last_modified_at())),
        ]
    }
}

/// A short stable digest of a JSON value (FNV-1a over its text), so a
/// change of a template's content shows as `content 1a2b3c4d → 5e6f7a8b`.
fn digest(v: &crate::api::types::JsonText) -> String {
    if v.is_null() {
        return String::new();
    }
    let text = v.as_str();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", h >> 32)
}
