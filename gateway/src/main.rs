//! `aims-gateway`: the public API as its own process. Services with an `AIMS_*_URL` are called
//! over HTTP; the others run inside this process.

/// mimalloc: the system allocator spends much of a request in lock contention under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    aims_shared::platform::run_service(aims_gateway::SERVICE, |p| {
        Box::pin(async move { aims_gateway::start(&p).await })
    })
    .await?;
    Ok(())
}
