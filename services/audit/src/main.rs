//! `aims-audit`: the audit service as its own process, configured by `AIMS_*` variables.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    aims_shared::platform::run_service(aims_audit::SERVICE, |p| {
        Box::pin(async move { aims_audit::start(&p).await })
    })
    .await?;
    Ok(())
}
