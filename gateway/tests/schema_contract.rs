//! The served GraphQL schema is committed as `gateway/schema.graphql`; this test fails when the
//! code and that file drift apart (run with `UPDATE_SDL=1` to accept a deliberate change), and
//! checks the file against the public contract in `../shared/api/` with its own checker.

use std::path::PathBuf;
use std::process::Command;

fn committed_sdl_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema.graphql")
}

#[test]
fn served_schema_matches_the_committed_sdl() {
    let served = aims_gateway::graphql::build_schema().sdl();
    let path = committed_sdl_path();
    if std::env::var("UPDATE_SDL").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(&path).expect("gateway/schema.graphql is committed");
    assert!(
        committed == served,
        "the served schema differs from gateway/schema.graphql; run `UPDATE_SDL=1 cargo test -p aims-gateway --test schema_contract` and review the diff"
    );
}

#[test]
fn committed_sdl_satisfies_the_public_contract() {
    let checker = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/api/check-contract");
    let has_graphql_core = Command::new("python3")
        .args(["-c", "import graphql"])
        .status()
        .is_ok_and(|s| s.success());
    if !checker.exists() || !has_graphql_core {
        let why = format!(
            "needs {} and python3 with graphql-core (pip install graphql-core)",
            checker.display()
        );
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "contract check cannot run under CI: {why}"
        );
        eprintln!("skipping the contract check: {why}");
        return;
    }
    let out = Command::new("python3")
        .arg(&checker)
        .arg(committed_sdl_path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the served schema breaks the public contract:\n{report}"
    );
}
