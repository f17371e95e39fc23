//! Shared by the PTY end-to-end tests: an in-process emulator on 127.0.0.1:0,
//! a private HOME / login record / config / log dir, and the real `lepdash`
//! binary in a pseudo-terminal whose output feeds a vt100 screen.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lepdash::emulator::{EmulatorHandle, EmulatorOptions};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use secrecy::ExposeSecret;

pub const ROWS: u16 = 40;
pub const COLS: u16 = 140;
/// Generous: a debug binary on a busy 2-core machine.
pub const WAIT: Duration = Duration::from_secs(20);
pub const TOKEN: &str = "nvapi-e2e-admin-token-0123456789";

/// The emulator, served by its own runtime on background threads.
pub struct Emu {
    rt: tokio::runtime::Runtime,
    handle: Option<EmulatorHandle>,
    pub dir: tempfile::TempDir,
    /// Where it listens (kept across `stop`/`restart`).
    addr: std::net::SocketAddr,
}

impl Emu {
    pub fn start() -> Emu {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let handle = rt
            .block_on(lepdash::emulator::start(EmulatorOptions {
                listen: "127.0.0.1:0".parse().unwrap(),
                data_dir: None,
                admin_token: Some(TOKEN.to_string()),
                faults: None,
                demo_activity: false,
                ..Default::default()
            }))
            .unwrap();
        assert_eq!(handle.admin_token().expose_secret(), TOKEN);
        let dir = tempfile::tempdir().unwrap();
        let addr = handle.addr();
        let emu = Emu {
            rt,
            handle: Some(handle),
            dir,
            addr,
        };
        emu.write_home();
        emu
    }

    pub fn handle(&self) -> &EmulatorHandle {
        self.handle.as_ref().unwrap()
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stop serving: connections are refused until [`Emu::restart`].
    pub fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }

    /// Serve again on the same port with the same admin token and a fresh seed.
    pub fn restart(&mut self) {
        assert!(self.handle.is_none(), "stop it first");
        let handle = self
            .rt
            .block_on(lepdash::emulator::start(EmulatorOptions {
                listen: self.addr,
                data_dir: None,
                admin_token: Some(TOKEN.to_string()),
                faults: None,
                demo_activity: false,
                ..Default::default()
            }))
            .expect("restart on the same port");
        assert_eq!(handle.addr(), self.addr);
        self.handle = Some(handle);
    }

    /// Replace the fault config (see the emulator's SPEC).
    pub fn set_faults(&self, spec: &str) {
        self.handle().set_faults(spec).unwrap();
    }

    /// Mint a token of `member` (email) in `ws` through the control
    /// endpoint: `(id, plaintext)`.
    pub fn mint_token(&self, ws: &str, member: &str) -> (String, String) {
        let url = format!(
            "{}{}",
            self.origin(),
            lepdash::api::paths::CONTROL_TOKENS.replace("{ws}", ws)
        );
        let v: serde_json::Value = self.rt.block_on(async {
            let resp = lepdash::api::tls::plain_http_client()
                .unwrap()
                .post(url)
                .json(&serde_json::json!({"member": member, "expires_in": 30 * 86_400}))
                .send()
                .await
                .unwrap();
            assert!(resp.status().is_success(), "{}", resp.status());
            resp.json().await.unwrap()
        });
        (
            v["id"].as_str().unwrap().to_string(),
            v["token"].as_str().unwrap().to_string(),
        )
    }

    /// The environment that makes lepdash use `token` on workspace `ws`
    /// (over the login record, which keeps the admin token).
    pub fn env_for_token(&self, ws: &str, token: &str) -> Vec<(String, String)> {
        vec![
            ("LEPTON_WORKSPACE_ID".into(), ws.into()),
            ("LEPTON_WORKSPACE_TOKEN".into(), token.into()),
            ("LEPTON_WORKSPACE_URL".into(), self.base(ws)),
        ]
    }

    pub fn base(&self, ws: &str) -> String {
        lepdash::api::paths::workspace_base(&self.origin(), ws)
    }

