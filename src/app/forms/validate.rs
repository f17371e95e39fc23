//! Pure validation rules of the management forms (the API's rules for names,
//! secrets, members, tokens and registries, checked before sending). Every
//! check returns a [`FieldError`] whose `Display` is the text the form shows
//! next to the field; none of them ever includes a secret value.

use std::fmt;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::api::types::{Member, MemberStatus, Role};

pub use crate::api::names::{ALLOWED_LEPTON_SECRET, RESERVED_SECRET_NAMES};
use crate::api::names::{has_reserved_secret_prefix, is_reserved_secret_name};

/// Longest secret name (Kubernetes key rules).
pub const MAX_SECRET_NAME_LEN: usize = 253;
/// Longest registry name (Kubernetes DNS-1123 label).
pub const MAX_REGISTRY_NAME_LEN: usize = 63;
/// Longest token name lepdash sends.
pub const MAX_TOKEN_NAME_LEN: usize = 64;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Why the last admin cannot be demoted or removed.
pub const LAST_ADMIN_EXPLANATION: &str = "a workspace needs at least one admin: \
     make another member admin first";

/// Why one field's value is not acceptable. `Display` is the inline message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldError {
    /// An empty required field; `what` names it ("a name", "a password").
    Required {
        what: &'static str,
    },
    TooLong {
        max: usize,
    },
    /// Secret names: `^[A-Za-z_.-][A-Za-z0-9._-]*$`.
    SecretNameChars,
    /// One of [`RESERVED_SECRET_NAMES`].
    ReservedSecretName {
        name: String,
    },
    /// Starts with `lepton_` in any case (and is not `LEPTON_WORKSPACE_TOKEN`).
    ReservedSecretPrefix,
    /// A secret with this name exists; the fix is the update form.
    SecretExists {
        name: String,
    },
    EmptyValue,
    BadEmail,
    /// Already a member or a pending invitation.
    AlreadyMember {
        email: String,
    },
    /// Only `admin`, `user` and `viewer` can be chosen.
    UnknownRole {
        role: String,
    },
    /// The chosen role is the member's current one.
    SameRole,
    /// Demoting or removing the last admin.
    LastAdmin,
    TokenNameTaken,
    /// Not `YYYY-MM-DD` or not a real date.
    BadDate,
    /// The expiry date is today or earlier (UTC).
    DateNotInFuture,
    /// Kubernetes label rules for registry names.
    RegistryNameChars,
    RegistryExists {
        name: String,
    },
    /// Whitespace inside a server or user name.
    Whitespace,
    /// Not `<account>.dkr.ecr.<region>.amazonaws.com`.
    BadEcrServer,
    /// A secret tag with characters other than letters, digits, `_`, `.`, `-`.
    TagChars {
        tag: String,
    },
    TooManyTags {
        max: usize,
    },
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldError::Required { what } => write!(f, "enter {what}"),
            FieldError::TooLong { max } => write!(f, "too long: at most {max} characters"),
            FieldError::SecretNameChars => f.write_str(
                "use letters, digits, '_', '.' or '-'; the first character cannot be a digit",
            ),
            FieldError::ReservedSecretName { name } => {
                write!(f, "{name} is reserved by Lepton; choose another name")
            }
            FieldError::ReservedSecretPrefix => {
                f.write_str("names starting with LEPTON_ (any case) are reserved by Lepton")
            }
            FieldError::SecretExists { name } => write!(
                f,
                "{name} already exists: Esc, then press e on it to update its value instead"
            ),
            FieldError::EmptyValue => f.write_str("enter a value (it cannot be empty)"),
            FieldError::BadEmail => f.write_str("not an email address (name@example.com)"),
            FieldError::AlreadyMember { email } => {
                write!(f, "{email} is already a member or has a pending invitation")
            }
            FieldError::UnknownRole { role } => {
                write!(f, "unknown role {role:?}: choose admin, user or viewer")
            }
            FieldError::SameRole => f.write_str("that is the current role; choose another"),
            FieldError::LastAdmin => f.write_str(LAST_ADMIN_EXPLANATION),
            FieldError::TokenNameTaken => {
                f.write_str("you already have a token with this name; choose another")
            }
            FieldError::BadDate => f.write_str("enter a date as YYYY-MM-DD, e.g. 2027-01-31"),
            FieldError::DateNotInFuture => f.write_str("the date must be after today (UTC)"),
            FieldError::RegistryNameChars => f.write_str(
                "use lowercase letters, digits and '-', starting and ending with a letter or digit",
            ),
            FieldError::RegistryExists { name } => {
                write!(f, "a registry named {name} already exists")
            }
            FieldError::Whitespace => f.write_str("must not contain spaces"),
            FieldError::BadEcrServer => {
                f.write_str("expected <account>.dkr.ecr.<region>.amazonaws.com (12-digit account)")
            }
            FieldError::TagChars { tag } => write!(
                f,
                "tag {tag:?}: use letters, digits, '_', '.' or '-' (tags are comma-separated)"
            ),
            FieldError::TooManyTags { max } => write!(f, "at most {max} tags"),
        }
    }
}

