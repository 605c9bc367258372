//! The custom menus edited by hand (API.md §10): a product put in a section or taken out of
//! it. Categories and sections themselves are written by the menu import
//! ([`super::menu_import`]), which the back office calls with the one entry a form names.

use crate::db::menus::{self, Link};
use crate::db::{self, catalog, Db, Tx};
use crate::domain::ids::{AccountId, MenuSectionId, ProductId};
use crate::domain::time;

use super::{ServiceError, ServiceResult};

/// Fails with `Invalid` naming `section` unless the account has that live section.
async fn require_section(
    tx: &mut Tx,
    account_id: AccountId,
    section: MenuSectionId,
) -> ServiceResult<()> {
    if menus::section_live(tx, account_id, section).await? {
        Ok(())
    } else {
        Err(ServiceError::invalid(
            "section",
            format!("no menu section {section}"),
        ))
    }
}

/// Shows the product with code `code` in `section` (already there: nothing changes).
#[tracing::instrument(skip_all, fields(account = %account_id, section = %section))]
pub async fn place(
    db: &Db,
    account_id: AccountId,
    section: MenuSectionId,
    code: &str,
) -> ServiceResult<ProductId> {
    let mut tx = db.begin_write().await?;
    require_section(&mut tx, account_id, section).await?;
    let code = code.trim();
    let found = catalog::products_by_code(&mut tx, account_id, &[code.to_owned()]).await?;
    let product_id = found
        .get(code)
        .map(|p| p.id)
        .ok_or_else(|| ServiceError::invalid("product_code", format!("no product {code:?}")))?;
    let link = Link {
        section_id: section,
        product_id,
    };
    if !menus::has_link(&mut tx, account_id, link).await? {
        menus::insert_links(&mut tx, account_id, &[link], time::now_unix()).await?;
    }
    db::commit(tx).await?;
    Ok(product_id)
}

/// Takes product `product_id` out of `section` (not there: nothing changes).
#[tracing::instrument(skip_all, fields(account = %account_id, section = %section))]
pub async fn remove(
    db: &Db,
    account_id: AccountId,
    section: MenuSectionId,
    product_id: ProductId,
) -> ServiceResult<()> {
    let mut tx = db.begin_write().await?;
    require_section(&mut tx, account_id, section).await?;
    let link = Link {
        section_id: section,
        product_id,
    };
    menus::delete_links(&mut tx, account_id, &[link]).await?;
    db::commit(tx).await?;
    Ok(())
}
