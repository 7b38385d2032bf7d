//! Machine load: what `worthit watch` samples while it runs, the summary it stores for
//! each long event (table `event_load`, migration 0003), and the question reports ask of
//! it: was an action slow because the machine was saturated, or slow by itself?
//!
//! The sampler refreshes only CPU usage and memory (two small `/proc` reads on Linux)
//! every few seconds into a fixed-size ring, so it costs next to nothing while idle.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::{Transaction, params};
use serde::Serialize;
use sysinfo::{MemoryRefreshKind, System};

use crate::rank::Period;
use crate::rollup::DayClock;
use crate::store::Store;

/// Events at least this long get a load summary; shorter ones are over before load
/// could explain much, and would only fill the table.
pub const MIN_EVENT_US: i64 = 5_000_000;

/// A run counts as on a saturated machine when its mean CPU busy reached this…
pub const CPU_SATURATED_PCT: f64 = 90.0;
/// …or its memory in use did.
pub const MEMORY_SATURATED_PCT: f64 = 90.0;

/// How far back the ring reaches: runs longer than this get no summary.
const RING_SPAN: Duration = Duration::from_secs(2 * 3600);
/// Upper bound on the ring's length whatever the interval (about 400 KB).
const RING_MAX: usize = 16_384;

/// One load sample: how the machine was over the interval ending at `at_us`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub at_us: i64,
    /// CPU busy over all cores, 0–100.
    pub cpu_pct: f32,
    /// Memory in use (total − available) / total, 0–100.
    pub memory_pct: f32,
    /// Pages swapped in + out per second, where the OS says.
    pub swap_per_s: Option<f32>,
}

/// What the database keeps about the load during one event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadSummary {
    pub samples: u32,
    pub cpu_mean_pct: f64,
    pub cpu_max_pct: f64,
    pub memory_max_pct: f64,
    pub swap_max_per_s: Option<f64>,
    pub cores: u32,
}

/// The most recent samples, oldest first.
#[derive(Debug)]
pub struct LoadRing {
    samples: VecDeque<Sample>,
    capacity: usize,
    interval_us: i64,
    cores: u32,
}

impl LoadRing {
    pub fn new(interval: Duration, cores: u32) -> LoadRing {
        let interval_us = (interval.as_micros() as i64).max(1);
        let capacity = (RING_SPAN.as_micros() as i64 / interval_us).clamp(16, RING_MAX as i64);
        LoadRing {
            samples: VecDeque::with_capacity(capacity as usize),
            capacity: capacity as usize,
            interval_us,
            cores,
        }
    }

    pub fn push(&mut self, sample: Sample) {
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(sample);
    }

    pub fn len(&self) -> usize {
        self.samples.len()
    }

    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The load during `[start_us, end_us]`, if the ring saw all of it: a sample whose
    /// interval reaches back to the start, one within an interval of the end (the next
    /// may not be taken yet), and at least one overlapping the span.
    pub fn summary(&self, start_us: i64, end_us: i64) -> Option<LoadSummary> {
        let first = self.samples.front()?;
        let last = self.samples.back()?;
        if first.at_us - self.interval_us > start_us || last.at_us < end_us - self.interval_us {
            return None;
        }
        let mut summary = LoadSummary {
            samples: 0,
            cpu_mean_pct: 0.0,
            cpu_max_pct: 0.0,
            memory_max_pct: 0.0,
            swap_max_per_s: None,
            cores: self.cores,
        };
        let mut cpu_sum = 0.0;
        // A sample covers (at − interval, at]: keep those overlapping the span.
        for s in self
            .samples
            .iter()
            .filter(|s| s.at_us > start_us && s.at_us - self.interval_us < end_us)
        {
            summary.samples += 1;
            cpu_sum += f64::from(s.cpu_pct);
            summary.cpu_max_pct = summary.cpu_max_pct.max(f64::from(s.cpu_pct));
            summary.memory_max_pct = summary.memory_max_pct.max(f64::from(s.memory_pct));
            if let Some(swap) = s.swap_per_s {
                let max = summary.swap_max_per_s.get_or_insert(0.0);
                *max = max.max(f64::from(swap));
            }
        }
        if summary.samples == 0 {
            return None;
        }
        summary.cpu_mean_pct = cpu_sum / f64::from(summary.samples);
        Some(summary)
    }
}

