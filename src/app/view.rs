//! Table views: the column definitions of every pane, row text, sort keys,
//! and `ListView`, the per-pane sort/filter/selection state with its cached
//! index lists (recomputed only when the data, the filter or the sort
//! changes — never per frame).

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::api::types::{Member, MemberStatus, Registry, Secret, Shape, Token, Visibility};
use crate::protocol::TemplateEntry;

use super::format;
use super::workloads::{self as wl, NodeGroupRow, Shapes};
use crate::api::workloads::{EndpointView, Job, PodView};

mod list;
pub use list::ListView;

/// Tokens that expire within this many days are flagged.
pub const EXPIRY_WARN_DAYS: i64 = 10;
const DAY_MS: i64 = 86_400_000;

/// What a column holds; decides sorting and width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColKind {
    Text,
    Num,
    /// An absolute date: filterable.
    Date,
    /// A relative time ("5m ago"): changes with the clock; fixed width.
    Relative,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    /// 0 = never dropped; at narrow widths the highest number drops first.
    pub priority: u8,
    pub min: u16,
    pub max: u16,
    pub kind: ColKind,
    pub right: bool,
}

pub(crate) const fn col(
    title: &'static str,
    priority: u8,
    min: u16,
    max: u16,
    kind: ColKind,
) -> Column {
    Column {
        title,
        priority,
        min,
        max,
        kind,
        right: false,
    }
}

pub(crate) const fn num_col(title: &'static str, priority: u8, min: u16, max: u16) -> Column {
    Column {
        title,
        priority,
        min,
        max,
        kind: ColKind::Num,
        right: true,
    }
}

use ColKind::{Date, Relative, Text};

pub const SHAPE_COLUMNS: &[Column] = &[
    col("Shape", 0, 8, 28, Text),
    col("Accelerator", 1, 8, 26, Text),
    num_col("GPUs", 0, 4, 6),
    num_col("CPU", 0, 3, 6),
    col("Memory", 1, 6, 10, Text),
    col("Description", 2, 8, 60, Text),
];

pub const MEMBER_COLUMNS: &[Column] = &[
    col("Email", 0, 12, 36, Text),
    col("Name", 1, 6, 24, Text),
    col("Role", 0, 5, 12, Text),
    col("Status", 0, 7, 7, Text),
    col("Last active", 1, 11, 11, Relative),
    col("Joined", 3, 10, 10, Date),
    col("Invited by", 4, 10, 30, Text),
];

pub const TOKEN_COLUMNS: &[Column] = &[
    col("Name", 0, 8, 34, Text),
    col("Value", 2, 10, 22, Text),
    col("Created", 3, 10, 10, Date),
    col("Expires", 0, 15, 15, Relative),
    col("Created by", 1, 10, 30, Text),
    col("Scopes", 4, 6, 30, Text),
];

pub const SECRET_COLUMNS: &[Column] = &[
    col("Name", 0, 10, 48, Text),
    col("Visibility", 0, 10, 10, Text),
    col("Owner", 1, 8, 32, Text),
    col("Tags", 2, 4, 40, Text),
];

pub const REGISTRY_COLUMNS: &[Column] = &[
    col("Name", 0, 8, 32, Text),
    col("Server", 0, 10, 40, Text),
    col("Username", 1, 8, 24, Text),
    col("Provider", 2, 8, 10, Text),
    col("Created", 3, 10, 10, Date),
];

pub const TEMPLATE_COLUMNS: &[Column] = &[
    col("Name", 0, 8, 32, Text),
    col("ID", 1, 6, 32, Text),
    col("Access", 0, 7, 7, Text),
    col("Workload", 0, 8, 10, Text),
    col("State", 3, 5, 12, Text),
];

/// A row of the supported-shapes table.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeRow {
    pub name: String,
    pub shape: Shape,
}

/// How a cell should look; the theme maps it to a style (never colour alone:
/// the text carries the meaning too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Normal,
    Muted,
    Accent,
    Ok,
    Warn,
    Error,
}

/// A sort key. Missing values sort last in both directions.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Num(f64),
    Text(String),
    Missing,
}

