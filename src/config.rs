//! The settings file (TOML).
//!
//! Defaults live in `assets/config.toml`, which is also the documented example
//! users copy ([`DEFAULT_CONFIG_TOML`]); a test keeps [`Config::default`] and
//! that file equal. Loading never fails: a file that cannot be read or parsed,
//! an unknown key or a bad value each become a warning that names the file,
//! the line and the key, and the default is used for whatever was bad.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::de::{DeTable, DeValue};

use crate::cli::{Global, parse_duration};
use crate::local_file::read_regular;

/// The documented default settings file.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../assets/config.toml");

/// The settings file is read only up to this size.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;
/// `max_response_mib` accepts 1 to this many MiB.
pub const MAX_RESPONSE_MIB: i64 = 4096;

/// The shortest poll interval accepted.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// Colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeName {
    #[default]
    Dark,
    Light,
    /// No colours: bold, reverse and underline only (also forced by `NO_COLOR`).
    Mono,
}

impl ThemeName {
    pub fn as_str(self) -> &'static str {
        match self {
            ThemeName::Dark => "dark",
            ThemeName::Light => "light",
            ThemeName::Mono => "mono",
        }
    }

    /// Parse `dark`, `light` or `mono` (any case).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "dark" => Some(ThemeName::Dark),
            "light" => Some(ThemeName::Light),
            "mono" | "none" | "no-color" => Some(ThemeName::Mono),
            _ => None,
        }
    }
}

impl fmt::Display for ThemeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Effective settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Poll interval of the header and the visible pane (default 5s, floor 1s).
    pub interval: Duration,
    /// Poll interval of panes not on screen (default 60s, never below `interval`).
    pub hidden_interval: Duration,
    /// Poll interval of the workspaces not on screen (fleet view; default
    /// 60s, floor 1s).
    pub fleet_interval: Duration,
    pub theme: ThemeName,
    /// Key overrides only: action name → key specs (`"ctrl-c"`, `"j"`,
    /// `"down"`, `"shift-tab"`, `"?"`). Each entry replaces the action's
    /// default keys; the keymap owner validates action names.
    pub keys: BTreeMap<String, Vec<String>>,
    /// Capture the mouse (default false so text selection works).
    pub mouse: bool,
    pub ascii_borders: bool,
    pub read_only: bool,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// The largest API answer read, in bytes (`max_response_mib`).
    pub max_response: usize,
    /// Event kinds that raise a terminal notification (issue 10); empty
    /// (the default) means none.
    pub notify: Vec<crate::app::changes::EventKind>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            interval: Duration::from_secs(5),
            hidden_interval: Duration::from_secs(60),
            fleet_interval: Duration::from_secs(60),
            theme: ThemeName::Dark,
            keys: BTreeMap::new(),
            mouse: false,
            ascii_borders: false,
            read_only: false,
            connect_timeout: crate::api::client::DEFAULT_CONNECT_TIMEOUT,
            request_timeout: crate::api::client::DEFAULT_REQUEST_TIMEOUT,
            max_response: crate::api::client::DEFAULT_MAX_BODY,
            notify: Vec::new(),
        }
    }
}

impl Config {
    /// Apply the command-line flags that override settings (`--interval`,
    /// `--read-only`), keeping the interval floor and `hidden_interval >= interval`.
    pub fn apply_flags(&mut self, global: &Global) {
        if let Some(i) = global.interval {
            self.interval = i.max(MIN_INTERVAL);
        }
        if global.read_only {
            self.read_only = true;
        }
        self.hidden_interval = self.hidden_interval.max(self.interval);
    }
}

/// The settings plus where they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file consulted (explicit or default), whether or not it exists.
    pub path: Option<PathBuf>,
    /// One line each: `FILE:LINE: key `k`: problem; using …`.
    pub warnings: Vec<String>,
    /// The command-line flags that set a value (`--interval`, `--read-only`).
    pub flags: Vec<&'static str>,
}

