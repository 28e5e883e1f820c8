//! The streamable HTTP transport: rmcp's `StreamableHttpService` mounted at
//! `/mcp` in an axum router, behind Drift's own guards (bearer token, Origin
//! allow-list, body limit) and next to an unauthenticated `/healthz`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use subtle::ConstantTimeEq;
use tokio_util::sync::CancellationToken;

use crate::ServeError;
use crate::core::{Core, ServeOptions};
use crate::server::DriftServer;

/// Environment variable holding the bearer token.
pub const TOKEN_ENV: &str = "DRIFT_MCP_TOKEN";

/// Options of the HTTP transport.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Address to listen on. Loopback by default; any other address requires
    /// a token.
    pub bind: SocketAddr,
    /// Bearer token required on `/mcp` when set (`DRIFT_MCP_TOKEN`).
    pub token: Option<String>,
    /// Extra allowed `Origin` values (`scheme://host[:port]`, port `*` for
    /// any). Loopback origins are always allowed; requests without an
    /// `Origin` header (non-browser clients) are allowed.
    pub allowed_origins: Vec<String>,
    /// Maximum request body in bytes (larger → 413).
    pub max_body: usize,
    /// What both transports share: tool time limit (→ a structured
    /// `timeout` tool error), start-up scan, index location.
    pub serve: ServeOptions,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            bind: SocketAddr::from(([127, 0, 0, 1], 3917)),
            token: None,
            allowed_origins: Vec::new(),
            max_body: 1024 * 1024,
            serve: ServeOptions::default(),
        }
    }
}

impl HttpOptions {
    /// Refuses configurations that would expose the server unauthenticated.
    pub fn validate(&self) -> Result<(), ServeError> {
        if let Some(token) = &self.token
            && token.trim().len() < 16
        {
            return Err(ServeError::WeakToken);
        }
        if !self.bind.ip().is_loopback() && self.token.is_none() {
            return Err(ServeError::TokenRequired(self.bind));
        }
        for origin in &self.allowed_origins {
            if parse_origin(origin).is_none() && origin != "null" {
                return Err(ServeError::BadOrigin(origin.clone()));
            }
        }
        Ok(())
    }
}

#[derive(Clone)]
struct Guard {
    token: Option<Arc<[u8]>>,
    allowed_origins: Arc<[String]>,
    max_body: usize,
}

/// Builds the axum router (exposed for tests and embedding).
pub fn router(core: Arc<Core>, opts: &HttpOptions, shutdown: CancellationToken) -> Router {
    let mut config = StreamableHttpServerConfig::default()
        .with_max_request_body_bytes(opts.max_body)
        .with_cancellation_token(shutdown)
        .with_sse_keep_alive(Some(Duration::from_secs(15)));
    if !opts.bind.ip().is_loopback() {
        // Bound to a routable address: clients use whatever host name
        // reaches it, and the bearer token (required there) is what protects
        // against DNS rebinding.
        config = config.disable_allowed_hosts();
    }
    let service_core = core.clone();
    let mcp: StreamableHttpService<DriftServer, LocalSessionManager> = StreamableHttpService::new(
        move || Ok(DriftServer::new(service_core.clone())),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let guard = Guard {
        token: opts.token.as_ref().map(|t| Arc::from(t.trim().as_bytes())),
        allowed_origins: opts.allowed_origins.clone().into(),
        max_body: opts.max_body,
    };
    Router::new()
        .nest_service("/mcp", mcp)
        .layer(middleware::from_fn_with_state(guard, guard_layer))
        .route("/healthz", axum::routing::get(healthz))
        .with_state(core)
}

async fn healthz(State(core): State<Arc<Core>>) -> Response {
    let body = serde_json::json!({
        "ok": true,
        "index": core.health(),
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

fn error_response(status: StatusCode, message: &str, hint: &str) -> Response {
    let body = serde_json::json!({ "error": message, "hint": hint });
    let mut resp = (status, axum::Json(body)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        resp.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"drift\""),
        );
    }
    resp
}

async fn guard_layer(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    // Origin first: a browser page on a foreign origin learns nothing, not
    // even whether a token is configured.
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let allowed = origin
            .to_str()
            .map(|o| origin_allowed(o, &guard.allowed_origins))
            .unwrap_or(false);
        if !allowed {
            tracing::warn!(?origin, "refused request from a foreign Origin");
            return error_response(
                StatusCode::FORBIDDEN,
                "origin not allowed",
                "browser pages may only reach the Drift MCP server from localhost origins or origins listed in allowed_origins",
            );
        }
    }
    if let Some(expected) = &guard.token
        && !token_matches(request.headers(), expected)
    {
        return error_response(
            StatusCode::UNAUTHORIZED,
            "missing or invalid bearer token",
            "send `Authorization: Bearer <DRIFT_MCP_TOKEN>`",
        );
    }
    if let Some(len) = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        && len > guard.max_body as u64
    {
        return too_large(guard.max_body);
    }
    // Enforce the limit on the streamed body too (chunked requests carry no
    // Content-Length).
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, guard.max_body).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(guard.max_body),
    };
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn too_large(max: usize) -> Response {
    error_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        &format!("request body larger than {max} bytes"),
        "send smaller requests (e.g. validate one file at a time)",
    )
}

