//! Bearer-JWT authentication. Every service verifies the token itself (the gateway forwards
//! it), with the algorithm pinned to the configured key, `exp`, `nbf` and `sub` required and
//! `iss`/`aud` checked when configured. Roles become types: a write handle such as [`Editor`]
//! only comes out of a role check, and every store function that writes asks for one.

use crate::config::JwtConfig;
use crate::error::Error;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::jwk::{AlgorithmParameters, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

/// Seconds of clock skew tolerated on `exp` and `nbf`.
const LEEWAY_SECS: u64 = 30;
/// By default an unknown `kid` refreshes the JWKS at most this often.
const JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, async_graphql::Enum)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Admin,
    RiskManager,
    ControlOwner,
    Auditor,
    Viewer,
}

impl std::str::FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        serde_json::from_value(serde_json::Value::String(s.to_ascii_uppercase()))
            .map_err(|_| Error::bad_input(format!("unknown role {s:?}")))
    }
}

/// The `aud` claim: one audience or several (identity providers send either).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl From<&str> for Audience {
    fn from(aud: &str) -> Self {
        Audience::One(aud.to_owned())
    }
}

impl From<String> for Audience {
    fn from(aud: String) -> Self {
        Audience::One(aud)
    }
}

/// The claims AIMS reads from a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
    /// Tenant key of the caller's organization.
    pub org: String,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
}

/// An authenticated caller. The raw token is kept to forward to services but never printed.
#[derive(Clone)]
pub struct Caller {
    pub subject: String,
    pub org: String,
    pub roles: Vec<Role>,
    pub email: Option<String>,
    pub org_name: Option<String>,
    token: Arc<str>,
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("subject", &self.subject)
            .field("org", &self.org)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

/// Read access to one organization's data: every query is scoped by it.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub org: String,
    pub subject: String,
}

/// Proof that the caller may change data (ADMIN, RISK_MANAGER or CONTROL_OWNER).
#[derive(Debug, Clone)]
pub struct Editor(Tenant);

/// Proof that the caller administers the organization's settings (ADMIN).
#[derive(Debug, Clone)]
pub struct Admin(Tenant);

impl std::ops::Deref for Admin {
    type Target = Tenant;
    fn deref(&self) -> &Tenant {
        &self.0
    }
}

/// Proof that the caller may accept risks on behalf of the organization (ADMIN or RISK_MANAGER).
#[derive(Debug, Clone)]
pub struct RiskApprover(Tenant);

impl std::ops::Deref for Editor {
    type Target = Tenant;
    fn deref(&self) -> &Tenant {
        &self.0
    }
}

impl std::ops::Deref for RiskApprover {
    type Target = Tenant;
    fn deref(&self) -> &Tenant {
        &self.0
    }
}

impl Caller {
    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|r| roles.contains(r))
    }

    pub fn tenant(&self) -> Tenant {
        Tenant {
            org: self.org.clone(),
            subject: self.subject.clone(),
        }
    }

    pub fn editor(&self) -> Result<Editor, Error> {
        if self.has_any(&[Role::Admin, Role::RiskManager, Role::ControlOwner]) {
            Ok(Editor(self.tenant()))
        } else {
            Err(Error::Forbidden(
                "this action needs role ADMIN, RISK_MANAGER or CONTROL_OWNER".into(),
            ))
        }
    }

    pub fn admin(&self) -> Result<Admin, Error> {
        if self.has_any(&[Role::Admin]) {
            Ok(Admin(self.tenant()))
        } else {
            Err(Error::Forbidden("this action needs role ADMIN".into()))
        }
    }

    pub fn risk_approver(&self) -> Result<RiskApprover, Error> {
        if self.has_any(&[Role::Admin, Role::RiskManager]) {
            Ok(RiskApprover(self.tenant()))
        } else {
            Err(Error::Forbidden(
                "accepting a risk needs role ADMIN or RISK_MANAGER".into(),
            ))
        }
    }
}

enum KeySource {
    Static {
        key: DecodingKey,
        algorithm: Algorithm,
    },
    Jwks {
        url: String,
        http: reqwest::Client,
        cache: RwLock<JwksCache>,
        fetching: tokio::sync::Mutex<()>,
    },
}