impl std::error::Error for FieldError {}

// ---------------------------------------------------------------- secrets

/// A secret name for a create: syntax, reserved names, and not already in
/// `existing` (exact match, as the service compares names).
pub fn validate_secret_name(name: &str, existing: &[String]) -> Result<(), FieldError> {
    validate_secret_name_syntax(name)?;
    if existing.iter().any(|e| e == name) {
        return Err(FieldError::SecretExists {
            name: name.to_string(),
        });
    }
    Ok(())
}

/// Syntax and reserved-name rules of a secret name, without the existence check.
pub fn validate_secret_name_syntax(name: &str) -> Result<(), FieldError> {
    if name.is_empty() {
        return Err(FieldError::Required { what: "a name" });
    }
    if name.chars().count() > MAX_SECRET_NAME_LEN {
        return Err(FieldError::TooLong {
            max: MAX_SECRET_NAME_LEN,
        });
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '.' | '-'));
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !first_ok || !rest_ok {
        return Err(FieldError::SecretNameChars);
    }
    if is_reserved_secret_name(name) {
        return Err(FieldError::ReservedSecretName {
            name: name.to_string(),
        });
    }
    if has_reserved_secret_prefix(name) {
        return Err(FieldError::ReservedSecretPrefix);
    }
    Ok(())
}

/// A secret value must not be empty (whitespace counts as content).
pub fn validate_secret_value(value: &str) -> Result<(), FieldError> {
    if value.is_empty() {
        Err(FieldError::EmptyValue)
    } else {
        Ok(())
    }
}

/// Longest secret tag.
pub const MAX_TAG_LEN: usize = 63;
/// Most tags on one secret.
pub const MAX_TAGS: usize = 16;

/// Split the tags field: comma-separated, trimmed, empty items and repeats
/// dropped, in the order typed.
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

