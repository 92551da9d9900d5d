//! The panels' words in the languages the theme speaks. The page's
//! `<html lang>` picks them, as it picks the theme's strings.

/// Words and short phrases; numbers are put in by `format` and the views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Strings {
    pub lang: Lang,
    pub loading: &'static str,
    pub demo: &'static str,
    pub demo_note: &'static str,
    pub current: &'static str,
    pub objective: &'static str,
    pub window_days: &'static str,
    pub error_budget: &'static str,
    pub remaining: &'static str,
    pub overspent: &'static str,
    pub burn_rate: &'static str,
    pub window: &'static str,
    pub threshold: &'static str,
    pub page: &'static str,
    pub ticket: &'static str,
    pub over: &'static str,
    pub no_events: &'static str,
    pub last_24h: &'static str,
    /// The sparkline's text alternative: "lowest 99.80%, latest 100.00%".
    pub spark_lowest: &'static str,
    pub spark_latest: &'static str,
    pub status_ok: &'static str,
    pub status_ticket: &'static str,
    pub status_page: &'static str,
    pub status_missed: &'static str,
    pub status_no_data: &'static str,
    pub status_unknown: &'static str,
    pub unavailable_slo: &'static str,
    /// The verdict when no rule fires.
    pub reason_ok: &'static str,
    /// The verdict when windows a rule decides on had no events:
    /// `{windows}` is put in.
    pub reason_no_data: &'static str,
    /// The verdict of a rule: `{long}`, `{long_rate}`, `{short}`,
    /// `{short_rate}` and `{threshold}` are put in.
    pub reason_burn: &'static str,
    pub latency: &'static str,
    pub deployment: &'static str,
    pub ready: &'static str,
    pub revision: &'static str,
    pub rollout_done: &'static str,
    pub autoscaler: &'static str,
    pub hpa_current: &'static str,
    pub hpa_desired: &'static str,
    pub cpu: &'static str,
    pub target: &'static str,
    pub at_max: &'static str,
    pub pods: &'static str,
    pub failing: &'static str,
    pub progressing: &'static str,
    pub restarts: &'static str,
    pub no_pods: &'static str,
    pub col_name: &'static str,
    pub col_ready: &'static str,
    pub col_status: &'static str,
    pub col_restarts: &'static str,
    pub col_last_reason: &'static str,
    pub col_age: &'static str,
    pub col_node: &'static str,
    pub mark_failing: &'static str,
    pub mark_progressing: &'static str,
    pub stale_server: &'static str,
    pub stale_client: &'static str,
    pub error_prefix: &'static str,
    pub use_commands: &'static str,
    pub unreachable: &'static str,
    pub http_status: &'static str,
    pub timeout: &'static str,
    /// Said instead of an error when the browser is offline.
    pub offline: &'static str,
    /// Ends a sentence: `.` or `。`.
    pub full_stop: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ja,
}

impl Strings {
    /// `ja`, `ja-JP` → Japanese; anything else English.
    pub fn for_lang(tag: &str) -> &'static Strings {
        if tag.to_ascii_lowercase().starts_with("ja") {
            &JA
        } else {
            &EN
        }
    }
}