/// Starts the sampling thread; samples go into the returned ring every `interval`.
pub fn start_sampler(interval: Duration) -> Result<Arc<Mutex<LoadRing>>> {
    let mut system = System::new().context("could not read the machine's load (sysinfo)")?;
    // The first refresh only sets the baseline CPU usage is measured from.
    system.refresh_cpu_usage();
    let cores = system.cpus().len() as u32;
    let ring = Arc::new(Mutex::new(LoadRing::new(interval, cores)));
    let shared = Arc::clone(&ring);
    let mut swap = SwapCounter::new();
    std::thread::Builder::new()
        .name("worthit-load".into())
        .spawn(move || {
            loop {
                std::thread::sleep(interval);
                system.refresh_cpu_usage();
                system.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
                let total = system.total_memory();
                let memory_pct = if total == 0 {
                    0.0
                } else {
                    (system.used_memory() as f64 / total as f64 * 100.0) as f32
                };
                let sample = Sample {
                    at_us: chrono::Utc::now().timestamp_micros(),
                    cpu_pct: system.global_cpu_usage().clamp(0.0, 100.0),
                    memory_pct,
                    swap_per_s: swap.rate(),
                };
                match shared.lock() {
                    Ok(mut ring) => ring.push(sample),
                    // The main thread panicked: nothing reads samples any more.
                    Err(_) => return,
                }
            }
        })
        .context("could not start the load sampling thread")?;
    Ok(ring)
}

/// Swap activity from Linux's `/proc/vmstat` (`pswpin` + `pswpout`, pages since boot);
/// other systems report none.
struct SwapCounter {
    last: Option<(std::time::Instant, u64)>,
}

impl SwapCounter {
    fn new() -> SwapCounter {
        let mut counter = SwapCounter { last: None };
        counter.rate();
        counter
    }

    /// Pages per second since the previous call; `None` on the first call or where unknown.
    fn rate(&mut self) -> Option<f32> {
        let text = std::fs::read_to_string("/proc/vmstat").ok()?;
        let pages = swapped_pages(&text)?;
        let now = std::time::Instant::now();
        let rate = self.last.map(|(then, before)| {
            let seconds = now.duration_since(then).as_secs_f64().max(1e-3);
            (pages.saturating_sub(before) as f64 / seconds) as f32
        });
        self.last = Some((now, pages));
        rate
    }
}

/// `pswpin + pswpout` of a `/proc/vmstat` text.
fn swapped_pages(vmstat: &str) -> Option<u64> {
    let mut total = None;
    for line in vmstat.lines() {
        if let Some(("pswpin" | "pswpout", value)) = line.split_once(' ') {
            *total.get_or_insert(0) += value.trim().parse::<u64>().ok()?;
        }
    }
    total
}

/// Stores the load during event `event_id`.
pub fn record(tx: &Transaction<'_>, event_id: i64, load: &LoadSummary) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO event_load
            (event_id, samples, cpu_mean_pct, cpu_max_pct, memory_max_pct, swap_max_per_s, cores)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        event_id,
        load.samples,
        load.cpu_mean_pct,
        load.cpu_max_pct,
        load.memory_max_pct,
        load.swap_max_per_s,
        load.cores
    ])
    .with_context(|| format!("could not store the load of event {event_id}"))?;
    Ok(())
}

/// How an action's runs with load data split between a saturated machine and a calm one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadSplit {
    /// Timed runs with load data.
    pub runs: u64,
    /// Of those, runs on a saturated machine (CPU or memory).
    pub saturated_runs: u64,
    /// Saturated runs whose mean CPU busy reached [`CPU_SATURATED_PCT`].
    pub cpu_saturated_runs: u64,
    /// Saturated runs whose memory in use reached [`MEMORY_SATURATED_PCT`].
    pub memory_saturated_runs: u64,
    /// `saturated_runs / runs`.
    pub saturated_share: f64,
    /// Exact medians of the two groups, seconds.
    pub median_saturated_s: Option<f64>,
    pub median_unsaturated_s: Option<f64>,
    /// `median_saturated_s / median_unsaturated_s`: how much longer saturated runs took.
    pub slowdown: Option<f64>,
    pub cpu_threshold_pct: f64,
    pub memory_threshold_pct: f64,
}

/// One run with load data: its duration and the load summary's two deciding figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadedRun {
    pub duration_us: i64,
    pub cpu_mean_pct: f64,
    pub memory_max_pct: f64,
}

