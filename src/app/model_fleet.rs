//! The model's fleet queries: what the fleet knows of each workspace (the current one from the dashboard's own resources) and the fleet rows.

use super::{Model, fleet, with_resource};
use crate::protocol::ResourceKind;

impl Model {
    /// What the fleet knows of the current workspace: the dashboard's own
    /// resources (polled at its own rate).
    fn current_fleet_data(&self) -> fleet::FleetData {
        let mut d = self
            .fleet
            .data
            .get(self.current)
            .cloned()
            .unwrap_or_default();
        if let Some(s) = &self.status.data {
            d.info = Some(s.info.clone());
            d.resolver = s.resolver.clone().or(d.resolver);
        }
        d.status_at = self.status.fetched_at.or(d.status_at);
        d.status_error = self.status.error.clone();
        d.error_at = self.status.error_at;
        d.failing_since = self.status.error_at;
        if let Some(m) = &self.members.data {
            d.members = Some(m.len());
        }
        if let Some(s) = &self.secrets.data {
            d.secrets = Some(s.len());
        }
        if let Some(t) = &self.tokens.data {
            d.tokens = Some(t.list.clone());
            d.own_token = t.own_id.clone();
        }
        for kind in [
            ResourceKind::Members,
            ResourceKind::Tokens,
            ResourceKind::Secrets,
        ] {
            let forbidden = with_resource!(&self, kind, |r| r
                .error
                .as_ref()
                .is_some_and(|e| e.status() == Some(403)));
            if forbidden {
                d.forbidden.insert(kind);
            } else {
                d.forbidden.remove(&kind);
            }
        }
        d
    }

    /// The data behind fleet row `i`.
    pub fn fleet_data(&self, i: usize) -> fleet::FleetData {
        if i == self.current {
            self.current_fleet_data()
        } else {
            self.fleet.data.get(i).cloned().unwrap_or_default()
        }
    }

    /// Every fleet row, unsorted and unfiltered (in workspace order).
    pub fn fleet_rows_all(&self) -> Vec<fleet::FleetRow> {
        self.workspaces
            .iter()
            .enumerate()
            .map(|(i, w)| fleet::row(i, w, &self.fleet_data(i), i == self.current, self.now))
            .collect()
    }

    /// The fleet rows as shown: filtered, then sorted.
    pub fn fleet_rows(&self) -> Vec<fleet::FleetRow> {
        let mut rows: Vec<fleet::FleetRow> = self
            .fleet_rows_all()
            .into_iter()
            .filter(|r| fleet::matches(r, self.fleet.filter.value()))
            .collect();
        fleet::sort_rows(&mut rows, self.fleet.sort, self.fleet.reverse);
        rows
    }
}