    /// A client of workspace `ws`, to read the seed the screen should show.
    pub fn client(&self, ws: &str) -> lepdash::api::Client {
        lepdash::api::Client::new(lepdash::api::ClientConfig::new(
            self.base(ws),
            secrecy::SecretString::from(TOKEN.to_string()),
        ))
        .unwrap()
    }

    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A `lep login` record with every served workspace (current: `demo`),
    /// an empty settings file, a log dir.
    fn write_home(&self) {
        let home = self.home();
        let cache = home.join(".cache/lepton");
        std::fs::create_dir_all(&cache).unwrap();
        std::fs::create_dir_all(home.join("config")).unwrap();
        std::fs::create_dir_all(home.join("logs")).unwrap();
        let mut yaml = String::from("current_workspace: demo\nworkspaces:\n");
        for ws in self.handle().workspaces() {
            yaml.push_str(&format!(
                "  {id}:\n    auth_token: {TOKEN}\n    display_name: {name:?}\n    id: {id}\n    token_expires_at: null\n    url: {url}\n    workspace_origin_url: null\n",
                id = ws.id,
                name = ws.display_name,
                url = self.base(&ws.id),
            ));
        }
        std::fs::write(cache.join("workspace_info.yaml"), yaml).unwrap();
        std::fs::write(home.join("config/config.toml"), "").unwrap();
    }
}

impl Drop for Emu {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            self.rt.block_on(h.shutdown());
        }
    }
}

/// The binary under test: `LEPDASH_E2E_BIN` when set (CI points it at the
/// release build, the one users run), else the test profile's build.
pub fn bin() -> PathBuf {
    match std::env::var_os("LEPDASH_E2E_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_lepdash")),
    }
}

/// A binary built with `--features test-panic`: this one when the tests were
/// built with the feature, else a separate build, once per test process.
///
/// The running `cargo test` holds the lock of its target directory, so the
/// binary goes to its own artifact directory (`<target>/test-panic`) while
/// sharing the build directory of the test build (`build.build-dir`): only
/// the lepdash crate itself is compiled again, not the dependencies.
pub fn bin_with_test_panic() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    if cfg!(feature = "test-panic") {
        return bin();
    }
    BUILT
        .get_or_init(|| {
            let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
            // <target>/debug/lepdash
            let target = bin()
                .parent()
                .and_then(Path::parent)
                .expect("the binary lives in <target>/<profile>/")
                .to_path_buf();
            let artifacts = target.join("test-panic");
            let cargo = option_env!("CARGO").unwrap_or("cargo");
            let out = std::process::Command::new(cargo)
                .current_dir(manifest)
                .args([
                    "build",
                    "--quiet",
                    "--features",
                    "test-panic",
                    "--bin",
                    "lepdash",
                ])
                .arg("--target-dir")
                .arg(&artifacts)
                .arg("--config")
                .arg(format!(
                    "build.build-dir={:?}",
                    target.display().to_string()
                ))
                .output()
                .expect("cargo runs");
            assert!(
                out.status.success(),
                "building with --features test-panic failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            artifacts.join("debug").join("lepdash")
        })
        .clone()
}

/// The dashboard running in a pseudo-terminal.
pub struct App {
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    writer: Option<Box<dyn Write + Send>>,
    raw: Arc<Mutex<Vec<u8>>>,
    parser: Arc<Mutex<vt100::Parser>>,
    reader: Option<JoinHandle<()>>,
    /// Tells the reader thread to end after its next read.
    stop_reading: Arc<std::sync::atomic::AtomicBool>,
}

