//! Did a fix pay off? The two-sided Mann–Whitney U test on run durations before and after a
//! change, and the normal distribution it needs.
//!
//! Durations are skewed and heavy-tailed (one cold build among warm ones), so a rank test is
//! the honest choice: it asks whether a run after the change tends to be faster than a run
//! before, without assuming any distribution. The p-value uses the normal approximation with
//! the tie correction and the continuity correction, as `scipy.stats.mannwhitneyu(...,
//! method="asymptotic", use_continuity=True)` does; the tests pin scipy's figures.
//!
//! Two entry points give the same answer on the same data: [`mann_whitney`] on raw
//! durations and [`mann_whitney_histograms`] on merged [`Histogram`]s (how the team server
//! compares), where each bucket is one group of tied values. Both reduce their input to
//! tie groups in ascending order and share one computation in exact integer arithmetic.
//!
//! Pure: no I/O, no dependency beyond the histogram.

use std::f64::consts::SQRT_2;

use crate::histogram::Histogram;

/// Fewest runs on each side for a test. Below eight per side the normal approximation of U
/// is too coarse for its p-value to be trusted (Mann and Whitney's 1947 paper tabulated
/// exact values up to n = 8 and showed the normal approximation good beyond); callers then
/// report "not enough data" instead of a number.
pub const MIN_RUNS_PER_SIDE: u64 = 8;

/// Which way durations moved, after relative to before, whatever the p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Runs after the change tend to be faster (U above its mean).
    Faster,
    /// Runs after the change tend to be slower.
    Slower,
    /// U sits exactly at its mean.
    Unchanged,
}

/// The result of a two-sided Mann–Whitney U test of "before" against "after".
#[derive(Debug, Clone, PartialEq)]
pub struct MannWhitney {
    /// Runs before the change.
    pub n_before: u64,
    /// Runs after the change.
    pub n_after: u64,
    /// U of the "before" sample: the number of (before, after) pairs where the run before
    /// was slower, ties counting half. Ranges over `0..=n_before × n_after`; swapping the
    /// sides mirrors it to `n_before × n_after − u`. scipy reports the same statistic for
    /// `mannwhitneyu(before, after)`.
    pub u: f64,
    /// The standardised statistic with tie and continuity corrections, positive when runs
    /// got faster.
    pub z: f64,
    /// Two-sided p-value in `[0, 1]`: how likely a shift at least this large is when the
    /// change made no difference.
    pub p_value: f64,
    /// The common-language effect size: the probability that a random run after the change
    /// is faster than a random run before it (ties count half). 0.5 means no effect.
    pub prob_after_faster: f64,
    /// Which way the durations moved.
    pub direction: Direction,
}

impl MannWhitney {
    /// The rank-biserial correlation, `2 × prob_after_faster − 1`, in `[−1, 1]`: +1 when
    /// every run after is faster than every run before.
    #[must_use]
    pub fn rank_biserial(&self) -> f64 {
        2.0 * self.prob_after_faster - 1.0
    }
}

/// Tests durations (µs, any order) before against after. `None` when either side has fewer
/// than [`MIN_RUNS_PER_SIDE`] runs or when every value ties, so nothing can be ranked.
#[must_use]
pub fn mann_whitney(before_us: &[u64], after_us: &[u64]) -> Option<MannWhitney> {
    let mut before = before_us.to_vec();
    before.sort_unstable();
    let mut after = after_us.to_vec();
    after.sort_unstable();
    let (mut i, mut j) = (0, 0);
    let groups = std::iter::from_fn(move || {
        let value = match (before.get(i), after.get(j)) {
            (Some(&b), Some(&a)) => b.min(a),
            (Some(&b), None) => b,
            (None, Some(&a)) => a,
            (None, None) => return None,
        };
        let tied_before = before[i..].iter().take_while(|&&v| v == value).count();
        let tied_after = after[j..].iter().take_while(|&&v| v == value).count();
        i += tied_before;
        j += tied_after;
        Some((tied_before as u64, tied_after as u64))
    });
    test_tie_groups(groups)
}

