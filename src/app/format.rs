//! Pure text helpers shared by the reducer and the renderer: relative times,
//! dates, sizes and numbers, case folding for the filter. Width, cutting,
//! wrapping, byte sizes and dates are the one copy in [`crate::text`]
//! (re-exported here). No clock reads: every function takes "now" explicitly.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use crate::text::{date, datetime, human_bytes as bytes_1024, truncate, width, wrap};

/// Epoch milliseconds of a `SystemTime` (negative before 1970).
pub fn ms_of(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// `SystemTime` of epoch milliseconds.
pub fn time_of_ms(ms: i64) -> SystemTime {
    if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms.unsigned_abs())
    } else {
        UNIX_EPOCH
            .checked_sub(Duration::from_millis(ms.unsigned_abs()))
            .unwrap_or(UNIX_EPOCH)
    }
}

/// Whole seconds from `earlier` to `later`, 0 when `later` is before.
pub fn secs_between(earlier: SystemTime, later: SystemTime) -> u64 {
    later
        .duration_since(earlier)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A compact duration: `45s`, `3m`, `2h`, `4d`, `3mo`, `2y`.
pub fn short_duration(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 3600;
    const DAY: u64 = 86_400;
    match secs {
        s if s < MIN => format!("{s}s"),
        s if s < HOUR => format!("{}m", s / MIN),
        s if s < DAY => format!("{}h", s / HOUR),
        s if s < 60 * DAY => format!("{}d", s / DAY),
        s if s < 365 * DAY => format!("{}mo", s / (30 * DAY)),
        s => format!("{}y", s / (365 * DAY)),
    }
}

/// Like [`short_duration`] but with minute granularity below one hour
/// (`<1m`), so list cells do not change every second.
pub fn coarse_duration(secs: u64) -> String {
    if secs < 60 {
        "<1m".to_string()
    } else {
        short_duration(secs)
    }
}

/// `5m ago` / `in 3d` relative to `now_ms`, minute granularity.
pub fn relative(now_ms: i64, t_ms: i64) -> String {
    let diff = t_ms.saturating_sub(now_ms);
    if diff > 0 {
        format!("in {}", coarse_duration(diff.unsigned_abs() / 1000))
    } else {
        format!("{} ago", coarse_duration(diff.unsigned_abs() / 1000))
    }
}

/// The header's age label: `just now`, `20s ago` (10 s steps), `3m ago`, …
/// Coarse on purpose: with a 5 s poll it stays `just now`, so an idle
/// dashboard writes no frames.
pub fn age_label(secs: u64) -> String {
    match secs {
        s if s < 10 => "just now".to_string(),
        s if s < 60 => format!("{}s ago", s / 10 * 10),
        s => format!("{} ago", short_duration(s)),
    }
}

/// Countdown until `t`, coarse: `now`, `8s`, `20s` (10 s steps above 10 s), `4m`.
pub fn countdown(now: SystemTime, t: SystemTime) -> String {
    let secs = secs_between(now, t);
    match secs {
        // "retry in now" reads oddly; the retry is under a second away.
        0 => "<1s".to_string(),
        s if s <= 10 => format!("{s}s"),
        s if s < 60 => format!("{}s", s.div_ceil(10) * 10),
        s => short_duration(s),
    }
}

/// A build time string such as `2026-07-01T00:00:00Z` shown as
/// `2026-07-01 00:00 UTC`; anything unparsable is shown as it came.
pub fn build_time(text: &str) -> String {
    match text.parse::<jiff::Timestamp>() {
        Ok(ts) => crate::text::timestamp_minutes(ts),
        Err(_) if text.is_empty() => "-".to_string(),
        Err(_) => text.to_string(),
    }
}

/// MiB as a readable size: `512 MiB`, `32 GiB`, `1.5 TiB`.
pub fn mib(value: f64) -> String {
    if !value.is_finite() || value < 0.0 {
        return "-".to_string();
    }
    if value < 1024.0 {
        format!("{} MiB", num(value))
    } else if value < 1024.0 * 1024.0 {
        format!("{} GiB", num(value / 1024.0))
    } else {
        format!("{} TiB", num(value / 1024.0 / 1024.0))
    }
}

/// A number without a useless fraction: `64`, `4.5`, `0.25`.
pub fn num(value: f64) -> String {
    if !value.is_finite() {
        return "-".to_string();
    }
    if (value - value.round()).abs() < 1e-9 {
        format!("{}", value.round() as i64)
    } else {
        let s = format!("{value:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Whether a `git_commit` looks like a semantic version (`1.2.3`, `v1.2.3-rc1`).
pub fn is_semver(text: &str) -> bool {
    let t = text.strip_prefix('v').unwrap_or(text);
    let core = t.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// Case folding used by the filter: one char in, one char out, so positions
/// in the folded text match positions in the original (by char).
pub fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        let mut lower = c.to_lowercase();
        match (lower.next(), lower.next()) {
            (Some(l), None) => l,
            _ => c,
        }
    }
}

/// Fold a whole string (see [`fold`]).
pub fn fold_str(text: &str) -> String {
    if text.is_ascii() {
        // One copy, no char-by-char pushes (sort keys of every row).
        return text.to_ascii_lowercase();
    }
    text.chars().map(fold).collect()
}

/// Byte ranges in `text` where the folded `needle` occurs (non-overlapping).
pub fn match_ranges(text: &str, needle_folded: &str) -> Vec<(usize, usize)> {
    let needle: Vec<char> = needle_folded.chars().collect();
    if needle.is_empty() {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= chars.len() {
        if chars[i..i + needle.len()]
            .iter()
            .zip(&needle)
            .all(|((_, c), n)| fold(*c) == *n)
        {
            let start = chars[i].0;
            let end = chars
                .get(i + needle.len())
                .map(|(b, _)| *b)
                .unwrap_or(text.len());
            out.push((start, end));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(short_duration(59), "59s");
        assert_eq!(short_duration(61), "1m");
        assert_eq!(short_duration(7200), "2h");
        assert_eq!(short_duration(86_400 * 3), "3d");
        assert_eq!(short_duration(86_400 * 90), "3mo");
        assert_eq!(short_duration(86_400 * 800), "2y");
        assert_eq!(age_label(3), "just now");
        assert_eq!(age_label(25), "20s ago");
        assert_eq!(age_label(125), "2m ago");
        assert_eq!(relative(100_000, 100_000 + 3 * 86_400_000), "in 3d");
        assert_eq!(relative(100_000 + 30_000, 100_000), "<1m ago");
    }

    #[test]
    fn countdowns() {
        let t0 = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        let later = |s: u64| t0 + std::time::Duration::from_secs(s);
        assert_eq!(countdown(t0, t0), "<1s");
        assert_eq!(countdown(later(5), t0), "<1s");
        assert_eq!(countdown(t0, later(7)), "7s");
        assert_eq!(countdown(t0, later(23)), "30s");
        assert_eq!(countdown(t0, later(120)), "2m");
    }

    #[test]
    fn sizes_and_numbers() {
        assert_eq!(bytes_1024(123_456_789), "117.7 MiB");
        assert_eq!(bytes_1024(512), "512 B");
        assert_eq!(bytes_1024(1536), "1.5 KiB");
        assert_eq!(num(64.0), "64");
        assert_eq!(num(4.5), "4.5");
        assert_eq!(mib(262_144.0), "256 GiB");
        assert_eq!(mib(8192.0), "8 GiB");
        assert_eq!(mib(512.0), "512 MiB");
    }

    #[test]
    fn dates() {
        assert_eq!(date(1_764_300_000_000), "2025-11-28");
        assert_eq!(datetime(1_764_300_000_000), "2025-11-28 03:20 UTC");
        assert_eq!(build_time("2026-07-01T00:00:00Z"), "2026-07-01 00:00 UTC");
        assert_eq!(build_time("yesterday"), "yesterday");
        assert!(is_semver("1.2.3") && is_semver("v0.47.1-rc1") && !is_semver("abc123f"));
    }

    #[test]
    fn folding_keeps_positions() {
        assert_eq!(match_ranges("HF_Token hf", "hf"), vec![(0, 2), (9, 11)]);
        assert_eq!(match_ranges("ÄBC", "äb"), vec![(0, 3)]);
        assert!(match_ranges("abc", "").is_empty());
    }
}