impl App {
    /// Start `bin` (with `args`) against `emu`; `env` adds to a clean environment.
    pub fn spawn(bin: &Path, emu: &Emu, args: &[&str], env: &[(&str, &str)]) -> App {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.env_clear();
        let home = emu.home();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", &home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env("LEPTON_CACHE_DIR", home.join(".cache/lepton"));
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("LEPDASH_CONFIG", home.join("config/config.toml"));
        cmd.env("LEPDASH_LOG_DIR", home.join("logs"));
        cmd.env("LEPDASH_LOG", "debug");
        // No clipboard tools, no SSH: nothing outside the test is touched.
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(&home);
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            NonZeroU16::new(ROWS).unwrap(),
            NonZeroU16::new(COLS).unwrap(),
            0,
        )));
        let (raw2, parser2) = (raw.clone(), parser.clone());
        let stop_reading = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop_reading.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        raw2.lock().unwrap().extend_from_slice(&buf[..n]);
                        parser2.lock().unwrap().process(&buf[..n]);
                    }
                }
                if stop2.load(std::sync::atomic::Ordering::SeqCst) {
                    break;
                }
            }
        });
        App {
            child,
            master: Some(pair.master),
            writer: Some(writer),
            raw,
            parser,
            reader: Some(reader),
            stop_reading,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().unwrap()
    }

    pub fn send(&mut self, bytes: &str) {
        let w = self.writer.as_mut().expect("the terminal is open");
        w.write_all(bytes.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// Send keys one at a time with a short pause (as a person types).
    pub fn type_keys(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(15));
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    /// Wait until the screen satisfies `pred`; panics with the screen.
    pub fn wait_screen(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until a whole frame was written: the alternate screen was
    /// entered and a synchronized update ended after that.
    pub fn wait_frame(&self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let raw = self.raw();
            if let Some(at) = find(&raw, b"\x1b[?1049h")
                && find(&raw[at..], b"\x1b[?2026l").is_some()
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for the first frame; output: {:?}",
                String::from_utf8_lossy(&raw)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_text(&self, text: &str) -> String {
        self.wait_screen(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Wait for the process to end; panics if it does not.
    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader take in the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("lepdash did not exit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait for the process to end with status 0; panics with the screen.
    pub fn wait_exit_ok(&mut self) {
        let status = self.wait_exit();
        assert!(
            status.success(),
            "exit status {status:?}; screen:\n{}",
            self.screen()
        );
    }

    /// Close the terminal, as when an SSH connection drops: the kernel sends
    /// SIGHUP and the terminal answers EIO from then on. Every descriptor of
    /// the master side must close, the reader thread's too: it is told to
    /// stop, and `redraw_key` makes the dashboard write something so its
    /// blocking read returns.
    pub fn hang_up(&mut self, redraw_key: &str) {
        self.stop_reading
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.send(redraw_key);
        if let Some(r) = self.reader.take() {
            r.join().unwrap();
        }
        self.writer = None;
        self.master = None;
    }

    /// Send a signal with kill(1).
    pub fn signal(&self, sig: &str) {
        let ok = std::process::Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig} failed");
    }

    /// Whether the pty is in raw mode (no canonical input, no echo), read
    /// from the terminal's own settings.
    pub fn raw_mode(&self) -> bool {
        let t = self
            .master
            .as_ref()
            .expect("the terminal is open")
            .get_termios()
            .expect("the pty reports its termios");
        let flags = format!("{:?}", t.local_flags);
        !(has_flag(&flags, "ICANON") && has_flag(&flags, "ECHO"))
    }

    /// The terminal is back to normal after the process ended: the bytes
    /// that undo each mode were written after the last ones that set them,
    /// the vt100 screen agrees, and the line discipline is cooked again.
    pub fn assert_restored(&self) {
        let raw = self.raw();
        let entered = rfind(&raw, b"\x1b[?1049h").expect("the alternate screen was entered");
        let tail = &raw[entered..];
        for (seq, what) in [
            (&b"\x1b[?1049l"[..], "alternate screen left"),
            (b"\x1b[?25h", "cursor shown"),
            (b"\x1b[?2004l", "bracketed paste off"),
            (b"\x1b[?1000l", "mouse reporting off"),
        ] {
            assert!(
                find(tail, seq).is_some(),
                "{what}: {seq:?} not written after entering; tail: {:?}",
                String::from_utf8_lossy(&tail[tail.len().saturating_sub(400)..])
            );
        }
        let p = self.parser.lock().unwrap();
        let s = p.screen();
        assert!(!s.alternate_screen(), "still on the alternate screen");
        assert!(!s.hide_cursor(), "cursor still hidden");
        assert!(!s.bracketed_paste(), "bracketed paste still on");
        assert_eq!(
            s.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse still captured"
        );
        drop(p);
        assert!(!self.raw_mode(), "the terminal is still in raw mode");
    }

    /// Position of the first `needle` in the output, if any.
    pub fn find_raw(&self, needle: &[u8]) -> Option<usize> {
        find(&self.raw(), needle)
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The reader ends when the master side closes (dropped with self).
        let _ = self.reader.take();
    }
}

fn has_flag(debug: &str, name: &str) -> bool {
    debug
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .any(|w| w == name)
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