/// Tests two histograms, each bucket (and the zero bucket) being one group of tied values.
/// Agrees exactly with [`mann_whitney`] on durations whose buckets each hold one value;
/// otherwise it is that test on durations rounded to their bucket. `None` as for
/// [`mann_whitney`].
#[must_use]
pub fn mann_whitney_histograms(before: &Histogram, after: &Histogram) -> Option<MannWhitney> {
    let zero = (before.zero_count(), after.zero_count());
    let indexes = match (before.index_range(), after.index_range()) {
        (Some(b), Some(a)) => Some(*b.start().min(a.start())..=*b.end().max(a.end())),
        (range, None) | (None, range) => range,
    };
    let buckets = indexes
        .into_iter()
        .flatten()
        .map(|index| (before.bucket_count(index), after.bucket_count(index)));
    test_tie_groups(std::iter::once(zero).chain(buckets))
}

/// The test on tie groups `(runs before, runs after)` of ascending value.
fn test_tie_groups(groups: impl Iterator<Item = (u64, u64)>) -> Option<MannWhitney> {
    let (mut n_before, mut n_after) = (0u64, 0u64);
    // Twice U, so ties' half-pairs stay integers; and Σ(t³ − t) over tie groups. Saturating
    // only matters for counts no real history reaches.
    let mut twice_u = 0u128;
    let mut tie_term = 0u128;
    let mut distinct_values = 0u32;
    for (tied_before, tied_after) in groups {
        let (b, a) = (u128::from(tied_before), u128::from(tied_after));
        let tied = b + a;
        if tied == 0 {
            continue;
        }
        // Each run before in this group is slower than every run after seen so far and ties
        // with the runs after in this group.
        twice_u = twice_u.saturating_add(b.saturating_mul(2 * u128::from(n_after) + a));
        tie_term = tie_term.saturating_add(tied.saturating_pow(3) - tied);
        n_before = n_before.saturating_add(tied_before);
        n_after = n_after.saturating_add(tied_after);
        distinct_values = distinct_values.saturating_add(1);
    }
    if n_before < MIN_RUNS_PER_SIDE || n_after < MIN_RUNS_PER_SIDE || distinct_values < 2 {
        return None;
    }
    let (n1, n2) = (n_before as f64, n_after as f64);
    let n = n1 + n2;
    let mean = n1 * n2 / 2.0;
    // scipy's expression and order of operations, so the figures match to the last digits.
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term as f64 / (n * (n - 1.0)));
    // Only all-tied data gives 0 (ruled out above); NaN cannot arise from finite counts.
    if variance.is_nan() || variance <= 0.0 {
        return None;
    }
    let u = twice_u as f64 / 2.0;
    let shift = u - mean;
    // The continuity correction moves |U − mean| half a step towards 0, never past it.
    let z = shift.signum() * (shift.abs() - 0.5).max(0.0) / variance.sqrt();
    Some(MannWhitney {
        n_before,
        n_after,
        u,
        z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
        prob_after_faster: u / (n1 * n2),
        direction: if shift > 0.0 {
            Direction::Faster
        } else if shift < 0.0 {
            Direction::Slower
        } else {
            Direction::Unchanged
        },
    })
}

/// The standard normal upper tail `P(Z > z)`, accurate to about 1e-15 relative.
#[must_use]
pub fn normal_sf(z: f64) -> f64 {
    0.5 * erfc(z / SQRT_2)
}

/// The standard normal distribution function `P(Z <= z)`.
#[must_use]
pub fn normal_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / SQRT_2)
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
// (1969) 631–638, as published in the SPECFUN package (CALERF). Near-minimax rational
// approximations accurate to about 1e-16 relative in double precision on each interval.

