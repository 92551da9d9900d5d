//! NFKC, natively from unicode-normalization and in the browser from
//! `String.prototype.normalize`: the search module does not carry the
//! composition and decomposition tables the browser already has.
//!
//! `normalize` asks for NFKC only on the clusters its own shortcuts cannot
//! answer (ASCII, kana, common kanji need none), so the browser is called
//! for the odd full-width letter or accented word, not for every character.
//! That the two give the same terms is checked twice: natively below over
//! every code point for the shortcut, and in Chromium over every text the
//! indexer reads for content/ and the generated corpus
//! (tests/search/parity.rs).

/// The NFKC form of `text`.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn nfkc(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().collect()
}

/// The NFKC form of `text`, from the browser's Unicode tables.
#[cfg(target_arch = "wasm32")]
pub(crate) fn nfkc(text: &str) -> String {
    String::from(js_sys::JsString::from(text).normalize("NFKC"))
}

/// Whether `ch` alone is already NFKC and lower-cases to NFKC text: then
/// its normal form is `ch.to_lowercase()` and NFKC need not be asked.
/// Natively the quick-check table answers for every character.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn stays_under_nfkc(ch: char) -> bool {
    use unicode_normalization::{is_nfkc_quick, IsNormalized};
    is_nfkc_quick(std::iter::once(ch)) == IsNormalized::Yes
}

/// In the browser a few ranges a runbook is full of answer without a
/// call out of the module: accented Latin letters and Japanese
/// punctuation. Everything else takes `nfkc`, which gives the same answer
/// (the tests below prove both claims).
#[cfg(target_arch = "wasm32")]
pub(crate) fn stays_under_nfkc(ch: char) -> bool {
    in_browser_shortcut(ch)
}

/// The characters the browser answers without `nfkc`.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn in_browser_shortcut(ch: char) -> bool {
    matches!(ch,
        '\u{00C0}'..='\u{00D6}' | '\u{00D8}'..='\u{00F6}' | '\u{00F8}'..='\u{00FF}' // À…ÿ
        | '\u{3001}'..='\u{3003}'                   // 、。〃
        | '\u{3008}'..='\u{3011}'                   // 〈〉《》「」『』【】
        | '\u{3014}'..='\u{301B}'                   // 〔〕〖〗〘〙〚〛
        | '\u{30FB}'                                // ・
    )
}

#[cfg(test)]
mod tests {
    use unicode_normalization::UnicodeNormalization;

    use super::*;

    fn all_chars() -> impl Iterator<Item = char> {
        ('\0'..=char::MAX).filter(|ch| !ch.is_ascii())
    }

    /// The native shortcut: a character that is NFKC on its own lower-cases
    /// to NFKC text, so `to_lowercase` alone equals the long way round
    /// (NFKC, lower case, NFKC) that the browser takes for it.
    #[test]
    fn the_shortcut_equals_the_long_way_for_every_character() {
        let mut checked = 0;
        for ch in all_chars().filter(|&ch| stays_under_nfkc(ch)) {
            let short: String = ch.to_lowercase().collect();
            let first: String = ch.to_string().nfkc().collect();
            let lowered: String = first.chars().flat_map(char::to_lowercase).collect();
            let long: String = lowered.nfkc().collect();
            assert_eq!(short, long, "U+{:04X}", ch as u32);
            checked += 1;
        }
        assert!(checked > 100_000, "{checked}");
    }

    /// The browser's ranges are characters the native tables call NFKC.
    #[test]
    fn the_browser_shortcut_is_inside_the_native_one() {
        let browser: Vec<char> = all_chars().filter(|&ch| in_browser_shortcut(ch)).collect();
        assert!(browser.len() > 80, "{}", browser.len());
        for ch in browser {
            assert!(stays_under_nfkc(ch), "U+{:04X}", ch as u32);
        }
        assert!(!in_browser_shortcut('\u{00D7}') && !in_browser_shortcut('\u{3000}'));
    }
}
