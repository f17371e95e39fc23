//! The Lepton workspace API client: one pooled reqwest client, one typed
//! method per endpoint. Paths come from [`super::paths`].

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, ORIGIN, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ApiError, parse_retry_after};
use super::paths;
use super::types::*;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default whole-request timeout.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body read (`max_response_mib` in the config):
/// a longer answer is an error, never a reason to grow without bound.
pub const DEFAULT_MAX_BODY: usize = 32 * 1024 * 1024;
/// A body may grow to this size freely; beyond it, one body at a time per
/// process grows (the others wait, their bytes held back by TCP), so
/// several huge answers at once cost one cap, not one cap each.
pub const SMALL_BODY: usize = 1024 * 1024;
static BIG_READ: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);
/// Of an error response only this much is read (its text is cut to
/// [`super::error::MAX_ERROR_TEXT`] characters anyway).
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// How to reach one workspace.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// The workspace base URL: `<origin>/api/v2/workspaces/<id>`.
    pub base_url: String,
    /// The bearer token.
    pub token: SecretString,
    /// An explicit `Origin` (normalised); otherwise derived for gateway URLs.
    pub origin: Option<String>,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// The largest response body read, in bytes.
    pub max_body: usize,
}

impl ClientConfig {
    pub fn new(base_url: impl Into<String>, token: SecretString) -> Self {
        ClientConfig {
            base_url: base_url.into(),
            token,
            origin: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_body: DEFAULT_MAX_BODY,
        }
    }
}