/// erf(x) = x · A(x²)/B(x²) for |x| <= 0.46875.
#[allow(clippy::excessive_precision)]
const ERF_A: [f64; 5] = [
    3.16112374387056560e00,
    1.13864154151050156e02,
    3.77485237685302021e02,
    3.20937758913846947e03,
    1.85777706184603153e-1,
];
#[allow(clippy::excessive_precision)]
const ERF_B: [f64; 4] = [
    2.36012909523441209e01,
    2.44024637934444173e02,
    1.28261652607737228e03,
    2.84423683343917062e03,
];
/// erfc(x) = exp(−x²) · C(x)/D(x) for 0.46875 < x <= 4.
#[allow(clippy::excessive_precision)]
const ERFC_C: [f64; 9] = [
    5.64188496988670089e-1,
    8.88314979438837594e00,
    6.61191906371416295e01,
    2.98635138197400131e02,
    8.81952221241769090e02,
    1.71204761263407058e03,
    2.05107837782607147e03,
    1.23033935479799725e03,
    2.15311535474403846e-8,
];
#[allow(clippy::excessive_precision)]
const ERFC_D: [f64; 8] = [
    1.57449261107098347e01,
    1.17693950891312499e02,
    5.37181101862009858e02,
    1.62138957456669019e03,
    3.29079923573345963e03,
    4.36261909014324716e03,
    3.43936767414372164e03,
    1.23033935480374942e03,
];
/// erfc(x) = exp(−x²)/x · (1/√π − P(1/x²)/Q(1/x²) / x²) for x > 4.
#[allow(clippy::excessive_precision)]
const ERFC_P: [f64; 6] = [
    3.05326634961232344e-1,
    3.60344899949804439e-1,
    1.25781726111229246e-1,
    1.60837851487422766e-2,
    6.58749161529837803e-4,
    1.63153871373020978e-2,
];
#[allow(clippy::excessive_precision)]
const ERFC_Q: [f64; 5] = [
    2.56852019228982242e00,
    1.87295284992346047e00,
    5.27905102951428412e-1,
    6.05183413124413191e-2,
    2.33520497626869185e-3,
];
/// 1/√π.
#[allow(clippy::excessive_precision)]
const FRAC_1_SQRT_PI: f64 = 5.6418958354775628695e-1;
/// Beyond this erfc(x) underflows to 0 in double precision.
const ERFC_UNDERFLOW: f64 = 26.543;

/// The complementary error function `erfc(x) = 1 − erf(x)`, by Cody's rational
/// approximations (relative error about 1e-16; well within the 1e-7 p-values need).
#[must_use]
pub fn erfc(x: f64) -> f64 {
    let y = x.abs();
    if y <= 0.46875 {
        let ysq = y * y;
        let mut num = ERF_A[4] * ysq;
        let mut den = ysq;
        for k in 0..3 {
            num = (num + ERF_A[k]) * ysq;
            den = (den + ERF_B[k]) * ysq;
        }
        return 1.0 - x * (num + ERF_A[3]) / (den + ERF_B[3]);
    }
    let upper_tail = if y <= 4.0 {
        let mut num = ERFC_C[8] * y;
        let mut den = y;
        for k in 0..7 {
            num = (num + ERFC_C[k]) * y;
            den = (den + ERFC_D[k]) * y;
        }
        exp_minus_square(y) * (num + ERFC_C[7]) / (den + ERFC_D[7])
    } else if y >= ERFC_UNDERFLOW {
        0.0
    } else {
        let ysq = 1.0 / (y * y);
        let mut num = ERFC_P[5] * ysq;
        let mut den = ysq;
        for k in 0..4 {
            num = (num + ERFC_P[k]) * ysq;
            den = (den + ERFC_Q[k]) * ysq;
        }
        let ratio = ysq * (num + ERFC_P[4]) / (den + ERFC_Q[4]);
        exp_minus_square(y) * (FRAC_1_SQRT_PI - ratio) / y
    };
    if x < 0.0 {
        2.0 - upper_tail
    } else {
        upper_tail
    }
}