#[derive(Default)]
struct JwksCache {
    keys: HashMap<String, (DecodingKey, Algorithm)>,
    fetched_at: Option<Instant>,
}

/// Verifies bearer tokens. Cheap to clone.
#[derive(Clone)]
pub struct Verifier {
    source: Arc<KeySource>,
    jwks_min_refresh: Duration,
    issuer: Option<String>,
    audience: Option<String>,
}

impl Verifier {
    /// Builds a verifier from the configured key source. Call [`ensure_local_secret`] first
    /// when no key may be configured (embedded mode).
    pub fn from_config(jwt: &JwtConfig) -> Result<Self, Error> {
        let source = if let Some(secret) = &jwt.secret {
            KeySource::Static {
                key: DecodingKey::from_secret(secret.as_bytes()),
                algorithm: Algorithm::HS256,
            }
        } else if let Some(path) = &jwt.public_key_file {
            let pem = std::fs::read(path)
                .map_err(|e| Error::Internal(format!("AIMS_JWT_PUBLIC_KEY_FILE {}: {e}", path.display())))?;
            // jsonwebtoken would also take a private key here; insist on the public half.
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN PUBLIC KEY-----")
                && !String::from_utf8_lossy(&pem).contains("-----BEGIN RSA PUBLIC KEY-----")
            {
                return Err(Error::Internal(format!(
                    "AIMS_JWT_PUBLIC_KEY_FILE {} must hold a PEM public key (BEGIN PUBLIC KEY)",
                    path.display()
                )));
            }
            if let Ok(key) = DecodingKey::from_rsa_pem(&pem) {
                KeySource::Static {
                    key,
                    algorithm: Algorithm::RS256,
                }
            } else if let Ok(key) = DecodingKey::from_ec_pem(&pem) {
                KeySource::Static {
                    key,
                    algorithm: Algorithm::ES256,
                }
            } else {
                return Err(Error::Internal(format!(
                    "AIMS_JWT_PUBLIC_KEY_FILE {} is neither an RSA nor an EC public key in PEM",
                    path.display()
                )));
            }
        } else if let Some(url) = &jwt.jwks_url {
            KeySource::Jwks {
                url: url.clone(),
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(5))
                    .build()
                    .map_err(|e| Error::Internal(e.to_string()))?,
                cache: RwLock::new(JwksCache::default()),
                fetching: tokio::sync::Mutex::new(()),
            }
        } else {
            return Err(Error::Internal(
                "no JWT key configured: set AIMS_JWT_SECRET, AIMS_JWT_PUBLIC_KEY_FILE or AIMS_JWT_JWKS_URL".into(),
            ));
        };
        Ok(Self {
            source: Arc::new(source),
            jwks_min_refresh: JWKS_MIN_REFRESH,
            issuer: jwt.issuer.clone(),
            audience: jwt.audience.clone(),
        })
    }

    /// Sets how often an unknown `kid` may refetch the JWKS (30s by default).
    pub fn with_jwks_min_refresh(mut self, interval: Duration) -> Self {
        self.jwks_min_refresh = interval;
        self
    }

    /// Checks the token and returns the caller it names.
    pub async fn verify(&self, token: &str) -> Result<Caller, Error> {
        let invalid = |why: &str| Error::Unauthenticated(format!("invalid token: {why}"));
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed"))?;
        let (key, algorithm) = match &*self.source {
            KeySource::Static { key, algorithm } => (key.clone(), *algorithm),
            KeySource::Jwks {
                url,
                http,
                cache,
                fetching,
            } => {
                let kid = header.kid.as_deref().ok_or_else(|| invalid("no kid"))?;
                jwks_key(url, http, cache, fetching, kid, self.jwks_min_refresh).await?
            }
        };
        if header.alg != algorithm {
            return Err(invalid("unexpected algorithm"));
        }
        let mut validation = Validation::new(algorithm);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        // jsonwebtoken only rejects a wrong `iss`/`aud`, not a missing one, unless it is required.
        let mut required = vec!["exp", "sub"];
        match &self.issuer {
            Some(iss) => {
                validation.set_issuer(&[iss]);
                required.push("iss");
            }
            None => validation.iss = None,
        }
        match &self.audience {
            Some(aud) => {
                validation.set_audience(&[aud]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => Error::Unauthenticated("token expired".into()),
                ErrorKind::ImmatureSignature => Error::Unauthenticated("token not yet valid".into()),
                ErrorKind::InvalidAudience => invalid("wrong audience"),
                ErrorKind::InvalidIssuer => invalid("wrong issuer"),
                ErrorKind::InvalidSignature => invalid("bad signature"),
                _ => invalid("rejected"),
            }
        })?;
        let c = data.claims;
        if c.sub.trim().is_empty() || c.org.trim().is_empty() {
            return Err(invalid("sub and org must not be empty"));
        }
        Ok(Caller {
            subject: c.sub,
            org: c.org,
            roles: c.roles,
            email: c.email,
            org_name: c.org_name,
            token: token.into(),
        })
    }
}