/// A cheap-to-clone handle on one workspace.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    base_display: String,
    request_timeout: Duration,
    max_body: usize,
    /// The token, only to mask it in what a server says back.
    token: std::sync::Arc<SecretString>,
    /// The proxy in use, as shown (`https://proxy:3128 (HTTPS_PROXY)`, no
    /// credentials): a connection error names it, since the failing hop
    /// (a refused certificate, a closed port) may be the proxy's.
    via: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base_display)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Build a client. Fails only on a malformed URL, token or proxy.
    /// Proxies come from the process environment ([`super::proxy`]).
    pub fn new(cfg: ClientConfig) -> Result<Self, ApiError> {
        Self::with_env(cfg, &|k| std::env::var(k).ok())
    }

    /// [`Client::new`] with the proxy variables read through `env`.
    pub fn with_env(
        cfg: ClientConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ApiError> {
        let trimmed = cfg.base_url.trim().trim_end_matches('/');
        let base = Url::parse(trimmed).map_err(|e| {
            ApiError::Config(format!(
                "invalid workspace URL {:?}: {e}",
                crate::text::sanitize(trimmed)
            ))
        })?;
        if !base.username().is_empty() || base.password().is_some() {
            return Err(ApiError::Config(
                "the workspace URL contains a user name or password (user:password@); \
                 remove it — lepdash authenticates with the token only"
                    .into(),
            ));
        }
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ApiError::Config(format!(
                "workspace URL {:?} must start with http:// or https://",
                crate::text::sanitize(trimmed)
            )));
        }
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", cfg.token.expose_secret()))
            .map_err(|_| {
                ApiError::Config("the token contains characters not allowed in a header".into())
            })?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        if let Some(origin) = paths::origin_for(trimmed, cfg.origin.as_deref()) {
            let v = HeaderValue::from_str(&origin)
                .map_err(|_| ApiError::Config(format!("invalid origin {origin:?}")))?;
            headers.insert(ORIGIN, v);
        }
        // Only the proxy `lepdash info` reports: reqwest's own lookup off.
        let proxy = super::proxy::proxy_for(trimmed, env);
        // The system's roots are needed when either hop speaks TLS: an
        // https workspace, or an https proxy in front of a plain-HTTP one.
        let proxy_tls = proxy.as_ref().is_some_and(|p| {
            reqwest::Url::parse(&p.url).is_ok_and(|u| u.scheme().eq_ignore_ascii_case("https"))
        });
        let tls_scheme = if proxy_tls { "https" } else { base.scheme() };
        let mut builder = reqwest::Client::builder()
            .tls_backend_preconfigured(super::tls::tls_config(tls_scheme)?)
            .no_proxy();
        let via = proxy.as_ref().map(super::proxy::ProxyChoice::display);
        if let Some(p) = proxy {
            // The error would echo the URL, which may hold a password.
            let proxy = reqwest::Proxy::all(&p.url)
                .map_err(|_| ApiError::Config(format!("{} is not a usable proxy URL", p.var)))?;
            builder = builder.proxy(proxy);
        }
        let http = builder
            .default_headers(headers)
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .user_agent(concat!("lepdash/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(4)
            // Never follow a redirect: a 307/308 would re-send a write's body
            // (a secret value) to another host, and a GET would show another
            // host's data as this workspace's. A 3xx is an error naming the target.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ApiError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base_display: base.to_string(),
            base,
            request_timeout: cfg.request_timeout,
            max_body: cfg.max_body.max(1024),
            token: std::sync::Arc::new(cfg.token),
            via,
        })
    }

    /// The workspace base URL.
    pub fn base_url(&self) -> &str {
        &self.base_display
    }

    pub(super) fn url(&self, path: &str, item: Option<&str>) -> Url {
        let mut url = self.base.clone();
        {
            // A base URL parsed from http(s) always has a path to extend
            // (cannot-be-a-base URLs are rejected by the scheme check in new()).
            if let Ok(mut segs) = url.path_segments_mut() {
                segs.pop_if_empty();
                for seg in path.split('/').filter(|s| !s.is_empty()) {
                    segs.push(seg);
                }
                if let Some(item) = item {
                    segs.push(item);
                }
            }
        }
        url
    }

    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<(StatusCode, Vec<u8>), ApiError> {
        let shown = url.to_string();
        let mut req = self.http.request(method.clone(), url);
        if let Some(body) = body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        tracing::debug!(%method, url = %shown, "request");
        let resp = req.send().await.map_err(|e| self.map_reqwest(e, &shown))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        if status.is_redirection() {
            let target = redirect_target(&resp);
            tracing::warn!(%method, url = %shown, status = status.as_u16(), target = %target, "redirect not followed");
            return Err(ApiError::Redirect {
                status: status.as_u16(),
                target,
            });
        }
        let limit = if status.is_success() {
            self.max_body
        } else {
            MAX_ERROR_BODY
        };
        let (bytes, cut) = self
            .read_capped(resp, limit, status.is_success(), &shown)
            .await?;
        tracing::debug!(%method, url = %shown, status = status.as_u16(), len = bytes.len(), "response");
        if status.is_success() {
            if cut {
                tracing::warn!(%method, url = %shown, limit, "response over the size limit");
                return Err(ApiError::TooLarge { limit });
            }
            Ok((status, bytes))
        } else {
            Err(ApiError::from_status_masking(
                status.as_u16(),
                retry_after,
                &bytes,
                Some(self.token.expose_secret()),
            ))
        }
    }

    /// Read at most `limit` bytes of the body; `true` when there was more
    /// (the rest is never read: the connection is dropped).
    async fn read_capped(
        &self,
        mut resp: reqwest::Response,
        limit: usize,
        whole: bool,
        url: &str,
    ) -> Result<(Vec<u8>, bool), ApiError> {
        // A body that must be whole and announces more than the limit is
        // refused without reading it.
        if whole
            && resp
                .content_length()
                .is_some_and(|n| usize::try_from(n).map_or(true, |n| n > limit))
        {
            return Ok((Vec::new(), true));
        }
        // The announced size (capped at the limit) up front: the body is
        // then one allocation of its own size, not grown by doubling (up to
        // twice the bytes, and old and new buffer alive at each copy, at
        // the poll's peak). A body without a length grows as it comes.
        let announced = resp
            .content_length()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(0);
        let mut buf = Vec::with_capacity(announced.min(limit));
        let mut big = None;
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_reqwest(e, url))? {
            if big.is_none() && buf.len() + chunk.len() > SMALL_BODY {
                // The semaphore is never closed; should it be, read on.
                big = Some(BIG_READ.acquire().await.ok());
            }
            let room = limit - buf.len();
            if chunk.len() > room {
                buf.extend_from_slice(&chunk[..room]);
                return Ok((buf, true));
            }
            buf.extend_from_slice(&chunk);
        }
        Ok((buf, false))
    }

    fn map_reqwest(&self, e: reqwest::Error, url: &str) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout(self.request_timeout)
        } else if e.is_connect() {
            ApiError::Connect {
                url: match &self.via {
                    Some(via) => format!("{url} via the proxy {via}"),
                    None => url.to_string(),
                },
                detail: root_cause(&e),
            }
        } else if e.is_decode() || e.is_body() {
            ApiError::Transport(format!("the response was cut off: {}", root_cause(&e)))
        } else {
            ApiError::Transport(root_cause(&e))
        }
    }

    pub(super) async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<T, ApiError> {
        let (_, bytes) = self.send(Method::GET, url, None).await?;
        decode(&bytes)
    }

    pub(super) async fn get_list<T: DeserializeOwned>(
        &self,
        url: Url,
    ) -> Result<Listed<T>, ApiError> {
        let (_, bytes) = self.send(Method::GET, url, None).await?;
        let listed = Listed::<T>::from_json(&bytes).map_err(ApiError::Decode)?;
        if !listed.skipped.is_empty() {
            tracing::warn!(skipped = listed.skipped.len(), "skipped invalid list items");
        }
        Ok(listed)
    }

    pub(super) async fn write<B: Serialize + ?Sized>(
        &self,
        method: Method,
        url: Url,
        body: Option<&B>,
    ) -> Result<Vec<u8>, ApiError> {
        let body = match body {
            Some(b) => Some(
                serde_json::to_vec(b)
                    .map_err(|e| ApiError::Config(format!("cannot encode the request: {e}")))?,
            ),
            None => None,
        };
        let (_, bytes) = self.send(method, url, body).await?;
        Ok(bytes)
    }

    // ------------------------------------------------------------ workspace

    /// `GET BASE`: display name and activation state.
    pub async fn resolver(&self) -> Result<Resolver, ApiError> {
        self.get_json(self.base.clone()).await
    }

    /// `GET BASE/workspace`.
    pub async fn workspace(&self) -> Result<WorkspaceInfo, ApiError> {
        self.get_json(self.url(paths::WORKSPACE, None)).await
    }

    // ------------------------------------------------------------ members

    /// `GET BASE/users` `[proposed]`.
    pub async fn members(&self) -> Result<Listed<Member>, ApiError> {
        self.get_list(self.url(paths::USERS, None)).await
    }

    /// `POST BASE/users` `[proposed]`.
    pub async fn invite_member(&self, req: &InviteRequest) -> Result<Member, ApiError> {
        let bytes = self
            .write(Method::POST, self.url(paths::USERS, None), Some(req))
            .await?;
        decode(&bytes)
    }

    /// `PATCH BASE/users/<id>` `[proposed]`.
    pub async fn change_member_role(&self, id: &str, role: Role) -> Result<Member, ApiError> {
        let bytes = self
            .write(
                Method::PATCH,
                self.url(paths::USERS, Some(id)),
                Some(&RoleUpdate { role }),
            )
            .await?;
        decode(&bytes)
    }

    /// `DELETE BASE/users/<id>` `[proposed]`.
    pub async fn remove_member(&self, id: &str) -> Result<(), ApiError> {
        self.write::<()>(Method::DELETE, self.url(paths::USERS, Some(id)), None)
            .await
            .map(drop)
    }

    // ------------------------------------------------------------ tokens

    /// `GET BASE/tokens`.
    pub async fn tokens(&self) -> Result<Listed<Token>, ApiError> {
        self.get_list(self.url(paths::TOKENS, None)).await
    }

    /// `POST BASE/tokens` `[proposed]`: the plaintext comes back once.
    pub async fn create_token(&self, req: &CreateTokenRequest) -> Result<CreatedToken, ApiError> {
        let bytes = self
            .write(Method::POST, self.url(paths::TOKENS, None), Some(req))
            .await?;
        decode(&bytes)
    }

    /// `DELETE BASE/tokens/<id>` `[proposed]`.
    pub async fn revoke_token(&self, id: &str) -> Result<(), ApiError> {
        self.write::<()>(Method::DELETE, self.url(paths::TOKENS, Some(id)), None)
            .await
            .map(drop)
    }

    // ------------------------------------------------------------ secrets

    /// `GET BASE/usersecrets`.
    pub async fn secrets(&self) -> Result<Listed<Secret>, ApiError> {
        self.get_list(self.url(paths::SECRETS, None)).await
    }

    /// `POST BASE/usersecrets` with one or more items. A POST with an existing
    /// name overwrites its value (this is how a value is updated).
    pub async fn put_secrets(&self, items: &[SecretWrite]) -> Result<(), ApiError> {
        self.write(Method::POST, self.url(paths::SECRETS, None), Some(items))
            .await
            .map(drop)
    }

    /// `DELETE BASE/usersecrets/<name>`.
    pub async fn delete_secret(&self, name: &str) -> Result<(), ApiError> {
        self.write::<()>(Method::DELETE, self.url(paths::SECRETS, Some(name)), None)
            .await
            .map(drop)
    }

    // ------------------------------------------------------------ registries

    /// `GET BASE/imagepullsecrets`.
    pub async fn registries(&self) -> Result<Listed<Registry>, ApiError> {
        self.get_list(self.url(paths::REGISTRIES, None)).await
    }

    /// `POST BASE/imagepullsecrets` (201).
    pub async fn add_registry(&self, req: &RegistryWrite) -> Result<(), ApiError> {
        self.write(Method::POST, self.url(paths::REGISTRIES, None), Some(req))
            .await
            .map(drop)
    }

    /// `DELETE BASE/imagepullsecrets/<id>`.
    pub async fn delete_registry(&self, id: &str) -> Result<(), ApiError> {
        self.write::<()>(Method::DELETE, self.url(paths::REGISTRIES, Some(id)), None)
            .await
            .map(drop)
    }

    // ------------------------------------------------------------ templates

    fn templates_path(ns: TemplateNs) -> &'static str {
        match ns {
            TemplateNs::Public => paths::TEMPLATES_PUBLIC,
            TemplateNs::Private => paths::TEMPLATES_PRIVATE,
        }
    }

    /// `GET BASE/templates/{public|private}`.
    pub async fn templates(&self, ns: TemplateNs) -> Result<Listed<Template>, ApiError> {
        self.get_list(self.url(Self::templates_path(ns), None))
            .await
    }

    /// `GET BASE/templates/{public|private}/<id>`.
    pub async fn template(&self, ns: TemplateNs, id: &str) -> Result<Template, ApiError> {
        self.get_json(self.url(Self::templates_path(ns), Some(id)))
            .await
    }
}

