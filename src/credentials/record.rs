//! The `lep login` record `$LEPTON_CACHE_DIR/workspace_info.yaml`: where it
//! is, and reading it exactly as `lep` 0.27–0.47 writes it (see the module
//! docs of [`crate::credentials`]). Never written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::Deserialize;

use super::{CredentialsError, LOGIN_RECORD_FILE, WorkspaceTarget, non_empty};
use crate::api::paths;

/// `$LEPTON_CACHE_DIR/workspace_info.yaml`, default `~/.cache/lepton/workspace_info.yaml`.
/// `None` only when neither `LEPTON_CACHE_DIR` nor a home directory is known.
pub fn login_record_path(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = non_empty(env("LEPTON_CACHE_DIR")) {
        return Some(expand_home(&dir, env).join(LOGIN_RECORD_FILE));
    }
    home_dir(env).map(|h| h.join(".cache").join("lepton").join(LOGIN_RECORD_FILE))
}

fn home_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    non_empty(env("HOME"))
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

fn expand_home(dir: &str, env: &dyn Fn(&str) -> Option<String>) -> PathBuf {
    if dir == "~" {
        if let Some(h) = home_dir(env) {
            return h;
        }
    } else if let Some(rest) = dir.strip_prefix("~/")
        && let Some(h) = home_dir(env)
    {
        return h.join(rest);
    }
    PathBuf::from(dir)
}

/// A scalar that YAML may have typed as a number or bool (`id: 123`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Scalar {
    fn into_string(self) -> String {
        match self {
            Scalar::Str(s) => s,
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Bool(b) => b.to_string(),
        }
    }
}

fn opt_scalar<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?
        .map(Scalar::into_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty()))
}

fn opt_token<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
    Ok(Option::<Scalar>::deserialize(d)?
        .map(Scalar::into_string)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .map(SecretString::from))
}

fn opt_millis<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<Scalar>::deserialize(d)? {
        Some(Scalar::Int(i)) => Some(i),
        // A float that fits i64: the `as` conversion saturates, never panics.
        Some(Scalar::Float(f)) if f.is_finite() => Some(f as i64),
        Some(Scalar::Str(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    })
}

#[derive(Deserialize, Default)]
struct RecordFile {
    #[serde(default, deserialize_with = "opt_scalar")]
    current_workspace: Option<String>,
    #[serde(default)]
    workspaces: Option<BTreeMap<String, Option<RecordEntry>>>,
}

#[derive(Deserialize, Default)]
struct RecordEntry {
    #[serde(default, deserialize_with = "opt_scalar")]
    id: Option<String>,
    #[serde(default, deserialize_with = "opt_token")]
    auth_token: Option<SecretString>,
    #[serde(default, deserialize_with = "opt_scalar")]
    display_name: Option<String>,
    #[serde(default, deserialize_with = "opt_scalar")]
    url: Option<String>,
    #[serde(default, deserialize_with = "opt_scalar")]
    workspace_origin_url: Option<String>,
    #[serde(default, deserialize_with = "opt_millis")]
    token_expires_at: Option<i64>,
}

/// One entry of the record, with its id settled.
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) id: String,
    pub(super) token: Option<SecretString>,
    pub(super) display_name: Option<String>,
    pub(super) url: Option<String>,
    pub(super) origin: Option<String>,
    pub(super) expires_at: Option<i64>,
}

impl Entry {
    pub(super) fn matches(&self, id: &str) -> bool {
        self.key == id || self.id == id
    }

    pub(super) fn target(&self) -> Option<WorkspaceTarget> {
        Some(WorkspaceTarget {
            id: self.id.clone(),
            display_name: self.display_name.clone(),
            base_url: self
                .url
                .clone()
                .unwrap_or_else(|| paths::workspace_base(paths::GATEWAY_ORIGIN, &self.id)),
            token: self.token.clone()?,
            origin: self.origin.clone(),
            token_expires_at: self.expires_at,
        })
    }
}

pub(super) struct Record {
    pub(super) path: PathBuf,
    pub(super) current: Option<String>,
    pub(super) entries: Vec<Entry>,
}

