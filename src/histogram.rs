//! The duration histogram worthit keeps per action per day: a base-2 exponential histogram
//! at fixed scale 3 in milliseconds, the OpenTelemetry data model (see docs/histogram.md).
//!
//! One histogram is stored per action per day in the SQLite rollups, merged over periods for
//! reports, and later uploaded and merged again on the team server. Two properties drive the
//! design:
//!
//! - **Exact merges.** Merging adds counts, bucket counts and sums and takes the min of mins and
//!   max of maxes, so it is associative and commutative and a year merged day by day equals the
//!   year recorded at once. Quantiles are only ever read from merged counts, never averaged.
//! - **Every machine agrees on the bucket of a value.** The bucket index comes from the whole
//!   number of milliseconds through integer comparisons ([`bucket_index`]), never from a
//!   floating-point `log2` whose last bit may differ between platforms at bucket boundaries.
//!
//! Bucket `i` holds whole-millisecond values `v` with `base^i < v <= base^(i+1)`, where
//! `base = 2^(1/8)`; durations under 1 ms (value 0) go to the zero bucket. `count`, `sum`,
//! `min` and `max` are exact in microseconds.
//!
//! Storage uses the compact versioned encoding of [`Histogram::to_bytes`]; the uploader uses
//! the serde form, one OTLP/JSON `exponentialHistogram` data point. Both decoders validate
//! through the same checks, so an inconsistent histogram never enters a rollup.

use std::fmt;
use std::ops::RangeInclusive;

use serde::de::{self, Deserializer, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The OpenTelemetry scale: `2^SCALE` buckets per doubling, `base = 2^(2^-SCALE)`.
pub const SCALE: i32 = 3;

/// The largest whole-millisecond value a `u64` microsecond duration can have.
pub const MAX_MS: u64 = u64::MAX / 1000;

/// The lowest positive bucket: 1 ms, the smallest non-zero whole-millisecond value, is
/// `2^0`, the upper bound of bucket −1.
pub const MIN_INDEX: i32 = -1;

/// The bucket of [`MAX_MS`], the highest any histogram can use.
pub const MAX_INDEX: i32 = match bucket_index(MAX_MS) {
    Some(index) => index,
    None => MIN_INDEX,
};

/// How many positive buckets a histogram can have at most; longer bucket arrays are rejected
/// before anything is allocated for them.
pub const MAX_BUCKETS: usize = (MAX_INDEX - MIN_INDEX + 1) as usize;

/// Worst relative error of a bucket's representative value (its geometric midpoint) against
/// any whole-millisecond value in the bucket: `2^(1/16) − 1`, about 4.43%.
pub const RELATIVE_ERROR: f64 = 0.044_273_782_427_413_755;

/// The version byte that starts every blob [`Histogram::to_bytes`] writes.
pub const ENCODING_VERSION: u8 = 1;

/// `floor(2^(63 + k/8))` for k = 1..=7: the sub-bucket boundaries inside one doubling, scaled
/// so that a value normalised to `[2^63, 2^64)` can be compared with integers. The boundaries
/// are irrational, so `mantissa > threshold` is exactly `mantissa > 2^(63 + k/8)`. Computed as
/// integer eighth roots of `2^(504 + k)` and checked with exact arithmetic in the tests.
const SUB_BUCKET_THRESHOLDS: [u64; 7] = [
    0x8b95_c1e3_ea8b_d6e6,
    0x9837_f051_8db8_a96f,
    0xa5fe_d6a9_b151_38ea,
    0xb504_f333_f9de_6484,
    0xc567_2a11_5506_dadd,
    0xd744_fcca_d69d_6af4,
    0xeac0_c6e7_dd24_392e,
];

/// The bucket index of a whole number of milliseconds, `ceil(log2(ms) × 8) − 1`, exact for
/// every `u64`; `None` for 0, which belongs to the zero bucket.
///
/// Exact powers of two land at `8k − 1` (they are the inclusive upper bound of their bucket).
/// Every other boundary `2^(k/8)` is irrational, so no integer sits on it and comparing the
/// normalised value with [`SUB_BUCKET_THRESHOLDS`] decides the sub-bucket exactly.
#[must_use]
pub const fn bucket_index(ms: u64) -> Option<i32> {
    if ms == 0 {
        return None;
    }
    let exponent = 63 - ms.leading_zeros();
    let mantissa = ms << (63 - exponent);
    let base = exponent as i32 * (1 << SCALE);
    if mantissa == 1 << 63 {
        return Some(base - 1);
    }
    let mut sub_bucket = 0;
    let mut k = 0;
    while k < SUB_BUCKET_THRESHOLDS.len() {
        if mantissa > SUB_BUCKET_THRESHOLDS[k] {
            sub_bucket += 1;
        }
        k += 1;
    }
    Some(base + sub_bucket)
}

/// The lower (exclusive) bound of bucket `index` in milliseconds: `2^(index/8)`. Its upper
/// (inclusive) bound is the lower bound of `index + 1`.
#[must_use]
pub fn bucket_lower_bound_ms(index: i32) -> f64 {
    (f64::from(index) / f64::from(1 << SCALE)).exp2()
}

/// The value a quantile falling in a bucket reports, in microseconds.
///
/// For a positive bucket it is the geometric midpoint `2^((index + 0.5)/8)` ms, which
/// minimises the worst-case *relative* error (4.43% at either edge; the arithmetic midpoint
/// would be 4.5% off at the lower edge), plus 500 µs: the index is taken from whole
/// milliseconds, so the durations in a bucket sit up to 1 ms above its millisecond range and
/// half of that centres the estimate. The zero bucket (durations under 1 ms) reports 500 µs.
fn representative_us(index: Option<i32>) -> f64 {
    match index {
        None => 500.0,
        Some(index) => 1000.0 * (f64::from(2 * index + 1) / f64::from(2 << SCALE)).exp2() + 500.0,
    }
}

/// The nearest rank of quantile `q` among `count` values: `ceil(q × count)`, at least 1.
fn nearest_rank(q: f64, count: u64) -> u64 {
    // Rounding in the product only matters when q × count is within an ulp of a whole
    // number, where either neighbouring rank is a fair answer; `as` saturates, and the
    // clamp keeps q = 0 at the first value.
    ((q * count as f64).ceil() as u64).clamp(1, count)
}

/// A duration histogram: see the module documentation.
///
/// The positive buckets are stored as OpenTelemetry does, an `offset` (index of the first
/// bucket) and a contiguous array of counts. The array never has an empty first or last
/// bucket, so equal histograms have equal fields and a single encoding.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "OtlpDataPointIn")]
pub struct Histogram {
    count: u64,
    zero_count: u64,
    sum_us: u64,
    min_us: u64,
    max_us: u64,
    offset: i32,
    buckets: Vec<u64>,
}

/// One bucket as [`Histogram::buckets`] lists it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bucket {
    /// The bucket index, `None` for the zero bucket.
    pub index: Option<i32>,
    /// Exclusive lower bound in milliseconds (0 for the zero bucket).
    pub lower_ms: f64,
    /// Inclusive upper bound in milliseconds. The zero bucket reports 1: it holds every
    /// duration under a millisecond (whole-millisecond value 0).
    pub upper_ms: f64,
    /// How many durations the bucket holds.
    pub count: u64,
}