impl LoadSplit {
    /// Splits runs by saturation; `None` without runs.
    pub fn of(runs: &[LoadedRun]) -> Option<LoadSplit> {
        if runs.is_empty() {
            return None;
        }
        let (mut saturated, mut calm) = (Vec::new(), Vec::new());
        let (mut cpu, mut memory) = (0, 0);
        for run in runs {
            let by_cpu = run.cpu_mean_pct >= CPU_SATURATED_PCT;
            let by_memory = run.memory_max_pct >= MEMORY_SATURATED_PCT;
            cpu += u64::from(by_cpu);
            memory += u64::from(by_memory);
            if by_cpu || by_memory {
                saturated.push(run.duration_us);
            } else {
                calm.push(run.duration_us);
            }
        }
        let median_saturated_s = median_s(&mut saturated);
        let median_unsaturated_s = median_s(&mut calm);
        Some(LoadSplit {
            runs: runs.len() as u64,
            saturated_runs: saturated.len() as u64,
            cpu_saturated_runs: cpu,
            memory_saturated_runs: memory,
            saturated_share: saturated.len() as f64 / runs.len() as f64,
            median_saturated_s,
            median_unsaturated_s,
            slowdown: match (median_saturated_s, median_unsaturated_s) {
                (Some(s), Some(c)) if c > 0.0 => Some(s / c),
                _ => None,
            },
            cpu_threshold_pct: CPU_SATURATED_PCT,
            memory_threshold_pct: MEMORY_SATURATED_PCT,
        })
    }

    /// One sentence for a report's footnote, e.g. "`cargo test`: 40 % of the 25 timed
    /// runs with load data ran on a saturated machine (CPU ≥ 90 %); those took 2.1× longer."
    /// `None` when no run was saturated: nothing to say.
    pub fn sentence(&self, action: &str) -> Option<String> {
        if self.saturated_runs == 0 {
            return None;
        }
        let what = match (self.cpu_saturated_runs > 0, self.memory_saturated_runs > 0) {
            (true, true) => format!(
                "CPU ≥ {:.0} % or memory ≥ {:.0} %",
                self.cpu_threshold_pct, self.memory_threshold_pct
            ),
            (false, true) => format!("memory ≥ {:.0} %", self.memory_threshold_pct),
            _ => format!("CPU ≥ {:.0} %", self.cpu_threshold_pct),
        };
        let share = (self.saturated_share * 100.0).round();
        let runs = match self.runs {
            1 => "the 1 timed run".to_string(),
            n => format!("the {n} timed runs"),
        };
        let mut text = format!(
            "`{action}`: {share:.0} % of {runs} with load data ran on a saturated machine ({what})"
        );
        match self.slowdown {
            Some(ratio) if ratio >= 1.0 => {
                text.push_str(&format!("; those took {ratio:.1}× longer."))
            }
            Some(ratio) => text.push_str(&format!(
                "; those took {:.1}× less time, so load does not explain its slowness.",
                1.0 / ratio
            )),
            None => text.push('.'),
        }
        Some(text)
    }
}

fn median_s(durations_us: &mut [i64]) -> Option<f64> {
    if durations_us.is_empty() {
        return None;
    }
    durations_us.sort_unstable();
    let n = durations_us.len();
    let middle = if n % 2 == 1 {
        durations_us[n / 2] as f64
    } else {
        (durations_us[n / 2 - 1] as f64 + durations_us[n / 2] as f64) / 2.0
    };
    Some(middle / 1e6)
}

/// The saturation split of every action with load data in `period` (local days),
/// optionally in one repository only, keyed by action id.
pub fn saturation_by_action(
    store: &Store,
    period: Period,
    repo: Option<&str>,
) -> Result<HashMap<i64, LoadSplit>> {
    let runs = loaded_runs(store, None, period, repo)?;
    Ok(runs
        .into_iter()
        .filter_map(|(action, runs)| Some((action, LoadSplit::of(&runs)?)))
        .collect())
}

/// The saturation split of one action's runs with load data in `period`; `None` when
/// none of its runs has load data.
pub fn saturation(
    store: &Store,
    action_id: i64,
    period: Period,
    repo: Option<&str>,
) -> Result<Option<LoadSplit>> {
    let runs = loaded_runs(store, Some(action_id), period, repo)?;
    Ok(runs.get(&action_id).and_then(|runs| LoadSplit::of(runs)))
}

