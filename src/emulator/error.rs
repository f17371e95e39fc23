//! Errors of the emulator: [`EmulatorError`] for its Rust API, [`HttpError`]
//! for the `{code, message}` bodies it answers with.

use std::net::SocketAddr;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::api::types::ErrorBody;

/// Why the emulator could not start or could not apply a change.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid seed data: {0}")]
    Seed(String),
    #[error("invalid fault spec: {0}")]
    FaultSpec(String),
    #[error("unknown workspace {0:?}")]
    UnknownWorkspace(String),
    #[error("invalid activation state {0:?} (use not_activated, pending or active)")]
    InvalidActivation(String),
    #[error("invalid admin token: {0}")]
    InvalidToken(String),
}

/// An HTTP error answer: status plus the Lepton `{code, message}` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl HttpError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        HttpError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `InvalidRequest`: the body could not be parsed.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "InvalidRequest", message)
    }

    /// 400 `ValidationError`: parsed, but a value breaks a rule.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationError", message)
    }

    /// 401 `Unauthorized`.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", message)
    }

    /// 403 `StatusForbidden`.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "StatusForbidden", message)
    }

    /// 404 `ResourceNotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "ResourceNotFound", message)
    }

    /// 409 `ResourceConflict`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "ResourceConflict", message)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

/// Parse a JSON request body; failures become 400 `InvalidRequest`.
///
/// serde's messages can quote input values ("invalid type: string \"…\""),
/// and input values may be secrets, so every double-quoted part of the
/// message is blanked out.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, HttpError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(HttpError::invalid_request("the request body is empty"));
    }
    serde_json::from_slice(body).map_err(|e| {
        let msg = redact_quoted(&e.to_string());
        match e.classify() {
            serde_json::error::Category::Data => {
                HttpError::invalid_request(format!("the request body does not fit: {msg}"))
            }
            _ => HttpError::invalid_request(format!("the request body is not valid JSON: {msg}")),
        }
    })
}

/// Replace every `"…"` quoted part of a message with `"…"`.
pub(crate) fn redact_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut inside = false;
    for c in msg.chars() {
        if c == '"' {
            if inside {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            inside = !inside;
        } else if !inside {
            out.push(c);
        }
    }
    if inside {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_input_is_redacted() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "hunter2", expected u64"#),
            r#"invalid type: string "…", expected u64"#
        );
        assert_eq!(
            redact_quoted("missing field `name`"),
            "missing field `name`"
        );
        assert_eq!(redact_quoted(r#"oops "abc"#), r#"oops "…"#);
    }

    #[test]
    fn bad_json_is_invalid_request() {
        let e = parse_body::<Vec<u32>>(b"{nope").unwrap_err();
        assert_eq!(e.code, "InvalidRequest");
        let e = parse_body::<Vec<u32>>(br#"["s3cr3t"]"#).unwrap_err();
        assert!(!e.message.contains("s3cr3t"), "{}", e.message);
        let e = parse_body::<Vec<u32>>(b"  ").unwrap_err();
        assert!(e.message.contains("empty"));
    }
}