impl Histogram {
    /// An empty histogram.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one duration.
    #[inline]
    pub fn record(&mut self, duration_us: u64) {
        self.record_n(duration_us, 1);
    }

    /// Records `n` runs of the same duration; `n = 0` changes nothing.
    ///
    /// Counts and the sum saturate instead of wrapping: a `u64` of microseconds is 584,000
    /// years, so saturation means corrupt input, and saturating keeps merges associative.
    #[inline]
    pub fn record_n(&mut self, duration_us: u64, n: u64) {
        if n == 0 {
            return;
        }
        if self.count == 0 {
            self.min_us = duration_us;
            self.max_us = duration_us;
        } else {
            self.min_us = self.min_us.min(duration_us);
            self.max_us = self.max_us.max(duration_us);
        }
        self.count = self.count.saturating_add(n);
        self.sum_us = self.sum_us.saturating_add(duration_us.saturating_mul(n));
        match bucket_index(duration_us / 1000) {
            None => self.zero_count = self.zero_count.saturating_add(n),
            Some(index) => {
                let bucket = self.bucket_mut(index);
                *bucket = bucket.saturating_add(n);
            }
        }
    }

    /// The counter of bucket `index`, growing the array to reach it.
    #[inline]
    fn bucket_mut(&mut self, index: i32) -> &mut u64 {
        if self.buckets.is_empty() {
            self.offset = index;
        } else if index < self.offset {
            // A new fastest bucket: rare, and bounded by MAX_BUCKETS, so shifting is fine.
            let missing = (self.offset - index) as usize;
            self.buckets.splice(0..0, std::iter::repeat_n(0, missing));
            self.offset = index;
        }
        let position = (index - self.offset) as usize;
        if position >= self.buckets.len() {
            self.buckets.resize(position + 1, 0);
        }
        &mut self.buckets[position]
    }

