//! The few words the theme itself says, in the site's language.
//!
//! English is the fallback; Japanese is here because the first site is
//! Japanese. A theme may ignore these and write its own words.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Strings {
    pub note: String,
    pub tip: String,
    pub important: String,
    pub warning: String,
    pub caution: String,
    pub anchor_label: String,
    pub on_this_page: String,
    pub previous: String,
    pub next: String,
    pub home: String,
    pub copy: String,
    pub copied: String,
    pub placeholders: String,
    pub placeholders_help: String,
    pub clear: String,
    pub search: String,
    pub all_pages: String,
    pub last_updated: String,
    pub last_reviewed: String,
    pub review_overdue: String,
    pub owner: String,
    pub alerts: String,
    /// Label of the block of a page's alert rules (`build --rules`).
    pub alert_rules: String,
    pub severity: String,
    pub edit_page: String,
    pub toggle_theme: String,
    pub menu: String,
    pub not_found: String,
    pub not_found_help: String,
    pub live_panel: String,
    pub check_by_hand: String,
    pub objective: String,
    pub window: String,
    pub days: String,
    pub redirecting: String,
    /// The link to a folder's print document, and its heading.
    pub print: String,
    pub print_help: String,
}

impl Strings {
    pub fn for_language(language: &str) -> Strings {
        if language.to_ascii_lowercase().starts_with("ja") {
            Strings::japanese()
        } else {
            Strings::english()
        }
    }

    fn english() -> Strings {
        Strings {
            note: "Note".into(),
            tip: "Tip".into(),
            important: "Important".into(),
            warning: "Warning".into(),
            caution: "Caution".into(),
            anchor_label: "Link to this section".into(),
            on_this_page: "On this page".into(),
            previous: "Previous".into(),
            next: "Next".into(),
            home: "Home".into(),
            copy: "Copy".into(),
            copied: "Copied".into(),
            placeholders: "Values for this page's commands".into(),
            placeholders_help: "Filled values replace the placeholders in every command on every page of this site (kept in this browser only).".into(),
            clear: "Clear".into(),
            search: "Search".into(),
            all_pages: "All pages".into(),
            last_updated: "Last updated".into(),
            last_reviewed: "Last reviewed".into(),
            review_overdue: "review overdue".into(),
            owner: "Owner".into(),
            alerts: "Alerts".into(),
            alert_rules: "Alert rules".into(),
            severity: "Severity".into(),
            edit_page: "Edit this page".into(),
            toggle_theme: "Toggle dark mode".into(),
            menu: "Menu".into(),
            not_found: "Page not found".into(),
            not_found_help: "This address has no page. Start from the index or search.".into(),
            live_panel: "Live status".into(),
            check_by_hand: "Check by hand".into(),
            objective: "Objective".into(),
            window: "Window".into(),
            days: "days".into(),
            redirecting: "Redirecting to the runbook".into(),
            print: "Print".into(),
            print_help: "Every page of this folder, in sidebar order, on one page for printing.".into(),
        }
    }

    fn japanese() -> Strings {
        Strings {
            note: "メモ".into(),
            tip: "ヒント".into(),
            important: "重要".into(),
            warning: "警告".into(),
            caution: "注意".into(),
            anchor_label: "このセクションへのリンク".into(),
            on_this_page: "このページの内容".into(),
            previous: "前へ".into(),
            next: "次へ".into(),
            home: "ホーム".into(),
            copy: "コピー".into(),
            copied: "コピーしました".into(),
            placeholders: "このページのコマンドに入れる値".into(),
            placeholders_help: "入力した値はこのサイトの全ページのコマンドに反映されます（このブラウザにのみ保存）。".into(),
            clear: "クリア".into(),
            search: "検索".into(),
            all_pages: "全ページ一覧".into(),
            last_updated: "最終更新".into(),
            last_reviewed: "最終レビュー".into(),
            review_overdue: "レビュー期限切れ".into(),
            owner: "担当".into(),
            alerts: "アラート".into(),
            alert_rules: "アラートルール".into(),
            severity: "重大度".into(),
            edit_page: "このページを編集".into(),
            toggle_theme: "ダークモード切替".into(),
            menu: "メニュー".into(),
            not_found: "ページが見つかりません".into(),
            not_found_help: "このアドレスのページはありません。目次か検索から探してください。".into(),
            live_panel: "現在の状態".into(),
            check_by_hand: "手動で確認".into(),
            objective: "目標".into(),
            window: "期間".into(),
            days: "日".into(),
            redirecting: "Runbook に移動しています".into(),
            print: "印刷用".into(),
            print_help: "このフォルダの全ページをサイドバーの順に 1 ページにまとめた印刷用の版です。".into(),
        }
    }
}
