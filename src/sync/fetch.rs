//! The reads: one fetch per resource kind, shared by the sync task and the
//! one-shot `lepdash get`, so both tolerate the same partial failures (the
//! resolver of Status, one template side answering 403/404).
//!
//! The sync task polls with [`poll`]: the bodies are fingerprinted as they
//! arrive and compared with the fingerprint of the last answer it passed on
//! before anything is decoded, so a poll identical to the last one costs a
//! hash of the bytes and nothing else ([`Fetched::Unchanged`]).

use std::hash::Hasher;

use crate::api::body::{Body, Read};
use crate::api::types::{Listed, Template, TemplateNs};
use crate::api::workloads::{JobQuery, RouteFamily};
use crate::api::{ApiError, Client};

use crate::protocol::{Fetched, ResourceKind, TemplateEntry};

use super::workloads;

/// One fetch of `kind`. `token` is the plaintext the client uses (to find its
/// own record in the token list).
pub async fn fetch(client: &Client, kind: ResourceKind, token: &str) -> Result<Fetched, ApiError> {
    poll(client, kind, token, None, None)
        .await
        .map(|p| p.fetched)
}

/// [`fetch`] with the route family of endpoints and pods when it is known
/// (from the last `/workspace`); `None` reads `/workspace` first.
pub async fn fetch_in(
    client: &Client,
    kind: ResourceKind,
    token: &str,
    family: Option<RouteFamily>,
) -> Result<Fetched, ApiError> {
    poll(client, kind, token, None, family)
        .await
        .map(|p| p.fetched)
}

/// What one poll found: the data, or [`Fetched::Unchanged`] when every body
/// was identical to the poll whose fingerprint was given; `fingerprint`
/// identifies this answer for the next poll.
#[derive(Debug)]
pub struct Polled {
    pub fetched: Fetched,
    pub fingerprint: u64,
}

/// One poll of `kind`: like [`fetch_in`], but when the bodies' fingerprint
/// equals `last` nothing is decoded and the answer is
/// [`Fetched::Unchanged`]. The workload views (several requests each, jobs
/// paged) are always decoded; their fingerprint is 0.
pub async fn poll(
    client: &Client,
    kind: ResourceKind,
    token: &str,
    last: Option<u64>,
    family: Option<RouteFamily>,
) -> Result<Polled, ApiError> {
    let one = |read: Read| async move {
        let body = client.read(read).await?;
        let fingerprint = body.fingerprint();
        Ok::<_, ApiError>((body, fingerprint))
    };
    let unchanged = |fingerprint: u64| Polled {
        fetched: Fetched::Unchanged(kind),
        fingerprint,
    };
    let (fetched, fingerprint) = match kind {
        ResourceKind::Status => {
            let (info, resolver) =
                tokio::join!(client.read(Read::Workspace), client.read(Read::Resolver));
            let info = info?;
            let fp = combine(&[
                info.fingerprint(),
                resolver.as_ref().map(Body::fingerprint).unwrap_or(0),
            ]);
            if last == Some(fp) {
                return Ok(unchanged(fp));
            }
            let info = info.decode()?;
            let resolver = match resolver.and_then(|r| r.decode()) {
                Ok(r) => Some(r),
                Err(e) => {
                    tracing::info!(error = %e, "resolver unavailable");
                    None
                }
            };
            (Fetched::Status { info, resolver }, fp)
        }
        ResourceKind::Members | ResourceKind::Secrets | ResourceKind::Registries => {
            let read = match kind {
                ResourceKind::Members => Read::Members,
                ResourceKind::Secrets => Read::Secrets,
                _ => Read::Registries,
            };
            let (body, fp) = one(read).await?;
            if last == Some(fp) {
                return Ok(unchanged(fp));
            }
            let fetched = match kind {
                ResourceKind::Members => Fetched::Members(body.decode_list()?),
                ResourceKind::Secrets => Fetched::Secrets(body.decode_list()?),
                _ => Fetched::Registries(body.decode_list()?),
            };
            (fetched, fp)
        }
        ResourceKind::Tokens => {
            let (body, fp) = one(Read::Tokens).await?;
            if last == Some(fp) {
                return Ok(unchanged(fp));
            }
            let list: Listed<crate::api::types::Token> = body.decode_list()?;
            let own_id = list
                .items
                .iter()
                .find(|t| t.matches_plaintext(token))
                .map(|t| t.id.clone());
            (Fetched::Tokens { list, own_id }, fp)
        }
        ResourceKind::Templates => {
            let (public, private) = tokio::join!(
                client.read(Read::Templates(TemplateNs::Public)),
                client.read(Read::Templates(TemplateNs::Private))
            );
            // A refused side is part of the answer: it is fingerprinted by
            // its status, so a side that comes back is a change.
            let side = |r: &Result<Body, ApiError>| match r {
                Ok(b) => Ok(b.fingerprint()),
                Err(e @ (ApiError::Forbidden(_) | ApiError::NotFound(_))) => {
                    Ok(u64::from(e.status().unwrap_or(0)))
                }
                Err(_) => Err(()),
            };
            let fp = match (side(&public), side(&private)) {
                (Ok(a), Ok(b)) => Some(combine(&[a, b])),
                _ => None,
            };
            if let Some(fp) = fp.filter(|fp| last == Some(*fp)) {
                return Ok(unchanged(fp));
            }
            let lists = merge_templates(
                public.and_then(|b| b.decode_list()),
                private.and_then(|b| b.decode_list()),
            )?;
            (
                Fetched::Templates(lists.into_listed()),
                fp.unwrap_or_default(),
            )
        }
        ResourceKind::Endpoints => (workloads::endpoints(client, family).await?, 0),
        ResourceKind::Pods => (workloads::pods(client, family).await?, 0),
        ResourceKind::Jobs => (Fetched::Jobs(client.jobs(&JobQuery::default()).await?), 0),
        ResourceKind::Nodes => (Fetched::Nodes(client.node_groups_with_nodes().await?), 0),
    };
    Ok(Polled {
        fetched,
        fingerprint,
    })
}

/// One fingerprint of several bodies.
fn combine(parts: &[u64]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    for p in parts {
        h.write_u64(*p);
    }
    h.finish()
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
    // Exactly the rows both sides hold: `extend` one side after the other
    // would grow by doubling (up to twice the memory the list needs, kept
    // for as long as the list is shown).
    let rows = |r: &Result<Listed<Template>, ApiError>| r.as_ref().map_or(0, |l| l.items.len());
    out.list.items.reserve_exact(rows(&public) + rows(&private));
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
