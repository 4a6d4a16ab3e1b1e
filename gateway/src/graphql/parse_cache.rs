//! Remembers parsed query documents and, for single-operation queries without variables,
//! their validation result: clients send the same few queries over and over, and parsing and
//! validating them is a large share of a small request. A query seen for the first time is
//! parsed and validated in full (depth and complexity limits included).

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};
use async_graphql::{ServerError, ServerResult, ValidationResult, Variables};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Distinct query texts kept; past that the cache starts over (clients use a handful).
const CAPACITY: usize = 1024;
/// Longer queries are not worth keeping (and would let one client flood the cache).
const MAX_QUERY_LEN: usize = 16 * 1024;

#[derive(Clone, Default)]
pub struct ParseCache {
    documents: Arc<Mutex<HashMap<String, ExecutableDocument>>>,
    validated: Arc<Mutex<HashMap<String, ValidationResult>>>,
}

/// The extension instance of one request: remembers which query it is for the validation step.
struct ForRequest {
    cache: ParseCache,
    validation_key: Mutex<Option<String>>,
}

impl ExtensionFactory for ParseCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ForRequest {
            cache: self.clone(),
            validation_key: Mutex::new(None),
        })
    }
}

fn remember<V: Clone>(map: &Mutex<HashMap<String, V>>, key: &str, value: &V) {
    if key.len() <= MAX_QUERY_LEN
        && let Ok(mut map) = map.lock()
    {
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(key.to_owned(), value.clone());
    }
}

#[async_trait::async_trait]
impl Extension for ForRequest {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let cached = self.cache.documents.lock().ok().and_then(|d| d.get(query).cloned());
        let doc = match cached {
            Some(doc) => doc,
            None => {
                let doc = next.run(ctx, query, variables).await?;
                remember(&self.cache.documents, query, &doc);
                doc
            }
        };
        // Validation depends on the document, the variables and the chosen operation: reuse
        // it only where the last two cannot differ.
        if variables.is_empty()
            && matches!(doc.operations, DocumentOperations::Single(_))
            && let Ok(mut key) = self.validation_key.lock()
        {
            *key = Some(query.to_owned());
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let key = self.validation_key.lock().ok().and_then(|k| k.clone());
        let Some(key) = key else { return next.run(ctx).await };
        if let Some(result) = self.cache.validated.lock().ok().and_then(|v| v.get(&key).copied()) {
            return Ok(result);
        }
        let result = next.run(ctx).await?;
        remember(&self.cache.validated, &key, &result);
        Ok(result)
    }
}
