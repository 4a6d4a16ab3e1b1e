//! The JSON REST API under `/api/v1` for integrations, through the gateway.

use aims_e2e::both_modes;
use aims_shared::Role;
use reqwest::Method;
use serde_json::json;

both_modes! {
    async fn integrations_manage_risks_over_rest(app: TestApp) {
        let c = app.client("acme", &[Role::RiskManager]);
        let (status, system) = c.rest(Method::POST, "/api/v1/ai-systems", Some(json!({ "name": "Fraud model", "purpose": "Flags payments", "role": "PROVIDER" }))).await;
        assert_eq!(status, 201, "{system}");
        assert_eq!(system["lifecycleStage"], "DESIGN");
        let (status, risk) = c.rest(Method::POST, "/api/v1/risks", Some(json!({ "title": "False positives", "description": "Blocks good customers", "aiSystemId": system["id"] }))).await;
        assert_eq!(status, 201, "{risk}");
        let id = risk["id"].as_str().unwrap();
        let (status, assessed) = c.rest(Method::POST, &format!("/api/v1/risks/{id}/assessments"), Some(json!({ "likelihood": 3, "impact": 4 }))).await;
        assert_eq!(status, 200, "{assessed}");
        assert_eq!(assessed["inherent"]["level"], "HIGH");

        let via_graphql = c.gql("query($id: ID!) { risk(id: $id) { status inherent { score } aiSystem { name riskLevel } } }", json!({ "id": id })).await.ok();
        assert_eq!(via_graphql["risk"], json!({ "status": "ASSESSED", "inherent": { "score": 12 }, "aiSystem": { "name": "Fraud model", "riskLevel": "HIGH" } }));

        let (status, page) = c.rest(Method::GET, "/api/v1/risks?minLevel=HIGH&first=10&withTotal=true", None).await;
        assert_eq!(status, 200);
        assert_eq!(page["totalCount"], 1);
        assert_eq!(page["items"][0]["id"], id);
    }

    async fn bad_requests_get_a_code_and_a_message(app: TestApp) {
        let c = app.client("acme", &[Role::Admin]);
        let cases = [
            (Method::POST, "/api/v1/risks", Some(json!({ "title": "t" }))),
            (Method::POST, "/api/v1/risks", Some(json!({ "title": "t", "description": "d", "severity": 3 }))),
            (Method::POST, "/api/v1/ai-systems", Some(json!({ "name": "n", "purpose": "p", "role": "OVERLORD" }))),
            (Method::GET, "/api/v1/risks?first=500", None),
            (Method::GET, "/api/v1/risks?minLevel=EXTREME", None),
            (Method::PUT, "/api/v1/settings/risk-matrix", Some(json!({ "mediumFrom": 9, "highFrom": 5, "criticalFrom": 17 }))),
        ];
        for (method, path, body) in cases {
            let (status, answer) = c.rest(method.clone(), path, body.clone()).await;
            assert_eq!(status, 400, "{method} {path} {body:?}: {answer}");
            assert_eq!(answer["code"], "BAD_USER_INPUT");
            assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let (status, answer) = c.rest(Method::GET, "/api/v1/nothing-here", None).await;
        assert_eq!((status, answer["code"].as_str()), (404, Some("NOT_FOUND")));
        let (status, page) = c.rest(Method::GET, "/api/v1/risks", None).await;
        assert_eq!((status, page["items"].as_array().map(Vec::len)), (200, Some(0)), "nothing was stored");
    }

    async fn the_risk_matrix_is_a_setting_of_the_organization(app: TestApp) {
        let admin = app.client("acme", &[Role::Admin]);
        let manager = app.client("acme", &[Role::RiskManager]);
        let risk = manager.create_risk("Model theft", None).await;
        manager.assess(&risk, 2, 4, None).await.ok();
        let level = "query($id: ID!) { risk(id: $id) { inherent { score level } } }";
        assert_eq!(manager.gql(level, json!({ "id": risk })).await.ok()["risk"]["inherent"]["level"], "MEDIUM");

        let strict = json!({ "mediumFrom": 3, "highFrom": 6, "criticalFrom": 12 });
        let (status, _) = manager.rest(Method::PUT, "/api/v1/settings/risk-matrix", Some(strict.clone())).await;
        assert_eq!(status, 403, "only ADMIN changes the matrix");
        let (status, saved) = admin.rest(Method::PUT, "/api/v1/settings/risk-matrix", Some(strict.clone())).await;
        assert_eq!((status, saved), (200, strict));
        assert_eq!(manager.gql(level, json!({ "id": risk })).await.ok()["risk"]["inherent"], json!({ "score": 8, "level": "HIGH" }));
        let other = app.client("globex", &[Role::Admin]);
        let (_, theirs) = other.rest(Method::GET, "/api/v1/settings/risk-matrix", None).await;
        assert_eq!(theirs, json!({ "mediumFrom": 5, "highFrom": 10, "criticalFrom": 17 }), "other organizations keep the default");
    }

    async fn health_readiness_metrics_and_request_ids(app: TestApp) {
        let http = app.http();
        let health = http.get(format!("{}/healthz", app.base_url)).send().await.unwrap();
        assert_eq!(health.status(), 200);
        let ready: serde_json::Value = http.get(format!("{}/readyz", app.base_url)).send().await.unwrap().json().await.unwrap();
        assert_eq!(ready["risk"], true, "{ready}");
        assert_eq!(ready["bus"], true, "{ready}");

        let c = app.client("acme", &[Role::Viewer]);
        let resp = http
            .get(format!("{}/api/v1/risks", app.base_url))
            .bearer_auth(app.sign(&app.claims("acme", &[Role::Viewer])))
            .header("x-request-id", "trace-me-42")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("trace-me-42"));
        c.gql("{ risks { totalCount } }", json!({})).await.ok();

        // The request id travels with the change into its event, across the service hop.
        let created: serde_json::Value = http
            .post(format!("{}/api/v1/risks", app.base_url))
            .bearer_auth(app.sign(&app.claims("acme", &[Role::RiskManager])))
            .header("x-request-id", "req-evt-7")
            .json(&json!({ "title": "Traced", "description": "Carries its request id" }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = created["id"].as_str().unwrap().to_owned();
        let event = app.wait_for_event(|e| e.subject_id.as_deref() == Some(id.as_str())).await;
        assert_eq!(event.request_id.as_deref(), Some("req-evt-7"));

        let metrics = http.get(format!("{}/metrics", app.base_url)).send().await.unwrap().text().await.unwrap();
        assert!(metrics.contains("aims_http_requests_total"), "{metrics}");
        assert!(metrics.contains("aims_http_request_duration_seconds"), "{metrics}");
    }
}
