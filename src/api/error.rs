//! One error type for every way an API call can fail.

use std::fmt;
use std::time::Duration;

use super::types::ErrorBody;
use crate::text;

/// Error text from a server is cut to this many characters wherever it is
/// shown or logged.
pub const MAX_ERROR_TEXT: usize = 300;
/// An error `code` is cut to this many characters.
pub const MAX_CODE_TEXT: usize = 80;
/// The longest wait a server's `Retry-After` can impose (a larger value is
/// capped to this, and the capped value is what is shown).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);

/// What the server said, when it said anything useful.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMessage {
    /// The `code` of a `{code, message}` body, if any.
    pub code: Option<String>,
    /// The `message`, or a short excerpt of a non-JSON body.
    pub message: String,
}

impl ServerMessage {
    /// Build from a response body: `{code, message}` when it parses, else a
    /// trimmed excerpt of the text. Both are cut to [`MAX_ERROR_TEXT`]
    /// characters (the code to [`MAX_CODE_TEXT`]); tokens are masked.
    pub fn from_body(body: &[u8]) -> Self {
        Self::from_body_masking(body, None)
    }

    /// [`Self::from_body`], also masking `own` (the token lepdash sent)
    /// wherever the server quoted it.
    pub fn from_body_masking(body: &[u8], own: Option<&str>) -> Self {
        let clean = |s: &str, max: usize| -> String {
            let masked = text::mask_tokens(s.trim(), own);
            text::cut_chars(&masked, max).into_owned()
        };
        if let Ok(b) = serde_json::from_slice::<ErrorBody>(body) {
            // Blank is empty: a code of spaces is no code.
            let code = clean(&b.code, MAX_CODE_TEXT);
            let message = clean(&b.message, MAX_ERROR_TEXT);
            if !code.is_empty() || !message.is_empty() {
                return ServerMessage {
                    code: (!code.is_empty()).then_some(code),
                    message,
                };
            }
        }
        // Only the head of a non-JSON body matters (and only that much is
        // decoded, whatever the body's size).
        let head = &body[..body.len().min(MAX_ERROR_TEXT * 4 + 4)];
        let mut message = clean(&String::from_utf8_lossy(head), MAX_ERROR_TEXT);
        if head.len() < body.len() && !message.ends_with("characters)") {
            message.push('…');
        }
        ServerMessage {
            code: None,
            message,
        }
    }
}

impl fmt::Display for ServerMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, self.message.is_empty()) {
            (Some(code), false) => write!(f, "{} ({code})", self.message),
            (Some(code), true) => f.write_str(code),
            (None, false) => f.write_str(&self.message),
            (None, true) => f.write_str("no details"),
        }
    }
}

/// Every failure of an API call. Cloneable so it can travel in messages.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("the server rejected the request (400): {0}")]
    BadRequest(ServerMessage),
    #[error("token rejected (401): {0}")]
    Unauthorized(ServerMessage),
    #[error("forbidden (403): {0}")]
    Forbidden(ServerMessage),
    #[error("not found (404): {0}")]
    NotFound(ServerMessage),
    #[error("conflict (409): {0}")]
    Conflict(ServerMessage),
    #[error("rate limited (429){}: {message}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        retry_after: Option<Duration>,
        message: ServerMessage,
    },
    #[error("server error ({status}): {message}")]
    Server { status: u16, message: ServerMessage },
    #[error("unexpected HTTP status {status}: {message}")]
    Status { status: u16, message: ServerMessage },
    #[error("request timed out after {}s", .0.as_secs())]
    Timeout(Duration),
    #[error("the server redirected ({status}) to {target}; lepdash does not follow redirects")]
    Redirect { status: u16, target: String },
    #[error("the response is larger than the limit of {}", crate::text::human_bytes(*limit as u64))]
    TooLarge { limit: usize },
    /// The cause comes before the URL, so a cut line keeps it.
    #[error("cannot connect ({detail}) to {url}")]
    Connect { url: String, detail: String },
    #[error("undecodable response: {0}")]
    Decode(String),
    #[error("request failed: {0}")]
    Transport(String),
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl ApiError {
    /// Map a non-success status and its body to an error.
    pub fn from_status(status: u16, retry_after: Option<Duration>, body: &[u8]) -> Self {
        Self::from_status_masking(status, retry_after, body, None)
    }

    /// [`Self::from_status`], masking `own` (the token sent) in the message.
    pub fn from_status_masking(
        status: u16,
        retry_after: Option<Duration>,
        body: &[u8],
        own: Option<&str>,
    ) -> Self {
        let message = ServerMessage::from_body_masking(body, own);
        let retry_after = retry_after.map(|d| d.min(MAX_RETRY_AFTER));
        match status {
            400 | 422 => ApiError::BadRequest(message),
            401 => ApiError::Unauthorized(message),
            403 => ApiError::Forbidden(message),
            404 => ApiError::NotFound(message),
            409 => ApiError::Conflict(message),
            429 => ApiError::RateLimited {
                retry_after,
                message,
            },
            500..=599 => ApiError::Server { status, message },
            _ => ApiError::Status { status, message },
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            ApiError::BadRequest(_) => 400,
            ApiError::Unauthorized(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::RateLimited { .. } => 429,
            ApiError::Server { status, .. } | ApiError::Status { status, .. } => *status,
            _ => return None,
        })
    }

    /// The server's `{code, message}`, when present.
    pub fn server_message(&self) -> Option<&ServerMessage> {
        match self {
            ApiError::BadRequest(m)
            | ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::RateLimited { message: m, .. }
            | ApiError::Server { message: m, .. }
            | ApiError::Status { message: m, .. } => Some(m),
            _ => None,
        }
    }

    /// The server's error code, e.g. `WorkspaceNotActivated`.
    pub fn code(&self) -> Option<&str> {
        self.server_message().and_then(|m| m.code.as_deref())
    }

    /// Worth retrying later without the user doing anything: timeouts,
    /// connection failures, 429 and 5xx. Never used to retry a create blindly.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout(_)
                | ApiError::Connect { .. }
                | ApiError::Transport(_)
                | ApiError::RateLimited { .. }
                | ApiError::Server { .. }
                | ApiError::Decode(_)
        )
    }

    /// The delay the server asked for (429 `Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// A mutation that failed this way may still have been applied by the
    /// server (the request left, no answer came back): reconcile from the next
    /// list, never retry.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout(_)
                | ApiError::Transport(_)
                | ApiError::Server { .. }
                | ApiError::Decode(_)
        )
    }

    /// A one-line hint of what to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ApiError::Unauthorized(_) => {
                "the token is invalid, revoked or expired: run `lep login -c ID:TOKEN` or set LEPTON_WORKSPACE_TOKEN"
            }
            ApiError::Forbidden(_) => "your role does not allow this",
            ApiError::NotFound(_) => {
                "not available on this workspace (check the workspace id and URL)"
            }
            ApiError::RateLimited { .. } => {
                "the API is rate limiting; lepdash waits before retrying"
            }
            ApiError::Timeout(_) => "the API is slow or unreachable; lepdash keeps retrying",
            ApiError::Connect { .. } => "check the URL and your network; lepdash keeps retrying",
            ApiError::Server { .. } => "the service had a problem; lepdash keeps retrying",
            ApiError::Decode(_) => "the API answered with something lepdash cannot read",
            ApiError::Redirect { .. } => {
                "check the workspace URL (use the final address, with https://)"
            }
            ApiError::TooLarge { .. } => {
                "raise `max_response_mib` in the config file if this answer is expected"
            }
            _ => "",
        }
    }
}

