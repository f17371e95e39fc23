//! TLS for the client: rustls with the `ring` crypto provider, chosen here
//! explicitly (no process-wide default provider, no C toolchain beyond what
//! ring builds with `cc`).
//!
//! The certificate roots are the platform's (`rustls-platform-verifier`: on
//! Linux the system store, honouring `SSL_CERT_FILE` / `SSL_CERT_DIR`), and
//! they are loaded only for an `https://` workspace: a plain-HTTP loopback
//! URL (the emulator, `lepdash demo`, tests) gets a configuration that
//! trusts nothing and never reads a certificate file.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;

use super::error::ApiError;

/// The rustls configuration for a workspace whose URL has `scheme`.
pub fn tls_config(scheme: &str) -> Result<rustls::ClientConfig, ApiError> {
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ApiError::Config(format!("cannot set up TLS: {e}")))?;
    let mut config = if scheme == "https" {
        let verifier = rustls_platform_verifier::Verifier::new(provider).map_err(|e| {
            ApiError::Config(format!(
                "cannot load the system's TLS root certificates: {e} \
                 (install ca-certificates or set SSL_CERT_FILE)"
            ))
        })?;
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth()
    } else {
        // Plain HTTP: nothing is encrypted, so nothing is trusted; an
        // https URL reached from here (a redirect) fails verification.
        builder
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth()
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A bare reqwest client for plain-HTTP loopback calls outside the
/// workspace API (tests and tools talking to the emulator's control
/// endpoints): lepdash's TLS setup, trusting no certificate. reqwest is
/// built without a default crypto provider, so `reqwest::Client::new()`
/// would panic.
pub fn plain_http_client() -> Result<reqwest::Client, ApiError> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config("http")?)
        .build()
        .map_err(|e| ApiError::Config(format!("cannot build the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_loads_no_roots_and_speaks_h2_or_http1() {
        let c = tls_config("http").unwrap();
        assert_eq!(c.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
    }
}