fn cmp_keys(a: &SortKey, b: &SortKey, reverse: bool) -> Ordering {
    let o = match (a, b) {
        (SortKey::Missing, SortKey::Missing) => return Ordering::Equal,
        (SortKey::Missing, _) => return Ordering::Greater,
        (_, SortKey::Missing) => return Ordering::Less,
        (SortKey::Num(x), SortKey::Num(y)) => x.total_cmp(y),
        (SortKey::Text(x), SortKey::Text(y)) => x.cmp(y),
        (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
        (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
    };
    if reverse { o.reverse() } else { o }
}

/// Text sort key; empty and the `-` placeholder sort as missing.
fn text_key(s: &str) -> SortKey {
    if s.is_empty() || s == "-" {
        SortKey::Missing
    } else {
        SortKey::Text(format::fold_str(s))
    }
}

fn opt_num(v: Option<f64>) -> SortKey {
    v.map(SortKey::Num).unwrap_or(SortKey::Missing)
}

fn opt_ms(v: Option<i64>) -> SortKey {
    v.map(|n| SortKey::Num(n as f64))
        .unwrap_or(SortKey::Missing)
}

fn visibility_text(v: Option<&Visibility>) -> Cow<'static, str> {
    match v {
        Some(v) => Cow::Owned(v.as_str().to_string()),
        None => Cow::Borrowed("-"),
    }
}

fn opt_date(ms: Option<i64>) -> Cow<'static, str> {
    ms.map(|m| Cow::Owned(format::date(m)))
        .unwrap_or(Cow::Borrowed("-"))
}

fn or_dash(s: Option<&str>) -> Cow<'_, str> {
    match s {
        Some(s) if !s.is_empty() => Cow::Borrowed(s),
        _ => Cow::Borrowed("-"),
    }
}

/// Suffix marking the token lepdash itself uses.
pub const OWN_TOKEN_MARK: &str = " (this session)";

/// The expiry state of a token at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    Never,
    Ok,
    Soon,
    Expired,
}

pub fn expiry_of(expires_at: Option<i64>, now_ms: i64) -> Expiry {
    match expires_at {
        None => Expiry::Never,
        Some(t) if t <= now_ms => Expiry::Expired,
        Some(t) if t - now_ms <= EXPIRY_WARN_DAYS * DAY_MS => Expiry::Soon,
        Some(_) => Expiry::Ok,
    }
}

/// `EXPIRED 3d ago`, `EXPIRES in 4d`, `in 90d`, `never`.
pub fn expiry_text(expires_at: Option<i64>, now_ms: i64) -> String {
    match (expiry_of(expires_at, now_ms), expires_at) {
        (Expiry::Expired, Some(t)) => format!("EXPIRED {}", format::relative(now_ms, t)),
        (Expiry::Soon, Some(t)) => format!("EXPIRES {}", format::relative(now_ms, t)),
        (Expiry::Ok, Some(t)) => format::relative(now_ms, t),
        _ => "never".to_string(),
    }
}

