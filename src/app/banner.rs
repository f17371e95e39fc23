//! The activation banner: which conditions make the workspace unusable as
//! normal, chosen by a pure function of the status data, the token expiry,
//! whether the token was rejected, and the time.

use crate::api::paths::ACTIVATION_APPLY_URL;
use crate::api::types::{ActivationState, Resolver, WorkspaceInfo, WorkspaceState};

use super::format;
use super::view::EXPIRY_WARN_DAYS;

/// Every condition the banner can show, most urgent first (the order of the
/// variants is the display order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BannerKind {
    TokenRejected,
    TokenExpired,
    Terminated,
    NotActivated,
    ActivationPending,
    Paused,
    AllPodsTerminated,
    NotInUse,
    TokenExpiring,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warn,
    Info,
}

/// One banner: the condition, since when (when known), and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Banner {
    pub kind: BannerKind,
    pub severity: Severity,
    pub title: String,
    /// `since 2026-11-20 14:03 UTC (8d ago)`, when known.
    pub since: Option<String>,
    pub todo: String,
}

impl Banner {
    /// The first line: title and, when known, since when.
    pub fn headline(&self) -> String {
        match &self.since {
            Some(s) => format!("{}, {s}", self.title),
            None => self.title.clone(),
        }
    }
}

/// Everything the banner choice depends on.
#[derive(Debug, Clone, Copy)]
pub struct BannerInput<'a> {
    pub workspace_id: &'a str,
    pub info: Option<&'a WorkspaceInfo>,
    pub resolver: Option<&'a Resolver>,
    /// Epoch ms; from the token list when lepdash's own token is in it,
    /// else from the login record.
    pub token_expires_at: Option<i64>,
    /// A request was answered 401 since the last success.
    pub token_rejected: bool,
    pub now_ms: i64,
}

fn login_fix(id: &str) -> String {
    let id = if id.is_empty() { "ID" } else { id };
    format!(
        "Create a token in the Lepton dashboard (Settings > Tokens), then run \
         `lep login -c {id}:TOKEN` or set LEPTON_WORKSPACE_TOKEN, and restart lepdash."
    )
}

fn since(prefix: &str, at: Option<i64>, now_ms: i64) -> Option<String> {
    at.map(|t| {
        format!(
            "{prefix} {} ({})",
            format::date(t),
            format::relative(now_ms, t)
        )
    })
}

