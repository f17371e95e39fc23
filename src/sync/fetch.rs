//! The reads: one fetch per resource kind, shared by the sync task and the
//! one-shot `lepdash get`, so both tolerate the same partial failures (the
//! resolver of Status, one template side answering 403/404).

use crate::api::types::{Listed, Template, TemplateNs};
use crate::api::workloads::{JobQuery, RouteFamily};
use crate::api::{ApiError, Client};

use crate::protocol::{Fetched, ResourceKind, TemplateEntry};

use super::workloads;

/// One fetch of `kind`. `token` is the plaintext the client uses (to find its
/// own record in the token list).
pub async fn fetch(client: &Client, kind: ResourceKind, token: &str) -> Result<Fetched, ApiError> {
    fetch_in(client, kind, token, None).await
}

/// [`fetch`] with the route family of endpoints and pods when it is known
/// (from the last `/workspace`); `None` reads `/workspace` first.
pub async fn fetch_in(
    client: &Client,
    kind: ResourceKind,
    token: &str,
    family: Option<RouteFamily>,
) -> Result<Fetched, ApiError> {
    match kind {
        ResourceKind::Status => {
            let (info, resolver) = tokio::join!(client.workspace(), client.resolver());
            let info = info?;
            let resolver = match resolver {
                Ok(r) => Some(r),
                Err(e) => {
                    tracing::info!(error = %e, "resolver unavailable");
                    None
                }
            };
            Ok(Fetched::Status { info, resolver })
        }
        ResourceKind::Members => client.members().await.map(Fetched::Members),
        ResourceKind::Tokens => {
            let list = client.tokens().await?;
            let own_id = list
                .items
                .iter()
                .find(|t| t.matches_plaintext(token))
                .map(|t| t.id.clone());
            Ok(Fetched::Tokens { list, own_id })
        }
        ResourceKind::Secrets => client.secrets().await.map(Fetched::Secrets),
        ResourceKind::Registries => client.registries().await.map(Fetched::Registries),
        ResourceKind::Templates => templates(client)
            .await
            .map(|t| Fetched::Templates(t.into_listed())),
        ResourceKind::Endpoints => workloads::endpoints(client, family).await,
        ResourceKind::Pods => workloads::pods(client, family).await,
        ResourceKind::Jobs => client.jobs(&JobQuery::default()).await.map(Fetched::Jobs),
        ResourceKind::Nodes => client.node_groups_with_nodes().await.map(Fetched::Nodes),
    }
}

/// Both template collections, public rows first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateLists {
    pub list: Listed<TemplateEntry>,
    /// One note per side the server refused with 403/404 (`private
    /// templates: …`); the other side is still shown.
    pub refused: Vec<String>,
}

impl TemplateLists {
    /// The dashboard's form: a refused side counts as a skipped note.
    pub fn into_listed(self) -> Listed<TemplateEntry> {
        let mut list = self.list;
        list.skipped.extend(self.refused);
        list
    }
}

/// Fetch the public and private templates together (see [`merge_templates`]).
pub async fn templates(client: &Client) -> Result<TemplateLists, ApiError> {
    let (public, private) = tokio::join!(
        client.templates(TemplateNs::Public),
        client.templates(TemplateNs::Private)
    );
    merge_templates(public, private)
}

/// Public rows first, then private. One side missing for lack of permission
/// or support (403/404) still shows the other, with a note; any other error,
/// or both sides refused, fails the whole list.
pub fn merge_templates(
    public: Result<Listed<Template>, ApiError>,
    private: Result<Listed<Template>, ApiError>,
) -> Result<TemplateLists, ApiError> {
    let soft = |r: &Result<Listed<Template>, ApiError>| {
        matches!(r, Err(ApiError::Forbidden(_) | ApiError::NotFound(_)))
    };
    if soft(&public) && soft(&private) {
        return public.map(|_| TemplateLists::default());
    }
    let mut out = TemplateLists::default();
    for (is_public, side) in [(true, public), (false, private)] {
        let label = if is_public { "public" } else { "private" };
        match side {
            Ok(list) => {
                out.list
                    .items
                    .extend(list.items.into_iter().map(|template| TemplateEntry {
                        public: is_public,
                        template,
                    }));
                out.list
                    .skipped
                    .extend(list.skipped.into_iter().map(|s| format!("{label} {s}")));
            }
            Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => {
                out.refused.push(format!("{label} templates: {e}"));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::api::ServerMessage;

    fn list(names: &[&str]) -> Listed<Template> {
        let mut l = Listed::default();
        for n in names {
            let mut t = Template::default();
            t.metadata.name = Some((*n).to_string());
            l.items.push(t);
        }
        l
    }

    fn forbidden() -> ApiError {
        ApiError::Forbidden(ServerMessage::default())
    }

    #[test]
    fn templates_merge_public_first() {
        let m = merge_templates(Ok(list(&["mpi"])), Ok(list(&["mine"])))
            .unwrap()
            .into_listed();
        let rows: Vec<_> = m
            .items
            .iter()
            .map(|e| (e.public, e.template.name()))
            .collect();
        assert_eq!(rows, [(true, "mpi"), (false, "mine")]);
    }

    #[test]
    fn one_forbidden_side_keeps_the_other() {
        let m = merge_templates(Ok(list(&["mpi"])), Err(forbidden()))
            .unwrap()
            .into_listed();
        assert_eq!(m.items.len(), 1);
        assert!(m.skipped[0].starts_with("private templates:"));
        assert!(merge_templates(Err(forbidden()), Err(forbidden())).is_err());
        let e = merge_templates(
            Ok(list(&[])),
            Err(ApiError::Timeout(Duration::from_secs(1))),
        );
        assert!(matches!(e, Err(ApiError::Timeout(_))));
    }
}
