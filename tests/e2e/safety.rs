//! What a pull request's author, or a careless command line, must never get
//! out of `runbook build`: files from outside the content folder on the
//! public site, the user's files deleted or silently replaced, links no
//! browser can open.

use std::path::Path;

use crate::common::{assert_contains, assert_lacks};
use crate::site::{snapshot, TestSite};

/// A secret outside the content folder: it must appear in no output.
const SECRET: &str = "TOKEN-5f1d2c-never-publish";

/// A checkout with its credentials beside the content folder, as in CI.
fn site_with_secret_beside() -> TestSite {
    let site = TestSite::fixture("basic");
    std::fs::create_dir_all(site.root().join(".git")).unwrap();
    std::fs::write(
        site.root().join(".git/config"),
        format!("[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\n"),
    )
    .unwrap();
    site
}

/// No file of the output, nor anything the run printed on stdout, holds the
/// secret.
#[track_caller]
fn assert_not_published(site: &TestSite) {
    for (path, bytes) in snapshot(&site.out) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(SECRET),
            "{path} publishes the secret"
        );
    }
}

#[cfg(unix)]
mod links {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_link_to_a_file_outside_stops_build_and_check() {
        let site = site_with_secret_beside();
        site.build(&[]).assert_ok();
        let before = site.snapshot();
        symlink("../.git/config", site.content.join("notes.txt")).unwrap();
        for run in [site.build(&[]), site.build(&["--strict"]), site.check()] {
            run.assert_failed_with("content/notes.txt: links to")
                .assert_failed_with("outside the content folder")
                .assert_failed_with(
                    "fix: copy the file into the content folder, or remove the link",
                );
        }
        assert_eq!(before, site.snapshot(), "the previous site stays");
        assert_not_published(&site);
    }

    #[test]
    fn a_markdown_link_to_the_environment_is_refused() {
        let site = TestSite::fixture("basic");
        symlink("/proc/self/environ", site.content.join("env.md")).unwrap();
        site.build(&[])
            .assert_failed_with("content/env.md: links to /proc/");
        assert!(!site.out.exists());
    }

    #[test]
    fn a_linked_folder_outside_publishes_nothing_of_it() {
        let site = site_with_secret_beside();
        symlink("../.git", site.content.join("docs")).unwrap();
        site.build(&[]).assert_failed_with("content/docs: links to");
        site.check().assert_failed_with("content/docs: links to");
        assert_not_published(&site);
    }

    #[test]
    fn a_link_inside_a_linked_folder_is_checked_too() {
        let site = site_with_secret_beside();
        // A folder linked inside the content, holding a link that climbs out.
        std::fs::create_dir_all(site.content.join("real")).unwrap();
        symlink("../../.git/config", site.content.join("real/leak.txt")).unwrap();
        symlink("real", site.content.join("alias")).unwrap();
        site.build(&[]).assert_failed_with("leak.txt: links to");
        assert_not_published(&site);
    }

    #[test]
    fn links_inside_the_content_keep_working() {
        let site = TestSite::fixture("basic");
        symlink("ALERT.md", site.content.join("ALIAS.md")).unwrap();
        symlink("db", site.content.join("database")).unwrap();
        site.build(&[]).assert_ok();
        assert!(site.output("ALIAS.html").contains("<h1"));
        assert!(site.out.join("database/MAINTENANCE.html").is_file());
    }

    #[test]
    fn a_config_linked_from_outside_is_refused() {
        let site = TestSite::fixture("basic");
        let elsewhere = site.root().join("other.yaml");
        std::fs::rename(site.content.join("runbook.yaml"), &elsewhere).unwrap();
        symlink(&elsewhere, site.content.join("runbook.yaml")).unwrap();
        site.build(&[])
            .assert_failed_with("content/runbook.yaml: links to");
    }
}

#[test]
fn a_theme_folder_outside_the_content_is_refused() {
    let site = TestSite::fixture("basic");
    std::fs::create_dir_all(site.root().join("theme/static")).unwrap();
    site.add_config("theme_dir: ../theme\n");
    site.build(&[])
        .assert_failed_with("runbook.yaml:20:1: theme_dir `../theme` is outside the content folder")
        .assert_failed_with("fix: move the theme folder into the content folder");
}

/// `rules:` in runbook.yaml is read into the site (alerts.json, pages): a
/// pull request may not point it at a file beside the content.
#[test]
fn rules_outside_the_content_are_refused_from_runbook_yaml() {
    let site = site_with_secret_beside();
    std::fs::write(
        site.root().join("leak.yaml"),
        format!("groups:\n  - name: g\n    rules:\n      - alert: Leak\n        expr: up\n        annotations: {{summary: {SECRET}}}\n"),
    )
    .unwrap();
    let config = site.source("runbook.yaml");
    for target in ["../leak.yaml", "../.git"] {
        site.write("runbook.yaml", format!("{config}rules: [{target}]\n"));
        for run in [site.build(&[]), site.check()] {
            run.assert_failed_with(&format!(
                "runbook.yaml:20:1: rules `{target}` is outside the content folder"
            ))
            .assert_failed_with("fix: put the rule files inside the content folder");
        }
        assert_not_published(&site);
    }
    // Named on the command line, the same file is the operator's choice.
    site.write("runbook.yaml", &config);
    site.build(&["--rules", "leak.yaml"]).assert_ok();
}

