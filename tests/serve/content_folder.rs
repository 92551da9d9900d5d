//! The content folder itself going away under `runbook serve`: deleted and
//! made again (`git stash`, a branch switch), moved away, deleted slowly
//! (`rm -rf` of a large tree). The last good site stays served, and what
//! the server read while files were being removed is never served.

use std::time::{Duration, Instant};

use crate::common::assert_contains;
use crate::harness::{copy_fixture, copy_tree, fixture, Server, BASE, PATIENCE};

#[test]
fn a_deleted_and_recreated_folder_is_watched_again() {
    let server = Server::start(&[]);
    let before = server.page("high-cpu.html");
    std::fs::remove_dir_all(server.content()).unwrap();
    server.wait_for_output(|out| out.contains("the content folder is gone"));
    assert_eq!(
        server.page("high-cpu.html"),
        before,
        "the last good site stays"
    );

    copy_tree(&fixture(), &server.content());
    server.wait_for_output(|out| out.contains("the content folder is back"));
    // The new folder is watched: an edit in it shows.
    server.write("high-cpu.md", "# High CPU\n\nAfter the folder came back.\n");
    server.wait_for_page("high-cpu.html", |html| {
        html.contains("After the folder came back.")
    });
}

#[test]
fn a_folder_swapped_at_once_is_followed() {
    // What `git stash` or a checkout that removes the folder does: gone and
    // back (with other text) faster than a rebuild.
    let server = Server::start(&[]);
    server.page("high-cpu.html");
    let aside = server.tmp.path().join("aside");
    copy_tree(&fixture(), &aside);
    std::fs::write(
        aside.join("high-cpu.md"),
        "# High CPU\n\nFrom the other branch.\n",
    )
    .unwrap();
    std::fs::remove_dir_all(server.content()).unwrap();
    std::fs::rename(&aside, server.content()).unwrap();
    server.wait_for_page("high-cpu.html", |html| {
        html.contains("From the other branch.")
    });
    server.write("high-cpu.md", "# High CPU\n\nEdited after the swap.\n");
    server.wait_for_page("high-cpu.html", |html| {
        html.contains("Edited after the swap.")
    });
}

/// `rm -rf` of a large tree takes a while; every page list served during it
/// is the whole one (the last good build), never what a build read from a
/// half-deleted tree.
#[test]
fn a_tree_being_deleted_is_never_served() {
    const PAGES: usize = 400;
    let tmp = copy_fixture();
    let content = tmp.path().join("content");
    for i in 0..PAGES {
        std::fs::create_dir_all(content.join(format!("bulk/{:02}", i % 20))).unwrap();
        std::fs::write(
            content.join(format!("bulk/{:02}/page-{i:04}.md", i % 20)),
            format!(
                "# Page {i}\n\nSteps for case {i}.\n\n```bash\nkubectl get pods -l case={i}\n```\n"
            ),
        )
        .unwrap();
    }
    let server = Server::start_in(tmp, &[]);
    let count = |html: &str| html.matches("<li><a href=").count();
    let full = count(&server.page("pages.html"));
    assert!(full > PAGES, "{full}");

    let remover = {
        let content = server.content();
        std::thread::spawn(move || {
            // File by file, as `rm -rf` does, slowly enough that the
            // server's longest wait for quiet (1.5 s) ends mid-way.
            for entry in walkdir_files(&content) {
                let _ = std::fs::remove_file(entry);
                std::thread::sleep(Duration::from_millis(6));
            }
            let _ = std::fs::remove_dir_all(&content);
        })
    };
    let deadline = Instant::now() + PATIENCE;
    let mut samples = 0;
    while !remover.is_finished() {
        let response = server.get(&format!("{BASE}pages.html"));
        if response.status == 200 {
            assert_eq!(
                count(&response.text()),
                full,
                "a page list read from a half-deleted tree was served\n{}",
                server.output()
            );
            samples += 1;
        }
        assert!(Instant::now() < deadline, "the removal never ended");
        std::thread::sleep(Duration::from_millis(5));
    }
    remover.join().unwrap();
    server.wait_for_output(|out| out.contains("the content folder is gone"));
    assert_eq!(count(&server.page("pages.html")), full);
    assert!(samples > 10, "only {samples} samples");
}

fn walkdir_files(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                files.push(entry.path());
            }
        }
    }
    files
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_content_made_while_serving_is_not_served() {
    let server = Server::start(&[]);
    let mut live = server.live("high-cpu.html");
    let secret = server.tmp.path().join("secret.txt");
    std::fs::write(&secret, "TOKEN-serve-never-publish").unwrap();
    std::os::unix::fs::symlink(&secret, server.content().join("leak.txt")).unwrap();
    let event = live.expect("failed");
    let text = event.to_string();
    assert_contains(&text, "leak.txt: links to");
    assert_contains(&text, "outside the content folder");
    assert_eq!(server.get(&format!("{BASE}leak.txt")).status, 404);
}
