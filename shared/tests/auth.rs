//! Integration tests of bearer-JWT verification with asymmetric keys: ES256 and RS256 public key
//! files, and a JWKS endpoint served over real HTTP by an axum server on 127.0.0.1:0.
//!
//! The keys under `tests/fixtures/` are test-only (generated with openssl); the `*.jwk.json`
//! files hold the public parameters of the matching PEM keys, without a `kid` (added here).

use aims_shared::Error;
use aims_shared::auth::{Role, Verifier};
use aims_shared::config::JwtConfig;
use anyhow::{Context, Result, bail, ensure};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ISSUER: &str = "https://idp.example.test";
const AUDIENCE: &str = "aims";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn read_fixture(name: &str) -> Result<Vec<u8>> {
    let path = fixture(name);
    std::fs::read(&path).with_context(|| format!("fixture {}", path.display()))
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A complete, valid claim set naming alice of acme.
fn claims() -> Value {
    json!({
        "sub": "alice",
        "org": "acme",
        "roles": ["RISK_MANAGER", "AUDITOR"],
        "email": "alice@acme.test",
        "iat": now(),
        "exp": now() + 3600,
    })
}

fn without(mut claims: Value, field: &str) -> Value {
    claims.as_object_mut().expect("claims are an object").remove(field);
    claims
}

fn with(mut claims: Value, field: &str, value: Value) -> Value {
    claims[field] = value;
    claims
}

/// Signs `claims` with the private key fixture `key` (`ec`, `ec2`, `rsa`, `rsa2`).
fn sign(alg: Algorithm, key: &str, kid: Option<&str>, claims: &Value) -> Result<String> {
    let pem = read_fixture(&format!("{key}_private.pem"))?;
    let key = match alg {
        Algorithm::ES256 => EncodingKey::from_ec_pem(&pem)?,
        Algorithm::RS256 => EncodingKey::from_rsa_pem(&pem)?,
        other => bail!("no private key fixture for {other:?}"),
    };
    let mut header = Header::new(alg);
    header.kid = kid.map(Into::into);
    Ok(jsonwebtoken::encode(&header, claims, &key)?)
}

/// An HS256 token whose HMAC secret is the given bytes (the HS/RS key-confusion attack when the
/// bytes are a public key the verifier holds).
fn sign_hs256(secret: &[u8], kid: Option<&str>, claims: &Value) -> Result<String> {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(Into::into);
    Ok(jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret),
    )?)
}

fn file_verifier(public_pem: &str, issuer: Option<&str>, audience: Option<&str>) -> Result<Verifier> {
    Ok(Verifier::from_config(&JwtConfig {
        public_key_file: Some(fixture(public_pem)),
        issuer: issuer.map(Into::into),
        audience: audience.map(Into::into),
        ..Default::default()
    })?)
}

fn jwks_verifier(url: &str) -> Result<Verifier> {
    Ok(Verifier::from_config(&JwtConfig {
        jwks_url: Some(url.into()),
        ..Default::default()
    })?)
}

/// The error a token must be refused with; fails the test if the token is accepted.
async fn refused(v: &Verifier, token: &str) -> Result<Error> {
    match v.verify(token).await {
        Ok(caller) => bail!("token was accepted as {caller:?}"),
        Err(e) => Ok(e),
    }
}

async fn assert_unauthenticated(v: &Verifier, token: &str, what: &str) -> Result<()> {
    let e = refused(v, token).await.with_context(|| what.to_owned())?;
    ensure!(
        e.code() == "UNAUTHENTICATED",
        "{what}: expected UNAUTHENTICATED, got {e:?}"
    );
    Ok(())
}

async fn assert_alice(v: &Verifier, token: &str) -> Result<()> {
    let caller = v.verify(token).await?;
    assert_eq!(caller.subject, "alice");
    assert_eq!(caller.org, "acme");
    assert_eq!(caller.roles, vec![Role::RiskManager, Role::Auditor]);
    assert_eq!(caller.email.as_deref(), Some("alice@acme.test"));
    assert_eq!(caller.token(), token);
    Ok(())
}

