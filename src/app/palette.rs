//! The `:` command palette: parsing and suggestions.

use std::sync::LazyLock;

use crate::protocol::{KINDS, ResourceKind};

use super::WorkspaceLabel;

/// What a palette line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Pane(ResourceKind),
    /// `:activity`: the activity log.
    Activity,
    /// The Workloads pane at its last view.
    Workloads,
    /// `:ws` alone opens the fleet view; `:ws ID` switches.
    Workspace(Option<String>),
    /// The fleet view: every workspace at a glance.
    Fleet,
    Refresh,
    Pause,
    Mouse,
    Help,
    Quit,
}

/// Command names, their argument hint and help, in suggestion order: one
/// per pane (from the kind table), then the others.
pub static COMMANDS: LazyLock<Vec<(&'static str, &'static str, String)>> = LazyLock::new(|| {
    let panes = KINDS.iter().flat_map(|k| {
        let pane = (!k.workload_view).then(|| (k.label, "", format!("show the {} pane", k.title)));
        // The Workloads pane before its first view, then each view.
        let group = (k.kind == crate::protocol::WORKLOAD_VIEWS[0]).then(|| {
            (
                "workloads",
                "",
                "show the Workloads pane (endpoints, jobs, pods, nodes)".to_string(),
            )
        });
        let view = k
            .workload_view
            .then(|| (k.label, "", format!("show the Workloads pane: {}", k.title)));
        pane.into_iter().chain(group).chain(view)
    });
    let others = [
        (
            "ws",
            " ID",
            "switch workspace (by id); alone: the fleet view",
        ),
        ("fleet", "", "every workspace at a glance"),
        ("activity", "", "what changed (the activity log)"),
        ("refresh", "", "refresh the visible pane now"),
        ("pause", "", "pause / resume polling"),
        ("mouse", "", "mouse capture on/off"),
        ("help", "", "all keys"),
        ("q", "", "quit"),
    ]
    .map(|(n, a, h)| (n, a, h.to_string()));
    panes.chain(others).collect()
});

fn command_of(name: &str) -> Option<Command> {
    if let Some(k) = KINDS.iter().find(|k| k.label == name) {
        return Some(Command::Pane(k.kind));
    }
    Some(match name {
        "activity" => Command::Activity,
        "workloads" => Command::Workloads,
        "refresh" => Command::Refresh,
        "fleet" => Command::Fleet,
        "pause" => Command::Pause,
        "mouse" => Command::Mouse,
        "help" => Command::Help,
        "q" | "quit" => Command::Quit,
        _ => return None,
    })
}

/// Parse a palette line (`:secrets`, `sec`, `ws ws2`, `q`). A unique prefix
/// of a command name is accepted.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim().trim_start_matches(':').trim();
    let mut parts = line.split_whitespace();
    let Some(word) = parts.next() else {
        return Err("type a command, e.g. secrets, ws ID, q".to_string());
    };
    let word = word.to_ascii_lowercase();
    let rest: Vec<&str> = parts.collect();
    if word == "ws" || word == "workspace" {
        return match rest.as_slice() {
            [] => Ok(Command::Workspace(None)),
            [id] => Ok(Command::Workspace(Some((*id).to_string()))),
            _ => Err("usage: ws ID".to_string()),
        };
    }
    if !rest.is_empty() {
        return Err(format!("`{word}` takes no argument"));
    }
    if let Some(c) = command_of(&word) {
        return Ok(c);
    }
    let matches: Vec<&str> = COMMANDS
        .iter()
        .map(|(n, _, _)| *n)
        .filter(|n| n.starts_with(word.as_str()))
        .collect();
    match matches.as_slice() {
        [one] if *one == "ws" => Ok(Command::Workspace(None)),
        [one] => command_of(one).ok_or_else(|| format!("unknown command `{word}`")),
        [] => Err(format!("unknown command `{word}` (try help)")),
        many => Err(format!("`{word}` is ambiguous: {}", many.join(", "))),
    }
}

/// Suggestions for what is typed so far: (completion, help).
pub fn suggestions(line: &str, workspaces: &[WorkspaceLabel]) -> Vec<(String, String)> {
    let line = line.trim_start().trim_start_matches(':');
    let lower = line.to_ascii_lowercase();
    if let Some(arg) = lower.strip_prefix("ws ") {
        let arg = arg.trim();
        return workspaces
            .iter()
            .filter(|w| w.id.to_ascii_lowercase().starts_with(arg))
            .map(|w| {
                (
                    format!("ws {}", w.id),
                    w.display_name.clone().unwrap_or_else(|| w.base_url.clone()),
                )
            })
            .collect();
    }
    let word = lower.split_whitespace().next().unwrap_or("");
    COMMANDS
        .iter()
        .filter(|(n, _, _)| n.starts_with(word))
        .map(|(n, arg, help)| (format!("{n}{arg}"), help.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(parse(":secrets"), Ok(Command::Pane(ResourceKind::Secrets)));
        assert_eq!(parse("sec"), Ok(Command::Pane(ResourceKind::Secrets)));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("ws abc"), Ok(Command::Workspace(Some("abc".into()))));
        assert!(parse("re").is_err(), "registries/refresh ambiguous");
        assert!(parse("nope").is_err());
        assert!(parse("").is_err());
    }
}