/// Parse a `Retry-After` header value (delta seconds only; HTTP dates are
/// rare on APIs and fall back to the caller's back-off), capped to
/// [`MAX_RETRY_AFTER`]: any number of digits is accepted, none overflows.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs = v.parse::<u64>().unwrap_or(u64::MAX);
    Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_errors_name_the_cause_before_the_url() {
        let e = ApiError::Connect {
            url: "http://127.0.0.1:9/api/v2/workspaces/demo/workspace".into(),
            detail: "connection refused".into(),
        };
        let s = e.to_string();
        assert!(s.find("refused") < s.find("http://"), "{s}");
    }

    #[test]
    fn statuses_map_to_variants() {
        let body = br#"{"code":"ResourceConflict","message":"exists"}"#;
        let e = ApiError::from_status(409, None, body);
        assert_eq!(e.code(), Some("ResourceConflict"));
        assert_eq!(e.status(), Some(409));
        assert_eq!(e.to_string(), "conflict (409): exists (ResourceConflict)");
        let e = ApiError::from_status(429, Some(Duration::from_secs(7)), b"slow down");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert!(e.is_transient());
        assert!(matches!(
            ApiError::from_status(503, None, b""),
            ApiError::Server { status: 503, .. }
        ));
        assert!(!ApiError::from_status(401, None, b"").is_transient());
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(1000);
        let m = ServerMessage::from_body(body.as_bytes());
        assert!(m.message.starts_with(&"x".repeat(MAX_ERROR_TEXT)));
        assert!(
            m.message.chars().count() < MAX_ERROR_TEXT + 40,
            "{}",
            m.message
        );
        let json = format!(
            r#"{{"code":"{}","message":"{}"}}"#,
            "C".repeat(500),
            "m".repeat(100_000)
        );
        let m = ServerMessage::from_body(json.as_bytes());
        assert!(m.message.contains("more characters"));
        assert!(m.to_string().chars().count() < 500);
    }

    #[test]
    fn tokens_in_server_text_are_masked() {
        let own = "secret-own-token-123";
        let body = br#"{"code":"Unauthorized","message":"bad header Authorization: Bearer secret-own-token-123 and nvapi-AAAABBBBCCCCDDDD"}"#;
        let m = ServerMessage::from_body_masking(body, Some(own));
        assert!(!m.message.contains(own), "{}", m.message);
        assert!(!m.message.contains("AAAABBBB"), "{}", m.message);
        assert!(m.message.contains("Bearer ****"), "{}", m.message);
        let e =
            ApiError::from_status_masking(401, None, b"echo: nvapi-0123456789abcdef", Some(own));
        assert!(!e.to_string().contains("0123456789"), "{e}");
    }

    #[test]
    fn retry_after_parses_seconds_and_is_capped() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(
            parse_retry_after("18446744073709551615"),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(parse_retry_after(&"9".repeat(400)), Some(MAX_RETRY_AFTER));
        assert_eq!(parse_retry_after("-1"), None);
        let e = ApiError::from_status(429, parse_retry_after("99999999999"), b"");
        assert!(e.to_string().contains("retry after 600s"), "{e}");
    }
}
