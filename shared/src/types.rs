//! Scalar types shared by the services' REST DTOs and the GraphQL schema.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A calendar date, `YYYY-MM-DD` (ISO 8601): GraphQL scalar `Date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

#[async_graphql::Scalar(name = "Date")]
impl async_graphql::ScalarType for Date {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            async_graphql::Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map(Date).map_err(|_| {
                async_graphql::InputValueError::custom(format!("{s:?} is not a date in the form YYYY-MM-DD"))
            }),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}