    /// Adds `other` into `self`. Exact, associative and commutative: merging daily
    /// histograms in any order or grouping gives the histogram of all their durations.
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            self.clone_from(other);
            return;
        }
        self.count = self.count.saturating_add(other.count);
        self.zero_count = self.zero_count.saturating_add(other.zero_count);
        self.sum_us = self.sum_us.saturating_add(other.sum_us);
        self.min_us = self.min_us.min(other.min_us);
        self.max_us = self.max_us.max(other.max_us);
        let Some(last) = other.last_index() else {
            return;
        };
        if self.buckets.is_empty() {
            self.offset = other.offset;
            self.buckets.extend_from_slice(&other.buckets);
            return;
        }
        // Touching both ends first grows the array once to cover the union of both ranges.
        self.bucket_mut(other.offset);
        self.bucket_mut(last);
        let start = (other.offset - self.offset) as usize;
        for (mine, theirs) in self.buckets[start..].iter_mut().zip(&other.buckets) {
            *mine = mine.saturating_add(*theirs);
        }
    }

    /// How many durations were recorded.
    #[must_use]
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Whether nothing was recorded.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// How many durations were under 1 ms.
    #[must_use]
    pub fn zero_count(&self) -> u64 {
        self.zero_count
    }

    /// The exact sum of all durations in microseconds.
    #[must_use]
    pub fn sum_us(&self) -> u64 {
        self.sum_us
    }

    /// The exact shortest duration, `None` when empty.
    #[must_use]
    pub fn min_us(&self) -> Option<u64> {
        (self.count > 0).then_some(self.min_us)
    }

    /// The exact longest duration, `None` when empty.
    #[must_use]
    pub fn max_us(&self) -> Option<u64> {
        (self.count > 0).then_some(self.max_us)
    }

    /// The exact mean duration in microseconds, `None` when empty.
    #[must_use]
    pub fn mean_us(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_us as f64 / self.count as f64)
    }

    /// The index of the first positive bucket (meaningless when there are none).
    #[must_use]
    pub fn offset(&self) -> i32 {
        self.offset
    }

    /// The positive bucket counts, starting at bucket [`Histogram::offset`].
    #[must_use]
    pub fn bucket_counts(&self) -> &[u64] {
        &self.buckets
    }

    /// The indexes the positive buckets span, `None` when there are none.
    #[must_use]
    pub fn index_range(&self) -> Option<RangeInclusive<i32>> {
        self.last_index().map(|last| self.offset..=last)
    }

    fn last_index(&self) -> Option<i32> {
        let len = i32::try_from(self.buckets.len()).ok()?;
        (len > 0).then(|| self.offset + len - 1)
    }

    /// The count of positive bucket `index` (0 outside the stored range).
    #[must_use]
    pub fn bucket_count(&self, index: i32) -> u64 {
        usize::try_from(index - self.offset)
            .ok()
            .and_then(|position| self.buckets.get(position))
            .copied()
            .unwrap_or(0)
    }

    /// The buckets from fastest to slowest: the zero bucket first when it holds anything,
    /// then every positive bucket in the stored range, empty ones in between included so a
    /// drawing shows the gaps.
    pub fn buckets(&self) -> impl Iterator<Item = Bucket> + '_ {
        let zero = (self.zero_count > 0).then_some(Bucket {
            index: None,
            lower_ms: 0.0,
            upper_ms: 1.0,
            count: self.zero_count,
        });
        let positive = (self.offset..)
            .zip(&self.buckets)
            .map(|(index, &count)| Bucket {
                index: Some(index),
                lower_ms: bucket_lower_bound_ms(index),
                upper_ms: bucket_lower_bound_ms(index + 1),
                count,
            });
        zero.into_iter().chain(positive)
    }

    /// The quantile `q` (0 = fastest, 0.5 = median, 1 = slowest) in microseconds, by nearest
    /// rank (`ceil(q × count)`, at least 1) on the bucket counts; `None` when empty or when `q`
    /// is not within `[0, 1]`.
    ///
    /// The first and last rank return the exact min and max. Other ranks return the bucket's
    /// representative value (its geometric midpoint plus 500 µs, see `representative_us`)
    /// clamped to `[min, max]`, so a histogram of one repeated value returns that value. The
    /// estimate is within [`RELATIVE_ERROR`] (4.43%) of the exact nearest-rank quantile plus
    /// 0.5 ms, the second term coming from indexing whole milliseconds.
    #[must_use]
    pub fn quantile_us(&self, q: f64) -> Option<f64> {
        if self.count == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        let rank = nearest_rank(q, self.count);
        if rank == 1 {
            return Some(self.min_us as f64);
        }
        if rank == self.count {
            return Some(self.max_us as f64);
        }
        let mut seen = self.zero_count;
        let mut bucket = None;
        if seen < rank {
            for (index, &count) in (self.offset..).zip(&self.buckets) {
                seen = seen.saturating_add(count);
                if seen >= rank {
                    bucket = Some(index);
                    break;
                }
            }
        }
        Some(representative_us(bucket).clamp(self.min_us as f64, self.max_us as f64))
    }

    /// The compact encoding stored in SQLite (layout in docs/histogram.md): a version byte
    /// then LEB128 varints. A typical day of one action (20–30 buckets) takes about 50–60 bytes.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(24 + 2 * self.buckets.len());
        out.push(ENCODING_VERSION);
        put_varint(&mut out, self.count);
        if self.count == 0 {
            return out;
        }
        put_varint(&mut out, self.zero_count);
        put_varint(&mut out, self.sum_us);
        put_varint(&mut out, self.min_us);
        put_varint(&mut out, self.max_us - self.min_us);
        put_varint(&mut out, self.buckets.len() as u64);
        if !self.buckets.is_empty() {
            put_varint(
                &mut out,
                u64::from((self.offset - MIN_INDEX).unsigned_abs()),
            );
            for &count in &self.buckets {
                put_varint(&mut out, count);
            }
        }
        out
    }

    /// Decodes [`Histogram::to_bytes`]. Never panics; rejects unknown versions, truncated or
    /// trailing bytes, non-canonical varints, absurd lengths and inconsistent histograms.
    pub fn from_bytes(bytes: &[u8]) -> Result<Histogram, HistogramError> {
        let mut reader = Reader { bytes, position: 0 };
        let version = reader.byte()?;
        if version != ENCODING_VERSION {
            return Err(HistogramError::UnsupportedVersion(version));
        }
        let count = reader.varint()?;
        let mut parts = Parts {
            count,
            ..Parts::default()
        };
        if count > 0 {
            parts.zero_count = reader.varint()?;
            parts.sum_us = reader.varint()?;
            parts.min_us = Some(reader.varint()?);
            let spread = reader.varint()?;
            parts.max_us = parts.min_us.and_then(|min| min.checked_add(spread));
            if parts.max_us.is_none() {
                return Err(HistogramError::Inconsistent(format!(
                    "max (min + {spread} µs) is beyond the largest duration"
                )));
            }
            let len = reader.varint()?;
            if len > 0 {
                let offset = i64::from(MIN_INDEX).saturating_add_unsigned(reader.varint()?);
                check_bucket_range(offset, len)?;
                parts.offset = offset;
                // check_bucket_range bounds len by MAX_BUCKETS, so this allocation is small.
                parts.buckets.reserve(len as usize);
                for _ in 0..len {
                    parts.buckets.push(reader.varint()?);
                }
            }
        }
        if reader.position < bytes.len() {
            return Err(HistogramError::TrailingBytes {
                count: bytes.len() - reader.position,
                at: reader.position,
            });
        }
        parts.into_histogram()
    }
}

impl FromIterator<u64> for Histogram {
    fn from_iter<I: IntoIterator<Item = u64>>(durations_us: I) -> Self {
        let mut histogram = Histogram::new();
        durations_us.into_iter().for_each(|d| histogram.record(d));
        histogram
    }
}

/// Why a histogram blob or JSON data point was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HistogramError {
    /// The blob's first byte names an encoding this build does not know.
    #[error("histogram blob version {0} is not supported (this build reads version 1)")]
    UnsupportedVersion(u8),
    /// The blob ended in the middle of a field.
    #[error("histogram blob truncated at byte {0}")]
    Truncated(usize),
    /// A varint was longer than ten bytes, overflowed 64 bits or had a redundant zero byte.
    #[error("histogram blob has a malformed varint at byte {0}")]
    MalformedVarint(usize),
    /// Bytes remained after the last bucket.
    #[error("histogram blob has {count} unexpected trailing bytes at byte {at}")]
    TrailingBytes { count: usize, at: usize },
    /// The JSON data point uses another OpenTelemetry scale.
    #[error("histogram scale {0} is not supported (only scale 3)")]
    UnsupportedScale(i64),
    /// The bucket array does not fit in the indexes millisecond durations can have.
    #[error(
        "histogram has {len} buckets from offset {offset}, outside the bucket range {min}..={max} of millisecond durations",
        min = MIN_INDEX,
        max = MAX_INDEX
    )]
    BucketsOutOfRange { offset: i64, len: u64 },
    /// The bucket counts do not add up to the total.
    #[error(
        "histogram count {count} does not equal zero count {zero_count} plus bucket counts {bucket_total}"
    )]
    CountMismatch {
        count: u64,
        zero_count: u64,
        bucket_total: u128,
    },
    /// A JSON field has a value no duration histogram can have.
    #[error("histogram field {field} is invalid: {reason}")]
    InvalidField { field: &'static str, reason: String },
    /// The fields contradict each other (min, max and sum against the buckets).
    #[error("histogram is inconsistent: {0}")]
    Inconsistent(String),
}

