//! Cost of the duration histogram on the hot paths: recording at ingest (budget: 500k
//! events/s for the whole pipeline), merging daily rollups into a period, the blob encoding
//! SQLite stores, quantiles, and the Mann–Whitney test on merged histograms.
//!
//! Run: `cargo bench --bench histogram`. Before measuring it prints the encoded size of a
//! typical day of one action and of a year of it. Benchmarks:
//!
//! - `histogram/record_1m`: 1M durations into one histogram (time per element = one record);
//! - `histogram/merge_365_days`: a year of daily histograms (1M runs in all) merged into one
//!   (time per element = one merge);
//! - `histogram/to_bytes_day`, `histogram/from_bytes_day`: one typical day's blob;
//! - `histogram/quantiles_year`: median and p90 of the merged year;
//! - `histogram/mann_whitney_year`: before/after test on two half-years.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use worthit::histogram::Histogram;
use worthit::stats::mann_whitney_histograms;

/// Deterministic durations shaped like a developer's loops: a third are quick lookups
/// (5 ms to 2 s), the rest builds and tests log-uniform between 4 s and 3 min.
fn durations(count: usize, seed: u64) -> Vec<u64> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..count)
        .map(|_| {
            let (low_us, high_us): (f64, f64) = if next() < 0.33 {
                (5_000.0, 2_000_000.0)
            } else {
                (4_000_000.0, 180_000_000.0)
            };
            let log_span = (high_us / low_us).ln();
            (low_us * (next() * log_span).exp()) as u64
        })
        .collect()
}

/// A year of one action's days, 1M runs in all (about 2,740 a day).
fn daily_histograms() -> Vec<Histogram> {
    (0..365)
        .map(|day| durations(1_000_000 / 365, day + 1).into_iter().collect())
        .collect()
}

fn histogram(c: &mut Criterion) {
    let typical_day: Histogram = durations(40, 7)
        .into_iter()
        .filter(|&d| d > 4_000_000)
        .collect();
    let days = daily_histograms();
    let mut year = Histogram::new();
    days.iter().for_each(|day| year.merge(day));
    eprintln!(
        "encoded size: a day of {} runs in {} buckets = {} bytes; a year of {} runs in {} buckets = {} bytes",
        typical_day.count(),
        typical_day
            .bucket_counts()
            .iter()
            .filter(|&&c| c > 0)
            .count(),
        typical_day.to_bytes().len(),
        year.count(),
        year.bucket_counts().iter().filter(|&&c| c > 0).count(),
        year.to_bytes().len(),
    );

    let mut group = c.benchmark_group("histogram");
    let million = durations(1_000_000, 42);
    group.throughput(Throughput::Elements(million.len() as u64));
    group.bench_function("record_1m", |b| {
        b.iter(|| {
            let mut histogram = Histogram::new();
            for &d in &million {
                histogram.record(black_box(d));
            }
            histogram
        })
    });

    group.throughput(Throughput::Elements(days.len() as u64));
    group.bench_function("merge_365_days", |b| {
        b.iter(|| {
            let mut total = Histogram::new();
            for day in &days {
                total.merge(black_box(day));
            }
            total
        })
    });

    let blob = typical_day.to_bytes();
    group.throughput(Throughput::Elements(1));
    group.bench_function("to_bytes_day", |b| {
        b.iter(|| black_box(&typical_day).to_bytes())
    });
    group.bench_function("from_bytes_day", |b| {
        b.iter(|| Histogram::from_bytes(black_box(&blob)))
    });
    group.bench_function("quantiles_year", |b| {
        b.iter(|| (black_box(&year).quantile_us(0.5), year.quantile_us(0.9)))
    });

    let (first, second) = days.split_at(days.len() / 2);
    let merge_all = |days: &[Histogram]| {
        let mut total = Histogram::new();
        days.iter().for_each(|day| total.merge(day));
        total
    };
    let (before, after) = (merge_all(first), merge_all(second));
    group.bench_function("mann_whitney_year", |b| {
        b.iter(|| mann_whitney_histograms(black_box(&before), black_box(&after)))
    });
    group.finish();
}

criterion_group!(benches, histogram);
criterion_main!(benches);
