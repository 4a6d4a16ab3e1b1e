//! Remembers parsed query documents: clients send the same few queries over and over, and
//! parsing is a noticeable share of a small request. Validation still runs every time.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerResult, Variables};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Distinct query texts kept; past that the cache starts over (clients use a handful).
const CAPACITY: usize = 1024;
/// Longer queries are not worth keeping (and would let one client flood the cache).
const MAX_QUERY_LEN: usize = 16 * 1024;

#[derive(Clone, Default)]
pub struct ParseCache {
    documents: Arc<Mutex<HashMap<String, ExecutableDocument>>>,
}

impl ExtensionFactory for ParseCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(self.clone())
    }
}

#[async_trait::async_trait]
impl Extension for ParseCache {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        if let Some(doc) = self.documents.lock().ok().and_then(|d| d.get(query).cloned()) {
            return Ok(doc);
        }
        let doc = next.run(ctx, query, variables).await?;
        if query.len() <= MAX_QUERY_LEN
            && let Ok(mut documents) = self.documents.lock()
        {
            if documents.len() >= CAPACITY {
                documents.clear();
            }
            documents.insert(query.to_owned(), doc.clone());
        }
        Ok(doc)
    }
}
