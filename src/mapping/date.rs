//! ISO-8601 dates → milliseconds since the epoch, the form HubSpot's date properties take.
//!
//! analytics-next hands traits over as JSON, so a `new Date()` arrives as the string
//! `Date.prototype.toJSON` wrote (`2024-01-15T10:00:00.000Z`). Accepted: `YYYY-MM-DD` (midnight
//! UTC) and `YYYY-MM-DDTHH:MM[:SS[.fff…]]` followed by `Z` or `±HH:MM` / `±HHMM`. A date-time
//! without a zone is local time of an unknown place, so it is left as the string it is; so is
//! anything out of range (`2024-02-30`).

/// Milliseconds since 1970-01-01T00:00:00Z, if `text` is an ISO-8601 date or zoned date-time.
/// Every field, the day count and the time of day fit an `i32`: only the result needs 64 bits.
pub fn epoch_millis(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let year = digits(b, 0, 4)?;
    let (month, day) = (field(b, 4, b'-', 1, 12)?, field(b, 7, b'-', 1, 31)?);
    if day > days_in_month(year, month) {
        return None;
    }
    let days = i64::from(days_from_civil(year, month, day)) * 86_400_000;
    if b.len() == 10 {
        return Some(days);
    }
    if !matches!(b.get(10), Some(b'T' | b't')) {
        return None;
    }
    let hour = digits(b, 11, 2).filter(|h| *h < 24)?;
    let minute = field(b, 13, b':', 0, 59)?;
    let mut at = 16;
    let mut second = 0;
    let mut millis = 0;
    if b.get(at) == Some(&b':') {
        second = digits(b, at + 1, 2).filter(|s| *s < 60)?;
        at += 3;
        if b.get(at) == Some(&b'.') {
            let fraction = b.get(at + 1..)?.iter().take_while(|c| c.is_ascii_digit()).count();
            if fraction == 0 {
                return None;
            }
            // Milliseconds are HubSpot's (and JavaScript's) resolution: finer digits are cut.
            let kept = fraction.min(3);
            millis = digits(b, at + 1, kept)? * 10i32.pow(3 - kept as u32);
            at += 1 + fraction;
        }
    }
    let offset_minutes = match b.get(at)? {
        b'Z' | b'z' if b.len() == at + 1 => 0,
        sign @ (b'+' | b'-') => {
            let hours = digits(b, at + 1, 2).filter(|h| *h < 24)?;
            let colon = usize::from(b.get(at + 3) == Some(&b':'));
            let minutes = digits(b, at + 3 + colon, 2).filter(|m| *m < 60)?;
            if b.len() != at + 5 + colon {
                return None;
            }
            let total = hours * 60 + minutes;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let seconds = hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(days + i64::from(seconds * 1000 + millis))
}

/// `count` ASCII digits at `at`, as a number.
fn digits(b: &[u8], at: usize, count: usize) -> Option<i32> {
    b.get(at..at + count)?.iter().try_fold(0, |n, c| c.is_ascii_digit().then(|| n * 10 + i32::from(c - b'0')))
}

/// A two-digit field preceded by `separator` at `at`, within `min..=max`.
fn field(b: &[u8], at: usize, separator: u8, min: i32, max: i32) -> Option<i32> {
    if b.get(at) != Some(&separator) {
        return None;
    }
    digits(b, at + 1, 2).filter(|n| (min..=max).contains(n))
}

fn days_in_month(year: i32, month: i32) -> i32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `n` in decimal: what `i64::to_string` gives, without linking `core::fmt`'s integer formatting
/// (nothing else in the wasm formats; measured: `to_string` makes the download 263 B larger).
pub fn decimal(n: i64) -> String {
    // Digits from the right; an i64 has at most 19 of them, plus a sign.
    let mut digits = [b'-'; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1; // onto a '-'
    }
    let mut out = String::with_capacity(digits.len() - at);
    for &b in &digits[at..] {
        out.push(char::from(b));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{decimal, epoch_millis};
    use std::string::ToString;

    #[test]
    fn decimal_matches_to_string() {
        for n in [0, 7, -7, 10, 1_705_312_800_000, i64::MIN, i64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
    }

    #[test]
    fn reads_what_date_to_json_writes() {
        assert_eq!(epoch_millis("2024-01-15T10:00:00.000Z"), Some(1_705_312_800_000));
        assert_eq!(epoch_millis("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_millis("1969-12-31T23:59:59.999Z"), Some(-1));
    }

    #[test]
    fn honours_offsets_fractions_and_minutes_only() {
        assert_eq!(epoch_millis("2024-01-15T12:00:00+02:00"), Some(1_705_312_800_000));
        assert_eq!(epoch_millis("2024-01-15T05:30:00-0430"), Some(1_705_312_800_000));
        assert_eq!(epoch_millis("2024-01-15T10:00Z"), Some(1_705_312_800_000));
        assert_eq!(epoch_millis("2024-01-15T10:00:00.5Z"), Some(1_705_312_800_500));
        assert_eq!(epoch_millis("2024-01-15T10:00:00.123456789Z"), Some(1_705_312_800_123));
    }

    #[test]
    fn date_only_is_midnight_utc() {
        assert_eq!(epoch_millis("2024-01-15"), Some(1_705_276_800_000));
        assert_eq!(epoch_millis("2024-02-29"), Some(1_709_164_800_000));
    }

    #[test]
    fn leaves_everything_else_alone() {
        for text in [
            "2024-01-15T10:00:00",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-32",
            "2024-01-15T24:00:00Z",
            "2024-01-15T10:60Z",
            "2024-01-15T10:00:00.Z",
            "2024-01-15 10:00:00Z",
            "2024-1-15",
            "15/01/2024",
            "1705312800000",
            "",
            "2024-01-15Z",
            "2024-01-15T10:00:00+2",
            "2024-01-15T10:00:00Zjunk",
            "２０２４-01-15",
        ] {
            assert_eq!(epoch_millis(text), None, "{text}");
        }
    }
}