#[test]
fn out_set_to_the_content_folder_is_refused_whatever_it_holds() {
    let site = TestSite::fixture("basic");
    std::fs::write(site.content.join(".runbook-site"), "").unwrap();
    let before = snapshot(&site.content);
    let run = site.run(&["build", "content", "--out", "content"]);
    run.assert_failed_with(
        "content: refusing to write the site there: the folder is the content folder",
    )
    .assert_failed_with("fix: write the site elsewhere");
    assert_lacks(&run.stderr, "disk");
    assert_eq!(before, snapshot(&site.content), "the content is untouched");
}

#[test]
fn out_set_to_a_parent_of_the_content_is_refused() {
    let site = TestSite::fixture("basic");
    std::fs::write(site.root().join(".runbook-site"), "").unwrap();
    std::fs::write(site.root().join("notes.md"), "mine").unwrap();
    let before = snapshot(site.root());
    for out in [".", "content/.."] {
        site.run(&["build", "content", "--out", out])
            .assert_failed_with("the folder holds the content folder");
    }
    assert_eq!(before, snapshot(site.root()), "nothing was removed");
}

#[test]
fn a_file_added_to_the_site_by_hand_is_never_deleted() {
    let site = TestSite::built("basic");
    std::fs::write(site.out.join("CNAME"), "runbook.example.com\n").unwrap();
    site.build(&[])
        .assert_failed_with("site: refusing to write the site there: the folder holds CNAME");
    assert_eq!(site.output("CNAME"), "runbook.example.com\n");
    // The fix the message gives works: the file moves into the content.
    std::fs::rename(site.out.join("CNAME"), site.content.join("CNAME")).unwrap();
    site.build(&[]).assert_ok();
    assert_eq!(site.output("CNAME"), "runbook.example.com\n");
}

#[test]
fn a_forged_marker_does_not_let_a_build_delete_a_folder() {
    let site = TestSite::fixture("basic");
    std::fs::create_dir_all(site.root().join("docs")).unwrap();
    std::fs::write(site.root().join("docs/.runbook-site"), "runbook 0.1.0\n").unwrap();
    std::fs::write(site.root().join("docs/plan.md"), "mine").unwrap();
    site.run(&["build", "content", "--out", "docs"])
        .assert_failed_with("the folder holds plan.md");
    assert!(site.root().join("docs/plan.md").is_file());
}

/// Each content file whose output runbook writes itself is an error naming
/// the file and what runbook writes there; the previous site stays.
#[test]
fn content_files_may_not_replace_generated_files() {
    for (file, output, what) in [
        ("pages.md", "pages.html", "the list of all pages"),
        ("404.md", "404.html", "the page for missing addresses"),
        ("Pages.md", "Pages.html", "the list of all pages"),
        ("assets/style.css", "assets/style.css", "the theme's assets"),
        ("alerts.json", "alerts.json", "the alert index"),
        (
            "alerts/FixtureHighErrorRate.md",
            "alerts/FixtureHighErrorRate.html",
            "an alert's redirect page",
        ),
        (
            "search/manifest.json",
            "search/manifest.json",
            "the search index",
        ),
    ] {
        let site = TestSite::built("basic");
        let before = site.snapshot();
        site.write(file, "# mine\n");
        site.build(&[])
            .assert_failed_with(&format!(
                "content/{file}: becomes {output}, which runbook writes itself ({what})"
            ))
            .assert_failed_with("fix: rename the file");
        site.check().assert_failed_with(&format!("content/{file}"));
        assert_eq!(before, site.snapshot(), "{file}: the previous site stays");
    }
}

/// Names a browser reads specially: each page builds, and every link to it
/// is percent-encoded so that following it lands on that page.
#[test]
fn file_names_with_url_characters_are_linked_encoded() {
    let site = TestSite::fixture("basic");
    site.write(
        "README.md",
        "# Index\n\n- [hash](a%23b.md)\n- [query](why%3F.md)\n- [percent](100%25.md)\n- [space](on%20call.md)\n- [日本語](障害/対応.md)\n",
    );
    for name in ["a#b.md", "why?.md", "100%.md", "on call.md", "障害/対応.md"] {
        site.write(name, format!("# {name}\n"));
    }
    let run = site.build(&["--strict", "--base-url", "https://x.example/rb/"]);
    run.assert_ok();
    let index = site.output("index.html");
    for href in [
        "href=\"a%23b.html\"",
        "href=\"why%3F.html\"",
        "href=\"100%25.html\"",
        "href=\"on%20call.html\"",
        "href=\"%E9%9A%9C%E5%AE%B3/%E5%AF%BE%E5%BF%9C.html\"",
    ] {
        assert_contains(&index, href);
    }
    for file in [
        "a#b.html",
        "why?.html",
        "100%.html",
        "on call.html",
        "障害/対応.html",
    ] {
        assert!(site.out.join(file).is_file(), "{file}");
    }
    let sitemap = site.output("sitemap.xml");
    assert_contains(&sitemap, "<loc>https://x.example/rb/a%23b.html</loc>");
    assert_lacks(&sitemap, "a#b");
    let pages = site.output("pages.html");
    assert_contains(&pages, "href=\"why%3F.html\"");
}

#[test]
fn nothing_is_left_beside_the_output_after_a_refusal() {
    let site = TestSite::fixture("basic");
    site.run(&["build", "content", "--out", "content"])
        .assert_failed_with("refusing");
    let names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["content"]);
    assert!(Path::new(&site.content).join("README.md").is_file());
}
