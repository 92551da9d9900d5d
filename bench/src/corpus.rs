//! A synthetic runbook corpus: Japanese pages shaped like real runbooks
//! (front matter, tables, 3–8 shell blocks, cross-links), every code block
//! different so no tool gains from repeats. Written in the layout each tool
//! expects: a runbook content folder, a Hugo site, an mdBook book.

use std::fmt::Write as _;
use std::path::Path;

/// Pages per folder unless asked otherwise: real runbooks are grouped by
/// service.
pub const PAGES_PER_FOLDER: usize = 100;

/// Pages per folder when each folder holds `share` percent of `pages`
/// (24 gives folders of 2,400 at 10,000 pages: the shape whose sidebar
/// grew with the square of the folder).
pub fn per_folder(pages: usize, share: Option<usize>) -> usize {
    match share {
        Some(share) => (pages * share).div_ceil(100).max(1),
        None => PAGES_PER_FOLDER,
    }
}

const SERVICES: [&str; 12] = [
    "api", "worker", "gateway", "auth", "billing", "search", "notify", "media", "batch", "admin",
    "ledger", "export",
];
const SYMPTOMS: [&str; 10] = [
    "高エラー率",
    "高レイテンシ",
    "Pod再起動頻発",
    "高CPU使用率",
    "高メモリ使用率",
    "DB接続エラー",
    "ディスク逼迫",
    "キュー滞留",
    "証明書期限切れ",
    "外部API障害",
];
const ACTIONS: [&str; 8] = [
    "ロールバック",
    "スケールアウト",
    "再起動",
    "フェイルオーバー",
    "キャッシュ削除",
    "接続数の調整",
    "インデックス再構築",
    "設定の切り戻し",
];
const PHRASES: [&str; 12] = [
    "アラートを受信したら、まず Slack の #oncall で受領を宣言します。",
    "直近のデプロイとの相関を確認し、疑わしい場合はロールバックを優先します。",
    "エラーバジェットの消費速度を確認し、ページングの閾値を超えていればエスカレーションします。",
    "ログは Cloud Logging で severity>=ERROR に絞り込み、同じ時間帯の件数を比較します。",
    "データベースの接続数が上限に近い場合は、アプリケーション側のプール設定を見直します。",
    "HPA が最大レプリカ数に達している場合は、ノードプールの空き容量も確認してください。",
    "復旧後は 15 分間メトリクスを監視し、再発がないことを確認してからクローズします。",
    "影響範囲が全ユーザーに及ぶ場合は、レベル4のエスカレーションを検討します。",
    "設定変更は必ず変更管理の手順に従い、作業内容をチケットに記録します。",
    "OOMKilled が続く場合は、メモリ制限値とヒープ設定の両方を確認します。",
    "p95 レイテンシが 1 秒を超えた状態が続く場合は、遅いクエリを pg_stat_statements で特定します。",
    "証明書の更新後は、全リージョンのロードバランサで新しい証明書が配信されていることを確認します。",
];

/// A small deterministic generator (SplitMix64): the same corpus on every
/// machine and every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One page: where it lives and its Markdown body (without front matter).
pub struct Page {
    pub folder: usize,
    pub index: usize,
    pub title: String,
    pub severity: &'static str,
    pub body: String,
}

impl Page {
    pub fn rel(&self) -> String {
        format!("svc-{:03}/page-{:05}.md", self.folder, self.index)
    }
}

/// `pages` pages, `per_folder` to a folder (see [`per_folder`]). The text
/// of each page depends only on `pages`; the folder only on `per_folder`.
pub fn generate(pages: usize, per_folder: usize) -> Vec<Page> {
    let mut rng = Rng::new(0x5eed_u64 ^ pages as u64);
    (0..pages)
        .map(|i| page(&mut rng, i, pages, per_folder))
        .collect()
}