async fn jwks_key(
    url: &str,
    http: &reqwest::Client,
    cache: &RwLock<JwksCache>,
    fetching: &tokio::sync::Mutex<()>,
    kid: &str,
    min_refresh: Duration,
) -> Result<(DecodingKey, Algorithm), Error> {
    let unknown = || Error::Unauthenticated("invalid token: unknown signing key".into());
    if let Some(found) = cache.read().await.keys.get(kid) {
        return Ok(found.clone());
    }
    // One fetch at a time, outside the cache lock: tokens with known keys keep verifying
    // while the identity provider is slow or down.
    let _one_fetch = fetching.lock().await;
    let stale = {
        let current = cache.read().await;
        if let Some(found) = current.keys.get(kid) {
            return Ok(found.clone());
        }
        current.fetched_at.is_none_or(|t| t.elapsed() >= min_refresh)
    };
    if !stale {
        return Err(unknown());
    }
    let keys = fetch_jwks(url, http).await?;
    let mut current = cache.write().await;
    current.keys = keys;
    current.fetched_at = Some(Instant::now());
    current.keys.get(kid).cloned().ok_or_else(unknown)
}

/// The usable RS256/ES256 keys of a JWKS, by `kid`.
async fn fetch_jwks(url: &str, http: &reqwest::Client) -> Result<HashMap<String, (DecodingKey, Algorithm)>, Error> {
    let set: JwkSet = http
        .get(url)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .map_err(|e| Error::Unavailable(format!("identity provider keys unavailable: {e}")))?
        .json()
        .await
        .map_err(|e| Error::Unavailable(format!("identity provider keys unreadable: {e}")))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let (Some(id), Ok(key)) = (jwk.common.key_id.clone(), DecodingKey::from_jwk(jwk)) else {
            continue;
        };
        let algorithm = match (jwk.common.key_algorithm, &jwk.algorithm) {
            (Some(KeyAlgorithm::RS256), _) | (None, AlgorithmParameters::RSA(_)) => Algorithm::RS256,
            (Some(KeyAlgorithm::ES256), _) | (None, AlgorithmParameters::EllipticCurve(_)) => Algorithm::ES256,
            _ => continue,
        };
        keys.insert(id, (key, algorithm));
    }
    Ok(keys)
}

/// Signs a token with the HS256 secret: for `aims token`, local use and tests.
pub fn issue_token(secret: &str, claims: &Claims) -> Result<String, Error> {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| Error::Internal(e.to_string()))
}

/// With no key configured, creates a random HS256 secret in the data dir on first start and
/// reuses it afterwards, so `aims serve` and `aims token` agree without any setup.
pub fn ensure_local_secret(jwt: &mut JwtConfig, data_dir: &Path) -> Result<(), Error> {
    if jwt.secret.is_some() || jwt.public_key_file.is_some() || jwt.jwks_url.is_some() {
        return Ok(());
    }
    let io = |e: std::io::Error| Error::Internal(format!("data dir {}: {e}", data_dir.display()));
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let path = data_dir.join("jwt-secret");
    let secret = match std::fs::read_to_string(&path) {
        Ok(s) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            let s: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            write_private(&path, &s).map_err(io)?;
            s
        }
    };
    jwt.secret = Some(secret);
    Ok(())
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts.open(path)?.write_all(content.as_bytes())
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        let verifier = parts
            .extensions
            .get::<Verifier>()
            .cloned()
            .ok_or_else(|| Error::Internal("no token verifier installed on this router".into()))?;
        let token = bearer_token(&parts.headers)?;
        let caller = verifier.verify(token).await?;
        // The request's span (see telemetry::observe) names the tenant from here on.
        tracing::Span::current().record("org", caller.org.as_str());
        Ok(caller)
    }
}

