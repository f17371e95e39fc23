//! Shared checks of lepdash's fuzz targets.
//!
//! Each target feeds raw bytes to one decoder or parser of lepdash. Besides
//! "never panics", the checks below assert properties the rest of the program
//! relies on; a failed assertion is reported by libFuzzer as a crash.

use std::fmt::Debug;
use std::path::Path;
use std::sync::OnceLock;

use lepdash::api::error::parse_retry_after;
use lepdash::api::types::{CreatedToken, Listed};
use lepdash::api::{ApiError, ServerMessage};
use lepdash::cli::Global;
use lepdash::config::{self, MIN_INTERVAL};
use lepdash::credentials::{self, LOGIN_RECORD_FILE};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

// ------------------------------------------------------------ JSON decoders

/// `Listed::<T>::from_json`, as the client decodes every list response.
///
/// On success: every array element is either an item or a skip note (none is
/// lost silently), notes name their index in order, and each item passes
/// `check` (a re-encoding check).
pub fn list<T>(data: &[u8], check: fn(&T))
where
    T: DeserializeOwned + Debug,
{
    let Ok(listed) = Listed::<T>::from_json(data) else {
        return;
    };
    let len = match serde_json::from_slice::<serde_json::Value>(data) {
        Ok(serde_json::Value::Array(a)) => a.len(),
        other => panic!("from_json accepted a non-array: {other:?}"),
    };
    assert_eq!(
        listed.items.len() + listed.skipped.len(),
        len,
        "every element is an item or a skip note"
    );
    let mut last = None;
    for note in &listed.skipped {
        let idx: usize = note
            .strip_prefix("item ")
            .and_then(|r| r.split_once(':'))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("skip note without an index: {note:?}"));
        assert!(idx < len);
        assert!(last.is_none_or(|l| l < idx), "skip notes out of order");
        last = Some(idx);
    }
    for item in &listed.items {
        check(item);
    }
    let _ = format!("{listed:?}");
}

/// `serde_json::from_slice::<T>`, as the client decodes single objects.
pub fn object<T>(data: &[u8], check: fn(&T))
where
    T: DeserializeOwned + Debug,
{
    if let Ok(v) = serde_json::from_slice::<T>(data) {
        check(&v);
        let _ = format!("{v:?}");
    }
}

/// What lepdash writes (the emulator's answers) decodes back to the same value.
/// Only for types without floats: serde_json's default float parsing is not
/// guaranteed to round-trip bit for bit.
pub fn roundtrip_eq<T>(v: &T)
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let bytes = serde_json::to_vec(v).expect("a decoded value always encodes");
    let back: T =
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("re-decoding {v:?} failed: {e}"));
    assert_eq!(&back, v, "round trip changed the value");
}

/// What lepdash writes decodes again (types with floats or free JSON).
pub fn reencodes<T>(v: &T)
where
    T: Serialize + DeserializeOwned + Debug,
{
    let bytes = serde_json::to_vec(v).expect("a decoded value always encodes");
    if let Err(e) = serde_json::from_slice::<T>(&bytes) {
        panic!("re-decoding {v:?} failed: {e}");
    }
}

/// `CreatedToken`: round-trips, and its Debug never shows the plaintext.
pub fn created_token(t: &CreatedToken) {
    let bytes = serde_json::to_vec(t).expect("a decoded value always encodes");
    let back: CreatedToken = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("re-decoding a created token failed: {e}"));
    assert_eq!(back.record, t.record);
    assert_eq!(
        back.plaintext.expose_secret(),
        t.plaintext.expose_secret(),
        "plaintext changed in a round trip"
    );
    let plain = t.plaintext.expose_secret();
    let record_debug = format!("{:?}", t.record);
    // A short or coincidental plaintext may legitimately appear in other fields.
    if plain.len() >= 6 && !record_debug.contains(plain) && !"CreatedToken".contains(plain) {
        let debug = format!("{t:?}");
        assert!(!debug.contains(plain), "Debug shows the plaintext: {debug}");
    }
}

// ------------------------------------------------------------ errors

