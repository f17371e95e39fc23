//! TLS for the client: rustls with the crypto provider chosen at build time,
//! set here explicitly (no process-wide default provider). By default that
//! is graviola (`tls-graviola`): pure Rust, so building lepdash compiles
//! no C. It needs a CPU from about 2013 on (x86_64 with AES-NI,
//! PCLMULQDQ, BMI1, ADX and AVX2; aarch64 with the crypto extensions),
//! checked before its first use so an older CPU gets a sentence, not a
//! panic; `tls-ring` builds with ring instead (C and assembly through `cc`).
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
    // Plain HTTP never shakes hands (redirects are not followed): the CPU
    // check is for https only, so `lepdash demo` runs on any x86_64.
    let provider: Arc<CryptoProvider> = Arc::new(provider(scheme == "https")?);
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

#[cfg(not(any(feature = "tls-graviola", feature = "tls-ring")))]
compile_error!(
    "lepdash needs a TLS crypto provider: build with the `tls-graviola` (default) or `tls-ring` feature"
);

/// ring, when the build asked for it (it wins over graviola).
#[cfg(feature = "tls-ring")]
fn provider(_tls: bool) -> Result<CryptoProvider, ApiError> {
    Ok(rustls::crypto::ring::default_provider())
}

/// graviola; for TLS (`tls`) once this CPU is known to have what it needs
/// (graviola itself would panic on first use).
#[cfg(all(feature = "tls-graviola", not(feature = "tls-ring")))]
fn provider(tls: bool) -> Result<CryptoProvider, ApiError> {
    let missing = if tls {
        missing_cpu_features()
    } else {
        Vec::new()
    };
    if !missing.is_empty() {
        return Err(ApiError::Config(format!(
            "this CPU lacks {} needed by lepdash's TLS library (graviola); rebuild with \
             `cargo install --path . --no-default-features --features tls-ring`",
            missing.join(", ")
        )));
    }
    Ok(rustls_graviola::default_provider())
}

/// The CPU features graviola asserts on first use that this CPU lacks.
#[cfg(all(feature = "tls-graviola", not(feature = "tls-ring")))]
pub fn missing_cpu_features() -> Vec<&'static str> {
    // The detection macros take literal feature names.
    macro_rules! lacking {
        ($detect:ident: $($f:tt),*) => {{
            let mut missing = Vec::new();
            $(if !std::arch::$detect!($f) {
                missing.push($f);
            })*
            missing
        }};
    }
    #[cfg(target_arch = "x86_64")]
    return lacking!(is_x86_feature_detected: "aes", "pclmulqdq", "bmi1", "adx", "avx", "avx2");
    #[cfg(target_arch = "aarch64")]
    return lacking!(is_aarch64_feature_detected: "neon", "aes", "pmull", "sha2");
    // graviola builds for these two only.
    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    Vec::new()
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

    /// This machine runs the default provider (CI and development boxes
    /// are recent x86_64): nothing is missing, and a configuration builds.
    #[cfg(all(feature = "tls-graviola", not(feature = "tls-ring")))]
    #[test]
    fn this_cpu_has_what_graviola_needs() {
        assert_eq!(missing_cpu_features(), Vec::<&str>::new());
        assert!(provider(true).is_ok());
    }

    #[test]
    fn plain_http_loads_no_roots_and_speaks_h2_or_http1() {
        let c = tls_config("http").unwrap();
        assert_eq!(c.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
    }
}