/// Choose the banners to show, most urgent first. Empty when all is well.
pub fn select_banners(input: &BannerInput<'_>) -> Vec<Banner> {
    let mut out = Vec::new();
    let id = input.workspace_id;
    let now = input.now_ms;

    if input.token_rejected {
        out.push(Banner {
            kind: BannerKind::TokenRejected,
            severity: Severity::Error,
            title: "Token rejected (401): the API refuses lepdash's token".to_string(),
            since: None,
            todo: format!("It is invalid, revoked or expired. {}", login_fix(id)),
        });
    }

    match input.token_expires_at {
        Some(t) if t <= now => out.push(Banner {
            kind: BannerKind::TokenExpired,
            severity: Severity::Error,
            title: "Token expired".to_string(),
            since: since("since", Some(t), now),
            todo: format!("Requests will be rejected. {}", login_fix(id)),
        }),
        Some(t) if t - now <= EXPIRY_WARN_DAYS * 86_400_000 => {
            let days = (t - now) / 86_400_000;
            let when = if days >= 1 {
                format!("in {days} day{}", if days == 1 { "" } else { "s" })
            } else {
                format::relative(now, t)
            };
            out.push(Banner {
                kind: BannerKind::TokenExpiring,
                severity: Severity::Warn,
                title: format!("Token expires {when} ({})", format::datetime(t)),
                since: None,
                todo: format!("Replace it before then. {}", login_fix(id)),
            });
        }
        _ => {}
    }

    let activation = input.resolver.map(Resolver::activation);
    let activation_at = input.resolver.and_then(|r| r.activation_updated_at);
    let early = input.resolver.and_then(|r| r.early_access).unwrap_or(false);
    match activation {
        Some(ActivationState::NotActivated) => out.push(Banner {
            kind: BannerKind::NotActivated,
            severity: Severity::Warn,
            title: if early {
                "Workspace not activated yet (early access)".to_string()
            } else {
                "Workspace not activated yet".to_string()
            },
            since: since("since", activation_at, now),
            todo: format!(
                "Early-access workspaces need activation before they can run anything. \
                 Apply at {ACTIVATION_APPLY_URL}; NVIDIA reviews the application and \
                 contacts you. Changes are refused until then."
            ),
        }),
        Some(ActivationState::Pending) => out.push(Banner {
            kind: BannerKind::ActivationPending,
            severity: Severity::Info,
            title: "Activation pending review".to_string(),
            since: since("applied", activation_at, now),
            todo: "NVIDIA is reviewing the application and will contact you; nothing to do \
                   meanwhile. Changes are refused until the workspace is activated."
                .to_string(),
        }),
        _ => {}
    }

    if let Some(info) = input.info {
        match &info.workspace_state {
            WorkspaceState::Terminated => out.push(Banner {
                kind: BannerKind::Terminated,
                severity: Severity::Error,
                title: "Workspace terminated".to_string(),
                since: None,
                todo: "It can no longer run workloads; what is shown may be the last known \
                       state. Contact your workspace admin or NVIDIA support."
                    .to_string(),
            }),
            WorkspaceState::Paused => out.push(Banner {
                kind: BannerKind::Paused,
                severity: Severity::Warn,
                title: "Workspace paused".to_string(),
                since: None,
                todo: "Workloads are stopped and new ones will not start. Resume it in the \
                       Lepton dashboard or ask a workspace admin."
                    .to_string(),
            }),
            WorkspaceState::AllPodsTerminated => out.push(Banner {
                kind: BannerKind::AllPodsTerminated,
                severity: Severity::Error,
                title: "All pods terminated".to_string(),
                since: None,
                todo: "The service stopped every pod of this workspace (for example over quota \
                       or billing). Check the Lepton dashboard or ask your admin before \
                       starting workloads."
                    .to_string(),
            }),
            _ => {}
        }
        let not_activated = matches!(
            activation,
            Some(ActivationState::NotActivated | ActivationState::Pending)
        );
        if info.not_in_use == Some(true) && !not_activated {
            out.push(Banner {
                kind: BannerKind::NotInUse,
                severity: Severity::Info,
                title: "Workspace marked not in use".to_string(),
                since: None,
                todo: "The service reports this workspace as not in use (inactive or not set \
                       up). If that is unexpected, check the Lepton dashboard or ask your admin."
                    .to_string(),
            });
        }
    }

    out.sort_by_key(|b| b.kind);
    out
}

/// One rendered banner line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BannerLine {
    pub text: String,
    pub severity: Severity,
    /// The headline of a banner (drawn bold, with the severity tag).
    pub headline: bool,
}

/// Most lines the banner area may take.
pub const MAX_BANNER_LINES: usize = 5;

