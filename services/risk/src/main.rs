//! `aims-risk`: the risk service as its own process, configured by `AIMS_*` variables.

/// mimalloc: the system allocator spends much of a request in lock contention under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    aims_shared::platform::run_service(aims_risk::SERVICE, |p| {
        Box::pin(async move { aims_risk::start(&p).await })
    })
    .await?;
    Ok(())
}
