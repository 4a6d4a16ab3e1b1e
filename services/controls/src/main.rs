//! `aims-controls`: the controls service as its own process, configured by `AIMS_*` variables.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    aims_shared::platform::run_service(aims_controls::SERVICE, |p| {
        Box::pin(async move { aims_controls::start(&p).await })
    })
    .await?;
    Ok(())
}