fn check_bucket_range(offset: i64, len: u64) -> Result<(), HistogramError> {
    let last = i128::from(offset) + i128::from(len) - 1;
    if offset < i64::from(MIN_INDEX) || last > i128::from(MAX_INDEX) {
        return Err(HistogramError::BucketsOutOfRange { offset, len });
    }
    Ok(())
}

fn describe_bucket(index: Option<i32>) -> String {
    match index {
        None => "the zero bucket".to_string(),
        Some(index) => format!("bucket {index}"),
    }
}

/// The fields of a histogram before validation, shared by both decoders.
#[derive(Default)]
struct Parts {
    count: u64,
    zero_count: u64,
    sum_us: u64,
    min_us: Option<u64>,
    max_us: Option<u64>,
    offset: i64,
    buckets: Vec<u64>,
}

impl Parts {
    fn into_histogram(self) -> Result<Histogram, HistogramError> {
        let Parts {
            count,
            zero_count,
            sum_us,
            min_us,
            max_us,
            offset,
            buckets,
        } = self;
        let len = buckets.len() as u64;
        if len > 0 {
            check_bucket_range(offset, len)?;
        }
        let bucket_total: u128 = buckets.iter().map(|&c| u128::from(c)).sum();
        if u128::from(zero_count) + bucket_total != u128::from(count) {
            return Err(HistogramError::CountMismatch {
                count,
                zero_count,
                bucket_total,
            });
        }
        if count == 0 {
            if sum_us != 0 || min_us.is_some_and(|v| v != 0) || max_us.is_some_and(|v| v != 0) {
                return Err(HistogramError::Inconsistent(
                    "it is empty but has a non-zero sum, min or max".to_string(),
                ));
            }
            return Ok(Histogram::default());
        }
        let (Some(min_us), Some(max_us)) = (min_us, max_us) else {
            return Err(HistogramError::Inconsistent(
                "it has durations but no min or max".to_string(),
            ));
        };
        if min_us > max_us {
            return Err(HistogramError::Inconsistent(format!(
                "min {min_us} µs is greater than max {max_us} µs"
            )));
        }
        // check_bucket_range put every index within MIN_INDEX..=MAX_INDEX, so these fit.
        let offset = if len > 0 { offset as i32 } else { 0 };
        let last = offset + len as i32 - 1;
        if buckets.first() == Some(&0) || buckets.last() == Some(&0) {
            return Err(HistogramError::Inconsistent(format!(
                "the bucket array {offset}..={last} starts or ends with an empty bucket"
            )));
        }
        let lowest = if zero_count > 0 || len == 0 {
            None
        } else {
            Some(offset)
        };
        let highest = if len > 0 { Some(last) } else { None };
        for (name, value, expected) in [("min", min_us, lowest), ("max", max_us, highest)] {
            let actual = bucket_index(value / 1000);
            if actual != expected {
                return Err(HistogramError::Inconsistent(format!(
                    "{name} {value} µs falls in {}, but the {} non-empty bucket is {}",
                    describe_bucket(actual),
                    if name == "min" { "lowest" } else { "highest" },
                    describe_bucket(expected),
                )));
            }
        }
        if sum_us < min_us.saturating_mul(count) || sum_us > max_us.saturating_mul(count) {
            return Err(HistogramError::Inconsistent(format!(
                "sum {sum_us} µs is not between count × min and count × max"
            )));
        }
        Ok(Histogram {
            count,
            zero_count,
            sum_us,
            min_us,
            max_us,
            offset,
            buckets,
        })
    }
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, HistogramError> {
        let byte = *self
            .bytes
            .get(self.position)
            .ok_or(HistogramError::Truncated(self.position))?;
        self.position += 1;
        Ok(byte)
    }

    /// An unsigned LEB128 varint in its shortest form, so each histogram has one encoding.
    fn varint(&mut self) -> Result<u64, HistogramError> {
        let start = self.position;
        let mut value = 0u64;
        let mut shift = 0u32;
        loop {
            let byte = self.byte()?;
            let low = u64::from(byte & 0x7f);
            if shift == 63 && low > 1 {
                return Err(HistogramError::MalformedVarint(start));
            }
            value |= low << shift;
            if byte & 0x80 == 0 {
                if byte == 0 && shift > 0 {
                    return Err(HistogramError::MalformedVarint(start));
                }
                return Ok(value);
            }
            shift += 7;
            if shift > 63 {
                return Err(HistogramError::MalformedVarint(start));
            }
        }
    }
}

// OTLP/JSON form. 64-bit integers are decimal strings in OTLP/JSON (proto3 JSON mapping);
// numbers are accepted too when reading, as the mapping requires.

/// A `u64` that serialises as a decimal string and deserialises from a string or a number.
struct JsonU64(u64);

impl Serialize for JsonU64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for JsonU64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct JsonU64Visitor;
        impl Visitor<'_> for JsonU64Visitor {
            type Value = JsonU64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an unsigned 64-bit integer as a number or a decimal string")
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<JsonU64, E> {
                Ok(JsonU64(value))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<JsonU64, E> {
                u64::try_from(value)
                    .map(JsonU64)
                    .map_err(|_| E::custom(format!("{value} is negative")))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<JsonU64, E> {
                value
                    .parse()
                    .map(JsonU64)
                    .map_err(|_| E::custom(format!("{value:?} is not an unsigned 64-bit integer")))
            }
        }
        deserializer.deserialize_any(JsonU64Visitor)
    }
}