pub(super) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| {
        if bytes.is_empty() {
            ApiError::Decode("empty response body".into())
        } else {
            ApiError::Decode(e.to_string())
        }
    })
}

/// Where a 3xx points: the scheme and host (with port) of its `Location`,
/// resolved against the request URL; never its path or query (which could
/// carry anything) and never a user name or password.
fn redirect_target(resp: &reqwest::Response) -> String {
    let Some(loc) = resp
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
    else {
        return "an unnamed location".into();
    };
    match resp.url().join(loc) {
        Ok(u) => {
            let host = u.host_str().unwrap_or("?");
            let host = crate::text::cut_chars(&crate::text::sanitize(host), 100).into_owned();
            match u.port() {
                Some(p) => format!("{}://{host}:{p}", u.scheme()),
                None => format!("{}://{host}", u.scheme()),
            }
        }
        Err(_) => "an unreadable location".into(),
    }
}

/// The innermost cause of an error chain, for short messages.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        Client::new(ClientConfig::new(base, SecretString::from("t".to_string()))).unwrap()
    }

    #[test]
    fn urls_are_built_from_paths() {
        let c = client("http://127.0.0.1:1/api/v2/workspaces/ws1/");
        assert_eq!(
            c.url(paths::SECRETS, Some("A B")).as_str(),
            "http://127.0.0.1:1/api/v2/workspaces/ws1/usersecrets/A%20B"
        );
        assert_eq!(
            c.url(paths::TEMPLATES_PUBLIC, Some("mpi")).as_str(),
            "http://127.0.0.1:1/api/v2/workspaces/ws1/templates/public/mpi"
        );
    }

    #[test]
    fn bad_config_is_an_error_not_a_panic() {
        let r = Client::new(ClientConfig::new(
            "not a url",
            SecretString::from("t".to_string()),
        ));
        assert!(matches!(r, Err(ApiError::Config(_))));
        let r = Client::new(ClientConfig::new(
            "http://x/api/v2/workspaces/w",
            SecretString::from("bad\ntoken".to_string()),
        ));
        assert!(matches!(r, Err(ApiError::Config(_))));
    }
}
