//! How the gateway reaches a service: the same HTTP request either goes over the network
//! (distributed mode) or straight into the service's router in this process (`aims serve`).
//! Both paths carry the caller's token and the request id; the service checks the token.

use aims_shared::error::ErrorBody;
use aims_shared::telemetry::{REQUEST_ID_HEADER, current_request_id};
use aims_shared::{Caller, Error};
use axum::Router;
use axum::body::Body;
use http::{HeaderValue, Method, Request, Response, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;
use tower::ServiceExt;

/// Largest JSON answer the gateway reads from a service.
const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone)]
pub enum ServiceClient {
    InProcess {
        name: &'static str,
        router: Router,
    },
    Http {
        name: &'static str,
        base: String,
        http: reqwest::Client,
    },
}

impl ServiceClient {
    pub fn http(name: &'static str, base: &str) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(30))
            .pool_max_idle_per_host(64)
            .build()
            .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(Self::Http {
            name,
            base: base.trim_end_matches('/').to_owned(),
            http,
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::InProcess { name, .. } | Self::Http { name, .. } => name,
        }
    }

    /// Sends a request as is and returns the service's response, streaming both bodies.
    pub async fn send(&self, mut req: Request<Body>) -> Result<Response<Body>, Error> {
        if let Some(id) = current_request_id().and_then(|id| HeaderValue::from_str(&id).ok()) {
            req.headers_mut().insert(REQUEST_ID_HEADER, id);
        }
        match self {
            Self::InProcess { router, .. } => {
                // Only what would cross the wire: the gateway's own extensions (route params) stay behind.
                let (parts, body) = req.into_parts();
                let mut fresh = Request::new(body);
                *fresh.method_mut() = parts.method;
                *fresh.uri_mut() = parts.uri;
                *fresh.headers_mut() = parts.headers;
                Ok(router.clone().oneshot(fresh).await.unwrap_or_else(|e| match e {}))
            }
            Self::Http { name, base, http } => {
                let (parts, body) = req.into_parts();
                let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                let mut headers = parts.headers;
                for h in [
                    header::HOST,
                    header::CONNECTION,
                    header::CONTENT_LENGTH,
                    header::TRANSFER_ENCODING,
                ] {
                    headers.remove(h);
                }
                let resp = http
                    .request(parts.method, format!("{base}{path}"))
                    .headers(headers)
                    .body(reqwest::Body::wrap_stream(body.into_data_stream()))
                    .send()
                    .await
                    .map_err(|e| {
                        tracing::warn!(service = name, error = %e, "service unreachable");
                        Error::Unavailable(format!("the {name} service is unavailable, try again shortly"))
                    })?;
                let mut out = Response::builder().status(resp.status());
                for (k, v) in resp.headers() {
                    if k != header::CONNECTION && k != header::TRANSFER_ENCODING {
                        out = out.header(k, v);
                    }
                }
                out.body(Body::from_stream(resp.bytes_stream()))
                    .map_err(|e| Error::Internal(e.to_string()))
            }
        }
    }

    /// Calls a JSON endpoint as `caller` and decodes the answer, or the service's error.
    pub async fn call<T: DeserializeOwned>(
        &self,
        caller: &Caller,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + Sync)>,
    ) -> Result<T, Error> {
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", caller.token()));
        let body = match body {
            Some(b) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(serde_json::to_vec(b).map_err(|e| Error::Internal(e.to_string()))?)
            }
            None => Body::empty(),
        };
        let req = builder.body(body).map_err(|e| Error::Internal(e.to_string()))?;
        let resp = self.send(req).await?;
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), MAX_RESPONSE_BYTES)
            .await
            .map_err(|_| Error::Unavailable(format!("the {} service did not answer completely", self.name())))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| Error::Internal(format!("{} answered unexpected JSON: {e}", self.name())));
        }
        match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => Err(Error::from_body(body)),
            Err(_) if status.is_server_error() => Err(Error::Unavailable(format!(
                "the {} service failed ({status})",
                self.name()
            ))),
            Err(_) => Err(Error::Internal(format!(
                "{} answered {status} without an error body",
                self.name()
            ))),
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, caller: &Caller, path: &str) -> Result<T, Error> {
        self.call(caller, Method::GET, path, None::<&()>).await
    }

    /// Whether the service reports itself ready.
    pub async fn is_ready(&self) -> bool {
        let req = Request::builder().uri("/readyz").body(Body::empty());
        match req {
            Ok(req) => matches!(self.send(req).await, Ok(r) if r.status().is_success()),
            Err(_) => false,
        }
    }
}

/// Percent-encodes one path segment (ids come from clients and may hold anything).
pub fn segment(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Encodes query parameters; `None` values are left out.
pub fn query(params: &impl Serialize) -> Result<String, Error> {
    serde_urlencoded::to_string(params).map_err(|e| Error::Internal(e.to_string()))
}