/// A bucket-count array serialised as decimal strings.
struct JsonU64s<'a>(&'a [u64]);

impl Serialize for JsonU64s<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for &count in self.0 {
            seq.serialize_element(&JsonU64(count))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OtlpDataPointOut<'a> {
    count: JsonU64,
    sum: f64,
    scale: i32,
    zero_count: JsonU64,
    positive: OtlpBucketsOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OtlpBucketsOut<'a> {
    offset: i32,
    bucket_counts: JsonU64s<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpDataPointIn {
    #[serde(default)]
    count: Option<JsonU64>,
    #[serde(default)]
    sum: Option<f64>,
    #[serde(default)]
    scale: Option<i64>,
    #[serde(default)]
    zero_count: Option<JsonU64>,
    #[serde(default)]
    zero_threshold: Option<f64>,
    #[serde(default)]
    positive: Option<OtlpBucketsIn>,
    #[serde(default)]
    negative: Option<OtlpBucketsIn>,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OtlpBucketsIn {
    #[serde(default)]
    offset: i64,
    #[serde(default)]
    bucket_counts: Vec<JsonU64>,
}

fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// Milliseconds from JSON back to exact microseconds: exact for values below 2^51 µs
/// (71 years), far beyond any one duration or any realistic sum.
fn ms_to_us(field: &'static str, ms: f64) -> Result<u64, HistogramError> {
    let us = (ms * 1000.0).round();
    // 2^64 as f64, which is also what u64::MAX becomes; `as` below saturates it back.
    if !(0.0..=18_446_744_073_709_551_616.0).contains(&us) {
        return Err(HistogramError::InvalidField {
            field,
            reason: format!("{ms} ms is not a duration between 0 and 2^64 µs"),
        });
    }
    Ok(us as u64)
}

impl Serialize for Histogram {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        OtlpDataPointOut {
            count: JsonU64(self.count),
            sum: us_to_ms(self.sum_us),
            scale: SCALE,
            zero_count: JsonU64(self.zero_count),
            positive: OtlpBucketsOut {
                offset: self.offset,
                bucket_counts: JsonU64s(&self.buckets),
            },
            min: self.min_us().map(us_to_ms),
            max: self.max_us().map(us_to_ms),
        }
        .serialize(serializer)
    }
}

impl TryFrom<OtlpDataPointIn> for Histogram {
    type Error = HistogramError;

