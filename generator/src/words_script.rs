//! The words the theme's scripts say (runbook.js, search.js, panels.js),
//! as one small shared script per language: `assets/words-<tag>.js`, which
//! sets `window.runbookWords` to the language's `ScriptWords`.
//!
//! Every page used to carry them inline as JSON: half a kilobyte of
//! Japanese on each of 10,000 pages is 5 MB of a site, for words a
//! browser can cache once. The file's name says its language and its
//! `?v=` the theme's asset version, which covers every language's words
//! (`theme::asset_version`), so a cached copy is never read for other
//! words.

use runbook_widgets::language::Language;

/// The script's path from the site root.
pub fn path(language: &Language) -> String {
    format!("assets/words-{}.js", language.tag)
}

/// The script's bytes.
pub fn bytes(language: &Language) -> Vec<u8> {
    let json = serde_json::to_string(&language.theme.script).unwrap_or_else(|_| "{}".into());
    format!("window.runbookWords={json};\n").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use runbook_widgets::language;

    #[test]
    fn each_language_has_its_own_file_with_its_words() {
        let ja = language::for_tag("ja-JP");
        assert_eq!(path(ja), "assets/words-ja.js");
        let script = String::from_utf8(bytes(ja)).unwrap();
        assert!(script.starts_with("window.runbookWords={"), "{script}");
        assert!(script.contains("\"copy\":\"コピー\""), "{script}");
        let en = String::from_utf8(bytes(language::for_tag("en"))).unwrap();
        assert!(en.contains("\"copy\":\"Copy\""), "{en}");
        assert_ne!(path(ja), path(language::for_tag("en")));
    }
}
