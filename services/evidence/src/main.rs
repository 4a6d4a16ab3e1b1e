//! `aims-evidence`: the evidence service as its own process, configured by `AIMS_*` variables.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    aims_shared::platform::run_service(aims_evidence::SERVICE, |p| {
        Box::pin(async move { aims_evidence::start(&p).await })
    })
    .await?;
    Ok(())
}