/// `ServerMessage::from_body`: a parsed `{code, message}` is kept as is,
/// anything else becomes an excerpt of at most 200 characters (plus `…`).
pub fn server_message(body: &[u8]) {
    use lepdash::api::error::{MAX_CODE_TEXT, MAX_ERROR_TEXT};
    let m = ServerMessage::from_body(body);
    // Cut: at most the limit plus the "… (N more characters)" note.
    let note = "… (18446744073709551615 more characters)".chars().count();
    assert!(m.message.chars().count() <= MAX_ERROR_TEXT * 8 + note, "message not cut");
    if let Some(c) = &m.code {
        assert!(c.chars().count() <= MAX_CODE_TEXT * 8 + note, "code not cut");
    }
    // Token-shaped text never survives.
    let lower = m.message.to_ascii_lowercase();
    if let Some(i) = lower.find("nvapi-") {
        let tail: String = lower[i + 6..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        assert!(tail.len() < 8 || tail.starts_with("****"), "a token survived");
    }
    let _ = m.to_string();
}

/// The sanitizer, width, cut, wrap, log escape, token mask and JSON writer
/// of `lepdash::text` on arbitrary text. Layout: 1 byte `max` width, the
/// rest the text.
pub fn text(data: &[u8]) {
    use lepdash::text;
    let Some((&max, rest)) = data.split_first() else {
        return;
    };
    let max = usize::from(max % 64);
    let s = String::from_utf8_lossy(rest);
    let clean = text::sanitize(&s);
    assert!(
        !clean.chars().any(|c| c.is_control() || text::is_bidi_control(c)),
        "sanitize let a control through"
    );
    assert_eq!(text::width(&clean), text::width(&s), "width changed by sanitizing");
    let cut = text::truncate(&s, max, "…");
    assert!(text::width(&cut) <= max, "cut too wide");
    assert!(s.starts_with(cut.trim_end_matches('…')), "cut is not a prefix");
    for line in text::wrap(&s, max.max(1)) {
        let w = text::width(&line);
        assert!(
            w <= max.max(1) || unicode_segmentation::UnicodeSegmentation::graphemes(line.as_str(), true).count() == 1,
            "wrapped line too wide"
        );
    }
    let esc = text::escape(&s);
    assert!(!esc.chars().any(|c| c.is_control()), "escape let a control through");
    let own: String = s.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    if own.len() >= 4 {
        let masked = text::mask_tokens(&s, Some(&own));
        assert!(!masked.contains(&own), "own token survived");
    }
    let cut = text::cut_chars(&s, max);
    assert!(cut.len() <= s.len() + 64);
    let v = serde_json::Value::String(s.to_string());
    let mut out = Vec::new();
    text::write_json(&mut out, &v).expect("JSON to a Vec");
    let js = String::from_utf8(out).expect("JSON is UTF-8");
    assert!(
        !js.trim_end_matches('\n').chars().any(|c| c.is_control() || text::is_bidi_control(c)),
        "raw control in JSON"
    );
    let back: serde_json::Value = serde_json::from_str(&js).expect("JSON parses");
    assert_eq!(back, v, "JSON round trip");
}

/// `ApiError::from_status` with the status, `Retry-After` header text and body
/// the client would hand it. Layout: 2 bytes status (big endian), 1 byte
/// header length `n`, `n` header bytes, then the body.
pub fn api_error(data: &[u8]) {
    if data.len() < 3 {
        return;
    }
    let status = u16::from_be_bytes([data[0], data[1]]);
    let n = usize::from(data[2]).min(data.len() - 3);
    let header = &data[3..3 + n];
    let body = &data[3 + n..];
    // As the client does: a header value that is not visible ASCII is ignored.
    let retry_after = std::str::from_utf8(header)
        .ok()
        .filter(|s| s.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b)))
        .and_then(parse_retry_after);
    let e = ApiError::from_status(status, retry_after, body);
    let expected = match status {
        422 => 400,
        s => s,
    };
    assert_eq!(e.status(), Some(expected));
    assert!(e.server_message().is_some());
    assert_eq!(e.code(), e.server_message().and_then(|m| m.code.as_deref()));
    if status == 429 {
        assert_eq!(e.retry_after(), retry_after);
    } else {
        assert_eq!(e.retry_after(), None);
    }
    if (500..=599).contains(&status) {
        assert!(e.is_transient() && e.outcome_unknown());
    }
    let _ = (e.to_string(), e.hint(), format!("{e:?}"));
}

