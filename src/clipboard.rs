//! Copy to the clipboard.
//!
//! The default is OSC 52: the text travels to the *terminal* as an escape
//! sequence, so copying works over SSH and on headless machines, inside tmux
//! (DCS passthrough) and GNU screen (DCS chunks). A native tool (`wl-copy`,
//! `xclip`, `xsel`, `pbcopy`) is used only on a local session (no
//! `SSH_CONNECTION`/`SSH_TTY`) where one is installed, since it reaches the
//! clipboard of the machine lepdash runs on, which is only the user's when
//! local. The copied text is never logged.
//!
//! What is copied is exactly what the screen shows: text with a line break,
//! a control or a bidi character (which the screen shows as a space or `?`)
//! is refused with the reason, since pasting it into a shell could run more
//! than was seen. The native tool gets a minimal environment (never the
//! token variables), and the text is written to it from a helper thread, so
//! a tool that never reads cannot block the caller past the timeout.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Largest text copied: its base64 form (99,992 bytes) stays under the
/// 100,000-byte OSC 52 limit of common terminals (hterm, xterm's default).
pub const MAX_COPY_BYTES: usize = 74_994;

/// How long a native clipboard tool may take before OSC 52 is used instead.
const NATIVE_TIMEOUT: Duration = Duration::from_secs(2);
/// The only variables a native clipboard tool gets.
const NATIVE_ENV: [&str; 7] = [
    "PATH",
    "HOME",
    "LANG",
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "XAUTHORITY",
    "XDG_RUNTIME_DIR",
];
/// GNU screen passes DCS strings of limited size: split into chunks this long.
const SCREEN_CHUNK: usize = 76;

/// How the text was handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// OSC 52 straight to the terminal.
    Osc52,
    /// OSC 52 wrapped in tmux's DCS passthrough (plus a plain copy tmux itself
    /// may forward).
    Osc52Tmux,
    /// OSC 52 split into GNU screen DCS chunks.
    Osc52Screen,
    /// Piped to this local clipboard tool.
    Native(&'static str),
}

impl Delivery {
    /// An honest one-line description for the status line.
    pub fn describe(&self) -> String {
        match self {
            Delivery::Osc52 => {
                "sent to the terminal (OSC 52) — your terminal must allow clipboard access".into()
            }
            Delivery::Osc52Tmux => "sent through tmux to the terminal (OSC 52) — tmux needs \
                 `set -g set-clipboard on` or `set -g allow-passthrough on`, and your terminal \
                 must allow clipboard access"
                .into(),
            Delivery::Osc52Screen => "sent through GNU screen to the terminal (OSC 52) — your \
                 terminal must allow clipboard access"
                .into(),
            Delivery::Native(tool) => format!("copied to the clipboard with {tool}"),
        }
    }
}

/// Why nothing was copied.
#[derive(Debug, thiserror::Error)]
pub enum ClipboardError {
    #[error("too large to copy: {len} bytes (the limit is {max} bytes)")]
    TooLarge { len: usize, max: usize },
    #[error(
        "not copied: the text contains a line break, control or bidi character the screen shows as a space or `?` (pasting it into a shell could run more than you see)"
    )]
    Unsafe,
    #[error("cannot write to the terminal: {0}")]
    Io(#[from] std::io::Error),
}

/// The OSC 52 bytes that put `text` on the clipboard, wrapped for tmux or
/// screen when running inside them.
pub fn osc52_sequence(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, Delivery), ClipboardError> {
    if text.len() > MAX_COPY_BYTES {
        return Err(ClipboardError::TooLarge {
            len: text.len(),
            max: MAX_COPY_BYTES,
        });
    }
    let osc = format!("\x1b]52;c;{}\x07", STANDARD.encode(text.as_bytes()));
    let (seq, via) = passthrough(&osc, env);
    let delivery = match via {
        Multiplexer::Tmux => Delivery::Osc52Tmux,
        Multiplexer::Screen => Delivery::Osc52Screen,
        Multiplexer::None => Delivery::Osc52,
    };
    Ok((seq, delivery))
}

/// The terminal multiplexer an OSC sequence was wrapped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
    Screen,
}

