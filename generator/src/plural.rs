//! Counts in the English of the command line's messages: `1 page`,
//! `2 pages`.

/// `n` and `noun`, with an `s` unless `n` is one.
pub fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        for (n, said) in [(0, "0 pages"), (1, "1 page"), (2, "2 pages")] {
            assert_eq!(count(n, "page"), said, "{n}");
        }
    }
}
