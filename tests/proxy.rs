//! `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY` as `lep` honours them: the client
//! goes through a small forward proxy on 127.0.0.1 (reqwest sends
//! absolute-form requests to an HTTP proxy for http:// URLs), `NO_PROXY`
//! sends it direct, and `lepdash info` says when a proxy is in use.

use std::process::Command;
use std::sync::{Arc, Mutex};

use lepdash::api::{Client, ClientConfig, paths};
use lepdash::emulator::{EmulatorOptions, start};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A plain HTTP forward proxy: reads the request head, records its request
/// line, connects to the host named in the absolute-form target and relays
/// both ways. Returns its address and the recorded request lines.
async fn forward_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let log = log.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut b = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match client.read(&mut b).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&b[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let line = text.lines().next().unwrap_or_default().to_string();
                log.lock().unwrap().push(line.clone());
                // `GET http://127.0.0.1:PORT/path HTTP/1.1`
                let target = line.split(' ').nth(1).unwrap_or_default();
                let Some(rest) = target.strip_prefix("http://") else {
                    return;
                };
                let host = rest.split('/').next().unwrap_or_default();
                assert!(host.starts_with("127.0.0.1:"), "loopback only: {host}");
                let Ok(mut server) = TcpStream::connect(host).await else {
                    return;
                };
                if server.write_all(&head).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (format!("http://{addr}"), seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_goes_through_http_proxy_unless_no_proxy() {
    let emu = start(EmulatorOptions::default()).await.unwrap();
    let (proxy, seen) = forward_proxy().await;
    let base = paths::workspace_base(&emu.origin(), "demo");
    let cfg = || ClientConfig::new(base.clone(), emu.admin_token().clone());

    let via = Client::with_env(cfg(), &|k| (k == "HTTP_PROXY").then(|| proxy.clone())).unwrap();
    let secrets = via.secrets().await.expect("a list through the proxy");
    assert!(!secrets.items.is_empty());
    {
        let lines = seen.lock().unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with(&format!("GET {}", emu.origin())),
            "absolute-form request through the proxy: {lines:?}"
        );
    }

    let direct = Client::with_env(cfg(), &|k| match k {
        "HTTP_PROXY" => Some(proxy.clone()),
        "NO_PROXY" => Some("localhost,127.0.0.1".into()),
        _ => None,
    })
    .unwrap();
    direct.secrets().await.expect("a direct list");
    assert_eq!(seen.lock().unwrap().len(), 1, "NO_PROXY bypasses the proxy");

    // Nothing set: direct, whatever reqwest's own lookup would find.
    Client::with_env(cfg(), &|_| None)
        .unwrap()
        .secrets()
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1);

    // The binary: `get` goes through the proxy, `info` says it is in use.
    let home = tempfile::tempdir().unwrap();
    let token = secrecy::ExposeSecret::expose_secret(emu.admin_token()).to_string();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_lepdash"))
            .args(args)
            .env_clear()
            .env("HOME", home.path())
            .env("LEPTON_CACHE_DIR", home.path().join("lepton"))
            .env("LEPDASH_LOG_DIR", home.path().join("log"))
            .env("LEPTON_WORKSPACE_URL", &base)
            .env("LEPTON_WORKSPACE_TOKEN", &token)
            .env("http_proxy", format!("http://user:hunter2@{}", &proxy[7..]))
            .output()
            .unwrap()
    };
    // The proxy and the emulator keep running on the other worker.
    let got = tokio::task::block_in_place(|| run(&["get", "secrets"]));
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    assert!(
        seen.lock().unwrap().len() >= 2,
        "get went through the proxy"
    );
    let info = tokio::task::block_in_place(|| run(&["info"]));
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    assert!(info.contains("proxy:"), "{info}");
    assert!(
        info.contains(&proxy) && info.contains("(http_proxy) is in use"),
        "{info}"
    );
    assert!(
        !info.contains("hunter2"),
        "the proxy password was printed: {info}"
    );
    emu.shutdown().await;
}
