//! The JSON the search index is written in, read and written by hand: a
//! reader of exactly the values format.rs uses (objects, arrays, strings,
//! unsigned integers; any other value skipped as an unknown field's), and
//! a string writer for the results.
//!
//! Why not serde_json in the browser: its generic deserializer, float
//! parsing and formatting and error messages were a third of the search
//! module (31 KB of 88 KB gzipped). The generator still writes the files
//! with serde; a test reads every file of a built site both ways and
//! compares (format.rs).

use std::borrow::Cow;

/// What went wrong and where: `expected a string at line 1, column 40`.
pub type Result<T> = std::result::Result<T, String>;

/// A cursor over one JSON text.
pub struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader { text, at: 0 }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(self.at) {
            self.at += 1;
        }
        bytes.get(self.at).copied()
    }

    /// An error at the current position, as line and column (1-based,
    /// columns in characters).
    pub fn error(&self, what: &str) -> String {
        let before = &self.text[..self.at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!("{what} at line {line}, column {column}")
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<()> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(&format!("expected {what}")))
        }
    }

    /// Only whitespace is left.
    pub fn end(&mut self) -> Result<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.error("trailing characters")),
        }
    }

    /// An object: `field(reader, key)` reads (or skips) each value.
    pub fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Result<()>) -> Result<()> {
        self.expect(b'{', "an object")?;
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            let key = self.string_cow()?;
            self.expect(b':', "`:`")?;
            field(self, &key)?;
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    /// An array of values each read by `item`.
    pub fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        self.expect(b'[', "an array")?;
        let mut out = Vec::new();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(out);
        }
        loop {
            out.push(item(self)?);
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(out);
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    /// An array of exactly `N` strings (a tuple of strings).
    pub fn strings<const N: usize>(&mut self) -> Result<[String; N]> {
        self.expect(b'[', "an array")?;
        let mut out: [String; N] = std::array::from_fn(|_| String::new());
        for (i, slot) in out.iter_mut().enumerate() {
            if i > 0 {
                self.expect(b',', "`,`")?;
            }
            *slot = self.string()?;
        }
        self.expect(b']', &format!("`]` after {N} values"))?;
        Ok(out)
    }

    /// `[first, second]`, each read by its function.
    pub fn pair<A, B>(
        &mut self,
        first: impl FnOnce(&mut Self) -> Result<A>,
        second: impl FnOnce(&mut Self) -> Result<B>,
    ) -> Result<(A, B)> {
        self.expect(b'[', "an array")?;
        let a = first(self)?;
        self.expect(b',', "`,`")?;
        let b = second(self)?;
        self.expect(b']', "`]` after 2 values")?;
        Ok((a, b))
    }

    pub fn string(&mut self) -> Result<String> {
        self.string_cow().map(Cow::into_owned)
    }

    /// A string, borrowed from the text when it has no escapes (most keys
    /// and terms).
    fn string_cow(&mut self) -> Result<Cow<'a, str>> {
        self.expect(b'"', "a string")?;
        let text = self.text;
        let bytes = text.as_bytes();
        let start = self.at;
        // Up to the closing quote or the first escape.
        let plain = bytes[start..]
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .map(|n| start + n);
        match plain.map(|end| (end, bytes[end])) {
            Some((end, b'"')) => {
                self.at = end + 1;
                Ok(Cow::Borrowed(&text[start..end]))
            }
            Some((end, b'\\')) => {
                let mut out = String::from(&text[start..end]);
                self.at = end;
                self.escaped_rest(&mut out)?;
                Ok(Cow::Owned(out))
            }
            Some((end, _)) => {
                self.at = end;
                Err(self.error("control character in a string"))
            }
            None => {
                self.at = bytes.len();
                Err(self.error("unterminated string"))
            }
        }
    }

    /// The rest of a string from an escape at `self.at`, into `out`.
    fn escaped_rest(&mut self, out: &mut String) -> Result<()> {
        let text = self.text;
        let bytes = text.as_bytes();
        loop {
            match bytes.get(self.at) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    let escape = bytes.get(self.at + 1).copied();
                    self.at += 2;
                    let ch = match escape {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => return Err(self.error("invalid escape")),
                    };
                    out.push(ch);
                }
                Some(&b) if b < 0x20 => return Err(self.error("control character in a string")),
                Some(_) => {
                    let run = bytes[self.at..]
                        .iter()
                        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                        .map_or(bytes.len(), |n| self.at + n);
                    out.push_str(&text[self.at..run]);
                    self.at = run;
                }
            }
        }
    }

    /// The character of `\uXXXX` (after the `\u`), joining a surrogate
    /// pair.
    fn unicode_escape(&mut self) -> Result<char> {
        let high = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&high) {
            let bytes = self.text.as_bytes();
            if bytes.get(self.at) != Some(&b'\\') || bytes.get(self.at + 1) != Some(&b'u') {
                return Err(self.error("lone surrogate"));
            }
            self.at += 2;
            let low = self.hex4()?;
            if !(0xDC00..0xE000).contains(&low) {
                return Err(self.error("lone surrogate"));
            }
            0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| self.error("lone surrogate"))
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .text
            .get(self.at..self.at + 4)
            .ok_or_else(|| self.error("short \\u escape"))?;
        let value =
            u32::from_str_radix(digits, 16).map_err(|_| self.error("invalid \\u escape"))?;
        self.at += 4;
        Ok(value)
    }

    /// An unsigned integer that fits 32 bits.
    pub fn u32(&mut self) -> Result<u32> {
        self.peek();
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut value: u32 = 0;
        while let Some(&b @ b'0'..=b'9') = bytes.get(self.at) {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(u32::from(b - b'0')))
                .ok_or_else(|| self.error("number out of range"))?;
            self.at += 1;
        }
        let next = bytes.get(self.at).copied();
        if self.at == start || matches!(next, Some(b'.' | b'e' | b'E')) {
            self.at = start;
            return Err(self.error("expected an unsigned integer"));
        }
        Ok(value)
    }

    /// Any value, unread: the value of a field this version does not know.
    pub fn skip(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'{') => self.object(|r, _| r.skip()),
            Some(b'[') => self.list(Reader::skip).map(drop),
            Some(b'"') => self.string_cow().map(drop),
            Some(b'-' | b'0'..=b'9') => {
                let bytes = self.text.as_bytes();
                while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = bytes.get(self.at)
                {
                    self.at += 1;
                }
                Ok(())
            }
            _ => {
                for word in ["true", "false", "null"] {
                    if self.text[self.at..].starts_with(word) {
                        self.at += word.len();
                        return Ok(());
                    }
                }
                Err(self.error("expected a value"))
            }
        }
    }
}

