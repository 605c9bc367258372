//! The `caffesta` command line: `serve`, and the administration commands of API.md §10.
//!
//! Scripts depend on the administration commands: each prints only the new id (or key) on
//! stdout, and errors on stderr with a non-zero exit.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::{DatabaseUrl, HttpConfig, ServeConfig};
use crate::db::products::Key;
use crate::db::{Db, Durability};
use crate::domain::ids::{DiscountGroupId, KeyId, ModifierGroupId, ShopId, StorageId};
use crate::domain::time;
use crate::service::admin::{self, KeySpec};
use crate::service::{demo, employees, ledger, stop_list, ServiceError};
use crate::{server, telemetry};

#[derive(Debug, Parser)]
#[command(
    name = "caffesta",
    version,
    about = "A self-hostable back office speaking the Caffesta API"
)]
pub struct Cli {
    /// The database: an SQLite file path, or a postgres:// URL.
    #[arg(
        long,
        global = true,
        env = "CAFFESTA_DATABASE_URL",
        default_value = "caffesta.db"
    )]
    database: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Manage accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Manage API keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Manage storages.
    #[command(subcommand)]
    Storage(NamedCreate),
    /// Manage shops (points of sale).
    #[command(subcommand)]
    Shop(ShopCommand),
    /// Manage taxes.
    #[command(subcommand)]
    Tax(TaxCommand),
    /// Manage payment types.
    #[command(name = "payment-type", subcommand)]
    PaymentType(PaymentTypeCommand),
    /// Manage custom menus.
    #[command(subcommand)]
    Menu(NamedCreate),
    /// Manage discount groups.
    #[command(name = "discount-group", subcommand)]
    DiscountGroup(DiscountGroupCommand),
    /// Manage clients.
    #[command(subcommand)]
    Client(ClientCommand),
    /// Manage modifier groups.
    #[command(name = "modifier-group", subcommand)]
    ModifierGroup(ModifierGroupCommand),
    /// Manage employees (cashiers, waiters, managers).
    #[command(subcommand)]
    Employee(EmployeeCommand),
    /// Manage the stop lists of shops (products sold out for now).
    #[command(name = "stop-list", subcommand)]
    StopList(StopListCommand),
    /// Manage webhook subscriptions.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// Manage the users of the admin web UI.
    #[command(subcommand)]
    User(UserCommand),
    /// Development tools.
    #[command(subcommand)]
    Dev(DevCommand),
    /// Change an account's settings.
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// Write a consistent copy of a live SQLite database to a new file (PostgreSQL: use
    /// `pg_dump`); prints the file's path.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Apply the migrations the database lacks, and exit.
    Migrate,
    /// Verify that every stock balance equals the sum of its ledger movements.
    Check {
        #[arg(long)]
        account: String,
    },
}

#[derive(Debug, Args)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "each is one switch of the command line"
)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CAFFESTA_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Create the `demo` account (the objects the vendor's examples assume and a cafe's month
    /// of history) if missing, and print keys for it.
    #[arg(long)]
    demo: bool,
    /// With --demo: make only the objects the vendor's examples assume, without the demo
    /// cafe's history (a blank sandbox; the benchmarks use it).
    #[arg(long, requires = "demo")]
    demo_empty: bool,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "CAFFESTA_BODY_LIMIT", default_value_t = 16 * 1024 * 1024)]
    body_limit: usize,
    /// Seconds a checked API key is trusted before it is looked up again.
    #[arg(long, env = "CAFFESTA_KEY_CACHE_TTL", default_value_t = 5)]
    key_cache_ttl: u64,
    /// Job workers (delivery orders); 0 accepts jobs and leaves them to other servers.
    #[arg(long, env = "CAFFESTA_WORKERS", default_value_t = 1)]
    workers: usize,
    /// Seconds a connection may take to send a request's headers before it is answered 408
    /// and closed.
    #[arg(long, env = "CAFFESTA_HEADER_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout: u64,
    /// Seconds a connection may sit idle between requests before it is closed.
    #[arg(long, env = "CAFFESTA_KEEP_ALIVE_TIMEOUT", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    keep_alive_timeout: u64,
    /// Requests a second each key may make unless it has its own limit (`key create --rate`),
    /// in bursts of twice that; 0: keys without their own limit are not limited.
    #[arg(long, env = "CAFFESTA_RATE_LIMIT", default_value_t = crate::config::DEFAULT_RATE_LIMIT,
          value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    rate_limit: u32,
    /// A token GET /metrics then requires (`Authorization: Bearer TOKEN`); without it,
    /// /metrics is open.
    #[arg(long, env = "CAFFESTA_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Log JSON lines instead of text.
    #[arg(long, env = "CAFFESTA_LOG_JSON")]
    log_json: bool,
    /// Deliver webhooks to private, loopback and link-local addresses too (tests, receivers
    /// on the premises); by default they are refused.
    #[arg(long, env = "CAFFESTA_WEBHOOKS_ALLOW_PRIVATE")]
    webhooks_allow_private: bool,
    /// `off`: record webhook events but leave sending them to other servers on the database.
    #[arg(long, env = "CAFFESTA_WEBHOOK_SENDER", default_value = "on", value_parser = ["on", "off"])]
    webhook_sender: String,
    /// What an answered write survives. `normal`: a crash of this server at any instant; a
    /// power cut may lose the last moment's writes (never consistency). `full`: a power cut
    /// too, at the cost of a disk sync per commit (one per group of concurrent writes).
    #[arg(long, env = "CAFFESTA_DURABILITY", default_value = "normal", value_parser = ["normal", "full"])]
    durability: String,
}

