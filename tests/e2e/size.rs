//! Output size as a site grows: a page's HTML does not depend on how many
//! pages its folder holds, and the whole output grows linearly with the
//! pages (a sidebar of the whole folder on every page made it grow with
//! the square of the largest folder).

use crate::common::assert_contains;
use crate::site::TestSite;

/// A site whose folder `big/` holds `pages` pages, beside a small one.
pub fn site_with_large_folder(pages: usize) -> TestSite {
    let site = TestSite::empty();
    site.write("runbook.yaml", "title: Size\nlanguage: ja\n");
    site.write(
        "README.md",
        "# 目次\n\n- [大きなフォルダ](big/README.md)\n- [運用](ops/README.md)\n",
    );
    site.write(
        "big/README.md",
        "# 大きなフォルダ\n\nサービスごとの手順。\n",
    );
    for n in 0..pages {
        site.write(
            &format!("big/p{n:04}.md"),
            format!(
                "---\ntitle: \"障害対応 {n:04}\"\nseverity: WARNING\n---\n\n\
                 # 障害対応 {n:04}\n\nアラートを受信したら、まず受領を宣言します。\n\n\
                 ```bash\nkubectl get pods -n svc-{n} -o wide\n```\n\n\
                 [次の手順](p{next:04}.md)\n",
                next = (n + 1) % pages
            ),
        );
    }
    site.write("ops/README.md", "# 運用\n");
    for name in ["backup", "deploy", "restore"] {
        site.write(&format!("ops/{name}.md"), format!("# {name}\n\n手順。\n"));
    }
    site.build(&[]).assert_ok();
    site
}

fn total_bytes(site: &TestSite) -> u64 {
    site.snapshot().values().map(|b| b.len() as u64).sum()
}

fn page_bytes(site: &TestSite, rel: &str) -> usize {
    site.output(rel).len()
}

#[test]
fn page_size_is_bounded_and_output_grows_linearly() {
    let sizes = [100, 300, 900];
    let sites: Vec<TestSite> = sizes.iter().map(|&n| site_with_large_folder(n)).collect();

    // The same page, in a folder of 100 and of 900 pages, within 10%: and
    // so is every page of the folder, bounded by the largest page of the
    // small site.
    let small = page_bytes(&sites[0], "big/p0050.html");
    let large = page_bytes(&sites[2], "big/p0050.html");
    assert!(
        large as f64 <= small as f64 * 1.10,
        "big/p0050.html: {small} bytes in a 100-page folder, {large} in a 900-page one"
    );
    let largest = |site: &TestSite, pages: usize| {
        (0..pages)
            .map(|n| page_bytes(site, &format!("big/p{n:04}.html")))
            .max()
            .unwrap()
    };
    let bound = largest(&sites[0], sizes[0]) as f64 * 1.10;
    let worst = largest(&sites[2], sizes[2]);
    assert!(
        worst as f64 <= bound,
        "a page of the 900-page folder is {worst} bytes; the bound is {bound:.0}"
    );
    // The fallback sidebar links a window of pages, not the folder.
    let html = sites[2].output("big/p0450.html");
    let sidebar = &html[html.find("id=\"sidebar\"").unwrap()..html.find("id=\"main\"").unwrap()];
    let links = sidebar.matches("<a ").count();
    assert!(
        links <= 20,
        "{links} links in the fallback sidebar:\n{sidebar}"
    );
    assert_contains(sidebar, "aria-current=\"page\"");
    assert_contains(sidebar, "href=\"../pages.html\"");

    // Linear: the bytes each added page costs do not grow with the site
    // (with a sidebar of the whole folder they tripled here).
    let totals: Vec<u64> = sites.iter().map(total_bytes).collect();
    let per_page =
        |a: usize, b: usize| (totals[b] - totals[a]) as f64 / (sizes[b] - sizes[a]) as f64;
    let (first, second) = (per_page(0, 1), per_page(1, 2));
    assert!(
        second <= first * 1.15,
        "bytes per added page: {first:.0} from 100 to 300 pages, {second:.0} from 300 to 900 (totals {totals:?})"
    );
}