/// The optional tags of a secret: each 1..=63 of `[A-Za-z0-9._-]`, at most 16.
pub fn validate_tags(text: &str) -> Result<(), FieldError> {
    let tags = parse_tags(text);
    if tags.len() > MAX_TAGS {
        return Err(FieldError::TooManyTags { max: MAX_TAGS });
    }
    for tag in tags {
        if tag.chars().count() > MAX_TAG_LEN {
            return Err(FieldError::TooLong { max: MAX_TAG_LEN });
        }
        if !tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            return Err(FieldError::TagChars { tag });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- members

/// A pragmatic email check: one `@`, a non-empty local part, a dotted domain of
/// letters, digits and `-`, no whitespace. The server has the last word.
pub fn validate_email(email: &str) -> Result<(), FieldError> {
    if email.is_empty() {
        return Err(FieldError::Required {
            what: "an email address",
        });
    }
    if email.chars().count() > MAX_EMAIL_LEN {
        return Err(FieldError::TooLong { max: MAX_EMAIL_LEN });
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(FieldError::BadEmail);
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| {
            !c.is_whitespace()
                && !c.is_control()
                && !matches!(
                    c,
                    '@' | '<' | '>' | ',' | ';' | '"' | '(' | ')' | '[' | ']' | '\\'
                )
        });
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2);
    if local_ok && domain_ok {
        Ok(())
    } else {
        Err(FieldError::BadEmail)
    }
}

/// An invitation email: valid, and neither a member nor a pending invite
/// (case-insensitive, surrounding spaces ignored).
pub fn validate_invite_email(email: &str, existing: &[String]) -> Result<(), FieldError> {
    let email = email.trim();
    validate_email(email)?;
    if existing
        .iter()
        .any(|e| e.trim().eq_ignore_ascii_case(email))
    {
        return Err(FieldError::AlreadyMember {
            email: email.to_string(),
        });
    }
    Ok(())
}

/// The roles a form can assign, in the order the choice cycles.
pub const ASSIGNABLE_ROLES: [Role; 3] = [Role::Admin, Role::User, Role::Viewer];

/// Parse one of the assignable roles (`admin`, `user`, `viewer`).
pub fn parse_role(text: &str) -> Result<Role, FieldError> {
    match Role::parse(text.trim()) {
        Role::Unknown(other) => Err(FieldError::UnknownRole { role: other }),
        role => Ok(role),
    }
}

/// Whether changing member `id` to `new_role` (`None` = removing them) leaves
/// the workspace without an active admin. Only active admins count: a pending
/// invitation cannot administer anything yet. An unknown `id` or a member who
/// is not an admin gives `false` (the server has the last word).
pub fn would_remove_last_admin(members: &[Member], id: &str, new_role: Option<Role>) -> bool {
    let Some(target) = members.iter().find(|m| m.id == id) else {
        return false;
    };
    if target.role != Role::Admin || new_role == Some(Role::Admin) {
        return false;
    }
    !members
        .iter()
        .any(|m| m.id != id && m.role == Role::Admin && m.status == MemberStatus::Active)
}

// ---------------------------------------------------------------- tokens

/// A token name: non-empty after trimming, at most [`MAX_TOKEN_NAME_LEN`], and
/// not one of `existing` (trimmed, case-insensitive: names only tell tokens apart).
pub fn validate_token_name(name: &str, existing: &[String]) -> Result<(), FieldError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(FieldError::Required { what: "a name" });
    }
    if name.chars().count() > MAX_TOKEN_NAME_LEN {
        return Err(FieldError::TooLong {
            max: MAX_TOKEN_NAME_LEN,
        });
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::Whitespace);
    }
    if existing
        .iter()
        .any(|e| e.trim().to_lowercase() == name.to_lowercase())
    {
        return Err(FieldError::TokenNameTaken);
    }
    Ok(())
}

/// How long a new token lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Days(u32),
    /// Valid through the end of this day, UTC.
    Until(Date),
}

/// The preset durations the token form offers, in days.
pub const EXPIRY_DAYS: [u32; 4] = [1, 7, 30, 90];

const DAY_SECONDS: u64 = 86_400;

/// Parse a strict `YYYY-MM-DD` date (surrounding spaces ignored).
pub fn parse_date(text: &str) -> Result<Date, FieldError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(FieldError::Required { what: "a date" });
    }
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    if !shape_ok {
        return Err(FieldError::BadDate);
    }
    text.parse::<Date>().map_err(|_| FieldError::BadDate)
}

/// `expires_in` seconds for `expiry`, counted from `now_ms` (epoch ms). A date
/// means "through the end of that day, UTC" and must be after today (UTC).
pub fn expires_in_seconds(expiry: Expiry, now_ms: i64) -> Result<u64, FieldError> {
    match expiry {
        Expiry::Days(days) => Ok(u64::from(days) * DAY_SECONDS),
        Expiry::Until(date) => {
            let now = jiff::Timestamp::from_millisecond(now_ms).map_err(|_| FieldError::BadDate)?;
            let today = now.to_zoned(TimeZone::UTC).date();
            if date <= today {
                return Err(FieldError::DateNotInFuture);
            }
            let end = date
                .tomorrow()
                .and_then(|d| d.to_zoned(TimeZone::UTC))
                .map_err(|_| FieldError::BadDate)?;
            let millis = end.timestamp().as_millisecond() - now_ms;
            // Positive: `date` is after today, so its end is over a day away.
            Ok(u64::try_from(millis / 1000).unwrap_or(0))
        }
    }
}

// ---------------------------------------------------------------- registries

/// A registry provider preset of the add-registry form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegistryProvider {
    Ngc,
    DockerHub,
    GitHub,
    Ecr,
    Custom,
}