/// The token of an `Authorization: Bearer ...` header.
pub fn bearer_token(headers: &http::HeaderMap) -> Result<&str, Error> {
    let value = headers
        .get(http::header::AUTHORIZATION)
        .ok_or_else(|| Error::Unauthenticated("missing bearer token".into()))?;
    value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| Error::Unauthenticated("expected Authorization: Bearer <token>".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_offset: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims {
            sub: "alice".into(),
            exp: (now + exp_offset) as u64,
            nbf: None,
            iat: None,
            iss: None,
            aud: None,
            org: "acme".into(),
            roles: vec![Role::Viewer],
            email: None,
            org_name: None,
        }
    }

    fn verifier(secret: &str, aud: Option<&str>) -> Verifier {
        Verifier::from_config(&JwtConfig {
            secret: Some(secret.into()),
            audience: aud.map(Into::into),
            ..Default::default()
        })
        .unwrap()
    }

    #[tokio::test]
    async fn accepts_a_good_token_and_rejects_bad_ones() {
        let v = verifier("s3cret", None);
        let ok = issue_token("s3cret", &claims(3600)).unwrap();
        let caller = v.verify(&ok).await.unwrap();
        assert_eq!((caller.subject.as_str(), caller.org.as_str()), ("alice", "acme"));
        assert!(!format!("{caller:?}").contains(&ok), "Debug must not print the token");

        let expired = issue_token("s3cret", &claims(-3600)).unwrap();
        assert_eq!(v.verify(&expired).await.unwrap_err().code(), "UNAUTHENTICATED");
        let wrong_key = issue_token("other", &claims(3600)).unwrap();
        assert_eq!(v.verify(&wrong_key).await.unwrap_err().code(), "UNAUTHENTICATED");

        let mut early = claims(3600);
        early.nbf = Some(early.exp - 60);
        let early = issue_token("s3cret", &early).unwrap();
        assert_eq!(v.verify(&early).await.unwrap_err().code(), "UNAUTHENTICATED");
    }

    #[tokio::test]
    async fn rejects_alg_none_and_wrong_audience() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let v = verifier("s3cret", Some("aims"));
        let body = serde_json::to_vec(&claims(3600)).unwrap();
        let none = format!("{}.{}.", b64.encode(br#"{"alg":"none","typ":"JWT"}"#), b64.encode(body));
        assert_eq!(v.verify(&none).await.unwrap_err().code(), "UNAUTHENTICATED");

        let mut c = claims(3600);
        c.aud = Some("someone-else".into());
        let t = issue_token("s3cret", &c).unwrap();
        assert_eq!(v.verify(&t).await.unwrap_err().code(), "UNAUTHENTICATED");
        c.aud = Some("aims".into());
        let t = issue_token("s3cret", &c).unwrap();
        assert!(v.verify(&t).await.is_ok());
        c.aud = Some(Audience::Many(vec!["other-api".into(), "aims".into()]));
        let t = issue_token("s3cret", &c).unwrap();
        assert!(v.verify(&t).await.is_ok(), "an audience list that names us is accepted");
    }

    #[test]
    fn write_handles_come_only_from_role_checks() {
        let mut caller = Caller {
            subject: "a".into(),
            org: "o".into(),
            roles: vec![Role::Viewer, Role::Auditor],
            email: None,
            org_name: None,
            token: "t".into(),
        };
        assert_eq!(caller.editor().unwrap_err().code(), "FORBIDDEN");
        caller.roles = vec![Role::ControlOwner];
        assert!(caller.editor().is_ok());
        assert_eq!(caller.risk_approver().unwrap_err().code(), "FORBIDDEN");
        caller.roles = vec![Role::RiskManager];
        assert!(caller.risk_approver().is_ok());
    }
}
