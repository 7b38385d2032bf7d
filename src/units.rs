//! Durations and rates as people read them: "41 s", "3 h 50 min", "4.3 weeks".
//!
//! Used by the report table, the TUI and `compare`, so one figure looks the same
//! everywhere. Machine outputs (JSON, CSV) carry exact seconds instead.

/// A duration of a single run or a total, two significant figures where it matters:
/// `0.85 s`, `4.1 s`, `41 s`, `3 min 20 s`, `3 h 50 min`, `2.5 days`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".to_string();
    }
    if seconds < 0.001 {
        return "0 s".to_string();
    }
    if seconds < 1.0 {
        return format!("{:.0} ms", seconds * 1000.0);
    }
    if seconds < 10.0 {
        return format!("{seconds:.1} s");
    }
    if seconds < 60.0 {
        return format!("{seconds:.0} s");
    }
    let whole = seconds.round() as u64;
    if whole < 3_600 {
        let (m, s) = (whole / 60, whole % 60);
        return if s == 0 || m >= 10 {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        };
    }
    let minutes = (seconds / 60.0).round() as u64;
    if minutes < 48 * 60 {
        let (h, m) = (minutes / 60, minutes % 60);
        return if m == 0 || h >= 10 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        };
    }
    span(seconds)
}

/// A duration in at most six characters, for narrow table columns: `850ms`, `9.3s`,
/// `44s`, `1m46s`, `12m`, `2h53m`, `3.1d`.
pub fn compact(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".to_string();
    }
    if seconds < 1.0 {
        return format!("{:.0}ms", seconds * 1000.0);
    }
    if seconds < 10.0 {
        return format!("{seconds:.1}s");
    }
    if seconds < 59.5 {
        return format!("{seconds:.0}s");
    }
    let whole = seconds.round() as u64;
    if whole < 600 {
        return format!("{}m{:02}s", whole / 60, whole % 60);
    }
    let minutes = (seconds / 60.0).round() as u64;
    if minutes < 60 {
        return format!("{minutes}m");
    }
    if minutes < 100 * 60 {
        return format!("{}h{:02}m", minutes / 60, minutes % 60);
    }
    format!("{:.1}d", seconds / 86_400.0)
}

/// A long span such as a five-year budget, in the largest calendar unit it reaches, one
/// decimal: `5.2 hours`, `3.1 days`, `4.3 weeks`, `6.0 years`. Exact (not the comic's
/// rounding down); the unit lengths match `worth::ComicUnit`.
pub fn span(seconds: f64) -> String {
    const UNITS: [(f64, &str, &str); 7] = [
        (31_557_600.0, "year", "years"),
        (2_629_800.0, "month", "months"),
        (604_800.0, "week", "weeks"),
        (86_400.0, "day", "days"),
        (3_600.0, "hour", "hours"),
        (60.0, "minute", "minutes"),
        (1.0, "second", "seconds"),
    ];
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".to_string();
    }
    // Weeks and months read oddly below two ("1.3 months" is fine, "1.0 weeks" is not
    // how people say 7 days), so those start at two, like the comic's labels.
    let (size, one, many) = UNITS
        .iter()
        .copied()
        .find(|&(size, one, _)| {
            let least = if matches!(one, "week" | "month" | "year") {
                2.0
            } else {
                1.0
            };
            seconds >= least * size
        })
        .unwrap_or(UNITS[6]);
    let value = seconds / size;
    let text = if value >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    format!("{text} {}", if text == "1.0" { one } else { many })
}

/// Working days (of a working day's hours), e.g. `12.5 working days`.
pub fn working_days(days: f64) -> String {
    if !days.is_finite() || days < 0.0 {
        return "–".to_string();
    }
    if days >= 100.0 {
        format!("{days:.0} working days")
    } else {
        format!("{days:.1} working days")
    }
}

/// A rate such as runs per day: `38`, `4.5`, `0.25`.
pub fn rate(value: f64) -> String {
    if !value.is_finite() {
        "–".to_string()
    } else if value >= 10.0 {
        format!("{value:.0}")
    } else if value >= 1.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A share as a percentage: `22%`, `0.5%`.
pub fn percent(share: f64) -> String {
    if !share.is_finite() {
        "–".to_string()
    } else if share == 0.0 || share >= 0.095 {
        format!("{:.0}%", share * 100.0)
    } else {
        format!("{:.1}%", share * 100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        let cases = [
            (0.0, "0 s"),
            (0.85, "850 ms"),
            (4.12, "4.1 s"),
            (41.4, "41 s"),
            (200.0, "3 min 20 s"),
            (660.0, "11 min"),
            (13_800.0, "3 h 50 min"),
            (40_000.0, "11 h"),
            (216_000.0, "2.5 days"),
            (f64::NAN, "–"),
        ];
        for (seconds, want) in cases {
            assert_eq!(duration(seconds), want, "{seconds}");
        }
    }

    #[test]
    fn compact_durations_fit_six_characters() {
        let cases = [
            (0.85, "850ms"),
            (9.34, "9.3s"),
            (44.4, "44s"),
            (59.7, "1m00s"),
            (106.0, "1m46s"),
            (725.0, "12m"),
            (10_380.0, "2h53m"),
            (400_000.0, "4.6d"),
        ];
        for (seconds, want) in cases {
            assert_eq!(compact(seconds), want, "{seconds}");
            assert!(want.chars().count() <= 6);
        }
    }

    #[test]
    fn spans_use_the_largest_unit_reached() {
        let cases = [
            (18_720.0, "5.2 hours"),
            (86_400.0, "1.0 day"),
            (8.0 * 86_400.0, "8.0 days"),
            (2_628_000.0, "4.3 weeks"),
            (6.0 * 31_557_600.0, "6.0 years"),
            (1.5 * 31_557_600.0, "18.0 months"),
        ];
        for (seconds, want) in cases {
            assert_eq!(span(seconds), want, "{seconds}");
        }
    }

    #[test]
    fn rates_and_percentages() {
        assert_eq!(rate(38.2), "38");
        assert_eq!(rate(4.53), "4.5");
        assert_eq!(rate(0.25), "0.25");
        assert_eq!(percent(0.22), "22%");
        assert_eq!(percent(0.005), "0.5%");
        assert_eq!(percent(0.0), "0%");
        assert_eq!(working_days(12.46), "12.5 working days");
    }
}