pub static EN: Strings = Strings {
    lang: Lang::En,
    loading: "Loading live status…",
    demo: "DEMO",
    demo_note: "simulated data",
    current: "Now",
    objective: "Objective",
    window_days: "days",
    error_budget: "Error budget",
    remaining: "left",
    overspent: "overspent",
    burn_rate: "Burn rate",
    window: "Window",
    threshold: "Alert at",
    page: "page",
    ticket: "ticket",
    over: "over",
    no_events: "no events",
    last_24h: "last 24 h",
    spark_lowest: "lowest",
    spark_latest: "latest",
    status_ok: "OK",
    status_ticket: "TICKET",
    status_page: "PAGE",
    status_missed: "SLO MISSED",
    status_no_data: "NO DATA",
    status_unknown: "UNKNOWN",
    unavailable_slo: "no answer from the metrics backend yet",
    reason_ok: "No alerting window burns faster than its threshold.",
    reason_no_data: "No requests over {windows}: the service may be down or its metrics missing. Check the pods (kubectl get pods) before reading this as healthy.",
    reason_burn: "Burn rate {long_rate}× over {long} and {short_rate}× over {short} (threshold {threshold}×).",
    latency: "Latency",
    deployment: "Deployment",
    ready: "ready",
    revision: "revision",
    rollout_done: "rollout complete",
    autoscaler: "Autoscaler",
    hpa_current: "current",
    hpa_desired: "desired",
    cpu: "CPU",
    target: "target",
    at_max: "AT MAX: cannot add pods",
    pods: "pods",
    failing: "failing",
    progressing: "starting or stopping",
    restarts: "restarts",
    no_pods: "No pods match the selector.",
    col_name: "NAME",
    col_ready: "READY",
    col_status: "STATUS",
    col_restarts: "RESTARTS",
    col_last_reason: "LAST REASON",
    col_age: "AGE",
    col_node: "NODE",
    mark_failing: "problem",
    mark_progressing: "in progress",
    stale_server: "STALE: the API cannot reach its backend; showing its last good answer",
    stale_client: "STALE: no fresh answer from the API; showing the last one",
    error_prefix: "Cannot update",
    use_commands: "Use the commands below to check by hand.",
    unreachable: "the API did not answer",
    http_status: "HTTP",
    timeout: "the API took too long to answer",
    offline: "Offline: live status needs the network.",
    full_stop: ".",
};

pub static JA: Strings = Strings {
    lang: Lang::Ja,
    loading: "現在の状態を読み込み中…",
    demo: "デモ",
    demo_note: "シミュレーションのデータ",
    current: "現在",
    objective: "目標",
    window_days: "日間",
    error_budget: "エラーバジェット",
    remaining: "残り",
    overspent: "超過",
    burn_rate: "バーンレート",
    window: "期間",
    threshold: "アラート閾値",
    page: "ページ",
    ticket: "チケット",
    over: "超過",
    no_events: "イベントなし",
    last_24h: "直近 24 時間",
    spark_lowest: "最低",
    spark_latest: "最新",
    status_ok: "正常",
    status_ticket: "チケット",
    status_page: "ページ",
    status_missed: "SLO 未達",
    status_no_data: "データなし",
    status_unknown: "不明",
    unavailable_slo: "メトリクスのバックエンドからまだ応答がありません",
    reason_ok: "しきい値を超える速さで予算を消費しているウィンドウはありません。",
    reason_no_data: "{windows} のリクエストがありません。サービスの停止かメトリクスの欠落の可能性があります。正常と判断する前に Pod を確認してください（kubectl get pods）。",
    reason_burn:
        "バーンレートが {long} で {long_rate}×、{short} で {short_rate}×（閾値 {threshold}×）。",
    latency: "レイテンシ",
    deployment: "Deployment",
    ready: "Ready",
    revision: "リビジョン",
    rollout_done: "ロールアウト完了",
    autoscaler: "HPA",
    hpa_current: "現在",
    hpa_desired: "希望",
    cpu: "CPU",
    target: "目標",
    at_max: "上限到達: これ以上 Pod を増やせません",
    pods: "Pod",
    failing: "異常",
    progressing: "起動中または停止中",
    restarts: "再起動",
    no_pods: "セレクターに一致する Pod がありません。",
    col_name: "NAME",
    col_ready: "READY",
    col_status: "STATUS",
    col_restarts: "RESTARTS",
    col_last_reason: "直近の終了理由",
    col_age: "AGE",
    col_node: "NODE",
    mark_failing: "要対応",
    mark_progressing: "進行中",
    stale_server:
        "古いデータ: API がバックエンドに接続できないため、最後に取得できた値を表示しています",
    stale_client: "古いデータ: API から新しい応答がないため、最後に取得できた値を表示しています",
    error_prefix: "更新できません",
    use_commands: "下のコマンドで手動で確認してください。",
    unreachable: "API が応答しません",
    http_status: "HTTP",
    timeout: "API の応答がタイムアウトしました",
    offline: "オフライン: 現在の状態にはネットワーク接続が必要です。",
    full_stop: "。",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_from_the_page() {
        assert_eq!(Strings::for_lang("ja").lang, Lang::Ja);
        assert_eq!(Strings::for_lang("ja-JP").lang, Lang::Ja);
        assert_eq!(Strings::for_lang("en").lang, Lang::En);
        assert_eq!(Strings::for_lang("").lang, Lang::En);
    }
}