impl RegistryProvider {
    /// In the order the form's choice cycles.
    pub const ALL: [RegistryProvider; 5] = [
        RegistryProvider::Ngc,
        RegistryProvider::DockerHub,
        RegistryProvider::GitHub,
        RegistryProvider::Ecr,
        RegistryProvider::Custom,
    ];

    /// The `spec.provider` value sent to the API.
    pub fn wire(self) -> &'static str {
        match self {
            RegistryProvider::Ngc => "ngc",
            RegistryProvider::DockerHub => "dockerhub",
            RegistryProvider::GitHub => "github",
            RegistryProvider::Ecr => "ecr",
            RegistryProvider::Custom => "custom",
        }
    }

    /// The label shown in the form.
    pub fn label(self) -> &'static str {
        match self {
            RegistryProvider::Ngc => "NGC",
            RegistryProvider::DockerHub => "Docker Hub",
            RegistryProvider::GitHub => "GitHub",
            RegistryProvider::Ecr => "AWS ECR",
            RegistryProvider::Custom => "Custom",
        }
    }

    /// The server filled in when the provider is chosen.
    pub fn preset_server(self) -> Option<&'static str> {
        match self {
            RegistryProvider::Ngc => Some("nvcr.io"),
            RegistryProvider::DockerHub => Some("https://index.docker.io/v1/"),
            RegistryProvider::GitHub => Some("ghcr.io"),
            RegistryProvider::Ecr | RegistryProvider::Custom => None,
        }
    }

    /// The username filled in when the provider is chosen.
    pub fn preset_username(self) -> Option<&'static str> {
        match self {
            RegistryProvider::Ngc => Some("$oauthtoken"),
            RegistryProvider::Ecr => Some("AWS"),
            _ => None,
        }
    }

    /// Greyed hint shown in an empty server field.
    pub fn server_hint(self) -> &'static str {
        match self {
            RegistryProvider::Ecr => "<account>.dkr.ecr.<region>.amazonaws.com",
            _ => "registry host, e.g. registry.example.com",
        }
    }

    /// Greyed hint shown in an empty username field.
    pub fn username_hint(self) -> &'static str {
        match self {
            RegistryProvider::DockerHub => "Docker Hub user",
            RegistryProvider::GitHub => "GitHub user",
            _ => "user name",
        }
    }

    /// Greyed hint shown in an empty password field.
    pub fn password_hint(self) -> &'static str {
        match self {
            RegistryProvider::Ngc => "NGC API key",
            RegistryProvider::DockerHub => "password or access token",
            RegistryProvider::GitHub => "personal access token (read:packages)",
            RegistryProvider::Ecr => "output of `aws ecr get-login-password`",
            RegistryProvider::Custom => "password or token",
        }
    }
}

/// A registry name: Kubernetes DNS-1123 label (lowercase alphanumerics and
/// `-`, starting and ending alphanumeric, at most 63), not already used.
pub fn validate_registry_name(name: &str, existing: &[String]) -> Result<(), FieldError> {
    if name.is_empty() {
        return Err(FieldError::Required { what: "a name" });
    }
    if name.chars().count() > MAX_REGISTRY_NAME_LEN {
        return Err(FieldError::TooLong {
            max: MAX_REGISTRY_NAME_LEN,
        });
    }
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let ok = name.chars().all(|c| alnum(c) || c == '-')
        && name.chars().next().is_some_and(alnum)
        && name.chars().last().is_some_and(alnum);
    if !ok {
        return Err(FieldError::RegistryNameChars);
    }
    if existing.iter().any(|e| e == name) {
        return Err(FieldError::RegistryExists {
            name: name.to_string(),
        });
    }
    Ok(())
}

/// A registry server for `provider`: non-empty, no whitespace; for ECR the
/// `<12-digit account>.dkr.ecr.<region>.amazonaws.com[.cn]` pattern.
pub fn validate_registry_server(
    provider: RegistryProvider,
    server: &str,
) -> Result<(), FieldError> {
    let server = server.trim();
    if server.is_empty() {
        return Err(FieldError::Required {
            what: "the registry server",
        });
    }
    if server.chars().any(char::is_whitespace) {
        return Err(FieldError::Whitespace);
    }
    if provider == RegistryProvider::Ecr {
        validate_ecr_server(server)?;
    }
    Ok(())
}