    fn try_from(point: OtlpDataPointIn) -> Result<Self, Self::Error> {
        // proto3 JSON omits fields holding their default, so an absent scale is scale 0.
        let scale = point.scale.unwrap_or(0);
        if scale != i64::from(SCALE) {
            return Err(HistogramError::UnsupportedScale(scale));
        }
        if let Some(threshold) = point.zero_threshold.filter(|&t| t != 0.0) {
            return Err(HistogramError::InvalidField {
                field: "zeroThreshold",
                reason: format!("{threshold} is not 0 (the zero bucket holds 0 ms only)"),
            });
        }
        if let Some(negative) = &point.negative
            && negative.bucket_counts.iter().any(|c| c.0 != 0)
        {
            return Err(HistogramError::InvalidField {
                field: "negative",
                reason: "durations cannot be negative".to_string(),
            });
        }
        let count = point.count.map_or(0, |c| c.0);
        let sum_us = match point.sum {
            Some(sum) => ms_to_us("sum", sum)?,
            None if count == 0 => 0,
            None => {
                return Err(HistogramError::InvalidField {
                    field: "sum",
                    reason: "missing".to_string(),
                });
            }
        };
        let positive = point.positive.unwrap_or(OtlpBucketsIn {
            offset: 0,
            bucket_counts: Vec::new(),
        });
        Parts {
            count,
            zero_count: point.zero_count.map_or(0, |c| c.0),
            sum_us,
            min_us: point.min.map(|min| ms_to_us("min", min)).transpose()?,
            max_us: point.max.map(|max| ms_to_us("max", max)).transpose()?,
            offset: positive.offset,
            buckets: positive.bucket_counts.into_iter().map(|c| c.0).collect(),
        }
        .into_histogram()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The exact bucket index by definition, `ceil(8 × log2 v) − 1`: the smallest `n` with
    /// `v^8 <= 2^n` is the bit length of `v^8 − 1`, and the index is `n − 1`. `v^8` is
    /// computed exactly in 64-bit limbs, so this holds for every `u64`.
    fn reference_index(ms: u64) -> i32 {
        let mut limbs = vec![1u64];
        for _ in 0..8 {
            let mut carry = 0u128;
            for limb in &mut limbs {
                let product = u128::from(*limb) * u128::from(ms) + carry;
                *limb = product as u64;
                carry = product >> 64;
            }
            if carry > 0 {
                limbs.push(carry as u64);
            }
        }
        for limb in &mut limbs {
            if *limb == 0 {
                *limb = u64::MAX;
            } else {
                *limb -= 1;
                break;
            }
        }
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        let bits = match limbs.last() {
            None => 0,
            Some(top) => (limbs.len() as i32 - 1) * 64 + (64 - top.leading_zeros() as i32),
        };
        bits - 1
    }

    fn assert_index_exact(ms: u64) {
        assert_eq!(
            bucket_index(ms),
            Some(reference_index(ms)),
            "bucket of {ms} ms"
        );
    }

    #[test]
    fn sub_bucket_thresholds_are_exact_eighth_roots() {
        for (k, &threshold) in (1..).zip(&SUB_BUCKET_THRESHOLDS) {
            // threshold^8 <= 2^(504 + k) < (threshold + 1)^8, i.e. its index is below
            // 504 + k and the next integer's is not.
            assert!(reference_index(threshold) < 504 + k, "threshold {k}");
            assert!(reference_index(threshold + 1) >= 504 + k, "threshold {k}");
        }
    }

    #[test]
    fn bucket_index_is_exact_for_every_value_below_2_pow_20() {
        assert_eq!(bucket_index(0), None);
        for ms in 1..(1u64 << 20) {
            assert_index_exact(ms);
        }
    }

    #[test]
    fn bucket_index_is_exact_around_every_power_of_two() {
        for exponent in 0..64 {
            let power = 1u64 << exponent;
            for ms in power.saturating_sub(300)..=power.saturating_add(300) {
                if ms > 0 {
                    assert_index_exact(ms);
                }
            }
            assert_eq!(bucket_index(power), Some(8 * exponent - 1));
        }
    }

    #[test]
    fn bucket_index_is_exact_around_every_bucket_boundary() {
        for index in 0..=MAX_INDEX + 8 {
            let approximate = bucket_lower_bound_ms(index) as u64;
            for ms in approximate.saturating_sub(3)..=approximate.saturating_add(3) {
                if ms > 0 {
                    assert_index_exact(ms);
                }
            }
        }
    }

    #[test]
    fn bucket_range_matches_the_reference_notes() {
        assert_eq!(MIN_INDEX, reference_index(1));
        assert_eq!(MAX_INDEX, reference_index(MAX_MS));
        assert_eq!(MAX_INDEX, 432);
        // "About 211 buckets span 1 ms to 1 day."
        assert_eq!(bucket_index(86_400_000), Some(210));
        assert!((RELATIVE_ERROR - (2f64.powf(1.0 / 16.0) - 1.0)).abs() < 1e-15);
    }

    #[test]
    fn record_keeps_exact_count_sum_min_and_max() {
        let mut histogram = Histogram::new();
        assert_eq!(histogram.min_us(), None);
        assert_eq!(histogram.mean_us(), None);
        assert_eq!(histogram.quantile_us(0.5), None);
        histogram.record(41_250_123);
        histogram.record(999);
        histogram.record_n(8_000_000, 3);
        histogram.record_n(5, 0);
        assert_eq!(histogram.count(), 5);
        assert_eq!(histogram.zero_count(), 1);
        assert_eq!(histogram.sum_us(), 41_250_123 + 999 + 24_000_000);
        assert_eq!(histogram.min_us(), Some(999));
        assert_eq!(histogram.max_us(), Some(41_250_123));
        assert_eq!(histogram.mean_us(), Some(65_251_122.0 / 5.0));
        assert_eq!(histogram.bucket_count(bucket_index(8_000).unwrap_or(0)), 3);
        assert_eq!(histogram.bucket_count(bucket_index(41_250).unwrap_or(0)), 1);
        assert_eq!(
            histogram.bucket_counts().iter().sum::<u64>(),
            4,
            "{histogram:?}"
        );
    }

    #[test]
    fn sub_millisecond_durations_go_to_the_zero_bucket_and_1_ms_to_bucket_minus_1() {
        let histogram: Histogram = [0, 999, 1_000, 1_999, 2_000].into_iter().collect();
        assert_eq!(histogram.zero_count(), 2);
        assert_eq!(histogram.offset(), -1);
        assert_eq!(histogram.bucket_count(-1), 2);
        assert_eq!(histogram.bucket_count(7), 1);
        let buckets: Vec<Bucket> = histogram.buckets().collect();
        assert_eq!(buckets.len(), 1 + 9, "zero bucket, then -1..=7");
        assert_eq!(buckets[0].index, None);
        assert_eq!((buckets[0].lower_ms, buckets[0].upper_ms), (0.0, 1.0));
        assert_eq!(buckets[1].index, Some(-1));
        assert!((buckets[1].lower_ms - 2f64.powf(-0.125)).abs() < 1e-12);
        assert_eq!(buckets[1].upper_ms, 1.0);
        assert_eq!(buckets[9].upper_ms, 2.0);
        assert_eq!(buckets.iter().map(|b| b.count).sum::<u64>(), 5);
        assert!(buckets[2..9].iter().all(|b| b.count == 0));
    }

    #[test]
    fn buckets_grow_downwards_and_upwards() {
        let mut histogram = Histogram::new();
        histogram.record(40_000_000);
        histogram.record(3_000);
        histogram.record(90_000_000_000);
        let range = histogram.index_range().unwrap_or(0..=0);
        assert_eq!(range.start(), &bucket_index(3).unwrap_or(0));
        assert_eq!(range.end(), &bucket_index(90_000_000).unwrap_or(0));
        assert_eq!(histogram.bucket_counts().len(), range.count());
        assert_eq!(
            histogram.bucket_counts().iter().filter(|&&c| c > 0).count(),
            3
        );
    }

    #[test]
    fn extreme_durations_are_recorded_without_overflow() {
        let mut histogram = Histogram::new();
        histogram.record(u64::MAX);
        histogram.record(u64::MAX);
        assert_eq!(histogram.sum_us(), u64::MAX, "the sum saturates");
        assert_eq!(histogram.index_range(), Some(MAX_INDEX..=MAX_INDEX));
        let decoded = Histogram::from_bytes(&histogram.to_bytes());
        assert_eq!(decoded.as_ref(), Ok(&histogram));
        let json = serde_json::to_string(&histogram).expect("serialisable");
        assert_eq!(
            serde_json::from_str::<Histogram>(&json).ok(),
            Some(histogram)
        );
    }

    #[test]
    fn single_valued_histograms_return_the_value_at_every_quantile() {
        let histogram: Histogram = std::iter::repeat_n(41_234_567, 50).collect();
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(histogram.quantile_us(q), Some(41_234_567.0));
        }
        assert_eq!(histogram.quantile_us(1.5), None);
        assert_eq!(histogram.quantile_us(f64::NAN), None);
    }

    #[test]
    fn pooled_median_is_not_the_mean_of_medians() {
        // The reference notes' example: 500 builds of about 8 s and 40 of about 90 s.
        let mut fast: Histogram = (0..500).map(|i| 7_800_000 + i * 800).collect();
        let slow: Histogram = (0..40).map(|i| 88_000_000 + i * 100_000).collect();
        fast.merge(&slow);
        // Rank 270 of 540 is the 270th fast build.
        let exact = 7_800_000.0 + 269.0 * 800.0;
        let median = fast.quantile_us(0.5).expect("a median");
        assert!(
            (median - exact).abs() <= exact * RELATIVE_ERROR + 500.0,
            "{median}"
        );
        assert!(
            median < 9_000_000.0,
            "nowhere near the 49.9 s mean of medians"
        );
    }