fn loaded_runs(
    store: &Store,
    action_id: Option<i64>,
    period: Period,
    repo: Option<&str>,
) -> Result<HashMap<i64, Vec<LoadedRun>>> {
    let (from, _) = DayClock::day_window_us(period.first_day);
    let (_, to) = DayClock::day_window_us(period.last_day);
    let mut clock = DayClock::local();
    // event_load is small (long runs seen by watch), so it drives the join.
    let mut stmt = store.connection().prepare_cached(
        "SELECT e.action_id, e.start_us, e.duration_us, l.cpu_mean_pct, l.memory_max_pct
         FROM event_load l
         JOIN events e ON e.id = l.event_id
         LEFT JOIN dirs d ON d.id = e.dir_id
         WHERE e.start_us >= ?1 AND e.start_us < ?2 AND e.duration_us IS NOT NULL
           AND e.action_id IS NOT NULL
           AND (?3 IS NULL OR e.action_id = ?3) AND (?4 IS NULL OR d.repo = ?4)",
    )?;
    let mut rows = stmt
        .query(params![from, to, action_id, repo])
        .context("could not read event_load")?;
    let mut out: HashMap<i64, Vec<LoadedRun>> = HashMap::new();
    while let Some(row) = rows.next()? {
        if !period.contains(clock.day_of(row.get(1)?)) {
            continue;
        }
        out.entry(row.get(0)?).or_default().push(LoadedRun {
            duration_us: row.get(2)?,
            cpu_mean_pct: row.get(3)?,
            memory_max_pct: row.get(4)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at_s: i64, cpu: f32, memory: f32) -> Sample {
        Sample {
            at_us: at_s * 1_000_000,
            cpu_pct: cpu,
            memory_pct: memory,
            swap_per_s: None,
        }
    }

    #[test]
    fn a_summary_needs_samples_covering_the_whole_span() {
        let mut ring = LoadRing::new(Duration::from_secs(1), 8);
        for (t, cpu) in [(10, 10.0), (11, 50.0), (12, 100.0), (13, 30.0), (14, 0.0)] {
            ring.push(sample(t, cpu, 40.0 + cpu / 10.0));
        }
        // Span 10.5 s – 13 s: samples at 11, 12, 13 (each covers the second before it).
        let s = ring.summary(10_500_000, 13_000_000).unwrap();
        assert_eq!(s.samples, 3);
        assert!((s.cpu_mean_pct - 60.0).abs() < 1e-9);
        assert_eq!(s.cpu_max_pct, 100.0);
        assert_eq!(s.memory_max_pct, 50.0);
        assert_eq!(s.cores, 8);
        assert_eq!(s.swap_max_per_s, None);
        // Began before the first sample's interval, or ends long after the last sample.
        assert_eq!(ring.summary(5_000_000, 12_000_000), None);
        assert_eq!(ring.summary(11_000_000, 20_000_000), None);
        // Within an interval of the newest sample is fine.
        assert!(ring.summary(11_000_000, 14_900_000).is_some());
    }

    #[test]
    fn the_ring_is_bounded() {
        let mut ring = LoadRing::new(Duration::from_secs(2), 4);
        for t in 0..10_000 {
            ring.push(sample(t * 2, 1.0, 1.0));
        }
        assert_eq!(ring.len(), 3600);
        let mut fast = LoadRing::new(Duration::from_millis(50), 4);
        for t in 0..100_000 {
            fast.push(sample(t, 1.0, 1.0));
        }
        assert_eq!(fast.len(), RING_MAX);
    }

    #[test]
    fn vmstat_swap_counters_add_up() {
        let text = "nr_free_pages 1\npswpin 40\npswpout 2\npgfault 9\n";
        assert_eq!(swapped_pages(text), Some(42));
        assert_eq!(swapped_pages("nr_free_pages 1\n"), None);
    }

    fn run(seconds: f64, cpu: f64, memory: f64) -> LoadedRun {
        LoadedRun {
            duration_us: (seconds * 1e6) as i64,
            cpu_mean_pct: cpu,
            memory_max_pct: memory,
        }
    }

    #[test]
    fn saturated_runs_are_told_apart_with_their_medians() {
        let runs = [
            run(20.0, 95.0, 40.0),
            run(22.0, 99.0, 40.0),
            run(10.0, 30.0, 40.0),
            run(9.0, 20.0, 95.0),
            run(11.0, 50.0, 50.0),
        ];
        let split = LoadSplit::of(&runs).unwrap();
        assert_eq!(split.runs, 5);
        assert_eq!(split.saturated_runs, 3);
        assert_eq!(
            (split.cpu_saturated_runs, split.memory_saturated_runs),
            (2, 1)
        );
        assert!((split.saturated_share - 0.6).abs() < 1e-12);
        assert_eq!(split.median_saturated_s, Some(20.0));
        assert_eq!(split.median_unsaturated_s, Some(10.5));
        assert!((split.slowdown.unwrap() - 20.0 / 10.5).abs() < 1e-12);
        assert_eq!(
            split.sentence("cargo test").unwrap(),
            "`cargo test`: 60 % of the 5 timed runs with load data ran on a saturated machine \
             (CPU ≥ 90 % or memory ≥ 90 %); those took 1.9× longer."
        );
    }

    #[test]
    fn sentences_say_only_what_the_data_shows() {
        assert_eq!(LoadSplit::of(&[]), None);
        let calm = LoadSplit::of(&[run(10.0, 10.0, 10.0)]).unwrap();
        assert_eq!(calm.sentence("make"), None);
        let all = LoadSplit::of(&[run(10.0, 95.0, 10.0)]).unwrap();
        assert_eq!(all.slowdown, None);
        assert_eq!(
            all.sentence("make").unwrap(),
            "`make`: 100 % of the 1 timed run with load data ran on a saturated machine (CPU ≥ 90 %)."
        );
        let faster = LoadSplit::of(&[run(5.0, 10.0, 95.0), run(10.0, 10.0, 10.0)]).unwrap();
        assert!(faster.sentence("make").unwrap().ends_with(
            "(memory ≥ 90 %); those took 2.0× less time, so load does not explain its slowness."
        ));
    }

    #[test]
    fn stored_load_answers_per_action_within_the_period() {
        use crate::classify::Classifier;
        use crate::event::{Event, Source};
        use crate::store::{NewEvent, insert_events};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("w.db")).unwrap();
        let classifier = Classifier::builtin();
        let now = chrono::Utc::now().timestamp_micros();
        let events: Vec<Event> = [(30.0, "cargo test"), (10.0, "cargo test"), (8.0, "make")]
            .iter()
            .enumerate()
            .map(|(i, (seconds, command))| Event {
                start_us: now - 3_600_000_000 + i as i64,
                duration_us: Some((seconds * 1e6) as i64),
                duration_resolution_us: Some(1),
                exit: Some(0),
                cwd: Some("/w/api".into()),
                command: (*command).into(),
                shell: "zsh".into(),
                session: "zsh-1-2".into(),
                source: Source::Hook,
                truncated: false,
            })
            .collect();
        let classes: Vec<_> = events
            .iter()
            .map(|e| classifier.classify(&e.command))
            .collect();
        let tx = store.write().unwrap();
        insert_events(
            &tx,
            events.iter().zip(&classes).map(|(event, class)| NewEvent {
                event,
                repo: Some("/w/api"),
                host_id: None,
                import_key: None,
                action: Some(class),
            }),
        )
        .unwrap();
        let load = |cpu| LoadSummary {
            samples: 3,
            cpu_mean_pct: cpu,
            cpu_max_pct: cpu,
            memory_max_pct: 20.0,
            swap_max_per_s: Some(0.0),
            cores: 2,
        };
        record(&tx, 1, &load(97.0)).unwrap();
        record(&tx, 2, &load(15.0)).unwrap();
        tx.commit().unwrap();
        let action: i64 = store
            .connection()
            .query_row("SELECT action_id FROM events WHERE id = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        let today = DayClock::local().day_of(now - 3_600_000_000);
        let period = Period::ending(today, 7);
        let split = saturation(&store, action, period, None).unwrap().unwrap();
        assert_eq!((split.runs, split.saturated_runs), (2, 1));
        assert_eq!(split.slowdown, Some(3.0));
        assert_eq!(
            saturation(&store, action, period, Some("/w/web")).unwrap(),
            None
        );
        let all = saturation_by_action(&store, period, None).unwrap();
        assert_eq!(all.len(), 1, "make has no load data");
        let long_ago = Period::ending(today - 30, 7);
        assert!(
            saturation_by_action(&store, long_ago, None)
                .unwrap()
                .is_empty()
        );
        // Deleting an event drops its load row.
        store
            .connection()
            .execute("DELETE FROM events WHERE id = 1", [])
            .unwrap();
        let rows: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM event_load", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1);
    }
}
