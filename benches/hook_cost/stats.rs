//! Robust summaries for noisy timings: medians, quartiles, and a bootstrap confidence
//! interval for a difference of medians.
//!
//! Means are useless here: one scheduler hiccup on a shared 2-core machine costs more than
//! thousands of hook calls, so every figure is a median and every spread a quantile.

use serde_json::{Value, json};

/// Median and quartiles of one sample.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub n: usize,
    pub p25: f64,
    pub median: f64,
    pub p75: f64,
}

impl Summary {
    pub fn of(values: &[f64]) -> Summary {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Summary {
            n: sorted.len(),
            p25: quantile(&sorted, 0.25),
            median: quantile(&sorted, 0.5),
            p75: quantile(&sorted, 0.75),
        }
    }

    pub fn json(&self) -> Value {
        json!({ "n": self.n, "p25": self.p25, "median": self.median, "p75": self.p75 })
    }
}

/// Baseline versus hooked: the headline comparison for one measurement.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    pub base: Summary,
    pub hooked: Summary,
    /// `median(hooked) - median(base)`.
    pub added: f64,
    /// 95% percentile-bootstrap interval of `added`.
    pub ci95: (f64, f64),
    pub ratio: f64,
}

impl Comparison {
    pub fn of(base: &[f64], hooked: &[f64]) -> Comparison {
        let b = Summary::of(base);
        let h = Summary::of(hooked);
        Comparison {
            base: b,
            hooked: h,
            added: h.median - b.median,
            ci95: bootstrap_median_diff(base, hooked, 2000, 0x5eed_1205),
            ratio: h.median / b.median,
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "no_hook": self.base.json(),
            "with_hook": self.hooked.json(),
            "added_median": self.added,
            "added_ci95": [self.ci95.0, self.ci95.1],
            "ratio": self.ratio,
        })
    }
}

/// Linear-interpolated quantile of an already sorted, non-empty slice (NaN when empty).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

pub fn median(values: &[f64]) -> f64 {
    Summary::of(values).median
}

/// Percentile bootstrap of `median(b) - median(a)`: resample each side independently
/// `iterations` times and take the 2.5th and 97.5th percentiles of the differences.
pub fn bootstrap_median_diff(a: &[f64], b: &[f64], iterations: usize, seed: u64) -> (f64, f64) {
    if a.is_empty() || b.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut rng = SplitMix64(seed);
    let mut scratch_a = vec![0.0; a.len()];
    let mut scratch_b = vec![0.0; b.len()];
    let mut diffs = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let ma = resampled_median(a, &mut scratch_a, &mut rng);
        let mb = resampled_median(b, &mut scratch_b, &mut rng);
        diffs.push(mb - ma);
    }
    diffs.sort_by(f64::total_cmp);
    (quantile(&diffs, 0.025), quantile(&diffs, 0.975))
}

fn resampled_median(values: &[f64], scratch: &mut [f64], rng: &mut SplitMix64) -> f64 {
    for slot in scratch.iter_mut() {
        *slot = values[rng.below(values.len())];
    }
    let mid = scratch.len() / 2;
    let (_, m, _) = scratch.select_nth_unstable_by(mid, f64::total_cmp);
    *m
}

/// A tiny deterministic generator: the bootstrap needs speed and reproducibility, not
/// cryptographic quality, and a fixed seed makes reruns on the same data identical.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        // Multiply-shift keeps the bias below 2^-32 for any sample size used here.
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}