    #[test]
    fn typical_histogram_encodes_well_under_100_bytes() {
        // A busy day of one action: 200 runs of 5 to 60 s, filling 29 buckets.
        let histogram: Histogram = (0..200u64)
            .map(|i| 5_000_000 + (i * i * 1_379) % 55_000_000)
            .collect();
        let filled = histogram.bucket_counts().iter().filter(|&&c| c > 0).count();
        assert!((20..=30).contains(&filled), "{filled} buckets");
        let bytes = histogram.to_bytes();
        assert!(bytes.len() < 64, "{} bytes", bytes.len());
        assert_eq!(Histogram::from_bytes(&bytes), Ok(histogram));
        assert_eq!(Histogram::new().to_bytes(), vec![ENCODING_VERSION, 0]);
    }

    #[test]
    fn blob_layout_is_the_one_documented_in_docs_histogram_md() {
        let histogram: Histogram = [500, 41_000_000, 40_500_250, 44_000_000]
            .into_iter()
            .collect();
        let expected = [
            0x01, // version
            0x04, // count
            0x01, // zero count
            0xce, 0xfa, 0xeb, 0x3b, // sum: 125,500,750 µs
            0xf4, 0x03, // min: 500 µs
            0x8c, 0xc2, 0xfd, 0x14, // max − min: 43,999,500 µs
            0x02, // bucket array length
            0x7b, // offset − MIN_INDEX: 122 + 1
            0x02, 0x01, // bucket counts
        ];
        assert_eq!(histogram.to_bytes(), expected);
    }

    #[test]
    fn from_bytes_says_what_is_wrong() {
        let valid: Histogram = [1_500_000, 2_500_000, 4_000_000].into_iter().collect();
        let bytes = valid.to_bytes();
        let message = |bytes: &[u8]| match Histogram::from_bytes(bytes) {
            Ok(h) => format!("accepted {h:?}"),
            Err(error) => error.to_string(),
        };
        assert_eq!(message(&[]), "histogram blob truncated at byte 0");
        assert_eq!(
            message(&[7, 0]),
            "histogram blob version 7 is not supported (this build reads version 1)"
        );
        assert_eq!(
            message(&bytes[..bytes.len() - 1]),
            format!("histogram blob truncated at byte {}", bytes.len() - 1)
        );
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(
            message(&trailing),
            format!(
                "histogram blob has 1 unexpected trailing bytes at byte {}",
                bytes.len()
            )
        );
        assert_eq!(
            message(&[1, 0x80, 0x00]),
            "histogram blob has a malformed varint at byte 1"
        );
        assert_eq!(
            message(&[
                1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02
            ]),
            "histogram blob has a malformed varint at byte 1"
        );
        // count 5, but one bucket of 3.
        assert_eq!(
            message(&[1, 5, 0, 10, 2, 0, 1, 1, 3]),
            "histogram count 5 does not equal zero count 0 plus bucket counts 3"
        );
        // a bucket array of 2^40 entries is refused before anything is allocated.
        assert_eq!(
            message(&[1, 5, 0, 10, 2, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 1]),
            format!(
                "histogram has {} buckets from offset 0, outside the bucket range -1..=432 of millisecond durations",
                1u64 << 40
            )
        );
        let mut wrong_min = Histogram::new();
        wrong_min.record(1_500_000);
        wrong_min.min_us = 900_000;
        assert!(
            message(&wrong_min.to_bytes()).starts_with("histogram is inconsistent: min 900000 µs"),
            "{}",
            message(&wrong_min.to_bytes())
        );
    }

    #[test]
    fn json_is_one_otlp_exponential_histogram_data_point() {
        let histogram: Histogram = [500, 41_000_000, 40_500_250, 44_000_000]
            .into_iter()
            .collect();
        let json = serde_json::to_value(&histogram).expect("serialisable");
        let offset = bucket_index(40_500).unwrap_or(0);
        assert_eq!(
            json,
            serde_json::json!({
                "count": "4",
                "sum": 125_500.75,
                "scale": 3,
                "zeroCount": "1",
                "positive": {"offset": offset, "bucketCounts": ["2", "1"]},
                "min": 0.5,
                "max": 44_000.0,
            })
        );
        let back: Histogram = serde_json::from_value(json).expect("valid");
        assert_eq!(back, histogram);
        let empty = serde_json::to_value(Histogram::new()).expect("serialisable");
        assert_eq!(
            empty,
            serde_json::json!({
                "count": "0", "sum": 0.0, "scale": 3, "zeroCount": "0",
                "positive": {"offset": 0, "bucketCounts": []},
            })
        );
    }

    #[test]
    fn json_accepts_numbers_for_64_bit_integers_and_omitted_defaults() {
        let histogram: Histogram = serde_json::from_str(
            r#"{"count": 2, "sum": 3, "scale": 3, "min": 1, "max": 2,
                "positive": {"offset": -1, "bucketCounts": [1, 0, 0, 0, 0, 0, 0, 0, "1"]},
                "negative": {"offset": 0, "bucketCounts": []}, "zeroThreshold": 0,
                "startTimeUnixNano": "0"}"#,
        )
        .expect("valid");
        assert_eq!(histogram, [1_000, 2_000].into_iter().collect());
    }

