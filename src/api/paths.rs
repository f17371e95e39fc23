//! Every HTTP path lepdash knows, in one place.
//!
//! The client builds request URLs from these, and the emulator builds its axum
//! routes from the same constants, so a path changes in exactly one line.
//! Paths marked `[proposed]` (docs/ARCHITECTURE.md, "The API") are our best design where
//! the real API is not public; keep them here so they are easy to change.

/// Prefix of every workspace base URL: `<origin>/api/v2/workspaces/<id>`.
pub const WORKSPACES_PREFIX: &str = "/api/v2/workspaces";
/// Default gateway origin of the real service.
pub const GATEWAY_ORIGIN: &str = "https://gateway.dgxc-lepton.nvidia.com";
/// Where early-access users apply for activation.
pub const ACTIVATION_APPLY_URL: &str = "https://developer.nvidia.com/dgx-cloud/get-lepton";

/// `GET BASE/workspace` (high confidence).
pub const WORKSPACE: &str = "/workspace";
/// Alias of `/workspace` per an SDK comment.
pub const INFO: &str = "/info";
/// `GET/POST BASE/users`, `PATCH/DELETE BASE/users/<id>` `[proposed]`.
pub const USERS: &str = "/users";
/// `GET/POST BASE/tokens` (list: medium-high; create `[proposed]`), `DELETE BASE/tokens/<id>` `[proposed]`.
pub const TOKENS: &str = "/tokens";
/// `GET/POST BASE/usersecrets`, `DELETE BASE/usersecrets/<name>` (high confidence).
pub const SECRETS: &str = "/usersecrets";
/// `GET/POST BASE/imagepullsecrets`, `DELETE BASE/imagepullsecrets/<id>` (medium).
pub const REGISTRIES: &str = "/imagepullsecrets";
/// `GET BASE/templates/public[/<id>]`.
pub const TEMPLATES_PUBLIC: &str = "/templates/public";
/// `GET BASE/templates/private[/<id>]`.
pub const TEMPLATES_PRIVATE: &str = "/templates/private";

/// `GET BASE/deployments[/<name>]`: legacy endpoints **and** pods (`spec.is_pod`),
/// used when `features.enable_new_deployment_api` is not `true`.
pub const DEPLOYMENTS: &str = "/deployments";
/// `GET BASE/endpoints[/<name>]`: endpoints of the new route family.
pub const ENDPOINTS: &str = "/endpoints";
/// `GET BASE/devpods[/<name>]`: dev pods of the new route family.
pub const DEVPODS: &str = "/devpods";
/// `GET BASE/jobs` (`{"jobs": [...]}` when paged), `POST BASE/jobs`, `GET BASE/jobs/<id>`.
pub const JOBS: &str = "/jobs";
/// `GET BASE/dedicated-node-groups[/<id>]`.
pub const NODE_GROUPS: &str = "/dedicated-node-groups";
/// `…/<name or id>/replicas` of deployments, endpoints and jobs.
pub const REPLICAS: &str = "replicas";
/// `…/<name or id>/events` of deployments, endpoints and jobs.
pub const EVENTS: &str = "events";
/// `BASE/deployments/<name>/readiness` (legacy only).
pub const READINESS: &str = "readiness";
/// `BASE/deployments/<name>/termination` (legacy only).
pub const TERMINATION: &str = "termination";
/// `BASE/dedicated-node-groups/<id>/nodes`.
pub const NODES: &str = "nodes";
/// `POST BASE/templates/{public|private}/<id>/render`.
pub const RENDER: &str = "render";