#[derive(Debug, Subcommand)]
enum WebhookCommand {
    /// Create a subscription; prints its id, then on a second line the signing secret.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        url: String,
        /// Event types, comma-separated (API.md §12).
        #[arg(long, value_delimiter = ',')]
        events: Vec<String>,
        /// The signing secret; a random one when absent.
        #[arg(long)]
        secret: Option<String>,
    },
    /// List the account's subscriptions: id, state, URL, events.
    List {
        #[arg(long)]
        account: String,
    },
    /// Delete a subscription and its delivery log; prints its id.
    Delete {
        #[arg(long)]
        account: String,
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create a user of the admin web UI; the password is read from stdin (never an
    /// argument, which other users of the machine could see); prints the user's id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        login: String,
        /// owner, manager, accountant or viewer.
        #[arg(long, default_value = "owner")]
        role: String,
    },
    /// List the account's users: id, login, role, state.
    List {
        #[arg(long)]
        account: String,
    },
    /// Disable a user and end its sessions; prints its id.
    Disable {
        #[arg(long)]
        account: String,
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum AccountCommand {
    /// Create an account (with taxes 1-2 and payment types 1-2); prints its id.
    Create {
        name: String,
        #[arg(long, default_value = time::DEFAULT_TIMEZONE)]
        timezone: String,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Create a key; prints the key (shown this once only).
    Create {
        #[arg(long)]
        account: String,
        #[arg(long, default_value = "api", value_parser = ["api", "terminal", "admin"])]
        scope: String,
        /// The shop a terminal key acts for.
        #[arg(long)]
        shop: Option<i64>,
        #[arg(long, default_value = "")]
        label: String,
        /// The key's own rate limit, in requests a second (0: not limited); default: the
        /// server's `--rate-limit`.
        #[arg(long)]
        rate: Option<i64>,
        /// Requests the key may make at once (default: twice --rate).
        #[arg(long, requires = "rate")]
        burst: Option<i64>,
    },
    /// List the keys of an account (never the keys themselves).
    List {
        #[arg(long)]
        account: String,
    },
    /// Revoke a key by id.
    Revoke {
        #[arg(long)]
        account: String,
        key_id: i64,
    },
}

#[derive(Debug, Subcommand)]
enum NamedCreate {
    /// Create one; prints its id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
    },
}

#[derive(Debug, Subcommand)]
enum EmployeeCommand {
    /// Add an employee; prints the id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "cashier", value_parser = ["cashier", "waiter", "manager"])]
        role: String,
    },
}

#[derive(Debug, Subcommand)]
enum StopListCommand {
    /// Put a product on a shop's stop list (`on`) or take it off (`off`); prints the product id.
    Set {
        #[arg(long)]
        account: String,
        #[arg(long)]
        shop: i64,
        #[arg(long)]
        product_code: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
}

#[derive(Debug, Subcommand)]
enum ShopCommand {
    /// Create a shop selling from a default storage; prints its id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        storage: i64,
    },
}

#[derive(Debug, Subcommand)]
enum TaxCommand {
    /// Create a tax with a rate in percent; prints its id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        rate: String,
    },
}

