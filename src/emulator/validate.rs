//! Server-side validation rules (the API's, as the emulator serves them).
//! Each returns the message of a 400 `ValidationError`.

use crate::api::names::{has_reserved_secret_prefix, is_reserved_secret_name};

/// Secret names: `^[A-Za-z_.-][A-Za-z0-9._-]*$`, 1–253 characters, not
/// reserved, not starting with `lepton_` in any case (except
/// `LEPTON_WORKSPACE_TOKEN`), and not `.`/`..` (they cannot be a URL segment).
pub fn secret_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("secret name must not be empty".into());
    }
    if name.len() > 253 {
        return Err(format!(
            "secret name is {} characters long; the limit is 253",
            name.len()
        ));
    }
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '_' | '.' | '-'));
    if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
        return Err(format!(
            "invalid secret name {name:?}: use letters, digits, '_', '.' and '-', \
             not starting with a digit (^[A-Za-z_.-][A-Za-z0-9._-]*$)"
        ));
    }
    if name == "." || name == ".." {
        return Err(format!("invalid secret name {name:?}"));
    }
    if is_reserved_secret_name(name) {
        return Err(format!("{name} is a reserved name"));
    }
    if has_reserved_secret_prefix(name) {
        return Err(format!(
            "environment variable names are not allowed to start with lepton_ \
             (both lower and upper cases):{name}"
        ));
    }
    Ok(())
}

/// Control, bidi and format characters have no place in a stored name:
/// whatever shows it later (a dashboard, a log, the `lep` CLI) would pass
/// them to a terminal.
fn unprintable(c: char) -> bool {
    c.is_control()
        || crate::text::clean_char(c) != c
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
}

/// `what` contains no control, bidi or format character.
pub fn printable(what: &str, value: &str) -> Result<(), String> {
    if value.chars().any(unprintable) {
        return Err(format!(
            "{what} must not contain control, bidi or format characters"
        ));
    }
    Ok(())
}

/// A registry server: a host name with an optional port and path
/// (`nvcr.io`, `registry.example.com:5000/team`), printable, no spaces, at
/// most 253 characters.
pub fn registry_server(server: &str) -> Result<(), String> {
    let s = server.trim();
    if s.is_empty() {
        return Err("registry_server must not be empty".into());
    }
    if s.len() > 253 || s.chars().any(|c| unprintable(c) || c.is_whitespace()) {
        return Err(
            "invalid registry_server: a host name with an optional port and path, \
             printable characters only, no spaces, at most 253 characters"
                .into(),
        );
    }
    Ok(())
}

/// A plausible email address (what an invitation can be sent to).
pub fn email(email: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "{:?} is not a valid email address",
            crate::text::cut_chars(email, 100)
        )
    };
    if email.is_empty()
        || email.len() > 254
        || email.chars().any(|c| c.is_whitespace() || unprintable(c))
    {
        return Err(bad());
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(bad());
    };
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with(['.', '-'])
        || domain.ends_with(['.', '-'])
        || domain.contains("..")
        || !domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
    {
        return Err(bad());
    }
    Ok(())
}

/// Registry (image pull secret) names: Kubernetes object names, lowercase
/// letters, digits, `-` and `.`, starting and ending alphanumeric, ≤ 253.
pub fn registry_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "invalid registry name {name:?}: use lowercase letters, digits, '-' and '.', \
             starting and ending with a letter or digit (at most 253 characters)"
        ))
    }
}

/// Longest token validity accepted by `POST /tokens` (10 years).
pub const MAX_TOKEN_SECONDS: u64 = 10 * 365 * 86_400;

/// Token names: 1–64 printable characters.
pub fn token_name(name: &str) -> Result<(), String> {
    let n = name.trim();
    if n.is_empty() {
        return Err("token name must not be empty".into());
    }
    if n.chars().count() > 64 || n.chars().any(char::is_control) {
        return Err("token name must be at most 64 printable characters".into());
    }
    Ok(())
}

/// Whether a string can be used as a bearer token (the `--token` flag).
pub fn bearer_token(token: &str) -> Result<(), String> {
    if token.len() < 20 {
        return Err("it must be at least 20 characters long (e.g. nvapi- and 40 more)".into());
    }
    if !token.chars().all(|c| c.is_ascii_graphic()) {
        return Err("it may contain only printable ASCII characters, no spaces".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_in_emails_and_servers() {
        assert!(email("a\x1b]0;x\x07@example.com").is_err());
        assert!(email("a\u{202e}b@example.com").is_err());
        assert!(email("a@example.com").is_ok());
        assert!(registry_server("nvcr.io").is_ok());
        assert!(registry_server("registry.example.com:5000/team").is_ok());
        assert!(registry_server("evil\x1b[2J.io").is_err());
        assert!(registry_server("a b").is_err());
        assert!(registry_server("x\u{202e}y").is_err());
        assert!(printable("username", "bob\x07").is_err());
    }

    #[test]
    fn secret_names() {
        for ok in [
            "A",
            "HF_TOKEN",
            "_x",
            ".env",
            "-dash",
            "SSH_PUBLIC_KEY.alex",
            "LEPTON_WORKSPACE_TOKEN",
            &"a".repeat(253),
        ] {
            assert!(secret_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1ABC",
            "HAS SPACE",
            "a/b",
            "é",
            "LEPTON_WORKSPACE_ID",
            "LEPTON_FOO",
            "lepton_foo",
            "Lepton_Foo",
            ".",
            "..",
            &"a".repeat(254),
        ] {
            assert!(secret_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails() {
        assert!(email("bob@example.com").is_ok());
        assert!(email("a.b+c@sub.example.co").is_ok());
        for bad in [
            "",
            "bob",
            "bob@",
            "@x.com",
            "bob@x",
            "b ob@x.com",
            "a@b@c.com",
            "a@.x.com",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn registry_names() {
        assert!(registry_name("ngc-nvcr").is_ok());
        assert!(registry_name("ecr.us-west-2").is_ok());
        for bad in ["", "Upper", "-x", "x-", "a_b", "has space"] {
            assert!(registry_name(bad).is_err(), "{bad}");
        }
    }
}
