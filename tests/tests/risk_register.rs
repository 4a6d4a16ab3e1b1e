//! The AI risk register end to end through the gateway: AI systems, risks, assessment
//! history, treatment, acceptance, closure, levels, filters, pagination and impact assessments.

use aims_e2e::both_modes;
use aims_shared::Role;
use serde_json::json;

const RISK: &str = "query($id: ID!) { risk(id: $id) {
    id title status treatment treatmentPlan
    inherent { likelihood impact score level } residual { likelihood impact score level }
    acceptance { approvedBy expiresOn rationale }
    assessments { id inherent { score } residual { score } assessedBy }
    aiSystem { id name riskLevel } } }";

both_modes! {
    async fn risk_moves_through_its_life_cycle_and_keeps_every_assessment(app: TestApp) {
        let c = app.client("acme", &[Role::RiskManager]);
        let system = c.create_ai_system("Support chatbot").await;
        let risk = c.create_risk("Hallucinated refund promises", Some(&system)).await;

        let first = c.assess(&risk, 4, 5, None).await.ok();
        assert_eq!(first["assessRisk"]["status"], "ASSESSED");
        assert_eq!(first["assessRisk"]["inherent"], json!({ "likelihood": 4, "impact": 5, "score": 20, "level": "CRITICAL" }));

        let second = c.assess(&risk, 4, 5, Some((2, 3))).await.ok();
        assert_eq!(second["assessRisk"]["residual"], json!({ "score": 6, "level": "MEDIUM" }));

        let treated = c
            .gql(
                "mutation($id: ID!) { treatRisk(riskId: $id, input: { option: MITIGATE, plan: \"Human review of refunds\" }) { status treatment treatmentPlan } }",
                json!({ "id": risk }),
            )
            .await
            .ok();
        assert_eq!(treated["treatRisk"], json!({ "status": "TREATED", "treatment": "MITIGATE", "treatmentPlan": "Human review of refunds" }));

        let r = c.gql(RISK, json!({ "id": risk })).await.ok()["risk"].clone();
        let history = r["assessments"].as_array().unwrap();
        assert_eq!(history.len(), 2, "every assessment is kept");
        assert_eq!(history[0]["residual"]["score"], 6, "newest first");
        assert_eq!(history[1]["residual"], json!(null));
        assert_eq!(history[0]["assessedBy"], "acme-user");
        assert_eq!(r["inherent"]["score"], 20, "the risk shows the latest scores");
        assert_eq!(r["aiSystem"]["id"], system.as_str());
        assert_eq!(r["aiSystem"]["riskLevel"], "MEDIUM", "residual score counts when given");

        let closed = c.gql("mutation($id: ID!) { closeRisk(riskId: $id) { status } }", json!({ "id": risk })).await.ok();
        assert_eq!(closed["closeRisk"]["status"], "CLOSED");
        let sys = c.gql("query($id: ID!) { aiSystem(id: $id) { riskLevel } }", json!({ "id": system })).await.ok();
        assert_eq!(sys["aiSystem"]["riskLevel"], json!(null), "closed risks do not count");

        let again = c.assess(&risk, 1, 1, None).await;
        assert_eq!(again.code(), "CONFLICT");

        app.wait_for_event(|e| e.event_type == "risk.closed" && e.subject_id.as_deref() == Some(risk.as_str())).await;
        for t in ["ai_system.created", "risk.created", "risk.assessed", "risk.treated"] {
            let e = app.wait_for_event(|e| e.event_type == t).await;
            assert_eq!(e.org, "acme");
        }
    }

    async fn invalid_moves_are_conflicts_and_bad_ratings_change_nothing(app: TestApp) {
        let c = app.client("acme", &[Role::Admin]);
        let risk = c.create_risk("Training data drift", None).await;

        let close = c.gql("mutation($id: ID!) { closeRisk(riskId: $id) { status } }", json!({ "id": risk })).await;
        assert_eq!(close.code(), "CONFLICT");
        let treat = c.gql("mutation($id: ID!) { treatRisk(riskId: $id, input: { option: AVOID }) { status } }", json!({ "id": risk })).await;
        assert_eq!(treat.code(), "CONFLICT", "a risk is assessed before it is treated");

        for (l, i) in [(0, 3), (6, 1), (3, -1)] {
            assert_eq!(c.assess(&risk, l, i, None).await.code(), "BAD_USER_INPUT", "likelihood {l}, impact {i}");
        }
        assert_eq!(c.assess(&risk, 3, 3, Some((9, 1))).await.code(), "BAD_USER_INPUT");
        assert_eq!(c.assess(&risk, 3, 3, Some((2, 0))).await.code(), "BAD_USER_INPUT");

        let r = c.gql(RISK, json!({ "id": risk })).await.ok()["risk"].clone();
        assert_eq!(r["status"], "IDENTIFIED");
        assert_eq!(r["inherent"], json!(null));
        assert_eq!(r["assessments"], json!([]));

        let missing = c.gql("mutation { createRisk(input: { title: \"  \", description: \"x\" }) { id } }", json!({})).await;
        assert_eq!(missing.code(), "BAD_USER_INPUT");
    }

    async fn acceptance_needs_an_approver_a_future_date_and_a_rationale(app: TestApp) {
        let owner = app.client("acme", &[Role::ControlOwner]);
        let manager = app.client("acme", &[Role::RiskManager]);
        let risk = owner.create_risk("Biased screening", None).await;
        owner.assess(&risk, 2, 2, None).await.ok();

        let accept = "mutation($id: ID!, $i: AcceptRiskInput!) { acceptRisk(riskId: $id, input: $i) { status acceptance { approvedBy expiresOn rationale } } }";
        let future = (chrono::Utc::now().date_naive() + chrono::Days::new(90)).to_string();
        let today = chrono::Utc::now().date_naive().to_string();

        let denied = owner.gql(accept, json!({ "id": risk, "i": { "expiresOn": future, "rationale": "Low impact" } })).await;
        assert_eq!(denied.code(), "FORBIDDEN");
        let past = manager.gql(accept, json!({ "id": risk, "i": { "expiresOn": today, "rationale": "Low impact" } })).await;
        assert_eq!(past.code(), "BAD_USER_INPUT");
        let blank = manager.gql(accept, json!({ "id": risk, "i": { "expiresOn": future, "rationale": " " } })).await;
        assert_eq!(blank.code(), "BAD_USER_INPUT");
        let bad_date = manager.gql(accept, json!({ "id": risk, "i": { "expiresOn": "next year", "rationale": "x" } })).await;
        assert_eq!(bad_date.code(), "BAD_USER_INPUT");

        let ok = manager.gql(accept, json!({ "id": risk, "i": { "expiresOn": future, "rationale": "Low impact, reviewed quarterly" } })).await.ok();
        assert_eq!(ok["acceptRisk"]["status"], "ACCEPTED");
        assert_eq!(ok["acceptRisk"]["acceptance"], json!({ "approvedBy": "acme-user", "expiresOn": future, "rationale": "Low impact, reviewed quarterly" }));
        let e = app.wait_for_event(|e| e.event_type == "risk.accepted").await;
        assert_eq!(e.subject_id.as_deref(), Some(risk.as_str()));
    }

    async fn treatment_carries_control_ids_into_its_event(app: TestApp) {
        let c = app.client("acme", &[Role::RiskManager]);
        let risk = c.create_risk("Prompt injection", None).await;
        c.assess(&risk, 3, 4, None).await.ok();
        let treated = c
            .gql("mutation($id: ID!) { treatRisk(riskId: $id, input: { option: MITIGATE, controlIds: [\"ctl-1\", \"ctl-2\"] }) { status } }", json!({ "id": risk }))
            .await
            .ok();
        assert_eq!(treated["treatRisk"]["status"], "TREATED");
        let e = app.wait_for_event(|e| e.event_type == "risk.treated").await;
        assert_eq!(e.payload["controlIds"], json!(["ctl-1", "ctl-2"]));
        assert_eq!(e.subject_id.as_deref(), Some(risk.as_str()));
    }

    async fn risks_filter_by_level_and_page_with_cursors(app: TestApp) {
        let c = app.client("acme", &[Role::RiskManager]);
        let system = c.create_ai_system("Credit scoring").await;
        let mut ids = Vec::new();
        for n in 0..5 {
            let id = c.create_risk(&format!("Risk {n}"), Some(&system)).await;
            c.assess(&id, n + 1, 4, None).await.ok(); // scores 4, 8, 12, 16, 20
            ids.push(id);
        }
        c.create_risk("Unrelated, unassessed", None).await;

        let page = "query($f: RiskFilter, $first: Int, $after: String) { risks(filter: $f, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id inherent { score level } } } } }";
        let high = c.gql(page, json!({ "f": { "minLevel": "HIGH" } })).await.ok();
        let scores: Vec<i64> = high["risks"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["inherent"]["score"].as_i64().unwrap()).collect();
        assert_eq!(scores, vec![20, 16, 12], "newest first, HIGH and above");
        assert_eq!(high["risks"]["totalCount"], 3);

        let mut seen = Vec::new();
        let mut after = json!(null);
        loop {
            let d = c.gql(page, json!({ "f": { "aiSystemId": system }, "first": 2, "after": after })).await.ok();
            let conn = &d["risks"];
            assert_eq!(conn["totalCount"], 5);
            seen.extend(conn["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()));
            if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
                break;
            }
            after = conn["pageInfo"]["endCursor"].clone();
        }
        ids.reverse();
        assert_eq!(seen, ids, "three pages, each risk once, newest first");

        assert_eq!(c.gql(page, json!({ "first": 101 })).await.code(), "BAD_USER_INPUT");
        assert_eq!(c.gql(page, json!({ "after": "garbage" })).await.code(), "BAD_USER_INPUT");
        let systems = c.gql("{ aiSystems(first: 10) { totalCount edges { node { name riskLevel risks(first: 1) { totalCount } } } } }", json!({})).await.ok();
        assert_eq!(systems["aiSystems"]["edges"][0]["node"]["riskLevel"], "CRITICAL");
        assert_eq!(systems["aiSystems"]["edges"][0]["node"]["risks"]["totalCount"], 5);

        // Several systems with their first pages of risks, batched into one call per request.
        let other = c.create_ai_system("Chat assistant").await;
        let lone = c.create_risk("Leaks personal data", Some(&other)).await;
        let both = c
            .gql("{ aiSystems { edges { node { id risks(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } } } } } }", json!({}))
            .await
            .ok();
        let edges = both["aiSystems"]["edges"].as_array().unwrap();
        let find = |id: &str| edges.iter().find(|e| e["node"]["id"] == id).unwrap()["node"]["risks"].clone();
        assert_eq!(find(&other), json!({ "totalCount": 1, "pageInfo": { "hasNextPage": false }, "edges": [{ "node": { "id": lone } }] }));
        let credit = find(&system);
        assert_eq!(credit["totalCount"], 5);
        assert_eq!(credit["pageInfo"]["hasNextPage"], true);
        assert_eq!(credit["edges"], json!([{ "node": { "id": ids[0] } }, { "node": { "id": ids[1] } }]), "newest first");
    }

    async fn ai_systems_update_and_carry_impact_assessments(app: TestApp) {
        let c = app.client("acme", &[Role::ControlOwner]);
        let system = c.create_ai_system("Triage assistant").await;
        let updated = c
            .gql("mutation($id: ID!) { updateAiSystem(id: $id, input: { lifecycleStage: OPERATION, owner: \"ops\" }) { name lifecycleStage owner } }", json!({ "id": system }))
            .await
            .ok();
        assert_eq!(updated["updateAiSystem"], json!({ "name": "Triage assistant", "lifecycleStage": "OPERATION", "owner": "ops" }));

        let create = "mutation($i: CreateImpactAssessmentInput!) { createImpactAssessment(input: $i) { id severity aiSystem { id } reviewDueOn } }";
        let input = json!({ "aiSystemId": system, "subject": "INDIVIDUALS", "dimension": "fairness", "description": "May rank some patients lower",
            "severity": 4, "likelihood": 2, "reviewDueOn": "2027-06-30" });
        let ia = c.gql(create, json!({ "i": input })).await.ok();
        assert_eq!(ia["createImpactAssessment"]["aiSystem"]["id"], system.as_str());
        assert_eq!(ia["createImpactAssessment"]["reviewDueOn"], "2027-06-30");
        let mut bad = input.clone();
        bad["severity"] = 9.into();
        assert_eq!(c.gql(create, json!({ "i": bad })).await.code(), "BAD_USER_INPUT");
        let mut unknown = input.clone();
        unknown["aiSystemId"] = "no-such-system".into();
        assert_eq!(c.gql(create, json!({ "i": unknown })).await.code(), "NOT_FOUND");

        let d = c.gql("query($id: ID!) { aiSystem(id: $id) { impactAssessments { dimension severity likelihood } } }", json!({ "id": system })).await.ok();
        assert_eq!(d["aiSystem"]["impactAssessments"], json!([{ "dimension": "fairness", "severity": 4, "likelihood": 2 }]));
        assert_eq!(c.gql("query { aiSystem(id: \"nope\") { id } }", json!({})).await.ok()["aiSystem"], json!(null));
    }

    async fn viewer_shows_the_caller_and_provisions_the_organization(app: TestApp) {
        let c = app.client("globex", &[Role::Auditor, Role::Viewer]);
        let d = c.gql("{ viewer { subject email roles organization { id name createdAt } } }", json!({})).await.ok();
        assert_eq!(d["viewer"]["subject"], "globex-user");
        assert_eq!(d["viewer"]["roles"], json!(["AUDITOR", "VIEWER"]));
        assert_eq!(d["viewer"]["organization"]["id"], "globex");
        assert_eq!(d["viewer"]["organization"]["name"], "globex Ltd");
    }
}
