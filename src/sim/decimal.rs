//! Decimal numbers typed by a person (a probability, a tail's alpha), read without the
//! standard float parser: its tables and code are a few KB of the page's wasm, and a knob
//! never needs more than 15 significant digits or an exponent.

/// Most significant digits read exactly (every integer below 10^15 is an exact f64).
const MAX_DIGITS: usize = 15;

/// Reads `[-+]digits[.digits]` (or `.digits`) as the nearest f64, the same value
/// `str::parse::<f64>` gives; `None` for anything else, or for more than 15 significant
/// digits.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    let significant = format!("{whole}{fraction}");
    let significant = significant.trim_start_matches('0');
    if significant.len() > MAX_DIGITS {
        return None;
    }
    let mantissa = significant
        .bytes()
        .fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
    // Both the mantissa and 10^k (k <= 15) are exact, and one division rounds once: the
    // result is the correctly rounded value, as the standard parser's is.
    let value = mantissa as f64 / 10f64.powi(fraction.len() as i32);
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_a_person_types_in_a_knob() {
        assert_eq!(parse_decimal("0.35"), Some(0.35));
        assert_eq!(parse_decimal("1"), Some(1.0));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("2."), Some(2.0));
        assert_eq!(parse_decimal("-1.4"), Some(-1.4));
        assert_eq!(parse_decimal("0.100000000000000000000"), Some(0.1));
    }

    #[test]
    fn refuses_what_is_not_a_plain_decimal() {
        for text in [
            "",
            ".",
            "-",
            "1e3",
            "inf",
            "NaN",
            "1.2.3",
            " 1",
            "0x10",
            "1,5",
            "1234567890123456",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_the_standard_parser(whole in "[0-9]{0,8}", fraction in "[0-9]{0,7}", dot: bool, sign in "[-+]?") {
            let text = if dot || whole.is_empty() { format!("{sign}{whole}.{fraction}") } else { format!("{sign}{whole}") };
            if let Some(value) = parse_decimal(&text) {
                proptest::prop_assert_eq!(value.to_bits(), text.parse::<f64>().unwrap().to_bits(), "{}", text);
            } else {
                proptest::prop_assert!(whole.is_empty() && fraction.is_empty(), "refused {}", text);
            }
        }
    }
}