/// `exp(−y²)` without the cancellation of squaring first: y is split into a part with few
/// bits (so its square is exact) and the rest, as Cody does.
fn exp_minus_square(y: f64) -> f64 {
    let head = (y * 16.0).trunc() / 16.0;
    let rest = (y - head) * (y + head);
    (-head * head).exp() * (-rest).exp()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Reference figures from scipy 1.17.1 (numpy 2.4.6), computed in a throwaway venv with
    //   scipy.stats.mannwhitneyu(before, after, alternative="two-sided",
    //                            method="asymptotic", use_continuity=True)
    // on datasets drawn once from numpy.random.default_rng(1205) and pasted here verbatim.
    // scipy's statistic is U of the first sample, as `MannWhitney::u` is.

    /// Distinct values, 10 against 10.
    const NO_TIES: Dataset = Dataset {
        before: &[
            33388664, 48383432, 49157675, 9174912, 8786836, 29319743, 6174321, 46199316, 19492586,
            32864836,
        ],
        after: &[
            36002748, 15362302, 54596533, 23802114, 44858544, 34543201, 5915359, 7172772, 3687994,
            43607603,
        ],
        u: 54.0,
        p: 0.7913367801006604,
    };

    /// Whole seconds, many ties, 12 against 15.
    const TIES: Dataset = Dataset {
        before: &[
            32000000, 39000000, 30000000, 38000000, 39000000, 41000000, 39000000, 31000000,
            40000000, 34000000, 44000000, 45000000,
        ],
        after: &[
            39000000, 39000000, 34000000, 35000000, 35000000, 41000000, 41000000, 37000000,
            33000000, 34000000, 33000000, 41000000, 33000000, 36000000, 33000000,
        ],
        u: 103.5,
        p: 0.5229939422597589,
    };

    /// Half seconds with ties, 8 against 40.
    const UNEQUAL: Dataset = Dataset {
        before: &[
            4000000, 6000000, 7000000, 4500000, 7000000, 4500000, 8000000, 8500000,
        ],
        after: &[
            5000000, 4500000, 1500000, 2000000, 5000000, 8500000, 5000000, 6000000, 4500000,
            8500000, 1500000, 7500000, 8000000, 2000000, 2000000, 4500000, 5000000, 6000000,
            2000000, 7500000, 3000000, 6500000, 5000000, 4000000, 3000000, 7000000, 8500000,
            8500000, 1500000, 7500000, 4000000, 3500000, 8500000, 1500000, 3500000, 1500000,
            5000000, 5000000, 8000000, 7500000,
        ],
        u: 201.5,
        p: 0.25450761284174306,
    };

    /// Log-normal around 40 s against around 30 s, 30 each: a fix that clearly worked.
    const SHIFTED: Dataset = Dataset {
        before: &[
            40123104, 37652828, 34915020, 38029714, 35825871, 38330591, 43870016, 38892746,
            45016334, 38906590, 37806360, 51944159, 38675870, 37062354, 41817062, 54621817,
            45946755, 41449545, 34862821, 40145065, 36233970, 37522946, 46101298, 44046361,
            33157166, 50067988, 47124987, 43912822, 37454920, 66408458,
        ],
        after: &[
            33379147, 24909755, 30881970, 25279353, 30782180, 32434696, 30344719, 31494179,
            20863094, 34794626, 22721025, 26015941, 27730770, 28516258, 24832188, 32965511,
            28236020, 31493620, 28599238, 28771906, 33596411, 18344126, 31450652, 27697737,
            30463991, 23146527, 34141680, 36715473, 32986240, 27868362,
        ],
        u: 891.0,
        p: 7.389082518022347e-11,
    };

    /// Both sides drawn from one log-normal around 8 s, 25 each; chance alone gives p ≈ 0.012.
    const SAME_DISTRIBUTION: Dataset = Dataset {
        before: &[
            8348222, 9924132, 11461315, 9613375, 8068571, 5984366, 6825630, 7886594, 10501422,
            10494966, 9410735, 8629079, 7380462, 7835709, 3990902, 8491798, 7602600, 5020340,
            12647049, 7569255, 6395189, 8204081, 13039815, 8819380, 8938300,
        ],
        after: &[
            5612729, 5201459, 5284078, 5575606, 8090328, 5563959, 9999350, 9278413, 11452395,
            4826534, 5778737, 6067676, 6988303, 6369087, 7467352, 7429178, 5139303, 8809971,
            6251397, 5995678, 10350873, 9069825, 4542369, 8230477, 6660963,
        ],
        u: 442.0,
        p: 0.012315680042810818,
    };

    struct Dataset {
        before: &'static [u64],
        after: &'static [u64],
        u: f64,
        p: f64,
    }

    fn test_of(dataset: &Dataset) -> MannWhitney {
        mann_whitney(dataset.before, dataset.after).expect("enough data")
    }

    #[test]
    fn matches_scipy_without_ties_with_ties_and_with_unequal_sizes() {
        for (name, dataset) in [
            ("no ties", NO_TIES),
            ("ties", TIES),
            ("unequal", UNEQUAL),
            ("shifted", SHIFTED),
            ("same distribution", SAME_DISTRIBUTION),
        ] {
            let test = test_of(&dataset);
            assert_eq!(test.u, dataset.u, "{name}");
            assert_eq!(test.n_before, dataset.before.len() as u64, "{name}");
            assert_eq!(test.n_after, dataset.after.len() as u64, "{name}");
            assert!(
                (test.p_value - dataset.p).abs() <= 1e-6,
                "{name}: p {} against scipy {}",
                test.p_value,
                dataset.p
            );
            // Far tighter than the brief's 1e-6: the formula is scipy's own.
            assert!(
                (test.p_value - dataset.p).abs() <= 1e-12 * dataset.p.max(1e-300) + 1e-15,
                "{name}: p {} against scipy {}",
                test.p_value,
                dataset.p
            );
        }
    }

    #[test]
    fn a_clear_speed_up_is_significant_with_a_large_effect() {
        let test = test_of(&SHIFTED);
        assert_eq!(test.direction, Direction::Faster);
        assert!(test.z > 6.0, "z {}", test.z);
        assert!(test.p_value < 1e-9);
        assert_eq!(test.prob_after_faster, 891.0 / 900.0);
        assert!((test.rank_biserial() - 0.98).abs() < 1e-12);
    }

    #[test]
    fn too_few_runs_or_all_ties_is_not_enough_data() {
        let seven = [
            1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000, 7_000_000,
        ];
        let eight = [
            1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 6_000_000, 7_000_000, 8_000_000,
        ];
        assert_eq!(mann_whitney(&seven, &eight), None);
        assert_eq!(mann_whitney(&eight, &seven), None);
        assert_eq!(mann_whitney(&[], &eight), None);
        assert!(mann_whitney(&eight, &eight).is_some());
        let tied = [41_000_000; 20];
        assert_eq!(mann_whitney(&tied, &tied[..9]), None);
        let empty = Histogram::new();
        assert_eq!(mann_whitney_histograms(&empty, &empty), None);
    }

    #[test]
    fn identical_samples_give_p_one() {
        let test = mann_whitney(SHIFTED.before, SHIFTED.before).expect("enough data");
        assert_eq!(test.direction, Direction::Unchanged);
        assert_eq!(
            (test.z, test.p_value, test.prob_after_faster),
            (0.0, 1.0, 0.5)
        );
    }

    /// Exact bucket representatives (the smallest whole ms of bucket i, `floor(2^(i/8)) + 1`,
    /// in µs) of buckets 97..=116, 20 against 26, so that ties are exactly the buckets.
    /// Computed the same way with scipy from indexes drawn by default_rng(1205).
    const BUCKETED: Dataset = Dataset {
        before: &[
            6317000, 17867000, 8934000, 6889000, 11586000, 17867000, 12634000, 6889000, 12634000,
            17867000, 13778000, 8934000, 15025000, 5793000, 17867000, 16385000, 17867000, 7513000,
            17867000, 17867000,
        ],
        after: &[
            10624000, 4871000, 7513000, 6317000, 16385000, 13778000, 9742000, 4467000, 4871000,
            4467000, 16385000, 4871000, 7513000, 4871000, 8934000, 15025000, 4467000, 5793000,
            5312000, 9742000, 4467000, 8934000, 9742000, 11586000, 9742000, 4871000,
        ],
        u: 407.5,
        p: 0.0010773058946776408,
    };

    #[test]
    fn histograms_of_bucket_representatives_give_scipys_figures() {
        let before: Histogram = BUCKETED.before.iter().copied().collect();
        let after: Histogram = BUCKETED.after.iter().copied().collect();
        let from_histograms = mann_whitney_histograms(&before, &after).expect("enough data");
        assert_eq!(from_histograms.u, BUCKETED.u);
        assert!((from_histograms.p_value - BUCKETED.p).abs() <= 1e-12 * BUCKETED.p);
        assert_eq!(
            Some(from_histograms),
            mann_whitney(BUCKETED.before, BUCKETED.after)
        );
    }

    /// Each duration replaced by its bucket's rank (0 for the zero bucket): the values the
    /// histogram test effectively ranks.
    fn bucket_keys(durations_us: &[u64]) -> Vec<u64> {
        durations_us
            .iter()
            .map(|&us| crate::histogram::bucket_index(us / 1000).map_or(0, |i| (i + 2) as u64))
            .collect()
    }

    #[test]
    fn histograms_test_durations_rounded_to_their_bucket() {
        // Whole seconds from 28 to 45 s share buckets (about 9% wide), so the histogram test
        // sees fewer, larger tie groups than the raw durations and gives another U.
        let before: Histogram = TIES.before.iter().copied().collect();
        let after: Histogram = TIES.after.iter().copied().collect();
        let from_histograms = mann_whitney_histograms(&before, &after).expect("enough data");
        assert_ne!(from_histograms.u, TIES.u);
        assert_eq!(
            Some(from_histograms),
            mann_whitney(&bucket_keys(TIES.before), &bucket_keys(TIES.after))
        );
    }

    #[test]
    // mpmath's 20 digits are kept as printed rather than trimmed to what f64 holds.
    #[allow(clippy::excessive_precision)]
    fn erfc_matches_high_precision_references() {
        // erfc to 20 significant digits from mpmath (mp.dps = 40), covering Cody's three
        // intervals, their edges, the far tail and negative arguments.
        let references = [
            (0.0, 1.0),
            (1e-20, 1.0),
            (0.1, 0.8875370839817151078),
            (0.46875, 0.50738652678206200841),
            (0.5, 0.47950012218695346232),
            (1.0, 0.15729920705028513066),
            (2.0, 0.0046777349810472658379),
            (3.9, 3.4792248597231742278e-8),
            (4.0, 1.5417257900280018852e-8),
            (4.5, 1.9661604415428874763e-10),
            (6.0, 2.1519736712498913117e-17),
            (10.0, 2.088487583762544757e-45),
            (26.0, 5.6631924088561428465e-296),
            (27.0, 0.0),
            (-0.3, 1.3286267594591274276),
            (-1.0, 1.8427007929497148693),
            (-3.0, 1.9999779095030014146),
        ];
        for (x, expected) in references {
            let actual = erfc(x);
            let error = if expected == 0.0 {
                actual
            } else {
                ((actual - expected) / expected).abs()
            };
            assert!(error < 1e-13, "erfc({x}) = {actual}, expected {expected}");
        }
        assert!((normal_cdf(1.959963984540054) - 0.975).abs() < 1e-15);
        assert!((normal_sf(1.959963984540054) - 0.025).abs() < 1e-15);
        assert!(erfc(f64::NAN).is_nan());
    }

    /// Durations as a histogram sees them: ms values, each replaced by the smallest ms of its
    /// bucket, so every bucket holds one value.
    fn bucket_representatives(ms: &[u64]) -> Vec<u64> {
        use crate::histogram::bucket_index;
        ms.iter()
            .map(|&v| {
                let mut lowest = v;
                while lowest > 1 && bucket_index(lowest - 1) == bucket_index(v) {
                    lowest -= 1;
                }
                lowest * 1000
            })
            .collect()
    }

    fn samples() -> impl Strategy<Value = Vec<u64>> {
        proptest::collection::vec(0u64..120_000_000, 0..60)
    }

    proptest! {
        #[test]
        fn p_value_is_a_probability_and_effect_sizes_are_bounded(
            before in samples(), after in samples(),
        ) {
            if let Some(test) = mann_whitney(&before, &after) {
                prop_assert!((0.0..=1.0).contains(&test.p_value));
                prop_assert!((0.0..=1.0).contains(&test.prob_after_faster));
                prop_assert!((-1.0..=1.0).contains(&test.rank_biserial()));
                prop_assert!(test.u >= 0.0 && test.u <= (test.n_before * test.n_after) as f64);
            } else {
                let enough = before.len() >= 8 && after.len() >= 8;
                let varied = before.iter().chain(&after).any(|&v| v != before.first().copied().unwrap_or(v));
                prop_assert!(!(enough && varied));
            }
        }

        #[test]
        fn swapping_sides_mirrors_u_and_keeps_p(before in samples(), after in samples()) {
            let forward = mann_whitney(&before, &after);
            let backward = mann_whitney(&after, &before);
            prop_assert_eq!(forward.is_some(), backward.is_some());
            if let (Some(f), Some(b)) = (forward, backward) {
                prop_assert_eq!(f.p_value, b.p_value);
                prop_assert_eq!(f.u, (f.n_before * f.n_after) as f64 - b.u);
                prop_assert_eq!(f.z, -b.z);
                prop_assert!((f.prob_after_faster - (1.0 - b.prob_after_faster)).abs() < 1e-15);
                let mirrored = match b.direction {
                    Direction::Faster => Direction::Slower,
                    Direction::Slower => Direction::Faster,
                    Direction::Unchanged => Direction::Unchanged,
                };
                prop_assert_eq!(f.direction, mirrored);
            }
        }

        #[test]
        fn clearly_shifted_samples_are_significant(
            base in proptest::collection::vec(20_000_000u64..30_000_000, 30..80),
            speed_up in 0.5f64..0.75,
        ) {
            // Every run after is at least a quarter faster than the fastest run before.
            let after: Vec<u64> = base.iter().map(|&v| (v as f64 * speed_up) as u64).collect();
            let test = mann_whitney(&base, &after).expect("enough data");
            prop_assert!(test.p_value < 1e-6, "p {}", test.p_value);
            prop_assert_eq!(test.direction, Direction::Faster);
        }

        #[test]
        fn histograms_agree_with_durations_on_bucket_representatives(
            before_ms in proptest::collection::vec(0u64..100_000, 0..60),
            after_ms in proptest::collection::vec(0u64..100_000, 0..60),
        ) {
            let before = bucket_representatives(&before_ms);
            let after = bucket_representatives(&after_ms);
            let from_histograms = mann_whitney_histograms(
                &before.iter().copied().collect(),
                &after.iter().copied().collect(),
            );
            prop_assert_eq!(from_histograms, mann_whitney(&before, &after));
        }

        #[test]
        fn histograms_rank_durations_by_bucket(before in samples(), after in samples()) {
            let from_histograms = mann_whitney_histograms(
                &before.iter().copied().collect(),
                &after.iter().copied().collect(),
            );
            prop_assert_eq!(
                from_histograms,
                mann_whitney(&bucket_keys(&before), &bucket_keys(&after))
            );
        }
    }
}
