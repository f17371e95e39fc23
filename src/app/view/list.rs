//! `ListView`: one pane's sort, filter and selection state with its cached index lists.

use super::{ColKind, SortKey, Source, cmp_keys, format};
use crate::app::input::LineInput;

/// Per-pane sort, filter and selection, with cached index lists.
#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub sort_col: usize,
    pub reverse: bool,
    /// The filter text as typed.
    pub filter: LineInput,
    /// Folded filter the `visible` list was computed with.
    applied: String,
    /// All item indices in sort order.
    order: Vec<u32>,
    /// Filtered `order`: what the table shows.
    visible: Vec<u32>,
    /// Per item: folded text of all columns, `\x1f`-separated. Built only
    /// while a filter is in force (empty otherwise: most of the time no
    /// filter is typed, and these copies were the biggest per-row cost
    /// after the data itself).
    haystack: Vec<String>,
    /// The time relative cells were read at (the last rebuild's `now_ms`),
    /// so a haystack built later reads the same text.
    hay_at: i64,
    /// Per column: widest cell over all items (not capped: `fit_columns`
    /// caps at the column's max and gives spare width back to cut columns).
    widths: Vec<u16>,
    /// Position in `visible`.
    pub selected: usize,
    /// Id of the selected row; the selection follows it across refreshes.
    pub selected_id: Option<String>,
    /// First visible row.
    pub offset: usize,
}

impl ListView {
    /// Recompute everything after the data changed. Relative-time cells
    /// (`EXPIRED 3d ago`, `never`) are indexed as they read at `now_ms`.
    pub fn rebuild(&mut self, src: &Source<'_>, now_ms: i64) {
        let cols = src.columns();
        let n = src.len();
        self.haystack = Vec::new();
        self.hay_at = now_ms;
        self.widths = cols
            .iter()
            .map(|c| c.min.max(format::width(c.title) as u16))
            .collect();
        for (c, column) in cols.iter().enumerate() {
            if column.kind == ColKind::Relative {
                self.widths[c] = self.widths[c].max(column.max);
                continue;
            }
            for i in 0..n {
                let w = format::width(&src.cell(i, c, now_ms)).min(usize::from(u16::MAX)) as u16;
                if w > self.widths[c] {
                    self.widths[c] = w;
                }
            }
        }
        self.resort(src);
    }

    /// Build the folded text of every row, if it is not built yet.
    fn ensure_haystack(&mut self, src: &Source<'_>) {
        let n = src.len();
        if self.haystack.len() == n {
            return;
        }
        let cols = src.columns().len();
        self.haystack = (0..n)
            .map(|i| {
                let mut hay = String::new();
                for c in 0..cols {
                    if c > 0 {
                        hay.push('\x1f');
                    }
                    hay.extend(src.cell(i, c, self.hay_at).chars().map(format::fold));
                }
                hay.shrink_to_fit();
                hay
            })
            .collect();
    }

    /// Recompute the order after the sort changed (and the filter after it).
    pub fn resort(&mut self, src: &Source<'_>) {
        let n = src.len();
        if self.sort_col >= src.columns().len() {
            self.sort_col = 0;
        }
        let col = self.sort_col;
        // Ties break by name (always A→Z), then by id: never arbitrary.
        let mut keyed: Vec<(SortKey, String, u32)> = (0..n)
            .map(|i| {
                (
                    src.sort_key(i, col),
                    format::fold_str(&src.name(i)),
                    i as u32,
                )
            })
            .collect();
        let reverse = self.reverse;
        keyed.sort_by(|a, b| {
            cmp_keys(&a.0, &b.0, reverse)
                .then_with(|| a.1.cmp(&b.1))
                .then_with(|| src.id(a.2 as usize).cmp(&src.id(b.2 as usize)))
        });
        self.order = keyed.into_iter().map(|(_, _, i)| i).collect();
        self.applied = format::fold_str(self.filter.value());
        self.apply_filter(src);
    }

    /// Recompute the visible list after the filter text changed. Cheap:
    /// one substring search per item over the cached folded text.
    pub fn refilter(&mut self, src: &Source<'_>) {
        let folded = format::fold_str(self.filter.value());
        if folded == self.applied {
            return;
        }
        // Typing more narrows: search only what is already visible.
        let narrowing = !self.applied.is_empty() && folded.contains(self.applied.as_str());
        self.applied = folded;
        if narrowing {
            self.ensure_haystack(src);
            let needle = self.applied.as_str();
            let hay = &self.haystack;
            self.visible
                .retain(|&i| hay.get(i as usize).is_some_and(|h| h.contains(needle)));
            self.reselect(src);
        } else {
            self.apply_filter(src);
        }
        self.select_best_match(src);
    }

    /// Put the selection on the best match of the filter: a match in the
    /// primary (first) column before one in a later column, a match at the
    /// start of a cell before one inside it; ties keep the display order.
    fn select_best_match(&mut self, src: &Source<'_>) {
        let needle = self.applied.as_str();
        if needle.is_empty() {
            return;
        }
        let hay = &self.haystack;
        let best = self
            .visible
            .iter()
            .enumerate()
            .filter_map(|(pos, &i)| {
                let h = hay.get(i as usize)?;
                let at = h.find(needle)?;
                let col = h[..at].matches('\x1f').count();
                let inside = at > 0 && !h[..at].ends_with('\x1f');
                Some(((col, inside), pos))
            })
            .min_by_key(|(rank, pos)| (*rank, *pos))
            .map(|(_, pos)| pos);
        if let Some(pos) = best {
            self.select(pos, src);
        }
    }

