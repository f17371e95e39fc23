//! HTTPS with the shipped TLS stack (rustls with graviola, the pure-Rust
//! provider, by default; roots from the platform verifier): the real
//! `lepdash` binary against an in-process TLS server on 127.0.0.1 (rustls
//! with ring: another implementation on the other end) with a self-signed
//! CA (rcgen), which forwards the
//! decrypted bytes to the emulator. The binary trusts the test CA only
//! through `SSL_CERT_FILE` (honoured by the platform store on Linux) — the
//! shipped code never disables verification.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use lepdash::emulator::{EmulatorHandle, EmulatorOptions, start};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use secrecy::ExposeSecret;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types::PrivateKeyDer};

/// A CA and a leaf certificate for 127.0.0.1 / localhost signed by it.
struct Pki {
    ca_pem: String,
    leaf_der: rustls::pki_types::CertificateDer<'static>,
    leaf_key: PrivateKeyDer<'static>,
}

fn pki(name: &str) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, format!("lepdash test CA {name}"));
    let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca)
        .unwrap();
    Pki {
        ca_pem: ca.pem(),
        leaf_der: leaf.der().clone(),
        leaf_key: PrivateKeyDer::try_from(leaf_key.serialize_der()).unwrap(),
    }
}

/// The emulator behind a TLS front on 127.0.0.1.
struct Server {
    emulator: Option<EmulatorHandle>,
    tls_addr: SocketAddr,
    // Declared last: dropped after the handle, inside its runtime.
    rt: tokio::runtime::Runtime,
}

impl Server {
    fn start(pki: &Pki) -> Server {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = rt
            .block_on(start(EmulatorOptions {
                demo_activity: false,
                ..Default::default()
            }))
            .unwrap();
        let upstream: SocketAddr = emulator
            .origin()
            .trim_start_matches("http://")
            .parse()
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![pki.leaf_der.clone()], pki.leaf_key.clone_key())
            .unwrap();
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let tls_addr = listener.local_addr().unwrap();
        rt.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A handshake the client refuses just ends here.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut up) = tokio::net::TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
                });
            }
        });
        Server {
            emulator: Some(emulator),
            tls_addr,
            rt,
        }
    }

    fn handle(&self) -> &EmulatorHandle {
        self.emulator.as_ref().unwrap()
    }

    fn token(&self) -> String {
        self.handle().admin_token().expose_secret().to_string()
    }

    fn https_url(&self) -> String {
        format!("https://{}/api/v2/workspaces/demo", self.tls_addr)
    }

    fn http_url(&self) -> String {
        format!("{}/api/v2/workspaces/demo", self.handle().origin())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let handle = self.emulator.take();
        let _guard = self.rt.enter();
        drop(handle);
    }
}

/// `lepdash ARGS` with only our credentials, a private HOME and
/// `SSL_CERT_FILE` as given (the only trust store the binary then reads).
fn lepdash(home: &Path, url: &str, token: &str, cert_file: &Path, args: &[&str]) -> Output {
    lepdash_env(home, url, token, cert_file, args, &[])
}

/// [`lepdash`] with extra environment variables (a proxy).
fn lepdash_env(
    home: &Path,
    url: &str,
    token: &str,
    cert_file: &Path,
    args: &[&str],
    extra: &[(&str, &str)],
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lepdash"))
        .args(args)
        .env_clear()
        .envs(extra.iter().copied())
        .env("HOME", home)
        .env("LEPTON_CACHE_DIR", home.join("lepton"))
        .env("LEPDASH_LOG_DIR", home.join("log"))
        .env("LEPTON_WORKSPACE_URL", url)
        .env("LEPTON_WORKSPACE_TOKEN", token)
        .env("SSL_CERT_FILE", cert_file)
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn https_works_with_a_trusted_ca_and_fails_closed_without_it() {
    let good = pki("good");
    let server = Server::start(&good);
    let home = tempfile::tempdir().unwrap();
    let token = server.token();

    // Trusted: the same answer as over plain HTTP.
    let ca = write(home.path(), "ca.pem", &good.ca_pem);
    let o = lepdash(
        home.path(),
        &server.https_url(),
        &token,
        &ca,
        &["get", "secrets", "status", "-o", "json"],
    );
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"]["base_url"], server.https_url());
    assert_eq!(v["status"]["status"]["workspace_name"], "demo");
    let names = |v: &serde_json::Value| v["items"].to_string();
    let plain = lepdash(
        home.path(),
        &server.http_url(),
        &token,
        &ca,
        &["get", "secrets", "-o", "json"],
    );
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(!v["secrets"]["items"].as_array().unwrap().is_empty());
    assert_eq!(names(&v["secrets"]), names(&plain));

    // Another CA: the certificate is refused, in one line, nothing printed.
    let other = write(home.path(), "other.pem", &pki("other").ca_pem);
    let o = lepdash(
        home.path(),
        &server.https_url(),
        &token,
        &other,
        &["get", "secrets"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("lepdash: "), "{err}");
    assert!(
        err.to_lowercase().contains("certificate"),
        "the refusal names the certificate: {err}"
    );
    assert!(!err.contains(&token), "{err}");
}

/// Plain HTTP never reads a trust store: with `SSL_CERT_FILE` pointing
/// nowhere (no root could be loaded) a loopback `http://` workspace still
/// works, and the same setting makes an `https://` one fail clearly.
#[test]
fn plain_http_loads_no_tls_roots() {
    let server = Server::start(&pki("unused"));
    let home = tempfile::tempdir().unwrap();
    let nowhere = home.path().join("no-such-ca.pem");
    let o = lepdash(
        home.path(),
        &server.http_url(),
        &server.token(),
        &nowhere,
        &["get", "status"],
    );
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(text(&o.stdout).contains("demo"), "{}", text(&o.stdout));

    let o = lepdash(
        home.path(),
        &server.https_url(),
        &server.token(),
        &nowhere,
        &["get", "status"],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("root certificates"), "{err}");
}

/// An `https://` proxy in front of a plain-HTTP workspace: the hop to the
/// proxy is TLS, so the system's roots are loaded for it (the workspace URL
/// alone says plain HTTP). The TLS front forwards the absolute-form request
/// to the emulator, as a forward proxy would; a proxy whose certificate is
/// not trusted is refused in one line.
#[test]
fn an_https_proxy_for_a_plain_http_workspace_is_verified() {
    let good = pki("proxy");
    let server = Server::start(&good);
    let home = tempfile::tempdir().unwrap();
    let proxy = format!("https://{}", server.tls_addr);
    let ca = write(home.path(), "ca.pem", &good.ca_pem);
    let o = lepdash_env(
        home.path(),
        &server.http_url(),
        &server.token(),
        &ca,
        &["get", "status", "-o", "json"],
        &[("HTTP_PROXY", &proxy)],
    );
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"]["workspace_name"], "demo", "{v}");

    let other = write(home.path(), "other.pem", &pki("other").ca_pem);
    let o = lepdash_env(
        home.path(),
        &server.http_url(),
        &server.token(),
        &other,
        &["get", "status"],
        &[("HTTP_PROXY", &proxy)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
    let err = text(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert!(
        err.contains(&format!("via the proxy {proxy}")) && err.contains("(HTTP_PROXY)"),
        "the failing hop may be the proxy's: it is named: {err}"
    );
}
