//! Tenant isolation, authentication and roles, through GraphQL and REST.

use aims_e2e::both_modes;
use aims_shared::Role;
use base64::Engine;
use serde_json::json;

both_modes! {
    async fn another_tenant_can_neither_see_nor_change_data(app: TestApp) {
        let a = app.client("org-a", &[Role::Admin]);
        let b = app.client("org-b", &[Role::Admin]);
        let system = a.create_ai_system("A's model").await;
        let risk = a.create_risk("A's risk", Some(&system)).await;

        let read = b.gql("query($s: ID!, $r: ID!) { aiSystem(id: $s) { id } risk(id: $r) { id } }", json!({ "s": system, "r": risk })).await.ok();
        assert_eq!(read, json!({ "aiSystem": null, "risk": null }));
        let lists = b.gql("{ aiSystems { totalCount edges { node { id } } } risks { totalCount edges { node { id } } } }", json!({})).await.ok();
        assert_eq!(lists["aiSystems"]["totalCount"], 0);
        assert_eq!(lists["risks"]["totalCount"], 0);

        assert_eq!(b.assess(&risk, 5, 5, None).await.code(), "NOT_FOUND");
        let update = b.gql("mutation($id: ID!) { updateAiSystem(id: $id, input: { name: \"stolen\" }) { id } }", json!({ "id": system })).await;
        assert_eq!(update.code(), "NOT_FOUND");
        let attach = b.gql("mutation($s: ID!) { createRisk(input: { title: \"x\", description: \"y\", aiSystemId: $s }) { id } }", json!({ "s": system })).await;
        assert_eq!(attach.code(), "NOT_FOUND");
        let (status, body) = b.rest(reqwest::Method::GET, &format!("/api/v1/risks/{risk}"), None).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("NOT_FOUND")));

        let mine = a.gql("query($s: ID!) { aiSystem(id: $s) { name risks { totalCount } } }", json!({ "s": system })).await.ok();
        assert_eq!(mine["aiSystem"], json!({ "name": "A's model", "risks": { "totalCount": 1 } }), "nothing of A's changed");
    }

    async fn bad_tokens_are_unauthenticated(app: TestApp) {
        let query = "{ viewer { subject } }";
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let good = app.claims("acme", &[Role::Admin]);

        let mut expired = good.clone();
        expired.exp = expired.exp.saturating_sub(7200);
        let mut wrong_audience = good.clone();
        wrong_audience.aud = Some("someone-else".into());
        let mut wrong_issuer = good.clone();
        wrong_issuer.iss = Some("evil".into());
        let mut not_yet = good.clone();
        not_yet.nbf = Some(good.exp - 60);
        let foreign = aims_shared::auth::issue_token("not-our-secret", &good).unwrap();
        let body = b64.encode(serde_json::to_vec(&good).unwrap());
        let alg_none = format!("{}.{body}.", b64.encode(br#"{"alg":"none","typ":"JWT"}"#));
        let tampered = {
            let t = app.sign(&good);
            let mut parts: Vec<&str> = t.split('.').collect();
            let mut admin = good.clone();
            admin.org = "other-org".into();
            let forged = b64.encode(serde_json::to_vec(&admin).unwrap());
            parts[1] = &forged;
            parts.join(".")
        };

        let cases = [
            ("missing", None),
            ("garbage", Some("not-a-jwt".to_owned())),
            ("expired", Some(app.sign(&expired))),
            ("wrong audience", Some(app.sign(&wrong_audience))),
            ("wrong issuer", Some(app.sign(&wrong_issuer))),
            ("not yet valid", Some(app.sign(&not_yet))),
            ("wrong signature", Some(foreign)),
            ("alg none", Some(alg_none)),
            ("tampered claims", Some(tampered)),
        ];
        for (name, token) in cases {
            let client = app.client_with_token(token);
            let answer = client.gql(query, json!({})).await;
            assert_eq!(answer.code(), "UNAUTHENTICATED", "{name}");
            assert_eq!(answer.data, json!(null), "{name}");
            let (status, body) = client.rest(reqwest::Method::GET, "/api/v1/risks", None).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("UNAUTHENTICATED")), "{name} over REST");
        }
        assert!(app.client_with_token(Some(app.sign(&good))).gql(query, json!({})).await.errors.is_empty());
    }

    async fn viewers_and_auditors_cannot_write(app: TestApp) {
        let admin = app.client("acme", &[Role::Admin]);
        let risk = admin.create_risk("Existing risk", None).await;
        for role in [Role::Viewer, Role::Auditor] {
            let c = app.client("acme", &[role]);
            let create = c.gql("mutation { createAiSystem(input: { name: \"x\", purpose: \"y\", role: USER }) { id } }", json!({})).await;
            assert_eq!(create.code(), "FORBIDDEN", "{role:?}");
            assert_eq!(c.assess(&risk, 2, 2, None).await.code(), "FORBIDDEN", "{role:?}");
            let (status, body) = c.rest(reqwest::Method::POST, "/api/v1/risks", Some(json!({ "title": "t", "description": "d" }))).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("FORBIDDEN")), "{role:?} over REST");
            let read = c.gql("{ risks { totalCount } }", json!({})).await.ok();
            assert_eq!(read["risks"]["totalCount"], 1, "{role:?} can read");
        }
        let r = admin.gql("query($id: ID!) { risk(id: $id) { status assessments { id } } }", json!({ "id": risk })).await.ok();
        assert_eq!(r["risk"], json!({ "status": "IDENTIFIED", "assessments": [] }));
    }

    async fn query_depth_and_page_size_are_limited(app: TestApp) {
        let c = app.client("acme", &[Role::Viewer]);
        let mut deep = String::from("id");
        for _ in 0..8 {
            deep = format!("risks(first: 1) {{ edges {{ node {{ aiSystem {{ {deep} }} }} }} }}");
        }
        let too_deep = format!("{{ aiSystems {{ edges {{ node {{ {deep} }} }} }} }}");
        for attempt in 0..2 {
            // The second time the document comes from the parse cache: still refused.
            assert_eq!(c.gql(&too_deep, json!({})).await.code(), "BAD_USER_INPUT", "attempt {attempt}");
        }
        let big = c.gql("{ risks(first: 1000) { totalCount } }", json!({})).await;
        assert_eq!(big.code(), "BAD_USER_INPUT");
    }

    async fn browsers_from_configured_origins_only_and_bodies_are_bounded(app: TestApp) {
        let preflight = |origin: &'static str| {
            app.http()
                .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.base_url))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", "authorization,content-type")
                .send()
        };
        let allowed = preflight(aims_e2e::FRONTEND_ORIGIN).await.unwrap();
        assert_eq!(
            allowed.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()),
            Some(aims_e2e::FRONTEND_ORIGIN)
        );
        let other = preflight("https://evil.example").await.unwrap();
        assert!(other.headers().get("access-control-allow-origin").is_none());

        // Just over the limit. The server may answer 413 and close before the client has sent
        // everything; then the client sees a broken connection instead. Either way nothing is stored.
        let huge = "x".repeat(1024 * 1024);
        let sent = app
            .http()
            .post(format!("{}/api/v1/risks", app.base_url))
            .bearer_auth(app.sign(&app.claims("acme", &[Role::Admin])))
            .header("content-type", "application/json")
            .body(format!("{{\"title\":\"t\",\"description\":\"{huge}\"}}"))
            .send()
            .await;
        match sent {
            Ok(resp) => assert_eq!(resp.status(), 413),
            Err(e) => assert!(e.is_request() || e.is_body(), "unexpected failure: {e}"),
        }
        let c = app.client("acme", &[Role::Admin]);
        assert_eq!(c.gql("{ risks { totalCount } }", json!({})).await.ok()["risks"]["totalCount"], 0);
    }
}