    #[test]
    fn json_is_validated_like_the_blob() {
        let error = |json: &str| match serde_json::from_str::<Histogram>(json) {
            Ok(h) => format!("accepted {h:?}"),
            Err(error) => error.to_string(),
        };
        let valid = r#""count": "1", "sum": 5, "min": 5, "max": 5, "positive": {"offset": 18, "bucketCounts": ["1"]}"#;
        assert!(error(&format!(r#"{{{valid}, "scale": 3}}"#)).starts_with("accepted"));
        assert_eq!(
            error(&format!(r#"{{{valid}, "scale": 2}}"#)),
            "histogram scale 2 is not supported (only scale 3)"
        );
        assert_eq!(
            error(&format!("{{{valid}}}")),
            "histogram scale 0 is not supported (only scale 3)"
        );
        assert!(
            error(r#"{"count": "2", "sum": 10, "min": 5, "max": 5, "scale": 3, "positive": {"offset": 18, "bucketCounts": ["1"]}}"#)
                .starts_with("histogram count 2 does not equal")
        );
        assert!(
            error(r#"{"count": "1", "sum": 5, "min": 5, "max": 5, "scale": 3, "positive": {"offset": 18, "bucketCounts": ["1"]}, "negative": {"bucketCounts": ["1"]}}"#)
                .starts_with("histogram field negative is invalid")
        );
        assert!(
            error(r#"{"count": "1", "sum": 5, "scale": 3, "positive": {"offset": 18, "bucketCounts": ["1"]}}"#)
                .contains("no min or max")
        );
        assert!(
            error(r#"{"count": "1", "sum": -5, "min": 5, "max": 5, "scale": 3, "positive": {"offset": 18, "bucketCounts": ["1"]}}"#)
                .starts_with("histogram field sum is invalid")
        );
        assert!(
            error(r#"{"count": "-1", "scale": 3}"#).contains("is not an unsigned 64-bit integer")
        );
        assert!(
            error(r#"{"count": "1", "sum": 5, "min": 5, "max": 5, "scale": 3, "positive": {"offset": 2000000000, "bucketCounts": ["1"]}}"#)
                .contains("outside the bucket range")
        );
    }

    /// Durations as worthit sees them: mostly sub-second to minutes, some long, some zero.
    fn durations() -> impl Strategy<Value = Vec<u64>> {
        let duration = prop_oneof![
            0u64..5_000,
            0u64..600_000_000,
            0u64..100_000_000_000,
            any::<u64>(),
        ];
        proptest::collection::vec(duration, 0..120)
    }

    fn sorted(values: &[u64]) -> Vec<u64> {
        let mut values = values.to_vec();
        values.sort_unstable();
        values
    }

    proptest! {
        #[test]
        fn bucket_index_is_exact_for_random_values(ms in 1u64..=u64::MAX) {
            prop_assert_eq!(bucket_index(ms), Some(reference_index(ms)));
        }

        #[test]
        fn bucket_index_is_monotonic(a in any::<u64>(), b in any::<u64>()) {
            let (low, high) = (a.min(b), a.max(b));
            prop_assert!(bucket_index(low) <= bucket_index(high));
        }

        #[test]
        fn merge_is_exact_associative_and_commutative(
            a in durations(), b in durations(), c in durations(),
        ) {
            let (ha, hb, hc): (Histogram, Histogram, Histogram) = (
                a.iter().copied().collect(),
                b.iter().copied().collect(),
                c.iter().copied().collect(),
            );
            let mut left = ha.clone();
            left.merge(&hb);
            left.merge(&hc);
            let mut right_inner = hb.clone();
            right_inner.merge(&hc);
            let mut right = ha.clone();
            right.merge(&right_inner);
            let mut swapped = hc.clone();
            swapped.merge(&hb);
            swapped.merge(&ha);
            let all: Histogram = a.iter().chain(&b).chain(&c).copied().collect();
            prop_assert_eq!(&left, &all);
            prop_assert_eq!(&right, &all);
            prop_assert_eq!(&swapped, &all);
        }

        #[test]
        fn quantile_is_within_the_documented_error(
            values in durations().prop_filter("non-empty", |v| !v.is_empty()),
            q in 0.0f64..=1.0,
        ) {
            let histogram: Histogram = values.iter().copied().collect();
            let values = sorted(&values);
            let exact = values[nearest_rank(q, values.len() as u64) as usize - 1] as f64;
            let estimate = histogram.quantile_us(q).unwrap_or(f64::NAN);
            let bound = RELATIVE_ERROR * exact + 500.0;
            prop_assert!(
                (estimate - exact).abs() <= bound * (1.0 + 1e-12),
                "q {} estimate {} exact {}", q, estimate, exact
            );
            prop_assert!(estimate >= values[0] as f64 && estimate <= values[values.len() - 1] as f64);
        }

        #[test]
        fn bytes_round_trip(values in durations()) {
            let histogram: Histogram = values.into_iter().collect();
            prop_assert_eq!(Histogram::from_bytes(&histogram.to_bytes()), Ok(histogram));
        }

        #[test]
        fn json_round_trips_exactly_below_2_pow_51_us(
            values in proptest::collection::vec(0u64..1_000_000_000_000, 0..200),
        ) {
            let histogram: Histogram = values.into_iter().collect();
            let json = serde_json::to_string(&histogram).unwrap_or_default();
            let back: Result<Histogram, _> = serde_json::from_str(&json);
            prop_assert_eq!(back.ok(), Some(histogram));
        }

        #[test]
        fn from_bytes_never_panics_on_arbitrary_bytes(
            bytes in proptest::collection::vec(any::<u8>(), 0..200),
        ) {
            let _ = Histogram::from_bytes(&bytes);
            let mut versioned = bytes;
            versioned.insert(0, ENCODING_VERSION);
            if let Ok(histogram) = Histogram::from_bytes(&versioned) {
                // Anything accepted is canonical: it encodes back to the same bytes.
                prop_assert_eq!(histogram.to_bytes(), versioned);
            }
        }

        #[test]
        fn corrupted_blobs_are_rejected_or_canonical(
            values in durations(),
            position in any::<prop::sample::Index>(),
            byte in any::<u8>(),
        ) {
            let mut bytes = Histogram::from_iter(values).to_bytes();
            let position = position.index(bytes.len());
            bytes[position] = byte;
            if let Ok(histogram) = Histogram::from_bytes(&bytes) {
                prop_assert_eq!(histogram.to_bytes(), bytes);
            }
        }
    }
}