/// Appends `text` as a JSON string, quotes included.
pub fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if (ch as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(HEX[(ch as usize) >> 4] as char);
                out.push(HEX[(ch as usize) & 0xf] as char);
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
}

/// The tokens of `text` as `[[text, start, end], …]` (byte offsets): what
/// the wasm module's `searchTokens` answers, so tests can compare the
/// browser's tokens with the indexer's, byte for byte.
pub fn tokens(text: &str) -> String {
    let mut out = String::from("[");
    for (i, token) in super::tokenize(text).into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_string(&mut out, &token.text);
        out.push_str(&format!(",{},{}]", token.start, token.end));
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_and_without_escapes() {
        let mut r = Reader::new(r#" "plain" "a\"b\\c\n\u00e9\ud83d\ude80 接続" "#);
        assert_eq!(r.string().unwrap(), "plain");
        assert_eq!(r.string().unwrap(), "a\"b\\c\né🚀 接続");
        assert!(r.end().is_ok());
    }

    #[test]
    fn numbers_are_unsigned_32_bit_integers() {
        let mut r = Reader::new("[0, 4294967295, 12]");
        assert_eq!(r.list(Reader::u32).unwrap(), [0, u32::MAX, 12]);
        for bad in ["4294967296", "-1", "1.5", "1e3", "x"] {
            assert!(Reader::new(bad).u32().is_err(), "{bad}");
        }
    }

    #[test]
    fn unknown_values_are_skipped() {
        let mut seen = Vec::new();
        Reader::new(r#"{"a": {"x": [1, -2.5e3, true, null, "s"]}, "b": 7, "c": false}"#)
            .object(|r, key| {
                seen.push(key.to_string());
                if key == "b" {
                    assert_eq!(r.u32()?, 7);
                    Ok(())
                } else {
                    r.skip()
                }
            })
            .unwrap();
        assert_eq!(seen, ["a", "b", "c"]);
    }

    #[test]
    fn errors_say_where() {
        let err = Reader::new("{\n  \"a\" 1}")
            .object(|r, _| r.skip())
            .unwrap_err();
        assert_eq!(err, "expected `:` at line 2, column 7");
        assert!(Reader::new("\"open").string().is_err());
        assert!(Reader::new(r#""\ud800x""#).string().is_err());
    }

    #[test]
    fn written_strings_read_back() {
        let text = "q\"u\\o\nte\t\u{1}\u{1f} é 接続 🚀";
        let mut out = String::new();
        push_string(&mut out, text);
        assert_eq!(out, "\"q\\\"u\\\\o\\nte\\t\\u0001\\u001f é 接続 🚀\"");
        assert_eq!(Reader::new(&out).string().unwrap(), text);
        assert_eq!(serde_json::from_str::<String>(&out).unwrap(), text);
    }

    #[test]
    fn tokens_as_json() {
        let expected: Vec<(String, usize, usize)> = super::super::tokenize("高ＣＰＵ \\")
            .into_iter()
            .map(|t| (t.text, t.start, t.end))
            .collect();
        let ours: Vec<(String, usize, usize)> =
            serde_json::from_str(&tokens("高ＣＰＵ \\")).unwrap();
        assert_eq!(ours, expected);
        assert_eq!(tokens("db"), r#"[["db",0,2]]"#);
    }
}