fn page(rng: &mut Rng, i: usize, total: usize, per_folder: usize) -> Page {
    let service = SERVICES[i % SERVICES.len()];
    let symptom = rng.pick(&SYMPTOMS);
    let title = format!("{service}-{i:05} {symptom}対応");
    let severity = ["CRITICAL", "ERROR", "WARNING"][rng.below(3)];
    let mut body = String::with_capacity(6_000);
    let _ = writeln!(body, "# {title}\n");
    let _ = writeln!(body, "{} {}\n", rng.pick(&PHRASES), rng.pick(&PHRASES));
    let _ = writeln!(
        body,
        "## アラート\n\n| アラート名 | 優先度 | 条件 |\n|---|---|---|"
    );
    for n in 0..3 {
        let _ = writeln!(
            body,
            "| {}{}Alert{n} | {severity} | エラー率 > {}% (直近 {} 分) |",
            service.to_uppercase(),
            i,
            1 + rng.below(9),
            5 + rng.below(55)
        );
    }
    let _ = writeln!(
        body,
        "\n## 影響\n\n{} エラーバジェットは 30 日で {:.1} 分です。\n",
        rng.pick(&PHRASES),
        43.2 * (1 + rng.below(3)) as f64
    );
    let _ = writeln!(body, "## 初動\n");
    for step in 1..=4 {
        let _ = writeln!(body, "{step}. {}", rng.pick(&PHRASES));
    }
    let blocks = 3 + rng.below(6);
    let _ = writeln!(body, "\n## 調査\n");
    for b in 0..blocks {
        let _ = writeln!(
            body,
            "### {} {b}\n\n{}\n\n```bash\n{}```\n",
            rng.pick(&ACTIONS),
            rng.pick(&PHRASES),
            command_block(rng, service, i, b)
        );
    }
    let _ = writeln!(body, "## 緩和\n\n{}\n\n```sql\nSELECT pid, state, wait_event_type, now() - query_start AS duration\nFROM pg_stat_activity\nWHERE datname = '{service}_{i}' AND state <> 'idle'\nORDER BY duration DESC\nLIMIT {};\n```\n", rng.pick(&PHRASES), 5 + rng.below(50));
    let _ = writeln!(body, "## 関連ページ\n");
    for _ in 0..3 {
        let target = rng.below(total);
        let _ = writeln!(
            body,
            "- [{} ページ {target}](../svc-{:03}/page-{target:05}.md#調査)",
            rng.pick(&SYMPTOMS),
            target / per_folder
        );
    }
    Page {
        folder: i / per_folder,
        index: i,
        title,
        severity,
        body,
    }
}

/// A shell block of 3–6 commands, all parameterised by page and block so
/// that no two blocks in the corpus are equal.
fn command_block(rng: &mut Rng, service: &str, page: usize, block: usize) -> String {
    let mut code = String::new();
    let lines = 3 + rng.below(4);
    for l in 0..lines {
        let n = rng.below(1000);
        let line = match rng.below(8) {
            0 => format!("kubectl get pods -n {service}-{page} -l app={service},tier=b{block} --field-selector=status.phase!=Running -o wide  # {n}"),
            1 => format!("kubectl logs deploy/{service}-{page} -n {service} -c app --since={}m --tail={n} | grep -E 'ERROR|panic' | head -n {}", 5 + l, 10 + block),
            2 => format!("gcloud sql instances describe {service}-db-{page} --project=proj-{n} --format='value(state,settings.tier)'"),
            3 => format!("kubectl rollout undo deployment/{service}-{page} -n {service} --to-revision={}", 1 + n % 40),
            4 => format!("gcloud logging read 'resource.type=k8s_container AND labels.app=\"{service}\" AND severity>=ERROR' --limit={n} --freshness={}h --format=json", 1 + block),
            5 => format!("for p in $(kubectl get pods -n {service} -o name | head -n {}); do kubectl top \"$p\" -n {service} --containers; done", 2 + n % 9),
            6 => format!("psql \"host=10.{}.{}.{} dbname={service}_{page} user=ops sslmode=require\" -c 'SELECT count(*) FROM pg_stat_activity WHERE state = $$active$$;'", block, n % 256, l),
            _ => format!("curl -fsS -m {} \"http://{service}-{page}.internal:8080/healthz?probe={n}\" || echo \"unhealthy: $?\"", 2 + l),
        };
        code.push_str(&line);
        code.push('\n');
    }
    code
}

fn folders(pages: &[Page]) -> usize {
    pages.last().map_or(0, |p| p.folder + 1)
}

