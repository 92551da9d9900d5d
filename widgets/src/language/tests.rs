//! Each language says every word, with the same `{…}` blanks as English.

use super::*;

/// Every word of a language with its field name, read through the Debug
/// form so that a field added to a struct is covered without a list here.
fn words(language: &Language) -> Vec<(String, String)> {
    let text = format!("{:#?}", (&language.theme, &language.panels));
    text.lines()
        .filter_map(|line| {
            let (name, value) = line.trim().split_once(": \"")?;
            let value = value.strip_suffix("\",")?;
            Some((name.to_string(), value.to_string()))
        })
        .collect()
}

fn blanks(word: &str) -> Vec<&str> {
    let mut found: Vec<&str> = word
        .match_indices('{')
        .filter_map(|(at, _)| word[at..].find('}').map(|end| &word[at..=at + end]))
        .collect();
    found.sort_unstable();
    found
}

#[test]
fn tags_pick_a_language_by_primary_subtag() {
    assert_eq!(for_tag("ja").tag, "ja");
    assert_eq!(for_tag("ja-JP").tag, "ja");
    assert_eq!(for_tag("JA_jp").tag, "ja");
    assert_eq!(for_tag("en-GB").tag, "en");
    // Javanese is not Japanese; a tag without words falls back to English.
    assert_eq!(for_tag("jv").tag, "en");
    assert_eq!(for_tag("").tag, "en");
}

#[test]
fn every_language_says_every_word_with_the_same_blanks() {
    let english = words(&ENGLISH);
    assert!(english.len() > 100, "read {} words", english.len());
    for language in ALL {
        let theirs = words(language);
        assert_eq!(theirs.len(), english.len(), "{}", language.tag);
        for ((name, word), (_, reference)) in theirs.iter().zip(&english) {
            assert!(!word.trim().is_empty(), "{}: {name} is empty", language.tag);
            assert_eq!(blanks(word), blanks(reference), "{}: {name}", language.tag);
            // Words go into HTML attributes and a JSON script element.
            assert!(!word.contains(['<', '>', '&']), "{}: {name}", language.tag);
        }
    }
}

#[test]
fn tags_are_unique() {
    for (i, a) in ALL.iter().enumerate() {
        assert!(ALL[i + 1..].iter().all(|b| b.tag != a.tag), "{}", a.tag);
    }
}