/// Emulator control endpoints live outside the API base.
pub const CONTROL_PREFIX: &str = "/_emulator";
/// `POST /_emulator/workspaces/<id>/activation {"state": "pending"}`.
pub const CONTROL_ACTIVATION: &str = "/_emulator/workspaces/{ws}/activation";
/// `GET/POST /_emulator/faults` (fault spec as JSON or `{"spec": "..."}`).
pub const CONTROL_FAULTS: &str = "/_emulator/faults";
/// `GET /_emulator/health`.
pub const CONTROL_HEALTH: &str = "/_emulator/health";
/// `GET /_emulator/requests` (API requests counted per method and path) and
/// `DELETE` (reset the counts).
pub const CONTROL_REQUESTS: &str = "/_emulator/requests";
/// `POST /_emulator/workspaces/<id>/tokens {"member": "<email or id>", "expires_in": secs}`:
/// mint a token for any member (how tests get viewer/user credentials; loopback only).
pub const CONTROL_TOKENS: &str = "/_emulator/workspaces/{ws}/tokens";

/// The base URL of a workspace under an origin such as `http://127.0.0.1:8080`.
pub fn workspace_base(origin: &str, workspace_id: &str) -> String {
    format!(
        "{}{}/{}",
        origin.trim_end_matches('/'),
        WORKSPACES_PREFIX,
        workspace_id
    )
}

/// axum route pattern for one item of a collection: `/usersecrets/{id}`.
pub fn item_route(collection: &str) -> String {
    format!("{collection}/{{id}}")
}

/// axum route pattern for a sub-resource of one item: `/jobs/{id}/events`.
pub fn item_sub_route(collection: &str, sub: &str) -> String {
    format!("{collection}/{{id}}/{sub}")
}

/// Split a workspace base URL into `(origin, workspace id)` when it has the
/// standard `/api/v2/workspaces/<id>` shape.
pub fn split_base(base: &str) -> Option<(String, String)> {
    let base = base.trim_end_matches('/');
    let idx = base.find(WORKSPACES_PREFIX)?;
    let origin = base[..idx].to_string();
    let rest = base[idx + WORKSPACES_PREFIX.len()..].trim_start_matches('/');
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    Some((origin, rest.to_string()))
}

/// The `Origin` header value to send for a base URL: only for gateway URLs
/// (those containing `dgxc`), normalised to `scheme://host[:port]`, as the
/// official CLI 0.47.1 does. An explicit origin is normalised the same way.
pub fn origin_for(base: &str, explicit: Option<&str>) -> Option<String> {
    match explicit {
        Some(o) if !o.trim().is_empty() => normalize_origin(o),
        _ if base.contains("dgxc") => normalize_origin(base),
        _ => None,
    }
}

/// `https://host:port/any/path` → `https://host:port`.
pub fn normalize_origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if scheme.is_empty() || host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{host}"))
}

/// The web dashboard URL of a workspace, derived like the SDK does.
pub fn dashboard_url(base: &str) -> String {
    match split_base(base) {
        Some((origin, id)) if origin.contains("gateway.") => {
            format!(
                "{}/workspace/{}",
                origin.replacen("gateway.", "dashboard.", 1),
                id
            )
        }
        Some((origin, id)) => format!("{origin}/workspace/{id}"),
        None => base.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_round_trips() {
        let b = workspace_base("http://127.0.0.1:9/", "ws1");
        assert_eq!(b, "http://127.0.0.1:9/api/v2/workspaces/ws1");
        assert_eq!(
            split_base(&b),
            Some(("http://127.0.0.1:9".into(), "ws1".into()))
        );
        assert_eq!(split_base("http://x/api/v2/workspaces/"), None);
        assert_eq!(split_base("http://x/other"), None);
    }

    #[test]
    fn origin_only_for_gateway() {
        assert_eq!(
            origin_for("http://127.0.0.1:8080/api/v2/workspaces/w", None),
            None
        );
        assert_eq!(
            origin_for(
                "https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/w",
                None
            ),
            Some("https://gateway.dgxc-lepton.nvidia.com".into())
        );
        assert_eq!(
            origin_for("http://x", Some("https://a.b:1/c/d")),
            Some("https://a.b:1".into())
        );
    }

    #[test]
    fn dashboard_from_gateway() {
        assert_eq!(
            dashboard_url("https://gateway.dgxc-lepton.nvidia.com/api/v2/workspaces/ab12"),
            "https://dashboard.dgxc-lepton.nvidia.com/workspace/ab12"
        );
    }
}
