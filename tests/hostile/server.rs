//! A hostile HTTP server for the tests, on 127.0.0.1 only: every request
//! gets the answer of one payload class. Blocking std networking on a
//! thread per connection; it records what reached it (method, path,
//! headers, body) so a test can prove what was — or was not — sent.

// Each test binary uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// What the server answers, whatever was asked.
#[derive(Clone, Debug)]
pub enum Payload {
    /// `status` with this body and content type.
    Body {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
        extra_headers: Vec<(String, String)>,
    },
    /// 401 whose message quotes the request's `Authorization` header.
    EchoAuthorization,
    /// A 200 JSON answer that never ends (until the client goes away or
    /// `bytes` were sent): `[` then filler.
    Endless { bytes: u64 },
    /// A redirect to `location`.
    Redirect { status: u16, location: String },
}

impl Payload {
    pub fn json(status: u16, body: &str) -> Payload {
        Payload::Body {
            status,
            content_type: "application/json",
            body: body.as_bytes().to_vec(),
            extra_headers: Vec::new(),
        }
    }

    pub fn text(status: u16, body: &[u8]) -> Payload {
        Payload::Body {
            status,
            content_type: "text/plain",
            body: body.to_vec(),
            extra_headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, k: &str, v: &str) -> Payload {
        if let Payload::Body { extra_headers, .. } = &mut self {
            extra_headers.push((k.to_string(), v.to_string()));
        }
        self
    }
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

pub struct Hostile {
    pub addr: std::net::SocketAddr,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl Hostile {
    pub fn start(payload: Payload) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let payload = payload.clone();
                let seen = seen2.clone();
                std::thread::spawn(move || {
                    let _ = serve(conn, &payload, &seen);
                });
            }
        });
        Hostile { addr, seen }
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The workspace base URL of `ws1` on this server.
    pub fn base(&self) -> String {
        format!("http://{}/api/v2/workspaces/ws1", self.addr)
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(conn: TcpStream, payload: &Payload, seen: &Mutex<Vec<Seen>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_string();
        let path = parts.next().unwrap_or_default().to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let len = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        let auth = headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        seen.lock().unwrap().push(Seen {
            method,
            path,
            headers,
            body,
        });
        match payload {
            Payload::Body {
                status,
                content_type,
                body,
                extra_headers,
            } => {
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n",
                    body.len()
                );
                for (k, v) in extra_headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                out.write_all(head.as_bytes())?;
                out.write_all(body)?;
            }
            Payload::EchoAuthorization => {
                let body = format!(
                    r#"{{"code":"Unauthorized","message":"invalid header Authorization: {auth}"}}"#
                );
                out.write_all(
                    format!(
                        "HTTP/1.1 401 X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                )?;
            }
            Payload::Redirect { status, location } => {
                out.write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
                    )
                    .as_bytes(),
                )?;
            }
            Payload::Endless { bytes } => {
                // No content-length: the body ends when the connection does.
                out.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n[",
                )?;
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0u64;
                while sent < *bytes {
                    out.write_all(&chunk)?;
                    sent += chunk.len() as u64;
                }
                return Ok(());
            }
        }
        out.flush()?;
    }
}