impl Record {
    pub(super) fn find(&self, id: &str) -> Option<&Entry> {
        // An exact key match wins over an `id` field match.
        self.entries
            .iter()
            .find(|e| e.key == id)
            .or_else(|| self.entries.iter().find(|e| e.matches(id)))
    }
}

/// The login record is read only up to this size (a real one is a few KiB).
pub const MAX_RECORD_BYTES: u64 = 1024 * 1024;
/// At most this many workspace entries are read from the login record.
pub const MAX_RECORD_ENTRIES: usize = 1000;

/// Read the record; `Ok(None)` when there is no file. Only a regular file
/// of at most [`MAX_RECORD_BYTES`] is read (a FIFO would hang, a link to
/// `/dev/zero` would never end).
pub(super) fn load_record(path: &Path) -> Result<Option<Record>, CredentialsError> {
    let text = match crate::local_file::read_regular(path, MAX_RECORD_BYTES) {
        Ok(bytes) => bytes,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => {
            return Err(CredentialsError::Unreadable {
                path: path.to_path_buf(),
                detail: e.to_string(),
            });
        }
    };
    let text = String::from_utf8(text).map_err(|_| CredentialsError::Malformed {
        path: path.to_path_buf(),
        detail: "the file is not UTF-8 text".into(),
    })?;
    parse_record(path, &text).map(Some)
}

pub(super) fn parse_record(path: &Path, text: &str) -> Result<Record, CredentialsError> {
    // An empty file (or only comments) is an empty record, not an error.
    let meaningful = text
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let file: RecordFile = if meaningful {
        serde_saphyr::from_str(text).map_err(|e| CredentialsError::Malformed {
            path: path.to_path_buf(),
            detail: yaml_error_detail(&e, text),
        })?
    } else {
        RecordFile::default()
    };
    let count = file.workspaces.as_ref().map_or(0, |w| w.len());
    if count > MAX_RECORD_ENTRIES {
        return Err(CredentialsError::Malformed {
            path: path.to_path_buf(),
            detail: format!(
                "it has {count} workspace entries; lepdash reads at most {MAX_RECORD_ENTRIES}"
            ),
        });
    }
    let mut entries = Vec::new();
    for (key, entry) in file.workspaces.unwrap_or_default() {
        let Some(entry) = entry else { continue };
        let key = key.trim().to_string();
        let id = entry.id.clone().unwrap_or_else(|| key.clone());
        entries.push(Entry {
            key,
            id,
            token: entry.auth_token,
            display_name: entry.display_name,
            url: entry.url,
            origin: entry
                .workspace_origin_url
                .as_deref()
                .and_then(paths::normalize_origin),
            expires_at: entry.token_expires_at,
        });
    }
    Ok(Record {
        path: path.to_path_buf(),
        current: file.current_workspace,
        entries,
    })
}

/// A one-line description of a YAML error: position and message, no snippet
/// (a snippet could show a token), with any token value of the file blanked.
fn yaml_error_detail(e: &serde_saphyr::Error, text: &str) -> String {
    let plain = e.without_snippet();
    let mut msg = plain.to_string();
    if msg.to_ascii_lowercase().contains("budget") {
        // The parser's own resource limit (nodes, depth, aliases).
        return format!(
            "the file is larger or deeper than a login record can be (at most {MAX_RECORD_ENTRIES} workspace entries); the YAML parser stopped: {}",
            crate::text::cut_chars(msg.lines().next().unwrap_or_default(), 200)
        );
    }
    if let Some(first) = msg.lines().next() {
        msg = first.to_string();
    }
    msg = msg.replace(
        "data did not match any variant of untagged enum Scalar",
        "expected a single value (text or number)",
    );
    // Scrub anything that looks like a stored token, just in case the parser
    // quoted a value.
    for line in text.lines() {
        if let Some((_, v)) = line.split_once("auth_token:") {
            let v = v.trim().trim_matches(['\'', '"']);
            if v.len() >= 4 && msg.contains(v) {
                msg = msg.replace(v, "****");
            }
        }
    }
    match plain.location() {
        Some(loc) if !msg.contains(&format!("line {}", loc.line())) => {
            format!("line {}, column {}: {msg}", loc.line(), loc.column())
        }
        _ => msg,
    }
}
