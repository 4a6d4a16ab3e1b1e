//! Typed configuration from `AIMS_*` environment variables. Every value has a default that
//! works on a fresh machine; a bad value is a startup error that names the variable.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// A configuration value that could not be used, with the variable it came from.
#[derive(Debug, thiserror::Error)]
#[error("invalid {var}={value:?}: {reason}")]
pub struct ConfigError {
    pub var: String,
    pub value: String,
    pub reason: String,
}

/// Where JWT verification keys come from. Exactly one source is used, in this order.
#[derive(Debug, Clone, Default)]
pub struct JwtConfig {
    /// HS256 shared secret (`AIMS_JWT_SECRET`).
    pub secret: Option<String>,
    /// RS256/ES256 public key in PEM (`AIMS_JWT_PUBLIC_KEY_FILE`).
    pub public_key_file: Option<PathBuf>,
    /// JWKS of an identity provider (`AIMS_JWT_JWKS_URL`).
    pub jwks_url: Option<String>,
    pub issuer: Option<String>,
    pub audience: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

/// Settings common to `aims serve`, every service binary and the gateway.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    /// None: a SQLite file per service in the data dir. `postgres://...` selects PostgreSQL.
    pub database_url: Option<String>,
    pub db_pool_size: u32,
    pub db_acquire_timeout: Duration,
    /// None: the in-process bus (only meaningful when every service runs in one process).
    pub amqp_url: Option<String>,
    pub amqp_prefix: String,
    pub event_max_retries: u32,
    pub jwt: JwtConfig,
    pub log_format: LogFormat,
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    /// Gateway only: base URLs of the services; unset means "in this process".
    pub risk_url: Option<String>,
    pub controls_url: Option<String>,
    pub evidence_url: Option<String>,
    pub audit_url: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(&std::env::vars().collect())
    }

    /// Reads the configuration from a map, so that tests need not touch the process environment.
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let env = Vars(vars);
        Ok(Self {
            bind: env.parse("AIMS_BIND", "127.0.0.1:8080")?,
            data_dir: PathBuf::from(env.text("AIMS_DATA_DIR").unwrap_or_else(|| "./data".into())),
            database_url: env.url("AIMS_DATABASE_URL", &["sqlite:", "postgres://", "postgresql://"])?,
            db_pool_size: env.parse("AIMS_DB_POOL_SIZE", "10")?,
            db_acquire_timeout: Duration::from_millis(env.parse("AIMS_DB_ACQUIRE_TIMEOUT_MS", "3000")?),
            // TLS to the broker is not built in yet: refuse amqps:// rather than silently use plain TCP.
            amqp_url: env.url("AIMS_AMQP_URL", &["amqp://"])?,
            amqp_prefix: env.text("AIMS_AMQP_PREFIX").unwrap_or_else(|| "aims".into()),
            event_max_retries: env.parse("AIMS_EVENT_MAX_RETRIES", "5")?,
            jwt: JwtConfig {
                secret: env.text("AIMS_JWT_SECRET"),
                public_key_file: env.text("AIMS_JWT_PUBLIC_KEY_FILE").map(PathBuf::from),
                jwks_url: env.url("AIMS_JWT_JWKS_URL", &["http://", "https://"])?,
                issuer: env.text("AIMS_JWT_ISSUER"),
                audience: env.text("AIMS_JWT_AUDIENCE"),
            },
            log_format: match env.text("AIMS_LOG_FORMAT").as_deref() {
                None | Some("pretty") => LogFormat::Pretty,
                Some("json") => LogFormat::Json,
                Some(other) => {
                    return Err(env.error("AIMS_LOG_FORMAT", other, "expected pretty or json"));
                }
            },
            cors_origins: env
                .text("AIMS_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            body_limit_bytes: env.parse("AIMS_BODY_LIMIT_BYTES", "1048576")?,
            risk_url: env.url("AIMS_RISK_URL", &["http://", "https://"])?,
            controls_url: env.url("AIMS_CONTROLS_URL", &["http://", "https://"])?,
            evidence_url: env.url("AIMS_EVIDENCE_URL", &["http://", "https://"])?,
            audit_url: env.url("AIMS_AUDIT_URL", &["http://", "https://"])?,
        })
    }

    /// Defaults for tests and `aims serve`: port 0 is replaced by the OS.
    pub fn embedded(data_dir: PathBuf) -> Self {
        let mut vars = HashMap::new();
        vars.insert("AIMS_BIND".into(), "127.0.0.1:0".into());
        let mut c = Self::from_vars(&vars).expect("defaults are valid");
        c.data_dir = data_dir;
        c
    }

    /// The database URL one service uses: its own SQLite file, or the shared PostgreSQL database
    /// (each service then keeps its tables in a PostgreSQL schema of its own).
    pub fn database_url_for(&self, service: &str) -> String {
        match &self.database_url {
            Some(url) => url.replace("{service}", service),
            None => format!("sqlite://{}/{service}.db?mode=rwc", self.data_dir.display()),
        }
    }
}

struct Vars<'a>(&'a HashMap<String, String>);

impl Vars<'_> {
    fn text(&self, var: &str) -> Option<String> {
        self.0.get(var).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    fn error(&self, var: &str, value: &str, reason: impl Into<String>) -> ConfigError {
        let value = if var.contains("SECRET") {
            "<redacted>".to_owned()
        } else {
            value.to_owned()
        };
        ConfigError {
            var: var.into(),
            value,
            reason: reason.into(),
        }
    }

    fn parse<T: FromStr>(&self, var: &str, default: &str) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        let value = self.text(var).unwrap_or_else(|| default.to_owned());
        value
            .parse()
            .map_err(|e: T::Err| self.error(var, &value, e.to_string()))
    }

    fn url(&self, var: &str, schemes: &[&str]) -> Result<Option<String>, ConfigError> {
        match self.text(var) {
            None => Ok(None),
            Some(v) if schemes.iter().any(|s| v.starts_with(s)) => Ok(Some(v)),
            Some(v) => {
                // Never echo credentials embedded in a URL.
                let shown = v.split('@').next_back().unwrap_or_default().to_owned();
                Err(self.error(var, &shown, format!("expected a URL starting with one of {schemes:?}")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let c = Config::from_vars(&HashMap::new()).unwrap();
        assert_eq!(c.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url_for("risk"), "sqlite://./data/risk.db?mode=rwc");
        assert!(c.amqp_url.is_none());
        assert_eq!(c.amqp_prefix, "aims");
    }

    #[test]
    fn a_bad_value_names_the_variable() {
        let e = Config::from_vars(&vars(&[("AIMS_BIND", "nonsense")])).unwrap_err();
        assert_eq!(e.var, "AIMS_BIND");
        let e = Config::from_vars(&vars(&[("AIMS_DATABASE_URL", "mysql://u:pw@h/db")])).unwrap_err();
        assert_eq!(e.var, "AIMS_DATABASE_URL");
        assert!(!e.to_string().contains("pw"), "credentials must not be echoed: {e}");
        let e = Config::from_vars(&vars(&[("AIMS_LOG_FORMAT", "xml")])).unwrap_err();
        assert!(e.to_string().contains("AIMS_LOG_FORMAT"));
    }
}
