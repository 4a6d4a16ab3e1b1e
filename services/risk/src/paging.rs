//! Keyset pages over a filtered query, newest first: the cursor is the last id, so a page
//! costs the same at row 10 and row 100,000. The total is counted only when asked for.

use aims_shared::Error;
use aims_shared::pagination::{Page, PageRequest};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};

pub async fn keyset_page<E: EntityTrait>(
    db: &DatabaseConnection,
    select: Select<E>,
    id: E::Column,
    page: &PageRequest,
    with_total: bool,
    id_of: impl Fn(&E::Model) -> String,
) -> Result<Page<E::Model>, Error>
where
    E::Model: Sync,
{
    let total_count = if with_total {
        Some(select.clone().count(db).await?)
    } else {
        None
    };
    let mut query = select.order_by_desc(id).limit(page.first + 1);
    if let Some(after) = &page.after {
        query = query.filter(id.lt(after.as_str()));
    }
    let rows = query.all(db).await?;
    Ok(Page {
        total_count,
        ..Page::from_rows(rows, page.first, id_of)
    })
}
