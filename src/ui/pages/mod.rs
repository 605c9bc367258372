//! The UI's pages, one module per part of the back office, and what several of them share:
//! the shop a page is about, with its picker.

pub mod catalog;
pub mod dashboard;
pub mod documents;
pub mod menus;
pub mod new_document;
pub mod product_card;
pub mod sales;
pub mod settings;
pub mod sign_in;
pub mod stock;
pub mod tech_map;

use maud::{html, Markup};

use super::error::UiError;
use super::i18n::Text;
use super::query::Params;
use super::session::Signed;
use crate::api::AppState;
use crate::db::catalog_list::ShopRow;
use crate::domain::ids::ShopId;
use crate::service::catalog_view;

/// The account's shops and the one a page is about (`?shop=`, else the first).
async fn shop_of(
    state: &AppState,
    user: &Signed,
    params: &Params,
) -> Result<(Vec<ShopRow>, ShopId), UiError> {
    let asked = params.int("shop")?.map(ShopId::new);
    let (shops, shop) = catalog_view::shop_or_first(&state.db, user.account_id, asked).await?;
    Ok((shops, shop))
}

/// The shop picker of a filter form.
fn shop_select(user: &Signed, shops: &[ShopRow], current: ShopId) -> Markup {
    html! {
        label { (user.lang.t(Text::Shop))
            select name="shop" { @for s in shops { option value=(s.id) selected[s.id == current] { (s.name) } } }
        }
    }
}