/// `<account>.dkr.ecr.<region>.amazonaws.com` (also `.amazonaws.com.cn`), with
/// an optional `https://` in front and `/` at the end.
pub fn validate_ecr_server(server: &str) -> Result<(), FieldError> {
    let host = server.strip_prefix("https://").unwrap_or(server);
    let host = host.strip_suffix('/').unwrap_or(host);
    let parts: Vec<&str> = host.split('.').collect();
    let tail_ok = match parts.len() {
        6 => parts[4..] == ["amazonaws", "com"],
        7 => parts[4..] == ["amazonaws", "com", "cn"],
        _ => false,
    };
    if !tail_ok {
        return Err(FieldError::BadEcrServer);
    }
    let account_ok = parts[0].len() == 12 && parts[0].chars().all(|c| c.is_ascii_digit());
    let region = parts[3];
    let region_ok = region.contains('-')
        && region
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
        && region.chars().last().is_some_and(|c| c.is_ascii_digit())
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if account_ok && parts[1] == "dkr" && parts[2] == "ecr" && region_ok {
        Ok(())
    } else {
        Err(FieldError::BadEcrServer)
    }
}

/// A required single-line value (username): non-empty after trimming, no spaces.
pub fn validate_username(username: &str) -> Result<(), FieldError> {
    let username = username.trim();
    if username.is_empty() {
        return Err(FieldError::Required { what: "a username" });
    }
    if username.chars().any(char::is_whitespace) {
        return Err(FieldError::Whitespace);
    }
    Ok(())
}

/// A registry password must not be empty.
pub fn validate_password(password: &str) -> Result<(), FieldError> {
    if password.is_empty() {
        Err(FieldError::Required { what: "a password" })
    } else {
        Ok(())
    }
}

