//! `aims`: run everything in one process on embedded defaults (`aims serve`), or sign a
//! token for local use and integrations (`aims token`).

use aims_shared::auth::{Claims, ensure_local_secret, issue_token};
use aims_shared::{Config, Role};
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "aims", version, about = "ISO/IEC 42001 AI management system")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run every service and the gateway in this process (SQLite and an in-process bus by default).
    Serve,
    /// Print a signed JWT for the configured HS256 secret.
    Token {
        #[arg(long)]
        org: String,
        #[arg(long)]
        subject: String,
        /// ADMIN, RISK_MANAGER, CONTROL_OWNER, AUDITOR or VIEWER; repeat for several.
        #[arg(long = "role", required = true)]
        roles: Vec<Role>,
        /// Lifetime, e.g. 30m, 1h, 7d.
        #[arg(long, default_value = "1h")]
        ttl: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        org_name: Option<String>,
    },
}

/// mimalloc: the system allocator spends much of a request in lock contention under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    match cli.command {
        Command::Serve => {
            aims_shared::platform::run_service(aims_gateway::SERVICE, |p| {
                Box::pin(async move { aims_gateway::start(&p).await })
            })
            .await?;
        }
        Command::Token {
            org,
            subject,
            roles,
            ttl,
            email,
            org_name,
        } => {
            let mut jwt = config.jwt.clone();
            ensure_local_secret(&mut jwt, &config.data_dir)?;
            let Some(secret) = jwt.secret else {
                bail!(
                    "aims token signs with an HS256 secret; with a public key or JWKS configured, get tokens from your identity provider"
                );
            };
            let now = chrono::Utc::now().timestamp() as u64;
            let claims = Claims {
                sub: subject,
                exp: now + parse_ttl(&ttl)?,
                nbf: Some(now),
                iat: Some(now),
                iss: jwt.issuer,
                aud: jwt.audience.map(Into::into),
                org,
                roles,
                email,
                org_name,
            };
            println!("{}", issue_token(&secret, &claims)?);
        }
    }
    Ok(())
}

fn parse_ttl(ttl: &str) -> anyhow::Result<u64> {
    let (number, unit) = ttl.split_at(ttl.find(|c: char| !c.is_ascii_digit()).unwrap_or(ttl.len()));
    let n: u64 = number
        .parse()
        .with_context(|| format!("--ttl {ttl:?}: expected a number with s, m, h or d"))?;
    let seconds = match unit {
        "s" | "" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => bail!("--ttl {ttl:?}: unit must be s, m, h or d"),
    };
    Ok(seconds)
}