/// A read-only view of one pane's rows, whatever their type.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Shapes(&'a [ShapeRow]),
    Members(&'a [Member]),
    Tokens(&'a [Token], Option<&'a str>),
    Secrets(&'a [Secret]),
    Registries(&'a [Registry]),
    Templates(&'a [TemplateEntry]),
    Endpoints(&'a [EndpointView], Shapes<'a>),
    Jobs(&'a [Job], Shapes<'a>),
    Pods(&'a [PodView], Shapes<'a>),
    Nodes(&'a [NodeGroupRow]),
}

impl<'a> Source<'a> {
    pub fn len(&self) -> usize {
        match self {
            Source::Shapes(v) => v.len(),
            Source::Members(v) => v.len(),
            Source::Tokens(v, _) => v.len(),
            Source::Secrets(v) => v.len(),
            Source::Registries(v) => v.len(),
            Source::Templates(v) => v.len(),
            Source::Endpoints(v, _) => v.len(),
            Source::Jobs(v, _) => v.len(),
            Source::Pods(v, _) => v.len(),
            Source::Nodes(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn columns(&self) -> &'static [Column] {
        match self {
            Source::Shapes(_) => SHAPE_COLUMNS,
            Source::Members(_) => MEMBER_COLUMNS,
            Source::Tokens(..) => TOKEN_COLUMNS,
            Source::Secrets(_) => SECRET_COLUMNS,
            Source::Registries(_) => REGISTRY_COLUMNS,
            Source::Templates(_) => TEMPLATE_COLUMNS,
            Source::Endpoints(..) => wl::ENDPOINT_COLUMNS,
            Source::Jobs(..) => wl::JOB_COLUMNS,
            Source::Pods(..) => wl::POD_COLUMNS,
            Source::Nodes(_) => wl::NODE_COLUMNS,
        }
    }

    /// The stable id of row `i` (selection and change marks follow it).
    pub fn id(&self, i: usize) -> Cow<'a, str> {
        match *self {
            Source::Shapes(v) => Cow::Borrowed(v[i].name.as_str()),
            Source::Members(v) => Cow::Borrowed(v[i].id.as_str()),
            Source::Tokens(v, _) => Cow::Borrowed(v[i].id.as_str()),
            Source::Secrets(v) => Cow::Borrowed(v[i].name.as_str()),
            Source::Registries(v) => Cow::Borrowed(v[i].id()),
            Source::Templates(v) => {
                let t = &v[i];
                let ns = if t.public { "public" } else { "private" };
                Cow::Owned(format!("{ns}/{}", t.template.id()))
            }
            Source::Endpoints(v, _) => Cow::Borrowed(v[i].id.as_str()),
            Source::Jobs(v, _) => Cow::Borrowed(v[i].id()),
            Source::Pods(v, _) => Cow::Borrowed(v[i].id.as_str()),
            Source::Nodes(v) => Cow::Borrowed(v[i].group.id()),
        }
    }

    /// The name shown for row `i` (what `y` copies, what dialogs name).
    pub fn name(&self, i: usize) -> Cow<'a, str> {
        match *self {
            Source::Shapes(v) => Cow::Borrowed(v[i].name.as_str()),
            Source::Members(v) => Cow::Borrowed(v[i].email.as_str()),
            Source::Tokens(v, _) => Cow::Borrowed(v[i].name.as_str()),
            Source::Secrets(v) => Cow::Borrowed(v[i].name.as_str()),
            Source::Registries(v) => Cow::Borrowed(v[i].name()),
            Source::Templates(v) => Cow::Borrowed(v[i].template.name()),
            Source::Endpoints(v, _) => Cow::Borrowed(v[i].name.as_str()),
            Source::Jobs(v, _) => Cow::Borrowed(v[i].name()),
            Source::Pods(v, _) => Cow::Borrowed(v[i].name.as_str()),
            Source::Nodes(v) => Cow::Borrowed(v[i].group.name()),
        }
    }

    /// The text of cell (`i`, `col`) at `now_ms`.
    pub fn cell(&self, i: usize, col: usize, now_ms: i64) -> Cow<'a, str> {
        match *self {
            Source::Shapes(v) => {
                let r = &v[i];
                match col {
                    0 => Cow::Borrowed(r.name.as_str()),
                    1 => or_dash(r.shape.accelerator_type.as_deref()),
                    2 => match (r.shape.accelerator_num, r.shape.accelerator_fraction) {
                        (Some(n), Some(f)) if f > 0.0 && f < 1.0 => {
                            Cow::Owned(format!("{}x{}", format::num(n), format::num(f)))
                        }
                        (Some(n), _) => Cow::Owned(format::num(n)),
                        (None, _) => Cow::Borrowed("-"),
                    },
                    3 => r
                        .shape
                        .cpu
                        .map(|c| Cow::Owned(format::num(c)))
                        .unwrap_or(Cow::Borrowed("-")),
                    4 => r
                        .shape
                        .memory
                        .map(|m| Cow::Owned(format::mib(m)))
                        .unwrap_or(Cow::Borrowed("-")),
                    _ => or_dash(r.shape.description.as_deref()),
                }
            }
            Source::Members(v) => {
                let m = &v[i];
                match col {
                    0 => Cow::Borrowed(m.email.as_str()),
                    1 => or_dash(m.name.as_deref()),
                    2 => Cow::Borrowed(m.role.as_str()),
                    3 => Cow::Borrowed(m.status.as_str()),
                    4 => match m.last_active_at {
                        Some(t) => Cow::Owned(format::relative(now_ms, t)),
                        None => Cow::Borrowed("never"),
                    },
                    5 => opt_date(m.created_at),
                    _ => or_dash(m.invited_by.as_deref()),
                }
            }
            Source::Tokens(v, own) => {
                let t = &v[i];
                match col {
                    0 if own == Some(t.id.as_str()) => {
                        Cow::Owned(format!("{}{OWN_TOKEN_MARK}", t.name))
                    }
                    0 => Cow::Borrowed(t.name.as_str()),
                    1 => Cow::Borrowed(t.masked_value.as_str()),
                    2 => opt_date(t.created_at),
                    3 => Cow::Owned(expiry_text(t.expires_at, now_ms)),
                    4 => or_dash(t.created_by.as_deref()),
                    _ if t.scopes.is_empty() => Cow::Borrowed("-"),
                    _ => Cow::Owned(t.scopes.join(",")),
                }
            }
            Source::Secrets(v) => {
                let s = &v[i];
                match col {
                    0 => Cow::Borrowed(s.name.as_str()),
                    1 => visibility_text(s.visibility.as_ref()),
                    2 => or_dash(s.owner.as_deref()),
                    _ if s.tags.is_empty() => Cow::Borrowed("-"),
                    _ => Cow::Owned(s.tags.join(",")),
                }
            }
            Source::Registries(v) => {
                let r = &v[i];
                match col {
                    0 => Cow::Borrowed(r.name()),
                    1 => or_dash(Some(r.spec.registry_server.as_str())),
                    2 => or_dash(Some(r.spec.username.as_str())),
                    3 => or_dash(r.spec.provider.as_deref()),
                    _ => opt_date(r.metadata.created_at),
                }
            }
            Source::Templates(v) => {
                let t = &v[i];
                match col {
                    0 => Cow::Borrowed(t.template.name()),
                    1 => Cow::Borrowed(t.template.id()),
                    2 => Cow::Borrowed(if t.public { "public" } else { "private" }),
                    3 => match &t.template.spec.workload_type {
                        Some(w) => Cow::Owned(w.as_str().to_string()),
                        None => Cow::Borrowed("-"),
                    },
                    _ => or_dash(t.template.status.as_ref().and_then(|s| s.state.as_deref())),
                }
            }
            Source::Endpoints(v, shapes) => wl::endpoint_cell(v, shapes, i, col, now_ms),
            Source::Jobs(v, shapes) => wl::job_cell(v, shapes, i, col, now_ms),
            Source::Pods(v, shapes) => wl::pod_cell(v, shapes, i, col, now_ms),
            Source::Nodes(v) => wl::node_cell(v, i, col),
        }
    }

    /// How cell (`i`, `col`) should look.
    pub fn tone(&self, i: usize, col: usize, now_ms: i64) -> Tone {
        match *self {
            Source::Members(v) if col == 3 && v[i].status == MemberStatus::Invited => Tone::Warn,
            Source::Tokens(v, own) => {
                let t = &v[i];
                match col {
                    0 if own == Some(t.id.as_str()) => Tone::Accent,
                    3 => match expiry_of(t.expires_at, now_ms) {
                        Expiry::Expired => Tone::Error,
                        Expiry::Soon => Tone::Warn,
                        _ => Tone::Normal,
                    },
                    _ => Tone::Normal,
                }
            }
            Source::Secrets(v) if col == 1 && v[i].visibility == Some(Visibility::Public) => {
                Tone::Accent
            }
            Source::Templates(v) if col == 2 && v[i].public => Tone::Accent,
            Source::Endpoints(v, _) => wl::endpoint_tone(v, i, col),
            Source::Jobs(v, _) => wl::job_tone(v, i, col),
            Source::Pods(v, _) => wl::pod_tone(v, i, col),
            Source::Nodes(v) => wl::node_tone(v, i, col),
            _ => Tone::Normal,
        }
    }

    /// The sort key of cell (`i`, `col`).
    pub fn sort_key(&self, i: usize, col: usize) -> SortKey {
        match *self {
            Source::Shapes(v) => {
                let s = &v[i].shape;
                match col {
                    2 => opt_num(s.accelerator_num),
                    3 => opt_num(s.cpu),
                    4 => opt_num(s.memory),
                    _ => text_key(&self.cell(i, col, 0)),
                }
            }
            Source::Members(v) => match col {
                4 => opt_ms(v[i].last_active_at),
                5 => opt_ms(v[i].created_at),
                _ => text_key(&self.cell(i, col, 0)),
            },
            Source::Tokens(v, _) => match col {
                2 => opt_ms(v[i].created_at),
                3 => opt_ms(v[i].expires_at),
                _ => text_key(&self.cell(i, col, 0)),
            },
            Source::Registries(v) if col == 4 => opt_ms(v[i].metadata.created_at),
            Source::Endpoints(v, shapes) => wl::endpoint_sort(v, shapes, i, col),
            Source::Jobs(v, shapes) => wl::job_sort(v, shapes, i, col),
            Source::Pods(v, shapes) => wl::pod_sort(v, shapes, i, col),
            Source::Nodes(v) => wl::node_sort(v, i, col),
            _ => text_key(&self.cell(i, col, 0)),
        }
    }
}

/// Choose the columns that fit `avail` columns of width (with one space
/// between columns). Low-priority columns drop first; the last kept column
/// gets the spare width. Returns (column index, width) in display order.
pub fn fit_columns(cols: &[Column], content: &[u16], avail: u16) -> Vec<(usize, u16)> {
    let want = |i: usize| -> u16 {
        let c = &cols[i];
        let title = format::width(c.title) as u16;
        content
            .get(i)
            .copied()
            .unwrap_or(c.min)
            .max(c.min)
            .max(title)
            .min(c.max.max(c.min).max(title))
    };
    let mut kept: Vec<usize> = (0..cols.len()).collect();
    let total = |kept: &[usize], f: &dyn Fn(usize) -> u16| -> u32 {
        kept.iter().map(|&i| u32::from(f(i))).sum::<u32>() + kept.len().saturating_sub(1) as u32
    };
    let min_of = |i: usize| cols[i].min.max(format::width(cols[i].title).min(8) as u16);
    // Drop columns until even their minimum widths fit.
    while total(&kept, &min_of) > u32::from(avail) {
        let Some((pos, _)) = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| cols[**i].priority > 0)
            .max_by_key(|(pos, i)| (cols[**i].priority, *pos))
        else {
            break;
        };
        kept.remove(pos);
    }
    // Then drop while the wanted widths do not fit and a column of priority
    // >= 2 is left (they are the ones worth giving up before squeezing).
    while total(&kept, &want) > u32::from(avail) {
        let Some((pos, _)) = kept
            .iter()
            .enumerate()
            .filter(|(_, i)| cols[**i].priority >= 2)
            .max_by_key(|(pos, i)| (cols[**i].priority, *pos))
        else {
            break;
        };
        kept.remove(pos);
    }
    let mut widths: Vec<u16> = kept.iter().map(|&i| want(i)).collect();
    let mut sum = total(&kept, &want);
    // Squeeze the widest columns toward their minimums.
    while sum > u32::from(avail) {
        let Some((j, _)) = widths
            .iter()
            .enumerate()
            .filter(|(j, w)| **w > min_of(kept[*j]))
            .max_by_key(|(_, w)| **w)
        else {
            break;
        };
        widths[j] -= 1;
        sum -= 1;
    }
    if sum < u32::from(avail) {
        // Spare width goes first to columns cut at their max (a long server
        // name on a wide terminal), then to the last column.
        let mut spare = (u32::from(avail) - sum).min(u32::from(u16::MAX)) as u16;
        for (j, &i) in kept.iter().enumerate() {
            let full = content.get(i).copied().unwrap_or(0);
            if full > widths[j] {
                let add = (full - widths[j]).min(spare);
                widths[j] += add;
                spare -= add;
            }
        }
        if let Some(last) = widths.last_mut() {
            *last += spare;
        }
    }
    kept.into_iter().zip(widths).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_drop_by_priority() {
        let content = [30, 10, 10, 15, 20, 12];
        let fit = fit_columns(TOKEN_COLUMNS, &content, 60);
        let kept: Vec<_> = fit.iter().map(|(i, _)| *i).collect();
        assert!(kept.contains(&0) && kept.contains(&3));
        assert!(!kept.contains(&5));
        let total: u16 = fit.iter().map(|(_, w)| *w).sum::<u16>() + fit.len() as u16 - 1;
        assert_eq!(total, 60);
    }

    #[test]
    fn spare_width_first_uncuts_columns_cut_at_their_max() {
        // Server (index 1) holds a 52-char ECR host; its max is 40.
        let content = [14, 52, 11, 9, 10];
        let narrow = fit_columns(REGISTRY_COLUMNS, &content, 100);
        let server = |fit: &[(usize, u16)]| fit.iter().find(|(i, _)| *i == 1).map(|(_, w)| *w);
        assert_eq!(
            server(&narrow),
            Some(52),
            "100 columns leave room for the whole host"
        );
        let tight = fit_columns(REGISTRY_COLUMNS, &content, 80);
        assert!(server(&tight).is_some_and(|w| w <= 52));
        let total: u16 = narrow.iter().map(|(_, w)| *w).sum::<u16>() + narrow.len() as u16 - 1;
        assert_eq!(total, 100);
    }

    #[test]
    fn expiry() {
        let now = 1_000 * DAY_MS;
        assert_eq!(expiry_text(Some(now - 3 * DAY_MS), now), "EXPIRED 3d ago");
        assert_eq!(expiry_text(Some(now + 4 * DAY_MS), now), "EXPIRES in 4d");
        assert_eq!(expiry_text(Some(now + 40 * DAY_MS), now), "in 40d");
        assert_eq!(expiry_text(None, now), "never");
    }
}