/// Constant-time comparison of the `Authorization: Bearer` value.
fn token_matches(headers: &HeaderMap, expected: &[u8]) -> bool {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return false;
    };
    let Some(presented) = value
        .as_bytes()
        .strip_prefix(b"Bearer ")
        .or_else(|| value.as_bytes().strip_prefix(b"bearer "))
    else {
        return false;
    };
    // `ct_eq` on slices of different lengths is false without comparing
    // contents; only the length can leak, not the token.
    presented.ct_eq(expected).into()
}

/// `(scheme, host, port)` of an origin like `http://localhost:5173`.
fn parse_origin(origin: &str) -> Option<(String, String, Option<String>)> {
    let (scheme, rest) = origin.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains('/') || rest.contains('@') {
        return None;
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.to_string()),
        };
        (format!("[{}]", h.to_ascii_lowercase()), port)
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h.to_ascii_lowercase(), Some(p.to_string())),
            None => (rest.to_ascii_lowercase(), None),
        }
    };
    if let Some(p) = &port
        && p != "*"
        && p.parse::<u16>().is_err()
    {
        return None;
    }
    Some((scheme, host, port))
}

/// Loopback origins (any port) plus the configured list.
pub fn origin_allowed(origin: &str, extra: &[String]) -> bool {
    if extra.iter().any(|a| a == "null") && origin == "null" {
        return true;
    }
    let Some((scheme, host, port)) = parse_origin(origin) else {
        return false;
    };
    if port.as_deref() == Some("*") {
        return false;
    }
    if matches!(host.as_str(), "localhost" | "127.0.0.1" | "[::1]") {
        return true;
    }
    extra
        .iter()
        .filter_map(|a| parse_origin(a))
        .any(|(s, h, p)| {
            s == scheme
                && h == host
                && match p.as_deref() {
                    Some("*") => true,
                    Some(p) => Some(p) == port.as_deref(),
                    None => port.is_none(),
                }
        })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn origins() {
        assert!(origin_allowed("http://localhost:5173", &[]));
        assert!(origin_allowed("https://127.0.0.1", &[]));
        assert!(origin_allowed("http://[::1]:8080", &[]));
        assert!(!origin_allowed("https://evil.example", &[]));
        assert!(!origin_allowed("http://localhost.evil.example", &[]));
        assert!(!origin_allowed("null", &[]));
        assert!(!origin_allowed("file://", &[]));
        let extra = vec!["https://app.example.com:*".to_string()];
        assert!(origin_allowed("https://app.example.com:8443", &extra));
        assert!(!origin_allowed("http://app.example.com:8443", &extra));
        let exact = vec!["https://app.example.com".to_string()];
        assert!(origin_allowed("https://app.example.com", &exact));
        assert!(!origin_allowed("https://app.example.com:1", &exact));
    }

    #[test]
    fn token_compare() {
        let mut h = HeaderMap::new();
        assert!(!token_matches(&h, b"secret-token-123456"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer nope"),
        );
        assert!(!token_matches(&h, b"secret-token-123456"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer secret-token-123456"),
        );
        assert!(token_matches(&h, b"secret-token-123456"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Basic secret-token-123456"),
        );
        assert!(!token_matches(&h, b"secret-token-123456"));
    }

    #[test]
    fn option_validation() {
        let mut o = HttpOptions {
            bind: "0.0.0.0:0".parse().unwrap(),
            ..HttpOptions::default()
        };
        assert!(matches!(o.validate(), Err(ServeError::TokenRequired(_))));
        o.token = Some("short".into());
        assert!(matches!(o.validate(), Err(ServeError::WeakToken)));
        o.token = Some("a-long-enough-token-value".into());
        assert!(o.validate().is_ok());
        o.allowed_origins = vec!["not an origin".into()];
        assert!(matches!(o.validate(), Err(ServeError::BadOrigin(_))));
        assert!(HttpOptions::default().validate().is_ok());
    }
}