/// A JWK from a `*.jwk.json` fixture, with a `kid` and optionally an `alg`.
fn jwk(key: &str, kid: &str, alg: Option<&str>) -> Result<Value> {
    let mut jwk: Value = serde_json::from_slice(&read_fixture(&format!("{key}_public.jwk.json"))?)?;
    jwk["kid"] = kid.into();
    jwk["use"] = "sig".into();
    if let Some(alg) = alg {
        jwk["alg"] = alg.into();
    }
    Ok(jwk)
}

/// What the test JWKS endpoint serves, changeable while it runs, and how often it was asked.
struct JwksState {
    keys: Mutex<Vec<Value>>,
    /// Answer with this status instead of the key set.
    failure: Mutex<Option<StatusCode>>,
    hits: AtomicUsize,
}

impl JwksState {
    fn serve(&self, keys: Vec<Value>) {
        *self.keys.lock().unwrap() = keys;
        *self.failure.lock().unwrap() = None;
    }

    fn fail_with(&self, status: StatusCode) {
        *self.failure.lock().unwrap() = Some(status);
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn jwks_handler(State(state): State<Arc<JwksState>>) -> Response {
    state.hits.fetch_add(1, Ordering::SeqCst);
    if let Some(status) = *state.failure.lock().unwrap() {
        return (status, "identity provider is down").into_response();
    }
    let keys = state.keys.lock().unwrap().clone();
    axum::Json(json!({ "keys": keys })).into_response()
}

/// Starts a JWKS server on a free local port; it lives as long as the test's runtime.
async fn jwks_server(keys: Vec<Value>) -> Result<(String, Arc<JwksState>)> {
    let state = Arc::new(JwksState {
        keys: Mutex::new(keys),
        failure: Mutex::new(None),
        hits: AtomicUsize::new(0),
    });
    let app = Router::new()
        .route("/.well-known/jwks.json", get(jwks_handler))
        .route("/not-json", get(|| async { "this is not a key set" }))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((format!("http://{addr}/.well-known/jwks.json"), state))
}

#[tokio::test]
async fn es256_public_key_file() -> Result<()> {
    let v = file_verifier("ec_public.pem", None, None)?;

    let good = sign(Algorithm::ES256, "ec", None, &claims())?;
    assert_alice(&v, &good).await?;

    let other_key = sign(Algorithm::ES256, "ec2", None, &claims())?;
    assert_unauthenticated(&v, &other_key, "ES256 token signed by another EC key").await?;

    let public_pem = read_fixture("ec_public.pem")?;
    let confused = sign_hs256(&public_pem, None, &claims())?;
    assert_unauthenticated(&v, &confused, "HS256 token keyed with the EC public key PEM").await?;

    let rsa = sign(Algorithm::RS256, "rsa", None, &claims())?;
    assert_unauthenticated(&v, &rsa, "RS256 token against an EC key").await?;

    // The signature of a good token under an "alg":"none" header, and with no signature at all.
    let (_, rest) = good.split_once('.').context("three parts")?;
    let none_header = base64_url(br#"{"alg":"none","typ":"JWT"}"#);
    assert_unauthenticated(&v, &format!("{none_header}.{rest}"), "alg none, signature kept").await?;
    let payload = rest.split_once('.').context("three parts")?.0;
    assert_unauthenticated(&v, &format!("{none_header}.{payload}."), "alg none, unsigned").await?;
    Ok(())
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn rs256_public_key_file() -> Result<()> {
    let v = file_verifier("rsa_public.pem", None, None)?;

    let good = sign(Algorithm::RS256, "rsa", None, &claims())?;
    assert_alice(&v, &good).await?;

    let other_key = sign(Algorithm::RS256, "rsa2", None, &claims())?;
    assert_unauthenticated(&v, &other_key, "RS256 token signed by another RSA key").await?;

    let public_pem = read_fixture("rsa_public.pem")?;
    let confused = sign_hs256(&public_pem, None, &claims())?;
    assert_unauthenticated(&v, &confused, "HS256 token keyed with the RSA public key PEM").await?;

    let ec = sign(Algorithm::ES256, "ec", None, &claims())?;
    assert_unauthenticated(&v, &ec, "ES256 token against an RSA key").await?;
    Ok(())
}

#[tokio::test]
async fn a_public_key_file_that_is_not_a_public_key_fails_at_startup() -> Result<()> {
    for name in ["README.md", "ec_private.pem", "rsa_private.pem", "does-not-exist.pem"] {
        let config = JwtConfig {
            public_key_file: Some(fixture(name)),
            ..Default::default()
        };
        let Err(e) = Verifier::from_config(&config) else {
            bail!("{name} was accepted as a public key file");
        };
        assert_eq!(e.code(), "INTERNAL", "{name}: {e:?}");
    }
    Ok(())
}

#[tokio::test]
async fn required_claims_issuer_and_audience_are_enforced() -> Result<()> {
    let v = file_verifier("ec_public.pem", Some(ISSUER), Some(AUDIENCE))?;
    let full = with(with(claims(), "iss", ISSUER.into()), "aud", AUDIENCE.into());
    let token = |c: &Value| sign(Algorithm::ES256, "ec", None, c);

    assert_alice(&v, &token(&full)?).await?;

    let cases = [
        ("no exp", without(full.clone(), "exp")),
        ("no sub", without(full.clone(), "sub")),
        ("empty sub", with(full.clone(), "sub", "  ".into())),
        ("no org", without(full.clone(), "org")),
        ("expired", with(full.clone(), "exp", (now() - 3600).into())),
        ("not yet valid", with(full.clone(), "nbf", (now() + 3600).into())),
        (
            "wrong iss",
            with(full.clone(), "iss", "https://evil.example.test".into()),
        ),
        ("no iss although an issuer is configured", without(full.clone(), "iss")),
        ("wrong aud", with(full.clone(), "aud", "someone-else".into())),
        (
            "no aud although an audience is configured",
            without(full.clone(), "aud"),
        ),
    ];
    for (what, c) in &cases {
        assert_unauthenticated(&v, &token(c)?, what).await?;
    }

    // Without an issuer or audience configured, neither is required nor checked.
    let lax = file_verifier("ec_public.pem", None, None)?;
    assert_alice(&lax, &token(&claims())?).await?;
    assert_alice(&lax, &token(&with(claims(), "iss", "anyone".into()))?).await?;
    assert_unauthenticated(&lax, &token(&without(claims(), "exp"))?, "no exp, lax").await?;
    assert_unauthenticated(&lax, &token(&without(claims(), "sub"))?, "no sub, lax").await?;
    Ok(())
}

#[tokio::test]
async fn jwks_verifies_known_kids_from_one_cached_fetch() -> Result<()> {
    // The RSA key has no "alg": its algorithm follows from its type.
    let (url, server) = jwks_server(vec![jwk("ec", "ec-1", Some("ES256"))?, jwk("rsa", "rsa-1", None)?]).await?;
    let v = jwks_verifier(&url)?;
    assert_eq!(server.hits(), 0, "nothing is fetched before the first token");

    assert_alice(&v, &sign(Algorithm::ES256, "ec", Some("ec-1"), &claims())?).await?;
    assert_eq!(server.hits(), 1);
    assert_alice(&v, &sign(Algorithm::RS256, "rsa", Some("rsa-1"), &claims())?).await?;
    assert_alice(&v, &sign(Algorithm::ES256, "ec", Some("ec-1"), &claims())?).await?;
    assert_eq!(server.hits(), 1, "known kids are served from the cache");

    let cases = [
        ("unknown kid", sign(Algorithm::ES256, "ec", Some("nope"), &claims())?),
        ("no kid", sign(Algorithm::ES256, "ec", None, &claims())?),
        (
            "known kid, other key",
            sign(Algorithm::ES256, "ec2", Some("ec-1"), &claims())?,
        ),
        (
            "RS256 under an EC kid",
            sign(Algorithm::RS256, "rsa", Some("ec-1"), &claims())?,
        ),
        (
            "ES256 under an RSA kid",
            sign(Algorithm::ES256, "ec", Some("rsa-1"), &claims())?,
        ),
        (
            "HS256 keyed with the EC JWK",
            sign_hs256(&read_fixture("ec_public.jwk.json")?, Some("ec-1"), &claims())?,
        ),
        (
            "HS256 keyed with the RSA public PEM",
            sign_hs256(&read_fixture("rsa_public.pem")?, Some("rsa-1"), &claims())?,
        ),
        (
            "no exp",
            sign(Algorithm::ES256, "ec", Some("ec-1"), &without(claims(), "exp"))?,
        ),
    ];
    for (what, token) in &cases {
        assert_unauthenticated(&v, token, what).await?;
    }
    assert_eq!(
        server.hits(),
        1,
        "an unknown kid does not refetch within the minimum refresh interval"
    );
    Ok(())
}

#[tokio::test]
async fn jwks_key_rotation() -> Result<()> {
    let (url, server) = jwks_server(vec![jwk("ec", "old", Some("ES256"))?]).await?;
    let old = sign(Algorithm::ES256, "ec", Some("old"), &claims())?;
    let new = sign(Algorithm::ES256, "ec2", Some("new"), &claims())?;

    let running = jwks_verifier(&url)?;
    assert_alice(&running, &old).await?;
    assert_eq!(server.hits(), 1);

    // The provider rotates: the old key is gone, a new one with a new kid is published.
    server.serve(vec![jwk("ec2", "new", Some("ES256"))?]);

    // A verifier that fetched less than JWKS_MIN_REFRESH ago does not refetch for an unknown kid
    // (a flood of made-up kids cannot hammer the provider) and keeps its cached keys meanwhile.
    assert_unauthenticated(&running, &new, "new kid within the refresh interval").await?;
    assert_alice(&running, &old).await?;
    assert_eq!(server.hits(), 1);

    // A verifier whose first fetch sees the rotated set accepts the new key and not the old one.
    let fresh = jwks_verifier(&url)?;
    assert_alice(&fresh, &new).await?;
    assert_eq!(server.hits(), 2);
    assert_alice(&fresh, &new).await?;
    assert_eq!(server.hits(), 2, "a known kid is not fetched again");
    assert_unauthenticated(&fresh, &old, "kid removed from the set").await?;
    assert_eq!(server.hits(), 2);
    Ok(())
}

/// The full rotation on one verifier: once the minimum refresh interval has passed since the
/// last fetch, a token with an unknown kid refetches the set and then verifies.
#[tokio::test]
async fn jwks_unknown_kid_refetches_after_the_minimum_interval() -> Result<()> {
    let (url, server) = jwks_server(vec![jwk("ec", "old", Some("ES256"))?]).await?;
    let v = jwks_verifier(&url)?.with_jwks_min_refresh(Duration::from_secs(1));
    assert_alice(&v, &sign(Algorithm::ES256, "ec", Some("old"), &claims())?).await?;

    server.serve(vec![jwk("ec2", "new", Some("ES256"))?]);
    let new = sign(Algorithm::ES256, "ec2", Some("new"), &claims())?;
    assert_unauthenticated(&v, &new, "new kid within the refresh interval").await?;
    assert_eq!(server.hits(), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_alice(&v, &new).await?;
    assert_eq!(server.hits(), 2);
    assert_alice(&v, &new).await?;
    assert_eq!(server.hits(), 2);
    let old = sign(Algorithm::ES256, "ec", Some("old"), &claims())?;
    assert_unauthenticated(&v, &old, "old kid after the refetch dropped it").await?;
    Ok(())
}

#[tokio::test]
async fn jwks_outage_is_unavailable_and_not_cached() -> Result<()> {
    let token = sign(Algorithm::ES256, "ec", Some("ec-1"), &claims())?;

    // Nothing listens on the port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let v = jwks_verifier(&format!("http://{closed}/.well-known/jwks.json"))?;
    let e = refused(&v, &token).await?;
    assert_eq!(e.code(), "UNAVAILABLE", "{e:?}");

    // The provider answers with an error, then with something that is not a key set.
    let (url, server) = jwks_server(vec![jwk("ec", "ec-1", Some("ES256"))?]).await?;
    server.fail_with(StatusCode::SERVICE_UNAVAILABLE);
    let v = jwks_verifier(&url)?;
    let e = refused(&v, &token).await?;
    assert_eq!(e.code(), "UNAVAILABLE", "{e:?}");
    assert_eq!(server.hits(), 1);
    let garbage = jwks_verifier(&url.replace("/.well-known/jwks.json", "/not-json"))?;
    let e = refused(&garbage, &token).await?;
    assert_eq!(e.code(), "UNAVAILABLE", "{e:?}");

    // A failed fetch does not start the refresh interval: once the provider is back, the next
    // token fetches again and verifies.
    server.serve(vec![jwk("ec", "ec-1", Some("ES256"))?]);
    assert_alice(&v, &token).await?;
    assert_eq!(server.hits(), 2);
    Ok(())
}

#[tokio::test]
async fn jwks_endpoint_that_never_answers_times_out_as_unavailable() -> Result<()> {
    // Accepts connections and holds them open without ever answering.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let v = jwks_verifier(&format!("http://{addr}/.well-known/jwks.json"))?;
    let token = sign(Algorithm::ES256, "ec", Some("ec-1"), &claims())?;

    let started = Instant::now();
    let outcome = tokio::time::timeout(Duration::from_secs(15), v.verify(&token))
        .await
        .context("verify hung past the client timeout")?;
    let elapsed = started.elapsed();
    let Err(e) = outcome else {
        bail!("a silent endpoint produced a caller");
    };
    assert_eq!(e.code(), "UNAVAILABLE", "{e:?}");
    assert!(
        elapsed >= Duration::from_secs(4) && elapsed < Duration::from_secs(10),
        "expected the 5s client timeout, took {elapsed:?}"
    );
    Ok(())
}

/// While a refetch for an unknown kid hangs on the identity provider, tokens with keys already
/// cached keep verifying at once.
#[tokio::test]
async fn known_keys_verify_while_a_refetch_hangs() -> Result<()> {
    let set = json!({ "keys": [jwk("ec", "ec-1", Some("ES256"))?] });
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = Router::new().route(
        "/jwks",
        get(move || {
            let (set, counter) = (set.clone(), counter.clone());
            async move {
                if counter.fetch_add(1, Ordering::SeqCst) > 0 {
                    // Every fetch after the first never answers.
                    std::future::pending::<()>().await;
                }
                axum::Json(set)
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/jwks", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let v = jwks_verifier(&url)?.with_jwks_min_refresh(Duration::ZERO);
    let known = sign(Algorithm::ES256, "ec", Some("ec-1"), &claims())?;
    assert_alice(&v, &known).await?;

    let unknown = sign(Algorithm::ES256, "ec", Some("not-published"), &claims())?;
    let stuck = {
        let v = v.clone();
        tokio::spawn(async move { v.verify(&unknown).await })
    };
    let deadline = Instant::now() + Duration::from_secs(3);
    while hits.load(Ordering::SeqCst) < 2 {
        ensure!(Instant::now() < deadline, "the refetch never started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let started = Instant::now();
    assert_alice(&v, &known).await?;
    ensure!(
        started.elapsed() < Duration::from_secs(1),
        "a known key waited {:?} on the refetch",
        started.elapsed()
    );
    let outcome = stuck.await?;
    ensure!(
        matches!(outcome, Err(Error::Unavailable(_))),
        "hanging refetch: {outcome:?}"
    );
    Ok(())
}