/// Lay the banners out in lines of `width` columns: the first banner in full
/// (headline + wrapped advice), the others as one headline each.
pub fn banner_lines(banners: &[Banner], width: u16) -> Vec<BannerLine> {
    let width = usize::from(width).max(20);
    let mut lines = Vec::new();
    let Some(first) = banners.first() else {
        return lines;
    };
    let tag = |s: Severity| match s {
        Severity::Error => "ERROR",
        Severity::Warn => "WARNING",
        Severity::Info => "NOTE",
    };
    let head = format!("{}: {}", tag(first.severity), first.headline());
    for (i, l) in format::wrap(&head, width).into_iter().enumerate() {
        lines.push(BannerLine {
            text: l,
            severity: first.severity,
            headline: i == 0,
        });
    }
    for l in format::wrap(&first.todo, width.saturating_sub(2)) {
        lines.push(BannerLine {
            text: format!("  {l}"),
            severity: first.severity,
            headline: false,
        });
    }
    let room = MAX_BANNER_LINES.saturating_sub(banners.len() - 1);
    lines.truncate(room.max(2));
    for other in &banners[1..] {
        let text = format!("{}: {}", tag(other.severity), other.headline());
        lines.push(BannerLine {
            text: format::truncate(&text, width, "...").into_owned(),
            severity: other.severity,
            headline: true,
        });
    }
    lines.truncate(MAX_BANNER_LINES);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;
    const DAY: i64 = 86_400_000;

    fn input<'a>(
        info: Option<&'a WorkspaceInfo>,
        resolver: Option<&'a Resolver>,
    ) -> BannerInput<'a> {
        BannerInput {
            workspace_id: "ws1",
            info,
            resolver,
            token_expires_at: Some(NOW + 90 * DAY),
            token_rejected: false,
            now_ms: NOW,
        }
    }

    fn kinds(b: &[Banner]) -> Vec<BannerKind> {
        b.iter().map(|b| b.kind).collect()
    }

    fn info(state: WorkspaceState, not_in_use: Option<bool>) -> WorkspaceInfo {
        WorkspaceInfo {
            workspace_state: state,
            not_in_use,
            ..Default::default()
        }
    }

    fn resolver(state: ActivationState, at: Option<i64>) -> Resolver {
        Resolver {
            activation_state: Some(state),
            activation_updated_at: at,
            early_access: Some(true),
            ..Default::default()
        }
    }

    #[test]
    fn healthy_workspace_has_no_banner() {
        let i = info(WorkspaceState::Normal, Some(false));
        let r = resolver(ActivationState::Active, None);
        assert!(select_banners(&input(Some(&i), Some(&r))).is_empty());
        assert!(select_banners(&input(None, None)).is_empty());
    }

    #[test]
    fn not_activated_says_how_to_apply_and_since_when() {
        let i = info(WorkspaceState::Normal, Some(true));
        let r = resolver(ActivationState::NotActivated, Some(NOW - 3 * DAY));
        let b = select_banners(&input(Some(&i), Some(&r)));
        assert_eq!(
            kinds(&b),
            [BannerKind::NotActivated],
            "not_in_use is implied"
        );
        assert!(b[0].todo.contains(ACTIVATION_APPLY_URL));
        assert!(b[0].todo.contains("NVIDIA reviews"));
        assert!(b[0].title.contains("early access"));
        assert!(b[0].since.as_deref().unwrap().contains("3d ago"));
    }

    #[test]
    fn pending_review() {
        let i = info(WorkspaceState::Normal, Some(true));
        let r = resolver(ActivationState::Pending, Some(NOW - DAY));
        let b = select_banners(&input(Some(&i), Some(&r)));
        assert_eq!(kinds(&b), [BannerKind::ActivationPending]);
        assert!(b[0].since.as_deref().unwrap().starts_with("applied"));
    }

    #[test]
    fn workspace_states() {
        for (state, kind) in [
            (WorkspaceState::Paused, BannerKind::Paused),
            (WorkspaceState::Terminated, BannerKind::Terminated),
            (
                WorkspaceState::AllPodsTerminated,
                BannerKind::AllPodsTerminated,
            ),
        ] {
            let i = info(state, None);
            assert_eq!(kinds(&select_banners(&input(Some(&i), None))), [kind]);
        }
        let i = info(WorkspaceState::Normal, Some(true));
        assert_eq!(
            kinds(&select_banners(&input(Some(&i), None))),
            [BannerKind::NotInUse]
        );
    }

    #[test]
    fn token_conditions() {
        let mut inp = input(None, None);
        inp.token_expires_at = Some(NOW - DAY);
        let b = select_banners(&inp);
        assert_eq!(kinds(&b), [BannerKind::TokenExpired]);
        assert!(b[0].todo.contains("lep login -c ws1:TOKEN"));
        inp.token_expires_at = Some(NOW + 3 * DAY + 1000);
        let b = select_banners(&inp);
        assert_eq!(kinds(&b), [BannerKind::TokenExpiring]);
        assert!(b[0].title.contains("in 3 days"), "{}", b[0].title);
        inp.token_expires_at = Some(NOW + 11 * DAY);
        assert!(select_banners(&inp).is_empty());
        inp.token_rejected = true;
        let b = select_banners(&inp);
        assert_eq!(kinds(&b), [BannerKind::TokenRejected]);
        assert!(b[0].todo.contains("LEPTON_WORKSPACE_TOKEN"));
    }

    #[test]
    fn most_urgent_first_and_lines_capped() {
        let i = info(WorkspaceState::Paused, None);
        let r = resolver(ActivationState::Pending, None);
        let mut inp = input(Some(&i), Some(&r));
        inp.token_rejected = true;
        inp.token_expires_at = Some(NOW + DAY * 2);
        let b = select_banners(&inp);
        assert_eq!(
            kinds(&b),
            [
                BannerKind::TokenRejected,
                BannerKind::ActivationPending,
                BannerKind::Paused,
                BannerKind::TokenExpiring
            ]
        );
        let lines = banner_lines(&b, 80);
        assert!(lines.len() <= MAX_BANNER_LINES);
        assert!(lines.iter().all(|l| l.text.chars().count() <= 80));
        assert!(lines[0].headline && lines[0].text.starts_with("ERROR: Token rejected"));
    }
}