    fn apply_filter(&mut self, src: &Source<'_>) {
        if self.applied.is_empty() {
            self.visible.clone_from(&self.order);
            // No filter: the folded copies are not needed until one is typed.
            self.haystack = Vec::new();
        } else {
            self.ensure_haystack(src);
            let needle = self.applied.as_str();
            let hay = &self.haystack;
            self.visible = self
                .order
                .iter()
                .copied()
                .filter(|&i| hay.get(i as usize).is_some_and(|h| h.contains(needle)))
                .collect();
        }
        self.reselect(src);
    }

    /// Put the selection back on the row with `selected_id`, or keep the
    /// position (clamped) when that row is gone.
    fn reselect(&mut self, src: &Source<'_>) {
        if let Some(id) = &self.selected_id
            && let Some(pos) = self
                .visible
                .iter()
                .position(|&i| src.id(i as usize) == id.as_str())
        {
            self.selected = pos;
            return;
        }
        self.selected = self.selected.min(self.visible.len().saturating_sub(1));
        self.selected_id = self
            .visible
            .get(self.selected)
            .map(|&i| src.id(i as usize).into_owned());
    }

    /// Select position `pos` in the visible list (clamped).
    pub fn select(&mut self, pos: usize, src: &Source<'_>) {
        if self.visible.is_empty() {
            self.selected = 0;
            return;
        }
        self.selected = pos.min(self.visible.len() - 1);
        self.selected_id = self
            .visible
            .get(self.selected)
            .map(|&i| src.id(i as usize).into_owned());
    }

    /// Move the selection by `delta` rows.
    pub fn move_by(&mut self, delta: isize, src: &Source<'_>) {
        let pos = if delta < 0 {
            self.selected.saturating_sub(delta.unsigned_abs())
        } else {
            self.selected.saturating_add(delta as usize)
        };
        self.select(pos, src);
    }

    /// Keep the selected row inside a window of `rows` rows.
    pub fn ensure_visible(&mut self, rows: usize) {
        let rows = rows.max(1);
        let len = self.visible.len();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        // Do not leave empty space below the last row.
        if self.offset + rows > len {
            self.offset = len.saturating_sub(rows);
        }
    }

    /// The item index of the selected row.
    pub fn selected_item(&self) -> Option<usize> {
        self.visible.get(self.selected).map(|&i| i as usize)
    }

    /// Item indices in display order, after filtering.
    pub fn visible(&self) -> &[u32] {
        &self.visible
    }

    /// Number of items before filtering.
    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// Widest content per column.
    pub fn widths(&self) -> &[u16] {
        &self.widths
    }

    /// The folded filter in force.
    pub fn applied_filter(&self) -> &str {
        &self.applied
    }

    /// Forget rows and selection (workspace switch); keeps sort and filter.
    pub fn reset_rows(&mut self) {
        self.order.clear();
        self.visible.clear();
        self.haystack.clear();
        self.selected = 0;
        self.selected_id = None;
        self.offset = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Secret;

    fn secrets(names: &[&str]) -> Vec<Secret> {
        names
            .iter()
            .map(|n| Secret {
                name: n.to_string().into(),
                tags: vec![],
                owner: Some("alice@example.com".into()),
                visibility: None,
            })
            .collect()
    }

    #[test]
    fn sort_filter_select() {
        let data = secrets(&["b", "a", "c", "ab"]);
        let src = Source::Secrets(&data);
        let mut v = ListView::default();
        v.rebuild(&src, 0);
        let names: Vec<_> = v
            .visible()
            .iter()
            .map(|&i| data[i as usize].name.clone())
            .collect();
        assert_eq!(names, ["a", "ab", "b", "c"]);
        v.select(2, &src);
        assert_eq!(v.selected_id.as_deref(), Some("b"));
        v.filter = LineInput::new("B");
        v.refilter(&src);
        assert_eq!(v.visible().len(), 2);
        assert_eq!(v.selected_id.as_deref(), Some("b"));
        assert_eq!(v.selected, 1);
        v.reverse = true;
        v.resort(&src);
        assert_eq!(v.selected, 0);
    }

    #[test]
    fn filter_selects_the_best_match_primary_column_first() {
        let mut data = secrets(&["alpha", "beta", "gamma-priya", "priya-db", "zeta"]);
        data[0].owner = Some("priya@example.com".into());
        data[1].owner = Some("priya@example.com".into());
        let src = Source::Secrets(&data);
        let mut v = ListView::default();
        v.rebuild(&src, 0);
        v.select(4, &src);
        v.filter = LineInput::new("priya");
        v.refilter(&src);
        assert_eq!(v.visible().len(), 4);
        assert_eq!(
            v.selected_id.as_deref(),
            Some("priya-db"),
            "name starts with it"
        );
        v.filter = LineInput::new("mma-p");
        v.refilter(&src);
        assert_eq!(v.selected_id.as_deref(), Some("gamma-priya"));
    }

    #[test]
    fn sort_ties_break_by_name() {
        let mut data = secrets(&["d", "b", "c", "a"]);
        for s in &mut data {
            s.owner = Some("same@example.com".into());
        }
        let src = Source::Secrets(&data);
        let mut v = ListView {
            sort_col: 2,
            ..Default::default()
        };
        v.rebuild(&src, 0);
        let names: Vec<_> = v
            .visible()
            .iter()
            .map(|&i| data[i as usize].name.clone())
            .collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        v.reverse = true;
        v.resort(&src);
        let names: Vec<_> = v
            .visible()
            .iter()
            .map(|&i| data[i as usize].name.clone())
            .collect();
        assert_eq!(
            names,
            ["a", "b", "c", "d"],
            "ties stay A to Z when reversed"
        );
    }
}