impl LoadedConfig {
    /// Apply the command-line flags ([`Config::apply_flags`]), remembering
    /// which ones set a value; an `--interval` below the floor is a warning,
    /// not a silent change.
    pub fn apply_flags(&mut self, global: &Global) {
        if let Some(i) = global.interval {
            self.flags.push("--interval");
            if i < MIN_INTERVAL {
                self.warnings.push(format!(
                    "--interval {}s is below the {}s floor; using {}s",
                    i.as_secs_f64(),
                    MIN_INTERVAL.as_secs(),
                    MIN_INTERVAL.as_secs()
                ));
            }
        }
        if global.read_only {
            self.flags.push("--read-only");
        }
        self.config.apply_flags(global);
    }

    /// Where a setting's value comes from: `--flag`, `config file` (it
    /// differs from the default) or `default`.
    pub fn source(&self, flag: &str, differs_from_default: bool) -> &'static str {
        if let Some(f) = self.flags.iter().find(|f| **f == flag) {
            f
        } else if differs_from_default {
            "config file"
        } else {
            "default"
        }
    }
}

/// `<user config dir>/config.toml`, e.g. `~/.config/lepdash/config.toml` on Linux.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "lepdash").map(|d| d.config_dir().join("config.toml"))
}

/// Load the settings. `explicit` is `--config`/`LEPDASH_CONFIG`; without it the
/// default path is used and a missing file is fine. Never fails.
pub fn load(explicit: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> LoadedConfig {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => default_path(),
    };
    let mut warnings = Vec::new();
    let mut config = Config::default();
    if let Some(p) = &path {
        // The path is outside text too (an environment variable).
        let shown = crate::text::sanitize(&p.display().to_string()).into_owned();
        match read_regular(p, MAX_CONFIG_BYTES) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => {
                    let (c, w) = parse(&text, &shown);
                    config = c;
                    warnings.extend(w);
                }
                Err(_) => warnings.push(format!(
                    "{shown}: the settings file is not UTF-8 text; using the defaults"
                )),
            },
            Err(e) if e.is_not_found() && explicit.is_none() => {}
            Err(e) if e.is_not_found() => warnings.push(format!(
                "{shown}: settings file not found; using the defaults"
            )),
            Err(e) => warnings.push(format!(
                "{shown}: cannot read the settings file: {e}; using the defaults"
            )),
        }
    }
    if env("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        config.theme = ThemeName::Mono;
    }
    LoadedConfig {
        config,
        path,
        warnings,
        flags: Vec::new(),
    }
}

/// Parse settings text. `source` names the file in warnings. Whatever is bad
/// keeps its default; the rest is used.
pub fn parse(text: &str, source: &str) -> (Config, Vec<String>) {
    let mut w = Warnings {
        source,
        line_starts: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        list: Vec::new(),
    };
    let mut c = Config::default();
    let (table, errors) = DeTable::parse_recoverable(text);
    for e in &errors {
        let line = e.span().map(|s| w.line(s.start)).unwrap_or(1);
        let msg = e.message().lines().next().unwrap_or("syntax error").trim();
        w.push_at(
            line,
            format!("invalid TOML: {msg}; the rest of the file is still used"),
        );
    }
    let table = table.into_inner();
    // In file order, so warnings read top to bottom.
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (key, value) in entries {
        let name = key.get_ref().as_ref();
        let line = w.line(key.span().start);
        let v = value.get_ref();
        match name {
            "interval" => {
                if let Some(d) = w.duration(line, name, v, c.interval) {
                    if d < MIN_INTERVAL {
                        w.push_at(
                            line,
                            format!(
                                "key `interval`: {} is below the 1s floor; using 1s",
                                show(d)
                            ),
                        );
                        c.interval = MIN_INTERVAL;
                    } else {
                        c.interval = d;
                    }
                }
            }
            "hidden_interval" => {
                if let Some(d) = w.duration(line, name, v, c.hidden_interval) {
                    c.hidden_interval = d;
                }
            }
            "fleet_interval" => {
                if let Some(d) = w.duration(line, name, v, c.fleet_interval) {
                    c.fleet_interval = d.max(MIN_INTERVAL);
                }
            }
            "connect_timeout" => {
                if let Some(d) = w.duration(line, name, v, c.connect_timeout) {
                    c.connect_timeout = d;
                }
            }
            "request_timeout" => {
                if let Some(d) = w.duration(line, name, v, c.request_timeout) {
                    c.request_timeout = d;
                }
            }
            "theme" => match v.as_str().and_then(ThemeName::parse) {
                Some(t) => c.theme = t,
                None => w.bad(line, name, v, "\"dark\", \"light\" or \"mono\"", "dark"),
            },
            "mouse" => w.boolean(line, name, v, &mut c.mouse),
            "ascii_borders" => w.boolean(line, name, v, &mut c.ascii_borders),
            "read_only" => w.boolean(line, name, v, &mut c.read_only),
            "notify" => c.notify = w.event_kinds(line, name, v),
            "keys" => match v.as_table() {
                Some(keys) => c.keys = w.keys(keys),
                None => w.bad(line, name, v, "a table ([keys])", "no overrides"),
            },
            "max_response_mib" => match v {
                DeValue::Integer(i) => match i.as_str().parse::<i64>() {
                    Ok(n) if (1..=MAX_RESPONSE_MIB).contains(&n) && i.radix() == 10 => {
                        // In range 1..=4096, so the product fits any usize of 32 bits or more.
                        c.max_response = usize::try_from(n).unwrap_or(1) * 1024 * 1024;
                    }
                    _ => w.bad(line, name, v, "a whole number of MiB from 1 to 4096", "32"),
                },
                _ => w.bad(line, name, v, "a whole number of MiB from 1 to 4096", "32"),
            },
            other => {
                let other = crate::text::cut_chars(other, 60).into_owned();
                w.push_at(line, format!("unknown key `{other}` (ignored)"))
            }
        }
    }
    if c.hidden_interval < c.interval {
        let line = table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == "hidden_interval")
            .map(|(k, _)| w.line(k.span().start))
            .unwrap_or(1);
        w.push_at(
            line,
            format!(
                "key `hidden_interval`: {} is shorter than `interval`; using {}",
                show(c.hidden_interval),
                show(c.interval)
            ),
        );
        c.hidden_interval = c.interval;
    }
    // In line order, whatever order the keys were checked in.
    w.list.sort_by_key(|(line, _)| *line);
    (c, w.list.into_iter().map(|(_, text)| text).collect())
}