/// The optional registry email: empty, or an email address.
pub fn validate_optional_email(email: &str) -> Result<(), FieldError> {
    let email = email.trim();
    if email.is_empty() {
        Ok(())
    } else {
        validate_email(email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, role: Role, status: MemberStatus) -> Member {
        Member {
            id: id.into(),
            email: format!("{id}@example.com").into(),
            name: None,
            role,
            status,
            invited_by: None,
            created_at: None,
            last_active_at: None,
        }
    }

    #[test]
    fn secret_name_syntax() {
        for ok in [
            "HF_TOKEN",
            "a",
            "_x",
            ".env",
            "-dash",
            "A.b-c_9",
            ALLOWED_LEPTON_SECRET,
        ] {
            assert_eq!(validate_secret_name(ok, &[]), Ok(()), "{ok}");
        }
        assert_eq!(
            validate_secret_name("", &[]),
            Err(FieldError::Required { what: "a name" })
        );
        for bad in ["9LIVES", "has space", "ünï", "a/b", "a:b", "x=1"] {
            assert_eq!(
                validate_secret_name(bad, &[]),
                Err(FieldError::SecretNameChars),
                "{bad}"
            );
        }
        let long = "A".repeat(254);
        assert_eq!(
            validate_secret_name(&long, &[]),
            Err(FieldError::TooLong { max: 253 })
        );
        assert_eq!(validate_secret_name(&"A".repeat(253), &[]), Ok(()));
    }

    #[test]
    fn reserved_secret_names() {
        for name in RESERVED_SECRET_NAMES {
            assert_eq!(
                validate_secret_name(name, &[]),
                Err(FieldError::ReservedSecretName { name: name.into() })
            );
        }
        for name in [
            "LEPTON_FOO",
            "lepton_foo",
            "Lepton_x",
            "lepton_workspace_token",
        ] {
            assert_eq!(
                validate_secret_name(name, &[]),
                Err(FieldError::ReservedSecretPrefix),
                "{name}"
            );
        }
        // Not the prefix: no underscore right after "lepton".
        assert_eq!(validate_secret_name("LEPTONX", &[]), Ok(()));
        assert_eq!(validate_secret_name("LEPTON", &[]), Ok(()));
    }

    #[test]
    fn existing_secret_offers_update() {
        let existing = vec!["HF_TOKEN".to_string()];
        let err = validate_secret_name("HF_TOKEN", &existing).unwrap_err();
        assert_eq!(
            err,
            FieldError::SecretExists {
                name: "HF_TOKEN".into()
            }
        );
        assert!(err.to_string().contains("press e"), "{err}");
        assert_eq!(validate_secret_name("hf_token", &existing), Ok(()));
    }

    #[test]
    fn secret_value() {
        assert_eq!(validate_secret_value(""), Err(FieldError::EmptyValue));
        assert_eq!(validate_secret_value(" "), Ok(()));
    }

    #[test]
    fn emails() {
        for ok in ["bob@example.com", "a.b+c@sub.example.co", "x@d-1.io"] {
            assert_eq!(validate_email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "bob",
            "bob@",
            "@example.com",
            "bob@example",
            "bob@@example.com",
            "bob smith@example.com",
            "bob@exa mple.com",
            "bob@-x.com",
            "bob@x..com",
            "bob@example.c",
            ".bob@example.com",
            "bo..b@example.com",
        ] {
            assert_eq!(validate_email(bad), Err(FieldError::BadEmail), "{bad}");
        }
        assert!(matches!(
            validate_email(""),
            Err(FieldError::Required { .. })
        ));
    }

    #[test]
    fn duplicate_invite_is_case_insensitive() {
        let existing = vec!["Bob@Example.com".to_string()];
        assert_eq!(
            validate_invite_email(" bob@example.com ", &existing),
            Err(FieldError::AlreadyMember {
                email: "bob@example.com".into()
            })
        );
        assert_eq!(
            validate_invite_email("carol@example.com", &existing),
            Ok(())
        );
    }

    #[test]
    fn roles() {
        assert_eq!(parse_role("admin"), Ok(Role::Admin));
        assert_eq!(parse_role(" viewer "), Ok(Role::Viewer));
        assert_eq!(
            parse_role("owner"),
            Err(FieldError::UnknownRole {
                role: "owner".into()
            })
        );
    }

    #[test]
    fn last_admin() {
        let members = vec![
            member("a", Role::Admin, MemberStatus::Active),
            member("b", Role::User, MemberStatus::Active),
            member("c", Role::Admin, MemberStatus::Invited),
        ];
        assert!(would_remove_last_admin(&members, "a", Some(Role::User)));
        assert!(would_remove_last_admin(&members, "a", None));
        assert!(!would_remove_last_admin(&members, "a", Some(Role::Admin)));
        assert!(!would_remove_last_admin(&members, "b", None));
        assert!(!would_remove_last_admin(&members, "nobody", None));
        // Removing the invited admin leaves the active one.
        assert!(!would_remove_last_admin(&members, "c", None));

        let two = vec![
            member("a", Role::Admin, MemberStatus::Active),
            member("d", Role::Admin, MemberStatus::Active),
        ];
        assert!(!would_remove_last_admin(&two, "a", Some(Role::Viewer)));
        assert!(LAST_ADMIN_EXPLANATION.contains("at least one admin"));
    }

    #[test]
    fn token_names() {
        let existing = vec!["Laptop".to_string()];
        assert_eq!(validate_token_name("ci runner", &existing), Ok(()));
        assert_eq!(
            validate_token_name(" laptop ", &existing),
            Err(FieldError::TokenNameTaken)
        );
        assert!(matches!(
            validate_token_name("   ", &existing),
            Err(FieldError::Required { .. })
        ));
        assert_eq!(
            validate_token_name(&"x".repeat(65), &[]),
            Err(FieldError::TooLong { max: 64 })
        );
    }

    // 2026-11-28T12:00:00Z
    const NOW_MS: i64 = 1_795_867_200_000;

    #[test]
    fn expiry_presets() {
        for (days, secs) in [(1, 86_400), (7, 604_800), (30, 2_592_000), (90, 7_776_000)] {
            assert_eq!(expires_in_seconds(Expiry::Days(days), NOW_MS), Ok(secs));
        }
    }

    #[test]
    fn expiry_dates() {
        assert_eq!(
            jiff::Timestamp::from_millisecond(NOW_MS)
                .unwrap()
                .to_string(),
            "2026-11-28T12:00:00Z"
        );
        let tomorrow = parse_date("2026-11-29").unwrap();
        // Through the end of 2026-11-29 UTC: 12 h today + 24 h.
        assert_eq!(
            expires_in_seconds(Expiry::Until(tomorrow), NOW_MS),
            Ok(36 * 3600)
        );
        for past in ["2026-11-28", "2026-11-27", "1999-01-01"] {
            let d = parse_date(past).unwrap();
            assert_eq!(
                expires_in_seconds(Expiry::Until(d), NOW_MS),
                Err(FieldError::DateNotInFuture),
                "{past}"
            );
        }
    }

    #[test]
    fn date_parsing_is_strict() {
        assert!(parse_date(" 2027-01-31 ").is_ok());
        for bad in [
            "2027-02-30",
            "2027-1-31",
            "27-01-31",
            "2027/01/31",
            "31.01.2027",
            "tomorrow",
            "2027-01-31T00:00",
            "+2027-01-31",
        ] {
            assert_eq!(parse_date(bad), Err(FieldError::BadDate), "{bad}");
        }
        assert!(matches!(parse_date(""), Err(FieldError::Required { .. })));
    }

    #[test]
    fn registry_names() {
        assert_eq!(validate_registry_name("ngc-pull", &[]), Ok(()));
        assert_eq!(validate_registry_name("a", &[]), Ok(()));
        for bad in ["NGC", "-x", "x-", "a_b", "a.b", "a b"] {
            assert_eq!(
                validate_registry_name(bad, &[]),
                Err(FieldError::RegistryNameChars),
                "{bad}"
            );
        }
        assert_eq!(
            validate_registry_name(&"a".repeat(64), &[]),
            Err(FieldError::TooLong { max: 63 })
        );
        assert_eq!(
            validate_registry_name("ngc", &["ngc".to_string()]),
            Err(FieldError::RegistryExists { name: "ngc".into() })
        );
    }

    #[test]
    fn ecr_servers() {
        for ok in [
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "https://123456789012.dkr.ecr.eu-west-3.amazonaws.com/",
            "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
            "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com",
        ] {
            assert_eq!(validate_ecr_server(ok), Ok(()), "{ok}");
        }
        for bad in [
            "<account>.dkr.ecr.<region>.amazonaws.com",
            "12345678901.dkr.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.useast.amazonaws.com",
            "123456789012.ecr.us-east-1.amazonaws.com",
            "123456789012.dkr.ecr.us-east-1.amazonaws.org",
            "ghcr.io",
        ] {
            assert_eq!(
                validate_ecr_server(bad),
                Err(FieldError::BadEcrServer),
                "{bad}"
            );
        }
        assert_eq!(
            validate_registry_server(RegistryProvider::Custom, "ghcr.io"),
            Ok(())
        );
        assert_eq!(
            validate_registry_server(RegistryProvider::Ecr, "ghcr.io"),
            Err(FieldError::BadEcrServer)
        );
        assert_eq!(
            validate_registry_server(RegistryProvider::Custom, "a b"),
            Err(FieldError::Whitespace)
        );
    }

    #[test]
    fn provider_presets() {
        use RegistryProvider::*;
        assert_eq!(Ngc.preset_server(), Some("nvcr.io"));
        assert_eq!(Ngc.preset_username(), Some("$oauthtoken"));
        assert_eq!(
            DockerHub.preset_server(),
            Some("https://index.docker.io/v1/")
        );
        assert_eq!(GitHub.preset_server(), Some("ghcr.io"));
        assert_eq!(Ecr.preset_username(), Some("AWS"));
        let wires: Vec<_> = RegistryProvider::ALL.iter().map(|p| p.wire()).collect();
        assert_eq!(wires, ["ngc", "dockerhub", "github", "ecr", "custom"]);
    }

    #[test]
    fn registry_credentials() {
        assert!(matches!(
            validate_username(" "),
            Err(FieldError::Required { .. })
        ));
        assert_eq!(validate_username("$oauthtoken"), Ok(()));
        assert!(matches!(
            validate_password(""),
            Err(FieldError::Required { .. })
        ));
        assert_eq!(validate_optional_email(""), Ok(()));
        assert_eq!(validate_optional_email("nope"), Err(FieldError::BadEmail));
    }
}