#[derive(Debug, Subcommand)]
enum PaymentTypeCommand {
    /// Create a payment type; prints its id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(admin::PAYMENT_KINDS.iter().copied()))]
        kind: String,
    },
}

#[derive(Debug, Subcommand)]
enum DiscountGroupCommand {
    /// Create a discount group; rates in percent; prints its id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long = "type", value_parser = ["discount", "bonus"])]
        kind: String,
        /// Discount, or bonus accrued, in percent of the bill.
        #[arg(long)]
        rate: String,
        /// The most of a bill that bonus may pay, in percent (default 100).
        #[arg(long)]
        bonus_max_bill_rate: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum ClientCommand {
    /// Create a client; prints its UUID.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        last_name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        card: Option<String>,
        /// Discount group id.
        #[arg(long)]
        group: Option<i64>,
    },
}

#[derive(Debug, Subcommand)]
enum ModifierGroupCommand {
    /// Create a modifier group; prints its id.
    Create {
        #[arg(long)]
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value_t = 0)]
        min: i64,
        #[arg(long, default_value_t = 1)]
        max: i64,
        /// Several of its modifiers may be chosen at once.
        #[arg(long)]
        multiple: bool,
    },
    /// Add a product to a group: `count` of it for `price`; prints the item's id.
    AddItem {
        #[arg(long)]
        account: String,
        #[arg(long)]
        group: i64,
        #[arg(long)]
        product_code: String,
        #[arg(long)]
        count: String,
        #[arg(long)]
        price: String,
    },
    /// Attach a group to a product (a dish); prints the group id.
    Attach {
        #[arg(long)]
        account: String,
        #[arg(long)]
        group: i64,
        #[arg(long)]
        product_code: String,
    },
}

#[derive(Debug, Subcommand)]
enum DevCommand {
    /// Fill an account (created if missing) with a year of sales through the till's write path.
    SeedSales {
        #[arg(long)]
        account: String,
        #[arg(long, default_value_t = 365)]
        days: i64,
        #[arg(long, default_value_t = 20)]
        shops: i64,
        #[arg(long, default_value_t = 2000)]
        products: i64,
        #[arg(long, default_value_t = 5_000_000)]
        lines: i64,
    },
    /// Fill an account (created if missing) with a year of a chain's stock ledger: weekly
    /// invoices and transfers, daily sales by recipe at two shops, in date order.
    SeedLedger {
        #[arg(long)]
        account: String,
        #[arg(long, default_value_t = 365)]
        days: i64,
        /// Goods (a fifth as many dishes are sold).
        #[arg(long, default_value_t = 800)]
        goods: i64,
        /// About how many movements the sales make.
        #[arg(long, default_value_t = 800_000)]
        movements: i64,
        /// Products of an extra storage stocked by two invoices (0: none).
        #[arg(long, default_value_t = 0)]
        wide: i64,
    },
}

#[derive(Debug, Subcommand)]
enum SettingsCommand {
    /// Set the account's time zone, stock module or lock date; prints the account id.
    Set {
        #[arg(long)]
        account: String,
        #[arg(long)]
        timezone: Option<String>,
        /// `off`: costs come from the products' declared `self_cost` instead of the ledger.
        #[arg(long, value_parser = ["on", "off"])]
        stock_module: Option<String>,
        /// `YYYY-MM-DD`: no stock document dated on or before that day (in the account's zone)
        /// can be created, wired or unwired; `none` lifts the lock.
        #[arg(long)]
        lock_date: Option<String>,
    },
}

