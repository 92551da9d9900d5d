//! Bad input: a clear message naming file, line and fix; a non-zero exit;
//! never a panic; and the previous site left exactly as it was.

use crate::site::TestSite;

/// Builds the good fixture, breaks it with `break_it`, builds again and
/// checks the message and that the old site is byte-for-byte intact.
#[track_caller]
fn fails_and_keeps_the_site(break_it: impl FnOnce(&TestSite), expected: &[&str]) {
    let site = TestSite::built("basic");
    let before = site.snapshot();
    break_it(&site);
    let run = site.build(&[]);
    for needle in expected {
        run.assert_failed_with(needle);
    }
    assert!(
        run.stderr.contains("fix:"),
        "every error says how to fix it:\n{}",
        run.stderr
    );
    assert_eq!(
        before,
        site.snapshot(),
        "the previous site must stay intact"
    );
    // Nothing half-written is left next to it either.
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "content" && n != "site")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn invalid_front_matter_names_file_line_and_column() {
    fails_and_keeps_the_site(
        |s| {
            s.write("ALERT.md", "---\ntitle: ok\nowner: @lead\n---\n# A\n");
        },
        &["ALERT.md:3:8: invalid front matter"],
    );
}

#[test]
fn invalid_config_names_its_line() {
    fails_and_keeps_the_site(
        |s| {
            s.write("runbook.yaml", "title: x\nplaceholdres:\n  A: b\n");
        },
        &["runbook.yaml:2:", "placeholdres"],
    );
}

#[test]
fn non_utf8_file() {
    fails_and_keeps_the_site(
        |s| {
            s.write(
                "ALERT.md",
                b"# ok\n\nShift_JIS: \x83\x65\x83\x58\x83\x67\n".as_slice(),
            );
        },
        &["ALERT.md:3:12: the file is not valid UTF-8"],
    );
}

#[test]
fn unknown_widget_kind() {
    fails_and_keeps_the_site(
        |s| {
            s.write("ALERT.md", "# A\n\n```widget\nkind: graph\n```\n");
        },
        &["ALERT.md:4:1: unknown widget kind `graph`"],
    );
}

#[test]
fn widget_with_an_undeclared_id() {
    fails_and_keeps_the_site(
        |s| {
            s.write(
                "ALERT.md",
                "# A\n\n```widget\nkind: pods\nworkload: payments\n```\n",
            );
        },
        &["ALERT.md:5:1: unknown workload `payments`", "declared: api"],
    );
}

#[test]
fn two_sources_for_one_output_path() {
    fails_and_keeps_the_site(
        |s| {
            s.write("alert.md", "# duplicate in another case\n");
        },
        &["ALERT.md and alert.md both become ALERT.html"],
    );
}

#[test]
fn broken_theme_template_names_its_file_and_line() {
    fails_and_keeps_the_site(
        |s| {
            s.add_config("theme_dir: theme\n");
            s.write("theme/templates/page.html", "{% extends \"base.html\" %}\n{% block body %}\n{{ page.title \n{% endblock body %}\n");
        },
        &["theme/templates/page.html:4:1: Failed to parse 'page.html'"],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    fails_and_keeps_the_site(
        |s| {
            std::os::unix::fs::symlink("..", s.content.join("db/loop")).unwrap();
        },
        &["symbolic link loop"],
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    // Root reads any file whatever its mode, so a dangling link is the
    // unreadable file every user (and CI) can reproduce.
    fails_and_keeps_the_site(
        |s| {
            std::os::unix::fs::symlink("/nonexistent/target.md", s.content.join("GONE.md"))
                .unwrap();
        },
        &["GONE.md"],
    );
}

#[test]
fn missing_content_folder() {
    let site = TestSite::empty();
    site.run(&["build", "nowhere"])
        .assert_failed_with("nowhere: the content folder does not exist");
    site.run(&["check", "nowhere"])
        .assert_failed_with("the content folder does not exist");
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let site = TestSite::fixture("basic");
    std::fs::create_dir(&site.out).unwrap();
    std::fs::write(site.out.join("notes.txt"), "mine").unwrap();
    site.build(&[])
        .assert_failed_with("was not written by runbook");
    assert_eq!(site.output("notes.txt"), "mine");
}

#[test]
fn several_megabyte_file_builds() {
    let site = TestSite::fixture("basic");
    let mut big = String::from("# 大きなページ\n\n");
    for i in 0..40_000 {
        big.push_str(&format!("## 手順 {i}\n\nDB接続エラーの調査 {i}。\n\n```bash\nkubectl logs <POD_NAME> --tail={i}\n```\n\n"));
    }
    assert!(big.len() > 3_000_000);
    site.write("BIG.md", &big);
    site.build(&[]).assert_ok();
    let html = site.output("BIG.html");
    assert!(html.contains("id=\"手順-39999\""));
}

#[test]
fn a_file_name_too_long_for_its_page_is_told_at_the_source() {
    // 251 bytes + `.md` fits a file system's 255; `.html` does not.
    let name = format!("{}.md", "a".repeat(251));
    fails_and_keeps_the_site(
        |s| {
            s.write(&name, "# Long\n");
        },
        &[
            &format!("content/{name}: cannot write its page"),
            "fix: shorten the file name",
        ],
    );
}

/// Input runbook reads though it is odd: the build succeeds, warns at the
/// file and line, and writes the page.
#[test]
fn odd_input_is_a_warning_and_still_a_page() {
    for (file, text, warning, page, holds) in [
        // An empty file is a warning, not a crash; its name is its title.
        (
            "EMPTY.md",
            "",
            "EMPTY.md:1:1: warning: empty page",
            "EMPTY.html",
            "<title>EMPTY ·",
        ),
        // Old Mac line endings are read, front matter included.
        (
            "MAC.md",
            "---\rtitle: Classic\r---\r# Heading\r\rText.\r",
            "MAC.md:1:1: warning: lines end with a carriage return alone",
            "MAC.html",
            "<title>Classic",
        ),
        // A front matter key runbook does not know is named at its line.
        (
            "ALERT.md",
            "---\ntitle: A\nreviewer: sre\n---\n# A\n",
            "ALERT.md:3:1: warning: unknown front matter key `reviewer`",
            "ALERT.html",
            "<title>A ·",
        ),
        // An alert name that cannot be a file name is named at its line;
        // the page is still published.
        (
            "SLASH.md",
            "---\ntitle: Slash\nowner: sre\nalert: [Disk/Full]\n---\n# Slash\n",
            "SLASH.md:4:1: warning: alert name `Disk/Full` cannot be an address",
            "SLASH.html",
            "<title>Slash ·",
        ),
    ] {
        let site = TestSite::fixture("basic");
        site.write(file, text);
        site.build(&[]).assert_warned(warning);
        let html = site.output(page);
        assert!(html.contains(holds), "{page} lacks {holds:?}:\n{html}");
    }
}

#[test]
fn unclosed_front_matter_is_a_warning() {
    let site = TestSite::fixture("basic");
    site.write("OPEN.md", "---\ntitle: Open\n\n# Open\n");
    let run = site.check();
    run.assert_failed_with("OPEN.md:1:1: warning: front matter opened by `---` is never closed");
}