/// An OSC sequence (ASCII, ending in BEL) wrapped so it reaches the outer
/// terminal through tmux or screen when running inside them. Shared by the
/// clipboard (OSC 52) and notifications (OSC 9 / 777).
pub fn passthrough(osc: &str, env: &dyn Fn(&str) -> Option<String>) -> (String, Multiplexer) {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    if set("TMUX") {
        // Passthrough: ESC doubled inside `ESC P tmux; … ESC \`. The plain
        // sequence first serves tmux's own `set-clipboard on`.
        let inner = osc.replace('\x1b', "\x1b\x1b");
        return (format!("{osc}\x1bPtmux;{inner}\x1b\\"), Multiplexer::Tmux);
    }
    let term_screen = env("TERM").is_some_and(|t| t.starts_with("screen"));
    if set("STY") || term_screen {
        let mut out = String::with_capacity(osc.len() + osc.len() / SCREEN_CHUNK * 4 + 4);
        // The sequence is ASCII, so byte chunks are char boundaries.
        for chunk in osc.as_bytes().chunks(SCREEN_CHUNK) {
            out.push_str("\x1bP");
            out.push_str(&String::from_utf8_lossy(chunk));
            out.push_str("\x1b\\");
        }
        return (out, Multiplexer::Screen);
    }
    (osc.to_string(), Multiplexer::None)
}

/// Copy `text` and say how it went, in the words the status line shows
/// (`Msg::Copied`): `Ok("how — caveat")`, the caveat (what the terminal
/// must allow) being said once per session; `Err` when the copy is known to
/// have failed. What can be known: a native tool that failed (then OSC 52 is
/// used, and the text says so every time), and inside tmux whether tmux
/// lets an application's OSC 52 through at all (`set-clipboard on` or
/// `allow-passthrough on`), asked of tmux itself. A plain terminal gives no
/// answer to OSC 52, so there the caveat is all that can be said.
pub fn copy_report<W: Write>(
    w: &mut W,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let ask_tmux = |args: &[&str]| query_tmux(args, env);
    copy_report_with(w, text, env, &ask_tmux)
}

/// [`copy_report`] with tmux's answers from `ask_tmux` (tests).
pub fn copy_report_with<W: Write>(
    w: &mut W,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    ask_tmux: &dyn Fn(&[&str]) -> Option<String>,
) -> Result<String, String> {
    let (delivery, failed) = copy_noting(w, text, env).map_err(|e| e.to_string())?;
    if delivery == Delivery::Osc52Tmux
        && let Some(why) = tmux_blocks(ask_tmux)
    {
        return Err(why);
    }
    let how = delivery.describe();
    Ok(match failed {
        // Said in full every time: the caveat is no longer a formality.
        Some(tool) => format!("{tool}, so the text was {}", how.replacen(" — ", "; ", 1)),
        None => how,
    })
}

/// Why tmux drops an application's OSC 52, from its options
/// (`set-clipboard` other than `on`, and `allow-passthrough` off); `None`
/// when it passes it or when tmux does not say (tmux before 3.3 has no
/// `allow-passthrough` and always passes).
pub fn tmux_blocks(ask: &dyn Fn(&[&str]) -> Option<String>) -> Option<String> {
    let clipboard = ask(&["show-options", "-gv", "set-clipboard"])?;
    if clipboard == "on" {
        return None;
    }
    let passthrough = ask(&["show-options", "-gv", "allow-passthrough"])?;
    if passthrough != "off" {
        return None;
    }
    Some(format!(
        "tmux drops it (set-clipboard {clipboard}, allow-passthrough off) — run `tmux set -g \
         set-clipboard on` (and add it to ~/.tmux.conf) so the text reaches your terminal"
    ))
}

/// The only variables `tmux` gets: enough to find the server.
const TMUX_ENV: [&str; 5] = ["PATH", "HOME", "TMUX", "TMUX_TMPDIR", "LANG"];
/// How long a `tmux` query may take.
const TMUX_TIMEOUT: Duration = Duration::from_secs(1);

/// One `tmux` query (its first line of output, trimmed), or `None` when
/// tmux is not there, fails or takes longer than a second.
fn query_tmux(args: &[&str], env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let path = find_in_path("tmux", env)?;
    let mut cmd = minimal_command(&path, args, &TMUX_ENV, env);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped());
    let mut child = cmd.spawn().ok()?;
    let status = wait_until(&mut child, Instant::now(), TMUX_TIMEOUT).ok()?;
    if !status.success() {
        return None;
    }
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take()?, &mut out).ok()?;
    let line = out.lines().next()?.trim();
    (!line.is_empty() && line.len() < 64).then(|| line.to_string())
}