struct Warnings<'a> {
    source: &'a str,
    /// Byte offset where each line starts, computed once: a file with many
    /// problems costs O(n log n), not O(n²).
    line_starts: Vec<usize>,
    list: Vec<(usize, String)>,
}

impl Warnings<'_> {
    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        // Number of line starts at or before `offset` = the 1-based line.
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn push_at(&mut self, line: usize, msg: String) {
        // Keys and values are text from the file: sanitized, and cut so a
        // huge key stays a short line.
        let msg = crate::text::sanitize(&msg).into_owned();
        let msg = crate::text::cut_chars(&msg, 300);
        self.list
            .push((line, format!("{}:{line}: {msg}", self.source)));
    }

    fn bad(&mut self, line: usize, key: &str, v: &DeValue<'_>, expected: &str, default: &str) {
        self.push_at(
            line,
            format!(
                "key `{key}`: expected {expected}, found {}; using the default ({default})",
                describe(v)
            ),
        );
    }

    /// A list of event kind names (`["token_expiring", "stale"]`); unknown
    /// names are dropped with a warning.
    fn event_kinds(
        &mut self,
        line: usize,
        key: &str,
        v: &DeValue<'_>,
    ) -> Vec<crate::app::changes::EventKind> {
        use crate::app::changes::EventKind;
        let Some(items) = v.as_array() else {
            self.bad(line, key, v, "a list of event kinds", "none");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str().and_then(EventKind::parse) {
                Some(k) if !out.contains(&k) => out.push(k),
                Some(_) => {}
                None => {
                    let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.as_str()).collect();
                    self.push_at(
                        line,
                        format!(
                            "key `{key}`: unknown event kind {}; known: {}",
                            describe(item.get_ref()),
                            names.join(", ")
                        ),
                    );
                }
            }
        }
        out
    }

    fn boolean(&mut self, line: usize, key: &str, v: &DeValue<'_>, slot: &mut bool) {
        match v.as_bool() {
            Some(b) => *slot = b,
            None => self.bad(line, key, v, "true or false", &slot.to_string()),
        }
    }

    fn duration(
        &mut self,
        line: usize,
        key: &str,
        v: &DeValue<'_>,
        default: Duration,
    ) -> Option<Duration> {
        let parsed = match v {
            DeValue::String(s) => parse_duration(s),
            DeValue::Integer(i) => i
                .as_str()
                .parse::<u64>()
                .ok()
                .filter(|_| i.radix() == 10)
                .map(|n| n.to_string())
                .ok_or_else(|| "not a number of seconds".to_string())
                .and_then(|s| parse_duration(&s)),
            DeValue::Float(f) => parse_duration(f.as_str()),
            _ => Err(format!(
                "expected a duration like \"5s\", found {}",
                describe(v)
            )),
        };
        match parsed {
            Ok(d) if d.is_zero() => {
                self.push_at(
                    line,
                    format!(
                        "key `{key}`: a zero duration is not allowed; using the default ({})",
                        show(default)
                    ),
                );
                None
            }
            Ok(d) => Some(d),
            Err(e) => {
                self.push_at(
                    line,
                    format!("key `{key}`: {e}; using the default ({})", show(default)),
                );
                None
            }
        }
    }

    fn keys(&mut self, table: &DeTable<'_>) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(k, _)| k.span().start);
        for (action, value) in entries {
            let line = self.line(action.span().start);
            let action = action.get_ref().as_ref().trim().to_string();
            let raw: Vec<(String, usize)> = match value.get_ref() {
                DeValue::String(s) => vec![(s.to_string(), line)],
                DeValue::Array(items) => {
                    let mut specs = Vec::new();
                    for item in items.iter() {
                        let l = self.line(item.span().start);
                        match item.get_ref().as_str() {
                            Some(s) => specs.push((s.to_string(), l)),
                            None => self.push_at(
                                l,
                                format!(
                                    "key `keys.{action}`: expected a key like \"ctrl-c\", found {} (ignored)",
                                    describe(item.get_ref())
                                ),
                            ),
                        }
                    }
                    specs
                }
                other => {
                    self.push_at(
                        line,
                        format!(
                            "key `keys.{action}`: expected a key or a list of keys, found {}; keeping the default keys",
                            describe(other)
                        ),
                    );
                    continue;
                }
            };
            let mut specs = Vec::new();
            for (spec, l) in raw {
                let spec = spec.trim().to_string();
                if is_valid_key_spec(&spec) {
                    specs.push(spec);
                } else {
                    self.push_at(
                        l,
                        format!("key `keys.{action}`: {spec:?} is not a key (try \"j\", \"ctrl-c\", \"shift-tab\", \"pagedown\"); ignored"),
                    );
                }
            }
            if specs.is_empty() {
                self.push_at(
                    line,
                    format!("key `keys.{action}`: no usable key; keeping the default keys"),
                );
            } else {
                out.insert(action, specs);
            }
        }
        out
    }
}