/// Parses the command line, runs it, and maps failure to a message on stderr and exit code 1.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error for a person: an invalid value is named by its option.
fn describe(error: &anyhow::Error) -> String {
    match error.downcast_ref::<ServiceError>() {
        Some(ServiceError::Invalid {
            field: Some(field),
            message,
        }) => format!("--{}: {message}", field.replace('_', "-")),
        _ => format!("{error:#}"),
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let database = DatabaseUrl(cli.database);
    if let Command::Serve(args) = cli.command {
        return serve(database, args).await;
    }
    let db = Db::connect(&database.0).await?;
    db.migrate().await?;
    let outcome = admin_command(&db, cli.command).await;
    db.close().await;
    let printed = outcome?;
    if !printed.is_empty() {
        println!("{printed}");
    }
    Ok(())
}

/// Runs one administration command and returns what it prints.
#[expect(
    clippy::too_many_lines,
    reason = "one dispatch arm per admin subcommand, each a few lines"
)]
async fn admin_command(db: &Db, command: Command) -> anyhow::Result<String> {
    let printed = match command {
        Command::Serve(_) => anyhow::bail!("serve is not an administration command"),
        Command::Account(AccountCommand::Create { name, timezone }) => {
            admin::create_account(db, &name, Some(&timezone))
                .await?
                .to_string()
        }
        Command::Key(KeyCommand::Create {
            account,
            scope,
            shop,
            label,
            rate,
            burst,
        }) => {
            let spec = KeySpec {
                scope: &scope,
                shop_id: shop.map(ShopId::new),
                label: &label,
            };
            let budget = admin::parse_budget(rate, burst)?;
            admin::create_key_with_budget(db, &account, spec, budget)
                .await?
                .1
        }
        Command::Key(KeyCommand::List { account }) => {
            key_table(&admin::list_keys(db, &account).await?)
        }
        Command::Key(KeyCommand::Revoke { account, key_id }) => {
            admin::revoke_key(db, &account, KeyId::new(key_id)).await?;
            key_id.to_string()
        }
        Command::Storage(NamedCreate::Create { account, name }) => {
            admin::create_storage(db, &account, &name)
                .await?
                .to_string()
        }
        Command::Shop(ShopCommand::Create {
            account,
            name,
            storage,
        }) => admin::create_shop(db, &account, &name, StorageId::new(storage))
            .await?
            .to_string(),
        Command::Tax(TaxCommand::Create {
            account,
            name,
            rate,
        }) => admin::create_tax(db, &account, &name, &rate)
            .await?
            .to_string(),
        Command::PaymentType(PaymentTypeCommand::Create {
            account,
            name,
            kind,
        }) => admin::create_payment_type(db, &account, &name, &kind)
            .await?
            .to_string(),
        Command::Employee(EmployeeCommand::Create {
            account,
            name,
            role,
        }) => {
            let account_id = admin::account_id(db, &account).await?;
            employees::create(db, account_id, &name, &role)
                .await?
                .to_string()
        }
        Command::StopList(StopListCommand::Set {
            account,
            shop,
            product_code,
            state,
        }) => {
            let account_id = admin::account_id(db, &account).await?;
            let product = (Key::RefCode(&product_code), "product-code");
            let shop = ShopId::new(shop);
            stop_list::set(db, account_id, shop, product, state == "on")
                .await?
                .to_string()
        }
        Command::Menu(NamedCreate::Create { account, name }) => {
            admin::create_menu(db, &account, &name).await?.to_string()
        }
        Command::DiscountGroup(DiscountGroupCommand::Create {
            account,
            name,
            kind,
            rate,
            bonus_max_bill_rate,
        }) => {
            let spec = admin::GroupSpec {
                name: &name,
                kind: &kind,
                rate: &rate,
                bonus_max_bill_rate: bonus_max_bill_rate.as_deref(),
            };
            admin::create_discount_group(db, &account, spec)
                .await?
                .to_string()
        }
        Command::Client(ClientCommand::Create {
            account,
            name,
            last_name,
            phone,
            card,
            group,
        }) => {
            let spec = admin::ClientSpec {
                name: &name,
                last_name: last_name.as_deref(),
                phone: phone.as_deref(),
                card: card.as_deref(),
                group: group.map(DiscountGroupId::new),
            };
            admin::create_client(db, &account, spec).await?
        }
        Command::ModifierGroup(ModifierGroupCommand::Create {
            account,
            name,
            min,
            max,
            multiple,
        }) => {
            let spec = admin::ModifierGroupSpec {
                name: &name,
                min,
                max,
                multiple,
            };
            admin::create_modifier_group(db, &account, spec)
                .await?
                .to_string()
        }
        Command::ModifierGroup(ModifierGroupCommand::AddItem {
            account,
            group,
            product_code,
            count,
            price,
        }) => admin::add_modifier_item(
            db,
            &account,
            ModifierGroupId::new(group),
            &product_code,
            &count,
            &price,
        )
        .await?
        .to_string(),
        Command::ModifierGroup(ModifierGroupCommand::Attach {
            account,
            group,
            product_code,
        }) => {
            admin::attach_modifier_group(db, &account, ModifierGroupId::new(group), &product_code)
                .await?
                .to_string()
        }
        Command::Dev(DevCommand::SeedLedger {
            account,
            days,
            goods,
            movements,
            wide,
        }) => {
            let spec = crate::service::seed_ledger::LedgerSpec {
                days,
                goods,
                movements,
                wide,
            };
            let made = crate::service::seed_ledger::seed_ledger(db, &account, spec, |_| {}).await?;
            format!("{} movements, {} receipts", made.movements, made.receipts)
        }
        Command::Dev(DevCommand::SeedSales {
            account,
            days,
            shops,
            products,
            lines,
        }) => {
            let spec = crate::service::seed::SeedSpec {
                days,
                shops,
                products,
                lines,
            };
            let bar = indicatif::ProgressBar::new(u64::try_from(lines).unwrap_or(0));
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{elapsed_precise} [{bar:40}] {pos}/{len} lines, {per_sec}, eta {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let made = crate::service::seed::seed_sales(db, &account, spec, |n| {
                bar.set_position(u64::try_from(n).unwrap_or(0));
            })
            .await?;
            bar.finish();
            format!("{} receipts, {} lines", made.receipts, made.lines)
        }
        Command::Settings(SettingsCommand::Set {
            account,
            timezone,
            stock_module,
            lock_date,
        }) => {
            let change = admin::SettingsChange {
                timezone: timezone.as_deref(),
                stock_module: stock_module.map(|s| s == "on"),
                lock_date: lock_date
                    .as_deref()
                    .map(|d| Some(d).filter(|d| !d.eq_ignore_ascii_case("none"))),
            };
            admin::set_settings(db, &account, &change)
                .await?
                .to_string()
        }
        Command::Webhook(command) => webhook_command(db, command).await?,
        Command::User(command) => user_command(db, command).await?,
        Command::Backup { to } => {
            db.backup_to(&to).await?;
            to.display().to_string()
        }
        // opening the database applied them
        Command::Migrate => String::new(),
        Command::Check { account } => check(db, &account).await?,
    };
    Ok(printed)
}

/// Runs a `webhook` command and returns what it prints.
async fn webhook_command(db: &Db, command: WebhookCommand) -> anyhow::Result<String> {
    use crate::service::webhooks;
    Ok(match command {
        WebhookCommand::Create {
            account,
            url,
            events,
            secret,
        } => {
            let spec = webhooks::Spec {
                url: &url,
                events: events.iter().map(String::as_str).collect(),
                secret: secret.as_deref(),
                allow_private: true,
            };
            let created =
                webhooks::create(db, admin::account_id(db, &account).await?, &spec).await?;
            format!("{}\n{}", created.id, created.secret)
        }
        WebhookCommand::List { account } => {
            let rows = webhooks::list(db, admin::account_id(db, &account).await?).await?;
            rows.iter()
                .map(|w| {
                    let state = if w.enabled { "enabled" } else { "disabled" };
                    format!("{}\t{state}\t{}\t{}", w.id, w.url, w.events)
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        WebhookCommand::Delete { account, id } => {
            let id = crate::domain::ids::WebhookId::new(id);
            webhooks::delete(db, admin::account_id(db, &account).await?, id).await?;
            id.to_string()
        }
    })
}

/// Runs a `user` command and returns what it prints.
async fn user_command(db: &Db, command: UserCommand) -> anyhow::Result<String> {
    use crate::domain::ids::UserId;
    use crate::domain::user::Role;
    use crate::service::users;
    Ok(match command {
        UserCommand::Create {
            account,
            login,
            role,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role: {role:?} is not one of {}", Role::WORDS.join(", "))
            })?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let account_id = admin::account_id(db, &account).await?;
            users::create(db, account_id, &login, password, role)
                .await?
                .to_string()
        }
        UserCommand::List { account } => {
            let rows = users::list(db, admin::account_id(db, &account).await?).await?;
            rows.iter()
                .map(|u| {
                    let state = if u.disabled { "disabled" } else { "active" };
                    format!("{}\t{}\t{}\t{state}", u.id, u.login, u.role.as_str())
                })
                .collect::<Vec<_>>()
                .join("\n")
        }
        UserCommand::Disable { account, id } => {
            let id = UserId::new(id);
            users::disable(db, admin::account_id(db, &account).await?, id).await?;
            id.to_string()
        }
    })
}

/// Runs the ledger check: the counts on success, every mismatch and the first differences
/// from the date-order replay as an error otherwise.
async fn check(db: &Db, account: &str) -> anyhow::Result<String> {
    let report = ledger::check(db, admin::account_id(db, account).await?).await?;
    if report.is_clean() {
        return Ok(format!(
            "ok: {} balances equal the sum of the ledger; {} movements, their balances and \
             receipt-line costs equal a replay in date order",
            report.balances, report.movements
        ));
    }
    let mut lines: Vec<String> = report.mismatches.iter().map(ToString::to_string).collect();
    lines.extend(report.differences.iter().cloned());
    anyhow::bail!(
        "{} balances disagree with the ledger, {} differences from the date-order replay \
         (the first {} named):\n{}",
        report.mismatches.len(),
        report.differences.len(),
        lines.len(),
        lines.join("\n")
    )
}

fn key_table(keys: &[crate::db::keys::KeyRow]) -> String {
    use std::fmt::Write as _;
    let mut out = String::from("id\tprefix\tscope\tshop\tstatus\tcreated\trate\tlabel");
    for key in keys {
        let shop = key.shop_id.map_or_else(|| "-".into(), |s| s.to_string());
        let status = if key.revoked_at.is_some() {
            "revoked"
        } else {
            "live"
        };
        let created = time::format_rfc3339(key.created_at, &jiff::tz::TimeZone::UTC);
        let rate = key
            .budget
            .map_or_else(|| "default".to_owned(), |b| b.to_string());
        // writing into a `String` cannot fail
        let _ = write!(
            out,
            "\n{}\t{}…\t{}\t{shop}\t{status}\t{created}\t{rate}\t{}",
            key.id, key.prefix, key.scope, key.label
        );
    }
    out
}

async fn serve(database: DatabaseUrl, args: ServeArgs) -> anyhow::Result<()> {
    telemetry::init(args.log_json);
    let http = HttpConfig {
        body_limit: args.body_limit,
        key_cache_ttl: Duration::from_secs(args.key_cache_ttl),
        workers: args.workers,
        header_timeout: Duration::from_secs(args.header_timeout),
        keep_alive_timeout: Duration::from_secs(args.keep_alive_timeout),
        rate_limit: args.rate_limit,
        // a variable set to nothing is no token, as if it were not set
        metrics_token: args
            .metrics_token
            .filter(|t| !t.trim().is_empty())
            .map(crate::config::Secret),
        webhook_sender: args.webhook_sender == "on",
        webhooks_allow_private: args.webhooks_allow_private,
    };
    let config = ServeConfig {
        listen: args.listen,
        database,
        durability: match args.durability.as_str() {
            "full" => Durability::Full,
            _ => Durability::Normal,
        },
        http,
    };
    tracing::info!(database = %config.database, "opening the database");
    let db = server::open_database(&config).await?;
    if args.demo {
        let sandbox = demo::sandbox(&db, !args.demo_empty).await?;
        print_demo(&sandbox, config.listen);
    }
    let listener = server::bind(config.listen).await?;
    tracing::info!(listen = %listener.local_addr()?, "caffesta is serving");
    server::run(
        listener,
        server::app(db.clone(), &config.http),
        &config.http,
        server::shutdown_signal(),
    )
    .await?;
    db.close().await;
    Ok(())
}

fn print_demo(sandbox: &demo::Sandbox, listen: SocketAddr) {
    let demo = &sandbox.demo;
    let state = match (demo.created, sandbox.filled) {
        (true, _) => "created, with a month of a cafe's sales",
        (false, true) => "filled with a month of a cafe's sales",
        (false, false) => "already there",
    };
    let text = format!(
        "demo account {state}; a new API key for it: {key}\n\
         try: curl -H 'X-API-KEY: {key}' http://{account}.localhost:{port}/a/v1.0/storage/test\n\
         terminal key (shop 1, /a/v1.0/pos/...): {terminal}\n\
         admin key (/admin/v1/...): {admin}\n\
         admin UI: http://{account}.localhost:{port}/admin/ (login {owner}, password {password})\n\
         API reference: http://localhost:{port}/docs\n",
        key = demo.key,
        owner = demo::DEMO_OWNER,
        password = sandbox.owner_password,
        terminal = sandbox.terminal_key,
        admin = sandbox.admin_key,
        account = demo::DEMO_ACCOUNT,
        port = listen.port()
    );
    // a closed stdout (the reader went away) must not stop the server
    let mut stdout = std::io::stdout();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
