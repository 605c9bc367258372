//! The interface's words in Russian and English (API.md §10: the vendor's users read
//! Russian). A page asks for a [`Text`], never for a string, so a missing translation does
//! not compile.

use axum::http::{header, HeaderMap};

/// The interface language: a cookie set from the language switch, else the browser's
/// `Accept-Language`, else Russian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Ru,
    En,
}

/// The cookie the language switch sets.
pub const COOKIE: &str = "caffesta_lang";

impl Lang {
    pub fn parse(word: &str) -> Option<Lang> {
        match word {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language a request asks for.
    pub fn of(headers: &HeaderMap) -> Lang {
        if let Some(chosen) = super::session::cookie(headers, COOKIE).and_then(Lang::parse) {
            return chosen;
        }
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        // the first language named decides; weights are not worth parsing for two languages
        match accept.trim_start().get(..2) {
            Some(code) if code.eq_ignore_ascii_case("en") => Lang::En,
            _ => Lang::Ru,
        }
    }

    /// The word for `text` in this language.
    pub fn t(self, text: Text) -> &'static str {
        let (en, ru) = text.words();
        match self {
            Lang::En => en,
            Lang::Ru => ru,
        }
    }
}

macro_rules! texts {
    ($($name:ident => ($en:literal, $ru:literal)),+ $(,)?) => {
        /// Every word of the interface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text { $($name),+ }

        impl Text {
            const fn words(self) -> (&'static str, &'static str) {
                match self { $(Text::$name => ($en, $ru)),+ }
            }
        }
    };
}

texts! {
    BackOffice => ("Back office", "Бэк-офис"),
    SignIn => ("Sign in", "Войти"),
    SignOut => ("Sign out", "Выйти"),
    Account => ("Account", "Аккаунт"),
    Login => ("Login", "Логин"),
    Password => ("Password", "Пароль"),
    SignInRefused => ("Wrong login or password.", "Неверный логин или пароль."),
    SignInThrottled => ("Too many attempts. Try again in", "Слишком много попыток. Повторите через"),
    Minutes => ("min", "мин"),
    Dashboard => ("Dashboard", "Сводка"),
    Stock => ("Stock", "Склад"),
    Documents => ("Documents", "Документы"),
    Catalog => ("Catalog", "Каталог"),
    Sales => ("Sales", "Продажи"),
    Settings => ("Settings", "Настройки"),
    Today => ("Today", "Сегодня"),
    ThisMonth => ("This month", "Этот месяц"),
    Revenue => ("Revenue", "Выручка"),
    Receipts => ("Receipts", "Чеки"),
    AverageBill => ("Average bill", "Средний чек"),
    Shop => ("Shop", "Заведение"),
    AllShops => ("All shops", "Все заведения"),
    RevenuePerDay => ("Revenue per day, last 30 days", "Выручка по дням за 30 дней"),
    RevenuePerHour => ("Revenue per hour, today", "Выручка по часам, сегодня"),
    TopProducts => ("Top products this month", "Лучшие товары месяца"),
    Product => ("Product", "Товар"),
    Quantity => ("Quantity", "Количество"),
    StockValue => ("Stock value", "Стоимость остатков"),
    Storage => ("Storage", "Склад"),
    Value => ("Value", "Сумма"),
    BelowMinimum => ("Below minimum", "Ниже минимума"),
    Minimum => ("Minimum", "Минимум"),
    Balance => ("Balance", "Остаток"),
    OrdersWaiting => ("Orders waiting", "Ожидающие заказы"),
    Nothing => ("Nothing here.", "Здесь пусто."),
    Search => ("Search", "Поиск"),
    Show => ("Show", "Показать"),
    AtDate => ("As of", "На дату"),
    AverageCost => ("Average cost", "Средняя себестоимость"),
    Code => ("Code", "Код"),
    Unit => ("Unit", "Ед."),
    Kind => ("Kind", "Вид"),
    Date => ("Date", "Дата"),
    Status => ("Status", "Статус"),
    Wired => ("Wired", "Проведён"),
    NotWired => ("Not wired", "Не проведён"),
    Wire => ("Wire", "Провести"),
    Unwire => ("Unwire", "Отменить проведение"),
    Comment => ("Comment", "Комментарий"),
    From => ("From", "С"),
    To => ("To", "По"),
    Any => ("Any", "Любой"),
    Invoice => ("Supplier invoice", "Приходная накладная"),
    Transfer => ("Transfer", "Перемещение"),
    WriteOff => ("Write-off", "Списание"),
    Stocktaking => ("Stocktaking", "Инвентаризация"),
    SupplierReturn => ("Return to supplier", "Возврат поставщику"),
    Adjustment => ("Adjustment", "Корректировка"),
    Lines => ("Lines", "Строки"),
    Cost => ("Cost", "Себестоимость"),
    Total => ("Total", "Итого"),
    MovementReport => ("Movement report", "Оборотная ведомость"),
    Opening => ("Opening", "Начало"),
    Incoming => ("In", "Приход"),
    Outgoing => ("Out", "Расход"),
    Closing => ("Closing", "Конец"),
    Ledger => ("Ledger", "Движения"),
    Keys => ("API keys", "API-ключи"),
    Users => ("Users", "Пользователи"),
    Webhooks => ("Webhooks", "Вебхуки"),
    Create => ("Create", "Создать"),
    Revoke => ("Revoke", "Отозвать"),
    Disable => ("Disable", "Отключить"),
    Disabled => ("Disabled", "Отключён"),
    Active => ("Active", "Активен"),
    Role => ("Role", "Роль"),
    Scope => ("Scope", "Назначение"),
    Label => ("Label", "Метка"),
    Created => ("Created", "Создан"),
    Revoked => ("Revoked", "Отозван"),
    KeyShownOnce => ("Copy the key now: it is shown only once.", "Скопируйте ключ сейчас: он показывается один раз."),
    Forbidden => ("Your role may not do this.", "Вашей роли это недоступно."),
    NotFound => ("Not found.", "Не найдено."),
    Refused => ("Refused", "Отказано"),
    BadForm => ("The form has expired; reload the page and try again.", "Форма устарела; обновите страницу и повторите."),
    Products => ("Products", "Товары"),
    Price => ("Price", "Цена"),
    StopList => ("Stop list", "Стоп-лист"),
    InStopList => ("Stopped", "На стопе"),
    Stop => ("Stop", "Поставить на стоп"),
    Resume => ("Resume", "Снять со стопа"),
    Url => ("URL", "Адрес"),
    Events => ("Events", "События"),
    Deliveries => ("Deliveries", "Доставки"),
    Replay => ("Replay", "Повторить"),
    Event => ("Event", "Событие"),
    Attempts => ("Attempts", "Попытки"),
    Secret => ("Signing secret", "Секрет подписи"),
    Back => ("Back", "Назад"),
    Saved => ("Saved.", "Сохранено."),
    NewDocument => ("New document", "Новый документ"),
    Shipper => ("Supplier", "Поставщик"),
    ShipperCode => ("Supplier code", "Код поставщика"),
    Number => ("Number", "Номер"),
    Reason => ("Reason", "Причина"),
    FullCount => ("Full (counts every product)", "Полная (все товары)"),
    Counted => ("Counted", "Фактически"),
    InvoiceNumber => ("Invoice id", "Накладная №"),
    Margin => ("Margin", "Маржа"),
    Payments => ("Payments", "Оплаты"),
    TimeZone => ("Time zone", "Часовой пояс"),
    StockModule => ("Stock module", "Складской учёт"),
    LockDate => ("Lock date", "Дата запрета"),
    Clients => ("Clients", "Клиенты"),
    Name => ("Name", "Имя"),
    Phone => ("Phone", "Телефон"),
    Card => ("Card", "Карта"),
    Bonus => ("Bonus", "Бонусы"),
    Spend => ("Spend", "Покупки"),
    Save => ("Save", "Сохранить"),
    On => ("on", "вкл."),
    Off => ("off", "выкл."),
    Storages => ("Storages", "Склады"),
    Shops => ("Shops", "Заведения"),
    Employees => ("Employees", "Сотрудники"),
    Taxes => ("Taxes", "Налоги"),
    Rate => ("Rate, %", "Ставка, %"),
    PaymentTypes => ("Payment types", "Типы оплат"),
    NewProduct => ("New product", "Новый товар"),
    Title => ("Name", "Название"),
    TechMap => ("Tech map", "Техкарта"),
    Recipe => ("Recipe", "Рецептура"),
    Output => ("Output", "Выход"),
    WrittenOff => ("Sale writes off", "При продаже списывать"),
    Category => ("Category", "Категория"),
    Categories => ("Categories", "Категории"),
    CategoryForm => ("Add or rename a category", "Добавить или переименовать категорию"),
    Parent => ("Parent", "Родитель"),
    Tax => ("Tax", "Налог"),
    Barcode => ("Barcode", "Штрихкод"),
    UseDiscounts => ("Discounts apply", "Действуют скидки"),
    ForSale => ("For sale", "В продаже"),
    Menus => ("Menus", "Меню"),
    MenuSection => ("Section", "Раздел"),
    SectionForm => ("Add or rename a section", "Добавить или переименовать раздел"),
    NewMenu => ("New menu", "Новое меню"),
    Remove => ("Remove", "Убрать"),
    Shifts => ("Shifts", "Смены"),
    Opened => ("Opened", "Открыта"),
    Closed => ("Closed", "Закрыта"),
    Open => ("open", "открыта"),
    Cashier => ("Cashier", "Кассир"),
    Earlier => ("Earlier", "Раньше"),
    Later => ("Later", "Позже"),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_the_cookie_then_the_browser_then_russian() {
        let mut headers = HeaderMap::new();
        assert_eq!(Lang::of(&headers), Lang::Ru);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            "en-US,en;q=0.9".parse().expect("test value"),
        );
        assert_eq!(Lang::of(&headers), Lang::En);
        headers.insert(
            header::COOKIE,
            "a=b; caffesta_lang=ru".parse().expect("test value"),
        );
        assert_eq!(Lang::of(&headers), Lang::Ru);
        assert_eq!(Lang::Ru.t(Text::Wire), "Провести");
    }
}
