//! Percent-encoding for what the panels put into URLs: RFC 3986's
//! unreserved characters stay, every other byte becomes `%XX`.

/// `text` with every byte outside `A-Z a-z 0-9 - _ . ~` percent-encoded;
/// safe as a path segment (a hand-edited id cannot change the path) and
/// as a query value that `URLSearchParams` reads back.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay_and_the_rest_is_encoded() {
        for (text, encoded) in [
            ("api-7d9f_b7wnr.v1~", "api-7d9f_b7wnr.v1~"),
            ("../x?y", "..%2Fx%3Fy"),
            ("a b&c=d#e%", "a%20b%26c%3Dd%23e%25"),
            ("ポッド", "%E3%83%9D%E3%83%83%E3%83%89"),
        ] {
            assert_eq!(encode(text), encoded, "{text}");
        }
    }
}