/// Whether `spec` is a key spec the keymap accepts (`j`, `ctrl-c`,
/// `shift-tab`, `pagedown`, `f5`; see [`crate::app::keymap::KeySpec::parse`]).
pub fn is_valid_key_spec(spec: &str) -> bool {
    crate::app::keymap::KeySpec::parse(spec).is_ok()
}

fn describe(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("{s:?}"),
        DeValue::Integer(i) => i.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => other.type_str().to_string(),
    }
}

/// `5s`, `1m30s`, `250ms`.
fn show(d: Duration) -> String {
    let ms = d.as_millis();
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, s) => format!("{h}h{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_specs() {
        for ok in [
            "j",
            "G",
            "?",
            "/",
            "-",
            "ctrl-c",
            "Ctrl-C",
            "shift-tab",
            "alt-enter",
            "pagedown",
            "F5",
            "ctrl-alt-x",
            "ctrl--",
        ] {
            assert!(is_valid_key_spec(ok), "{ok}");
        }
        for bad in ["", "ctl-c", "ctrl-", "jj", "page down", "\u{7}"] {
            assert!(!is_valid_key_spec(bad), "{bad:?}");
        }
    }

    #[test]
    fn durations_show_compactly() {
        assert_eq!(show(Duration::from_secs(5)), "5s");
        assert_eq!(show(Duration::from_secs(60)), "1m");
        assert_eq!(show(Duration::from_secs(90)), "1m30s");
        assert_eq!(show(Duration::from_millis(250)), "250ms");
    }
}
