//! Reads that compare before decoding: a response body as received, with a
//! fingerprint, decoded only when the caller wants it. The sync task keeps
//! the fingerprint of the last body it decoded per kind; a poll whose body
//! has the same fingerprint is "unchanged" and costs one hash of the bytes
//! (no decoding, no diff, no rows rebuilt).

use std::hash::Hasher;

use reqwest::Method;
use serde::de::DeserializeOwned;

use super::client::{Client, decode};
use super::error::ApiError;
use super::paths;
use super::types::{Listed, TemplateNs};

/// One successful response body and its fingerprint.
#[derive(Debug)]
pub struct Body {
    bytes: Vec<u8>,
    fingerprint: u64,
}

/// A 64-bit fingerprint of `bytes` (SipHash-1-3 with fixed keys, then the
/// length): equal bodies have equal fingerprints; different ones collide
/// with a probability of about 2^-64.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

impl Body {
    pub fn new(bytes: Vec<u8>) -> Body {
        Body {
            fingerprint: fingerprint(&bytes),
            bytes,
        }
    }

    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// Decode one JSON object.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        decode(&self.bytes)
    }

    /// Decode a JSON array item by item (see [`Listed::from_json`]).
    pub fn decode_list<T: DeserializeOwned>(&self) -> Result<Listed<T>, ApiError> {
        let listed = Listed::<T>::from_json(&self.bytes).map_err(ApiError::Decode)?;
        if !listed.skipped.is_empty() {
            tracing::warn!(skipped = listed.skipped.len(), "skipped invalid list items");
        }
        Ok(listed)
    }
}

/// What a poll reads (the same URLs as the typed methods of [`Client`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// `GET BASE`.
    Resolver,
    /// `GET BASE/workspace`.
    Workspace,
    Members,
    Tokens,
    Secrets,
    Registries,
    Templates(TemplateNs),
}

impl Client {
    /// `GET` one of the polled URLs and keep the body undecoded.
    pub async fn read(&self, what: Read) -> Result<Body, ApiError> {
        let url = match what {
            Read::Resolver => self.url("", None),
            Read::Workspace => self.url(paths::WORKSPACE, None),
            Read::Members => self.url(paths::USERS, None),
            Read::Tokens => self.url(paths::TOKENS, None),
            Read::Secrets => self.url(paths::SECRETS, None),
            Read::Registries => self.url(paths::REGISTRIES, None),
            Read::Templates(TemplateNs::Public) => self.url(paths::TEMPLATES_PUBLIC, None),
            Read::Templates(TemplateNs::Private) => self.url(paths::TEMPLATES_PRIVATE, None),
        };
        let (_, bytes) = self.send(Method::GET, url, None).await?;
        Ok(Body::new(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_tell_bodies_apart() {
        let a = Body::new(br#"[{"name":"A"}]"#.to_vec());
        let b = Body::new(br#"[{"name":"A"}]"#.to_vec());
        let c = Body::new(br#"[{"name":"B"}]"#.to_vec());
        assert_eq!(a.fingerprint(), b.fingerprint());
        assert_ne!(a.fingerprint(), c.fingerprint());
        assert_ne!(fingerprint(b""), fingerprint(b"\0"));
    }
}