/// Copy `text`: a native tool on a local session when one exists, else OSC 52
/// written to `w` (the terminal).
pub fn copy<W: Write>(
    w: &mut W,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Delivery, ClipboardError> {
    copy_noting(w, text, env).map(|(d, _)| d)
}

/// [`copy`], also saying which native tool failed before OSC 52 was used
/// (`xclip failed (exited with …)`).
fn copy_noting<W: Write>(
    w: &mut W,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Delivery, Option<String>), ClipboardError> {
    if text.len() > MAX_COPY_BYTES {
        return Err(ClipboardError::TooLarge {
            len: text.len(),
            max: MAX_COPY_BYTES,
        });
    }
    if crate::text::sanitize(text) != text {
        return Err(ClipboardError::Unsafe);
    }
    let mut failed = None;
    if !is_remote(env) {
        for tool in native_tools(env) {
            if let Some(path) = find_in_path(tool.program, env) {
                match run_native(&path, &tool, text, env) {
                    Ok(()) => {
                        tracing::debug!(bytes = text.len(), tool = tool.program, "copied");
                        return Ok((Delivery::Native(tool.program), None));
                    }
                    Err(e) => {
                        tracing::debug!(tool = tool.program, error = %e, "native copy failed");
                        failed.get_or_insert(format!("{} failed ({e})", tool.program));
                    }
                }
            }
        }
    }
    let (seq, delivery) = osc52_sequence(text, env)?;
    w.write_all(seq.as_bytes())?;
    w.flush()?;
    tracing::debug!(bytes = text.len(), ?delivery, "copied");
    Ok((delivery, failed))
}

/// Whether the session is over SSH (the clipboard of this machine is not the user's).
pub fn is_remote(env: &dyn Fn(&str) -> Option<String>) -> bool {
    ["SSH_CONNECTION", "SSH_TTY", "SSH_CLIENT"]
        .iter()
        .any(|k| env(k).is_some_and(|v| !v.is_empty()))
}

struct NativeTool {
    program: &'static str,
    args: &'static [&'static str],
}

fn native_tools(env: &dyn Fn(&str) -> Option<String>) -> Vec<NativeTool> {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    let mut tools = Vec::new();
    if cfg!(target_os = "macos") {
        tools.push(NativeTool {
            program: "pbcopy",
            args: &[],
        });
    }
    if set("WAYLAND_DISPLAY") {
        tools.push(NativeTool {
            program: "wl-copy",
            args: &[],
        });
    }
    if set("DISPLAY") {
        tools.push(NativeTool {
            program: "xclip",
            args: &["-selection", "clipboard"],
        });
        tools.push(NativeTool {
            program: "xsel",
            args: &["--clipboard", "--input"],
        });
    }
    tools
}

/// The executable `name` on `PATH` (from `env`).
fn find_in_path(name: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let path = env("PATH")?;
    std::env::split_paths(&path)
        .filter(|d| !d.as_os_str().is_empty())
        .map(|d| d.join(name))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(p) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

fn run_native(
    path: &Path,
    tool: &NativeTool,
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> std::io::Result<()> {
    let mut cmd = minimal_command(path, tool.args, &NATIVE_ENV, env);
    cmd.stdin(Stdio::piped()).stdout(Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // From a helper thread: a tool that never reads fills the pipe and
        // would block here before the timeout starts. When the tool is
        // killed below, the write fails and the thread ends.
        let bytes = text.as_bytes().to_vec();
        std::thread::Builder::new()
            .name("clipboard-write".into())
            .spawn(move || {
                let _ = stdin.write_all(&bytes);
            })?;
    }
    let status = wait_until(&mut child, start, NATIVE_TIMEOUT)?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!("exited with {status}")))
    }
}

/// A child process of `path` with a minimal environment: only the
/// `allowed` variables of `env` (never the token variables), no stderr.
fn minimal_command(
    path: &Path,
    args: &[&str],
    allowed: &[&str],
    env: &dyn Fn(&str) -> Option<String>,
) -> Command {
    let mut cmd = Command::new(path);
    cmd.args(args).stderr(Stdio::null()).env_clear();
    for k in allowed {
        if let Some(v) = env(k) {
            cmd.env(k, v);
        }
    }
    cmd
}

