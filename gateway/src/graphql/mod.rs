//! The public GraphQL schema. Each domain has its module; resolvers call the owning
//! service through [`crate::Services`] and batch lookups with DataLoaders (no N+1).

pub mod loaders;
mod parse_cache;
pub mod pending;
pub mod risk;

use async_graphql::{MergedObject, Schema, SimpleObject};

/// Deepest query nesting accepted: deep enough for every real screen, too shallow for abuse.
pub const MAX_DEPTH: usize = 12;
/// Most fields a query may select (lists count per page size).
pub const MAX_COMPLEXITY: usize = 5_000;

#[derive(SimpleObject, Clone, Debug, Default)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub end_cursor: Option<String>,
}

#[derive(MergedObject, Default)]
pub struct Query(risk::RiskQuery, pending::PendingQuery);

#[derive(MergedObject, Default)]
pub struct Mutation(risk::RiskMutation, pending::PendingMutation);

pub type AimsSchema = Schema<Query, Mutation, pending::PendingSubscription>;

/// The schema without request data; the gateway adds the caller and loaders per request.
pub fn build_schema() -> AimsSchema {
    pending::register_unreferenced(Schema::build(
        Query::default(),
        Mutation::default(),
        pending::PendingSubscription,
    ))
    .extension(parse_cache::ParseCache::default())
    .limit_depth(MAX_DEPTH)
    .limit_complexity(MAX_COMPLEXITY)
    .finish()
}
