//! `aims-risk`: the risk service as its own process, configured by `AIMS_*` variables.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    aims_shared::platform::run_service(aims_risk::SERVICE, |p| {
        Box::pin(async move { aims_risk::start(&p).await })
    })
    .await?;
    Ok(())
}