/// Wait for `child` to end, killing it once `limit` has passed since
/// `start` (then an error "timed out").
fn wait_until(
    child: &mut std::process::Child,
    start: Instant,
    limit: Duration,
) -> std::io::Result<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("timed out"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| m.get(k).cloned()
    }

    #[test]
    fn plain_osc52() {
        let (s, d) = osc52_sequence("hello", &env_of(&[("TERM", "xterm-256color")])).unwrap();
        assert_eq!(s, "\x1b]52;c;aGVsbG8=\x07");
        assert_eq!(d, Delivery::Osc52);
    }

    #[test]
    fn tmux_passthrough_doubles_escapes() {
        let (s, d) = osc52_sequence(
            "hello",
            &env_of(&[("TMUX", "/tmp/tmux-1000/default,1,0"), ("TERM", "screen")]),
        )
        .unwrap();
        assert_eq!(d, Delivery::Osc52Tmux);
        assert_eq!(
            s,
            "\x1b]52;c;aGVsbG8=\x07\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x07\x1b\\"
        );
    }

    #[test]
    fn screen_uses_dcs_chunks() {
        let text = "x".repeat(200);
        let (s, d) = osc52_sequence(&text, &env_of(&[("STY", "123.pts-0.host")])).unwrap();
        assert_eq!(d, Delivery::Osc52Screen);
        assert!(s.starts_with("\x1bP\x1b]52;c;"));
        assert!(s.ends_with("\x07\x1b\\"));
        // Every chunk is wrapped and no chunk exceeds the limit.
        let body = s
            .strip_prefix("\x1bP")
            .unwrap()
            .strip_suffix("\x1b\\")
            .unwrap();
        let chunks: Vec<&str> = body.split("\x1b\\\x1bP").collect();
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|c| c.len() <= SCREEN_CHUNK));
        assert_eq!(
            chunks.concat(),
            format!("\x1b]52;c;{}\x07", STANDARD.encode(text.as_bytes()))
        );
    }

    #[test]
    fn too_large_is_an_error() {
        let big = "a".repeat(MAX_COPY_BYTES + 1);
        assert!(matches!(
            osc52_sequence(&big, &env_of(&[])),
            Err(ClipboardError::TooLarge { .. })
        ));
        let mut out = Vec::new();
        assert!(copy(&mut out, &big, &env_of(&[])).is_err());
        assert!(out.is_empty());
        let max = "a".repeat(MAX_COPY_BYTES);
        let (s, _) = osc52_sequence(&max, &env_of(&[])).unwrap();
        assert!(s.len() < 100_000 + 10);
    }

    #[test]
    fn over_ssh_always_osc52() {
        let mut out = Vec::new();
        let d = copy(
            &mut out,
            "abc",
            &env_of(&[
                ("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22"),
                ("DISPLAY", ":0"),
                ("PATH", "/usr/bin:/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(d, Delivery::Osc52);
        assert_eq!(out, b"\x1b]52;c;YWJj\x07");
    }

    #[test]
    fn no_native_tool_falls_back_to_osc52() {
        let empty = tempfile::tempdir().unwrap();
        let p = empty.path().display().to_string();
        let mut out = Vec::new();
        let d = copy(
            &mut out,
            "abc",
            &env_of(&[("DISPLAY", ":0"), ("PATH", p.as_str())]),
        )
        .unwrap();
        assert_eq!(d, Delivery::Osc52);
        assert!(!out.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn local_native_tool_gets_the_text() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sink = dir.path().join("sink.txt");
        let script = dir.path().join("xclip");
        std::fs::write(
            &script,
            format!("#!/bin/sh\n/bin/cat > '{}'\n", sink.display()),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let p = dir.path().display().to_string();
        let mut out = Vec::new();
        let d = copy(
            &mut out,
            "copied text",
            &env_of(&[("DISPLAY", ":0"), ("PATH", p.as_str())]),
        )
        .unwrap();
        assert_eq!(d, Delivery::Native("xclip"));
        assert!(out.is_empty(), "nothing written to the terminal");
        assert_eq!(std::fs::read_to_string(&sink).unwrap(), "copied text");
    }

    #[test]
    fn text_the_screen_shows_differently_is_refused() {
        let mut out = Vec::new();
        for bad in [
            "name\necho pwned",
            "a\x1b]0;x\x07",
            "x\u{202e}y",
            "tab\there",
        ] {
            assert!(
                matches!(
                    copy(&mut out, bad, &env_of(&[])),
                    Err(ClipboardError::Unsafe)
                ),
                "{bad:?}"
            );
        }
        assert!(out.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn the_native_tool_gets_a_minimal_environment_and_cannot_block() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let sink = dir.path().join("env.txt");
        let script = dir.path().join("xclip");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\n/usr/bin/env > '{}'\n/bin/cat > /dev/null\n",
                sink.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let p = dir.path().display().to_string();
        let mut out = Vec::new();
        let d = copy(
            &mut out,
            "text",
            &env_of(&[
                ("DISPLAY", ":0"),
                ("PATH", p.as_str()),
                ("LEPTON_WORKSPACE_TOKEN", "nvapi-secret"),
            ]),
        )
        .unwrap();
        assert_eq!(d, Delivery::Native("xclip"));
        let seen = std::fs::read_to_string(&sink).unwrap();
        assert!(!seen.contains("LEPTON"), "{seen}");
        assert!(!seen.contains("nvapi"), "{seen}");
        // A tool that never reads: the copy still returns (OSC 52 after the
        // timeout) instead of blocking on a full pipe.
        std::fs::write(&script, "#!/bin/sh\nexec /bin/sleep 30\n").unwrap();
        let big = "a".repeat(MAX_COPY_BYTES);
        let d = copy(
            &mut out,
            &big,
            &env_of(&[("DISPLAY", ":0"), ("PATH", p.as_str())]),
        )
        .unwrap();
        assert_eq!(d, Delivery::Osc52);
    }

    #[test]
    fn tmux_that_drops_osc52_is_a_failed_copy_said_every_time() {
        let env = env_of(&[("TMUX", "/tmp/tmux-1000/default,1,0"), ("TERM", "screen")]);
        let answers = |clip: &'static str, pass: Option<&'static str>| {
            move |args: &[&str]| -> Option<String> {
                match args.last().copied() {
                    Some("set-clipboard") => Some(clip.to_string()),
                    Some("allow-passthrough") => pass.map(str::to_string),
                    _ => None,
                }
            }
        };
        // tmux 3.3's defaults: external + no passthrough -> dropped.
        let mut out = Vec::new();
        let r = copy_report_with(&mut out, "abc", &env, &answers("external", Some("off")));
        let e = r.expect_err("tmux drops it");
        assert!(
            e.contains("set-clipboard external") && e.contains("set -g set-clipboard on"),
            "{e}"
        );
        let r = copy_report_with(&mut out, "abc", &env, &answers("off", Some("off")));
        assert!(r.is_err());
        // Either setting lets it through: the usual description.
        for (clip, pass) in [
            ("on", Some("off")),
            ("external", Some("on")),
            ("off", Some("all")),
        ] {
            let r = copy_report_with(&mut out, "abc", &env, &answers(clip, pass));
            assert!(
                r.as_deref().is_ok_and(|s| s.contains("through tmux")),
                "{clip} {pass:?}: {r:?}"
            );
        }
        // tmux before 3.3 (no allow-passthrough: always passes) or no answer.
        assert!(copy_report_with(&mut out, "abc", &env, &answers("off", None)).is_ok());
        assert!(copy_report_with(&mut out, "abc", &env, &|_: &[&str]| None).is_ok());
        // Outside tmux tmux is not asked.
        let plain = env_of(&[("TERM", "xterm")]);
        let r = copy_report_with(&mut out, "abc", &plain, &|_: &[&str]| {
            panic!("tmux asked outside tmux")
        });
        assert!(
            r.is_ok_and(|s| s.contains(" — ")),
            "the caveat, split off once"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_native_tool_is_said_with_the_whole_caveat() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("xclip");
        std::fs::write(&script, "#!/bin/sh\nexit 3\n").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let p = dir.path().display().to_string();
        let mut out = Vec::new();
        let env = env_of(&[("DISPLAY", ":0"), ("PATH", p.as_str()), ("TERM", "xterm")]);
        let r = copy_report_with(&mut out, "abc", &env, &|_: &[&str]| None).unwrap();
        assert!(r.starts_with("xclip failed (exited with"), "{r}");
        assert!(r.contains("OSC 52") && r.contains("must allow"), "{r}");
        // No ` — `: the reducer does not cut the caveat off, even later.
        assert!(!r.contains(" — "), "{r}");
        assert!(!out.is_empty(), "OSC 52 was sent instead");
    }

    #[test]
    fn descriptions_are_honest() {
        assert!(Delivery::Osc52.describe().contains("terminal must allow"));
        assert!(Delivery::Osc52Tmux.describe().contains("tmux"));
        assert!(Delivery::Native("wl-copy").describe().contains("wl-copy"));
    }
}