// ------------------------------------------------------------ lep login record

const STDIN_CANARY: &str = "stdin-canary-token-Zq81";
const ENV_CANARY: &str = "env-canary-token-Wx55";

fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        tempfile::Builder::new()
            .prefix("lepdash-fuzz-")
            .tempdir()
            .expect("a scratch directory in TMPDIR")
    })
    .path()
}

/// The `lep login` record reader, through `credentials::resolve` (the record
/// parser is private; `resolve` reads `$LEPTON_CACHE_DIR/workspace_info.yaml`).
/// Byte 0 picks which flags/environment accompany the record; the rest is the
/// file, written as is (so non-UTF-8 files are covered too).
///
/// Besides never panicking: tokens given by stdin or environment never appear
/// in errors, warnings or Debug output.
pub fn login_record(data: &[u8]) {
    let Some((&selector, file)) = data.split_first() else {
        return;
    };
    let dir = scratch_dir();
    std::fs::write(dir.join(LOGIN_RECORD_FILE), file).expect("scratch file is writable");
    let cache_dir = dir.display().to_string();

    let mut global = Global::default();
    let mut vars: Vec<(&str, String)> = vec![("LEPTON_CACHE_DIR", cache_dir)];
    let mut stdin = None;
    match selector % 7 {
        0 => {}
        1 => global.workspace = Some("ws1".into()),
        2 => {
            vars.push(("LEPTON_WORKSPACE_ID", "ws1".into()));
            vars.push(("LEPTON_WORKSPACE_TOKEN", ENV_CANARY.into()));
        }
        3 => vars.push((
            "LEPTON_WORKSPACE_URL",
            "http://203.0.113.9/api/v2/workspaces/other/".into(),
        )),
        4 => vars.push(("LEPTON_WORKSPACE_ORIGIN_URL", "not a url".into())),
        5 => {
            global.url =
                Some("https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ws2".into());
            stdin = Some(SecretString::from(format!("  {STDIN_CANARY}\n")));
        }
        _ => vars.push(("LEPTON_WORKSPACE_ID", format!("ws1:{ENV_CANARY}"))),
    }
    let env = move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    let shown = match credentials::resolve(&global, &env, stdin) {
        Ok(r) => {
            for t in std::iter::once(&r.current).chain(&r.others) {
                let _ = (t.masked_token(), t.label());
                assert!(!t.id.is_empty() || !t.base_url.is_empty());
            }
            format!("{r:?} {} {}", r.source, r.warnings.join("\n"))
        }
        Err(e) => format!("{e} {e:?}"),
    };
    for canary in [STDIN_CANARY, ENV_CANARY] {
        assert!(!shown.contains(canary), "a token leaked: {shown}");
    }
}

// ------------------------------------------------------------ config

/// `config::parse`: never panics, and the result keeps its documented
/// invariants whatever the text.
pub fn config_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (c, warnings) = config::parse(&text, "fuzz.toml");
    assert!(c.interval >= MIN_INTERVAL, "interval below the floor");
    assert!(
        c.hidden_interval >= c.interval,
        "hidden_interval < interval"
    );
    assert!(!c.connect_timeout.is_zero() && !c.request_timeout.is_zero());
    for (action, keys) in &c.keys {
        assert!(!keys.is_empty(), "empty override for {action}");
        for k in keys {
            assert!(config::is_valid_key_spec(k), "invalid key spec kept: {k:?}");
        }
    }
    let lines = text.matches('\n').count() + 1;
    for w in &warnings {
        let line: usize = w
            .strip_prefix("fuzz.toml:")
            .and_then(|r| r.split_once(':'))
            .and_then(|(n, _)| n.parse().ok())
            .unwrap_or_else(|| panic!("warning without file:line: {w:?}"));
        assert!(
            line >= 1 && line <= lines,
            "line {line} out of range: {w:?}"
        );
    }
}
