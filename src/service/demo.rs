//! The demo account of `serve --demo`: the objects the vendor's examples in `reference/`
//! assume, so that every example works verbatim against a fresh server.

use crate::db::{self, accounts, objects, Db};
use crate::domain::ids::{MenuId, ShopId, StorageId};
use crate::domain::time;
use crate::domain::user::Role;

use super::admin::{self, KeySpec};
use super::{demo_cafe, Actor, ServiceError, ServiceResult};

pub const DEMO_ACCOUNT: &str = "demo";

/// The storages of `reference/storage.md`, ids 1–5 in this order.
const STORAGES: [&str; 5] = [
    "Склад кафе Буран",
    "Общий склад",
    "Резервный склад",
    "Склад магазина К звёздам",
    "Склад бара Берико",
];

/// Shops 1 and 2 with their default storages.
const SHOPS: [(&str, StorageId); 2] = [
    ("Кафе Буран", StorageId::new(1)),
    ("Магазин К звёздам", StorageId::new(4)),
];

/// Menus 1 and 2, which the import example of `reference/items.md` fills.
const MENUS: [&str; 2] = ["Основное меню", "Барное меню"];

/// Menus 1 and 2, also for a demo account made before menus existed.
async fn ensure_menus(db: &Db) -> ServiceResult<()> {
    let account_id = admin::account_id(db, DEMO_ACCOUNT).await?;
    let mut tx = db.begin_write().await?;
    if objects::live_ids::<MenuId>(&mut tx, account_id)
        .await?
        .is_empty()
    {
        let now = time::now_unix();
        for name in MENUS {
            objects::insert_menu(&mut tx, account_id, name, now).await?;
        }
        db::commit(tx).await?;
    }
    Ok(())
}

/// What `serve --demo` did.
pub struct Demo {
    pub created: bool,
    pub key: String,
}

/// Creates the demo account when it does not exist (one transaction), then a fresh API key
/// for it: keys are stored only as digests, so each start mints one it can print.
#[tracing::instrument(skip_all, fields(account = DEMO_ACCOUNT))]
pub async fn ensure(db: &Db) -> ServiceResult<Demo> {
    let created = accounts::find_by_name(db, DEMO_ACCOUNT).await?.is_none();
    if created {
        let mut tx = db.begin_write().await?;
        let account_id =
            admin::insert_account(&mut tx, DEMO_ACCOUNT, time::DEFAULT_TIMEZONE).await?;
        let now = time::now_unix();
        for name in STORAGES {
            objects::insert_storage(&mut tx, account_id, name, now).await?;
        }
        for (name, storage_id) in SHOPS {
            objects::insert_shop(&mut tx, account_id, name, storage_id, now).await?;
        }
        db::commit(tx).await?;
    }
    ensure_menus(db).await?;
    let spec = KeySpec {
        scope: "api",
        shop_id: None,
        label: "serve --demo",
    };
    let (_, key) = admin::create_key(db, DEMO_ACCOUNT, spec).await?;
    Ok(Demo { created, key })
}

/// The login of the sandbox's owner in the admin UI.
pub const DEMO_OWNER: &str = "owner";

/// What `serve --demo` made and the keys it minted for the sandbox.
pub struct Sandbox {
    pub demo: Demo,
    /// The demo cafe's history was made by this start.
    pub filled: bool,
    /// A terminal key for shop 1 (the `/pos/…` API) and an admin key (`/admin/v1/…`).
    pub terminal_key: String,
    pub admin_key: String,
    /// The admin UI's `owner` user and its password, new at each start.
    pub owner_password: String,
}

/// The demo account of `serve --demo`, with the demo cafe in it when `history` (made once:
/// only while the account has no documents or receipts, so a start that was cut short fills
/// it next time), and fresh keys of each scope.
#[tracing::instrument(skip_all, fields(account = DEMO_ACCOUNT))]
pub async fn sandbox(db: &Db, history: bool) -> ServiceResult<Sandbox> {
    let demo = ensure(db).await?;
    let account = accounts::find_by_name(db, DEMO_ACCOUNT)
        .await?
        .ok_or_else(|| ServiceError::NotFound("no demo account".into()))?;
    let filled = history && !accounts::has_history(db, account.id).await?;
    if filled {
        let actor = Actor {
            account_id: account.id,
            user_id: 0,
            timezone: time::parse_timezone(&account.timezone)
                .map_err(|e| ServiceError::invalid("timezone", e))?,
        };
        demo_cafe::populate(db, &actor).await?;
    }
    let key = |scope, shop_id, label| KeySpec {
        scope,
        shop_id,
        label,
    };
    let terminal = key("terminal", Some(ShopId::new(1)), "serve --demo, shop 1");
    let (_, terminal_key) = admin::create_key(db, DEMO_ACCOUNT, terminal).await?;
    let (_, admin_key) =
        admin::create_key(db, DEMO_ACCOUNT, key("admin", None, "serve --demo")).await?;
    let owner_password = crate::domain::key::generate()[..16].to_owned();
    super::users::set_or_create(db, account.id, DEMO_OWNER, &owner_password, Role::Owner).await?;
    Ok(Sandbox {
        demo,
        filled,
        terminal_key,
        admin_key,
        owner_password,
    })
}