/// The same corpus as a runbook content folder.
pub fn write_runbook(pages: &[Page], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(
        dir.join("runbook.yaml"),
        "title: Bench Runbook\nlanguage: ja\n",
    )?;
    let mut index = String::from("# ベンチマーク Runbook\n\n");
    for folder in 0..folders(pages) {
        let _ = writeln!(index, "- [サービス {folder:03}](svc-{folder:03}/README.md)");
        let mut readme = format!("# サービス {folder:03}\n\n");
        for page in pages.iter().filter(|p| p.folder == folder) {
            let _ = writeln!(readme, "- [{}](page-{:05}.md)", page.title, page.index);
        }
        let sub = dir.join(format!("svc-{folder:03}"));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join("README.md"), readme)?;
    }
    std::fs::write(dir.join("README.md"), index)?;
    for page in pages {
        let text = format!(
            "---\ntitle: \"{}\"\nseverity: {}\nowner: \"@team-{}\"\ntags: [bench, {}]\n---\n{}",
            page.title, page.severity, page.folder, page.severity, page.body
        );
        std::fs::write(dir.join(page.rel()), text)?;
    }
    Ok(())
}

/// The same corpus as a Hugo site with minimal layouts (Hugo highlights
/// fences at build time with Chroma, like runbook).
pub fn write_hugo(pages: &[Page], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("layouts/_default"))?;
    std::fs::write(
        dir.join("hugo.toml"),
        "baseURL = 'https://example.org/'\nlanguageCode = 'ja'\ntitle = 'Bench'\ndisableKinds = ['taxonomy', 'term', 'RSS']\n[markup.highlight]\nnoClasses = false\n",
    )?;
    let base = "<!doctype html><html><head><title>{{ .Title }}</title></head><body><nav>{{ range .Site.Sections }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}</nav><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n";
    std::fs::write(dir.join("layouts/_default/baseof.html"), base)?;
    std::fs::write(
        dir.join("layouts/_default/single.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}{{ end }}\n",
    )?;
    std::fs::write(dir.join("layouts/_default/list.html"), "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n")?;
    let content = dir.join("content");
    for folder in 0..folders(pages) {
        let sub = content.join(format!("svc-{folder:03}"));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(
            sub.join("_index.md"),
            format!("---\ntitle: \"サービス {folder:03}\"\n---\n"),
        )?;
    }
    std::fs::write(
        content.join("_index.md"),
        "---\ntitle: \"ベンチマーク\"\n---\n",
    )?;
    for page in pages {
        let text = format!(
            "---\ntitle: \"{}\"\ntags: [bench]\n---\n{}",
            page.title, page.body
        );
        std::fs::write(content.join(page.rel()), text)?;
    }
    Ok(())
}

/// The same corpus as an mdBook book; every page is in SUMMARY.md.
pub fn write_mdbook(pages: &[Page], dir: &Path) -> std::io::Result<()> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src)?;
    std::fs::write(
        dir.join("book.toml"),
        "[book]\ntitle = \"Bench\"\nlanguage = \"ja\"\nsrc = \"src\"\n",
    )?;
    let mut summary = String::from("# Summary\n\n[ベンチマーク](README.md)\n\n");
    std::fs::write(src.join("README.md"), "# ベンチマーク\n")?;
    for folder in 0..folders(pages) {
        let sub = src.join(format!("svc-{folder:03}"));
        std::fs::create_dir_all(&sub)?;
        std::fs::write(sub.join("README.md"), format!("# サービス {folder:03}\n"))?;
        let _ = writeln!(
            summary,
            "- [サービス {folder:03}](svc-{folder:03}/README.md)"
        );
        for page in pages.iter().filter(|p| p.folder == folder) {
            let _ = writeln!(summary, "  - [{}]({})", page.title, page.rel());
        }
    }
    std::fs::write(src.join("SUMMARY.md"), summary)?;
    for page in pages {
        std::fs::write(src.join(page.rel()), &page.body)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_is_deterministic_and_blocks_differ() {
        let a = generate(200, PAGES_PER_FOLDER);
        let b = generate(200, PAGES_PER_FOLDER);
        assert!(a.iter().zip(&b).all(|(x, y)| x.body == y.body));
        let mut blocks = std::collections::HashSet::new();
        let mut count = 0;
        for page in &a {
            for block in page.body.split("```bash\n").skip(1) {
                count += 1;
                blocks.insert(block.split("```").next().unwrap().to_string());
            }
        }
        assert!(count >= 3 * 200, "{count}");
        assert_eq!(blocks.len(), count, "every code block is different");
    }
}
