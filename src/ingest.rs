//! Moves spool lines into SQLite, exactly once.
//!
//! Each spool file is read from the byte offset recorded for it in `spool_files`; the new
//! complete lines are parsed, redacted, enriched and inserted, and the new offset is
//! written **in the same transaction**. A kill -9 at any point therefore either keeps the
//! old offset and none of the new events, or both; two ingests at once serialise on
//! SQLite's write lock and the second starts from the first one's offset. Writers only
//! ever append whole lines (one `write` below `PIPE_BUF`), and only bytes up to the last
//! LF are consumed, so a line being written is left for next time.
//!
//! A file is removed once fully ingested and its session has ended (its shell's pid is
//! gone) or its day is over; a hook starts a new file every day, so the spool stays
//! bounded even for shells that never exit.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use regex::Regex;
use rusqlite::{OptionalExtension, params};

use crate::classify::{Classification, Classifier};
use crate::config::{Config, Paths};
use crate::event::Event;
use crate::redact::Redactor;
use crate::repo::RepoRoots;
use crate::rollup::{self, DayClock, SyncReport};
use crate::spool::{self, LineError, SpoolFileName};
use crate::store::{self, NewEvent, Store};

/// Bytes read per transaction, so a huge backlog neither holds the write lock for long
/// nor needs unbounded memory.
const CHUNK_BYTES: u64 = 32 << 20;

/// Detailed warnings per file; past this only a count is reported.
const MAX_WARNINGS_PER_FILE: usize = 20;

/// What an ingest did.
#[derive(Debug, Default)]
pub struct IngestReport {
    pub files_seen: usize,
    pub events_added: usize,
    pub lines_skipped: usize,
    pub lines_ignored: usize,
    pub files_removed: usize,
    /// Human-readable problems, each naming the file and line.
    pub warnings: Vec<String>,
    /// What bringing the rollups up to date did.
    pub rollups: SyncReport,
}

/// An event ready for the store: redacted and with its repository root.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub event: Event,
    pub repo: Option<String>,
    /// The classifier's verdict on the (redacted) command.
    pub action: Classification,
}

/// Redaction, ignore patterns and repository lookup shared by ingest and import, so
/// every event takes the same path into the database.
pub struct Pipeline {
    redactor: Redactor,
    ignore: Vec<Regex>,
    repos: RepoRoots,
    classifier: Classifier,
}

impl Pipeline {
    pub fn new(config: &Config) -> Pipeline {
        Pipeline {
            redactor: Redactor::new(&config.redact_patterns),
            ignore: config.ignore.clone(),
            repos: RepoRoots::default(),
            classifier: config.classifier(),
        }
    }

    /// The classifier events are given their action by.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// Redacts secrets from the command, classifies it and finds its repository; `None` when the
    /// config's ignore patterns say not to keep it. Ignore patterns see the command
    /// before redaction so users can match what they typed.
    pub fn prepare(&mut self, mut event: Event) -> Option<Prepared> {
        if self.ignore.iter().any(|re| re.is_match(&event.command)) {
            return None;
        }
        if let std::borrow::Cow::Owned(redacted) = self.redactor.redact(&event.command) {
            event.command = redacted;
        }
        let repo = event.cwd.as_deref().and_then(|cwd| self.repos.root_of(cwd));
        let action = self.classifier.classify_event(&event.shell, &event.command);
        Some(Prepared {
            event,
            repo,
            action,
        })
    }
}

/// Ingests every spool file under `paths`.
pub fn run(paths: &Paths, config: &Config) -> Result<IngestReport> {
    paths.ensure()?;
    let mut store = Store::open(&paths.database())?;
    // Checkpoint (copy the WAL into the database, with its fsyncs) once at the end
    // rather than after every chunk: a third faster on a large backlog.
    store
        .connection()
        .pragma_update(None, "wal_autocheckpoint", 32_768)?;
    // Index pages of a big backlog spill from SQLite's default 2 MB cache mid-transaction,
    // and each spill rewrites them to the WAL: a larger cache halves a large ingest.
    store
        .connection()
        .pragma_update(None, "cache_size", -65_536)?;
    let mut pipeline = Pipeline::new(config);
    let mut clock = DayClock::local();
    // Rules changed since the last run? Rebuild now, while it only concerns stored
    // events; the events added below then merge in incrementally.
    let before = rollup::sync(&mut store, pipeline.classifier(), &mut clock)?;
    let host_id = store.host_id(&crate::host::hostname(), crate::host::profile)?;
    let mut report = IngestReport::default();
    for path in spool_files(&paths.spool_dir())? {
        report.files_seen += 1;
        ingest_file(&mut store, &mut pipeline, host_id, &path, &mut report)
            .with_context(|| format!("could not ingest spool file {}", path.display()))?;
    }
    remove_scratch_of_ended_sessions(&paths.spool_dir());
    let after = rollup::sync(&mut store, pipeline.classifier(), &mut clock)?;
    report.rollups = before.and(after);
    Ok(report)
}

/// Hooks may keep a hidden scratch file per session next to the spool
/// (`.<session>.<anything>`, e.g. bash's copy of the last history entry). Once the
/// session's process is gone nothing will use it again.
fn remove_scratch_of_ended_sessions(spool_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(spool_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix('.')) else {
            continue;
        };
        let session = rest.split('.').next().unwrap_or("");
        let parts: Vec<&str> = session.split('-').collect();
        let pid = match parts.as_slice() {
            [_, .., pid, _] => pid.parse::<u32>().ok(),
            _ => None,
        };
        if pid.is_some_and(|pid| !pid_alive(pid)) {
            // Best effort: a scratch file left behind costs a few bytes, nothing more.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Runs an ingest before a command reads data; problems become warnings on stderr so
/// the reading command still shows what the database has. Also starts a background
/// upload if one is enabled and due (detached: it never delays the command).
pub fn before_read(paths: &Paths, config: &Config) {
    print_report_warnings(run(paths, config));
    crate::upload::maybe_start_background(paths, config);
}

/// Prints an ingest's warnings, or its failure, as warnings.
pub fn print_report_warnings(result: Result<IngestReport>) {
    match result {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("worthit: warning: {warning}");
            }
        }
        Err(err) => eprintln!("worthit: warning: ingest failed: {err:#}"),
    }
}

/// The spool files in `dir`, oldest name first; a missing directory has none.
pub fn spool_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => {
            return Err(err).with_context(|| format!("could not list {}", dir.display()));
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if SpoolFileName::parse(&path).is_some() && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Where a file's ingest stands, as recorded in `spool_files`.
struct Progress {
    offset: u64,
    lines: u64,
}

fn ingest_file(
    store: &mut Store,
    pipeline: &mut Pipeline,
    host_id: i64,
    path: &Path,
    report: &mut IngestReport,
) -> Result<()> {
    let newest_import = newest_imported_second(store)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file_name = SpoolFileName::parse(path);
    let ended = file_name.as_ref().is_some_and(session_ended);
    let mut warnings_here = 0usize;
    loop {
        let tx = store.write()?;
        let mut file = match File::open(path) {
            Ok(file) => file,
            // Removed by a concurrent ingest: nothing left to do.
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(err.into()),
        };
        let meta = file.metadata()?;
        let (inode, size) = (meta.ino() as i64, meta.len());
        let head_hash = first_line_hash(&mut file)?;
        let known: Option<(i64, i64, i64, i64)> = tx
            .query_row(
                "SELECT inode, head_hash, offset, lines FROM spool_files WHERE name = ?1",
                [&name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        // The recorded offset applies only to the very same file: a file removed and
        // recreated under the same name starts again at 0.
        let progress = match known {
            Some((known_inode, known_head, offset, lines))
                if known_inode == inode
                    && (known_head == head_hash || offset == 0)
                    && offset as u64 <= size =>
            {
                Progress {
                    offset: offset as u64,
                    lines: lines as u64,
                }
            }
            _ => Progress {
                offset: 0,
                lines: 0,
            },
        };

        let want = (size - progress.offset).min(CHUNK_BYTES);
        let mut bytes = Vec::with_capacity(want as usize);
        file.seek(SeekFrom::Start(progress.offset))?;
        (&mut file).take(want).read_to_end(&mut bytes)?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let more_chunks = progress.offset + (bytes.len() as u64) < size;

        // Parse and prepare on a second thread while this one inserts: the two halves
        // cost about the same, and the machine has at least two cores.
        let lines = &bytes[..complete];
        let (parsed, inserted) = std::thread::scope(|scope| -> Result<(ParsedChunk, usize)> {
            let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Prepared>>(4);
            let worker = scope.spawn(|| parse_chunk(pipeline, lines, path, progress.lines, sender));
            let mut inserted = 0;
            for batch in receiver {
                let keys = take_over_imported(&tx, &batch, newest_import)?;
                inserted += store::insert_events(
                    &tx,
                    batch.iter().zip(keys).map(|(p, import_key)| NewEvent {
                        event: &p.event,
                        repo: p.repo.as_deref(),
                        host_id: Some(host_id),
                        import_key,
                        action: Some(&p.action),
                    }),
                )?;
            }
            let parsed = worker
                .join()
                .map_err(|_| anyhow::anyhow!("the spool parser thread panicked"))?;
            Ok((parsed, inserted))
        })?;
        report.events_added += inserted;
        report.lines_ignored += parsed.ignored;
        report.lines_skipped += parsed.skipped;
        let room = MAX_WARNINGS_PER_FILE.saturating_sub(warnings_here);
        report
            .warnings
            .extend(parsed.warnings.into_iter().take(room));
        warnings_here += parsed.skipped;
        let mut line_no = parsed.last_line;
        let mut consumed = progress.offset + complete as u64;
        // A dead writer will never finish its last line: report it and move past it.
        if ended && !more_chunks && consumed < size {
            line_no += 1;
            report.lines_skipped += 1;
            report.warnings.push(format!(
                "{}:{line_no}: skipped incomplete last line ({} bytes) of an ended session",
                path.display(),
                size - consumed
            ));
            consumed = size;
        }
        tx.execute(
            "INSERT INTO spool_files (name, inode, head_hash, offset, lines)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(name) DO UPDATE SET inode = ?2, head_hash = ?3, offset = ?4, lines = ?5",
            params![name, inode, head_hash, consumed as i64, line_no as i64],
        )?;
        tx.commit()?;

        if more_chunks && complete > 0 {
            continue;
        }
        if warnings_here > MAX_WARNINGS_PER_FILE {
            report.warnings.push(format!(
                "{}: {} more malformed lines skipped",
                path.display(),
                warnings_here - MAX_WARNINGS_PER_FILE
            ));
        }
        if ended && consumed == size {
            remove_ingested(store, path, &name)?;
            report.files_removed += 1;
        }
        return Ok(());
    }
}

/// The start second (mod 2³², as the key holds it) of the newest imported entry, read
/// from the top of the import key index; `None` when nothing was imported.
fn newest_imported_second(store: &Store) -> Result<Option<i64>> {
    let key: Option<i64> = store.connection().query_row(
        "SELECT max(import_key) FROM events WHERE import_key IS NOT NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(key.map(|k| k >> 31))
}

/// A command run just before `worthit import` is in both the imported history and,
/// moments later, the spool. The hook's event is the better record (exit status,
/// microseconds, cwd), so it replaces the imported one and inherits its import key,
/// which keeps later re-imports from adding the entry again. Returns, per event, the key
/// to insert it with.
///
/// Only events no newer than the newest import can have such a twin, so the usual
/// ingest does no lookups at all.
fn take_over_imported(
    tx: &rusqlite::Transaction<'_>,
    batch: &[Prepared],
    newest_import: Option<i64>,
) -> Result<Vec<Option<i64>>> {
    let mut keys = vec![None; batch.len()];
    let Some(newest) = newest_import else {
        return Ok(keys);
    };
    let mut delete =
        tx.prepare_cached("DELETE FROM events WHERE import_key = ?1 AND session_id IN (SELECT id FROM sessions WHERE source <> 'hook')")?;
    let mut buf = Vec::new();
    for (slot, prepared) in keys.iter_mut().zip(batch) {
        let second = prepared.event.start_us.div_euclid(1_000_000);
        if (second & 0xffff_ffff) > newest + 1 {
            continue;
        }
        // History files stamp the second the line was accepted; the hook's clock starts
        // a moment later, possibly in the next second.
        for candidate in [second, second - 1] {
            let key = crate::import::import_key(candidate, 0, &prepared.event.command, &mut buf);
            if delete.execute([key])? > 0 {
                *slot = Some(key);
                break;
            }
        }
    }
    Ok(keys)
}

/// What the parser thread found in one chunk.
struct ParsedChunk {
    ignored: usize,
    skipped: usize,
    /// Messages for the first malformed lines, naming file and line.
    warnings: Vec<String>,
    /// Number of the chunk's last line.
    last_line: u64,
}

/// Lines per batch handed from the parser thread to the inserting one.
const BATCH_EVENTS: usize = 4096;

fn parse_chunk(
    pipeline: &mut Pipeline,
    lines: &[u8],
    path: &Path,
    first_line: u64,
    sender: std::sync::mpsc::SyncSender<Vec<Prepared>>,
) -> ParsedChunk {
    let mut chunk = ParsedChunk {
        ignored: 0,
        skipped: 0,
        warnings: Vec::new(),
        last_line: first_line,
    };
    let mut batch = Vec::with_capacity(BATCH_EVENTS);
    for line in lines.split_inclusive(|&b| b == b'\n') {
        chunk.last_line += 1;
        match spool::parse_line(line) {
            Ok(event) => match pipeline.prepare(event) {
                Some(p) => batch.push(p),
                None => chunk.ignored += 1,
            },
            Err(LineError::Empty) => {}
            Err(err) => {
                chunk.skipped += 1;
                if chunk.warnings.len() < MAX_WARNINGS_PER_FILE {
                    chunk.warnings.push(format!(
                        "{}:{}: skipped malformed spool line: {err}",
                        path.display(),
                        chunk.last_line
                    ));
                }
            }
        }
        if batch.len() == BATCH_EVENTS {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_EVENTS));
            // The receiver only goes away on an insert error, which ends this ingest.
            if sender.send(full).is_err() {
                return chunk;
            }
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(batch);
    }
    chunk
}

/// Removes a fully ingested file, then forgets its offset. In that order: a crash in
/// between leaves a stale row, which never matches a new file (inode and first line).
fn remove_ingested(store: &mut Store, path: &Path, name: &str) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => {
            return Err(err).with_context(|| format!("could not remove {}", path.display()));
        }
    }
    let tx = store.write()?;
    tx.execute("DELETE FROM spool_files WHERE name = ?1", [name])?;
    tx.commit()?;
    Ok(())
}

/// True when nothing will append to the file any more: its shell has exited, or its
/// day ended more than a day ago (hooks switch files daily).
fn session_ended(name: &SpoolFileName) -> bool {
    if let Some(pid) = name.pid
        && !pid_alive(pid)
    {
        return true;
    }
    let today = chrono::Utc::now().timestamp().div_euclid(86_400);
    name.day.is_some_and(|day| day < today - 1)
}

fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // Signal 0 checks existence without sending anything. EPERM means it exists but
    // belongs to someone else, which still counts as alive.
    // SAFETY: kill with signal 0 has no side effects.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// FNV-1a of the file's first complete line (0 while it has none). Cheap and stable
/// across versions; it only has to tell two different files apart.
fn first_line_hash(file: &mut File) -> Result<i64> {
    let mut head = [0u8; 4096];
    file.seek(SeekFrom::Start(0))?;
    let mut filled = 0;
    while filled < head.len() {
        let n = file.read(&mut head[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let Some(end) = head[..filled].iter().position(|&b| b == b'\n') else {
        return Ok(0);
    };
    Ok(fnv1a(&head[..end]) as i64)
}

/// 64-bit FNV-1a.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn line(start: i64, command: &str) -> String {
        format!("1\t{start}\t1000\t0\t1\t\tbash\tbash-1-2\t/tmp\t{command}\n")
    }

    fn setup() -> (tempfile::TempDir, Paths) {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path().join("home"));
        paths.ensure().unwrap();
        (dir, paths)
    }

    fn commands(paths: &Paths) -> Vec<String> {
        let store = Store::open(&paths.database()).unwrap();
        let mut events = store.recent_events(None).unwrap();
        events.reverse();
        events.into_iter().map(|e| e.event.command).collect()
    }

    /// A pid that is certainly alive: our own.
    fn live_name(day: i64) -> String {
        format!("bash-{}-7.{day}.spool", std::process::id())
    }

    fn today() -> i64 {
        chrono::Utc::now().timestamp().div_euclid(86_400)
    }

    #[test]
    fn ingests_new_lines_once_and_leaves_partial_lines() {
        let (_dir, paths) = setup();
        let file = paths.spool_dir().join(live_name(today()));
        std::fs::write(&file, line(1, "a") + &line(2, "b") + "1\t3\t10").unwrap();
        let report = run(&paths, &Config::default()).unwrap();
        assert_eq!(report.events_added, 2);
        assert_eq!(run(&paths, &Config::default()).unwrap().events_added, 0);
        // The writer finishes its line and appends another.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap();
        f.write_all(b"\t0\t1\t\tbash\tbash-1-2\t/tmp\tc\n").unwrap();
        f.write_all(line(4, "d").as_bytes()).unwrap();
        assert_eq!(run(&paths, &Config::default()).unwrap().events_added, 2);
        assert_eq!(commands(&paths), ["a", "b", "c", "d"]);
        assert!(file.exists(), "a live session's file stays");
    }

    #[test]
    fn malformed_lines_are_reported_with_file_and_line_and_good_ones_kept() {
        let (_dir, paths) = setup();
        let file = paths.spool_dir().join(live_name(today()));
        let text = line(1, "a") + "garbage\n" + &line(2, "b") + "1\tx\t\t\t\t\tbash\ts\t/\tc\n";
        std::fs::write(&file, text).unwrap();
        let report = run(&paths, &Config::default()).unwrap();
        assert_eq!(report.events_added, 2);
        assert_eq!(report.lines_skipped, 2);
        assert!(report.warnings[0].ends_with(&format!(
            "{}:2: skipped malformed spool line: unsupported spool version \"garbage\" (this build reads version 1)",
            file.display()
        )));
        assert!(report.warnings[1].contains(":4: skipped malformed spool line: field `start_us`"));
        // Line numbers keep counting across ingests.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .unwrap()
            .write_all(b"bad\n")
            .unwrap();
        let report = run(&paths, &Config::default()).unwrap();
        assert!(
            report.warnings[0].contains(":5: skipped"),
            "{:?}",
            report.warnings
        );
    }

    #[test]
    fn ended_sessions_are_removed_after_a_full_ingest() {
        let (_dir, paths) = setup();
        // pid 0 is never a live shell; an old day also ends a file.
        let dead = paths
            .spool_dir()
            .join(format!("bash-0-1.{}.spool", today()));
        let old = paths.spool_dir().join(live_name(today() - 3));
        std::fs::write(&dead, line(1, "a") + "1\t2\t3").unwrap();
        std::fs::write(&old, line(5, "b")).unwrap();
        let report = run(&paths, &Config::default()).unwrap();
        assert_eq!(report.events_added, 2);
        assert_eq!(report.files_removed, 2);
        assert!(report.warnings[0].contains(":2: skipped incomplete last line (5 bytes)"));
        assert!(!dead.exists() && !old.exists());
        let store = Store::open(&paths.database()).unwrap();
        let rows: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM spool_files", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }

    #[test]
    fn scratch_files_of_ended_sessions_are_removed() {
        let (_dir, paths) = setup();
        let spool = paths.spool_dir();
        let dead = spool.join(".bash-0-123.hist");
        let live = spool.join(format!(".bash-{}-123.hist", std::process::id()));
        let other = spool.join(".something-else");
        for file in [&dead, &live, &other] {
            std::fs::write(file, "x").unwrap();
        }
        run(&paths, &Config::default()).unwrap();
        assert!(!dead.exists());
        assert!(live.exists() && other.exists());
    }

    #[test]
    fn a_recreated_file_starts_from_zero() {
        let (_dir, paths) = setup();
        let file = paths.spool_dir().join(live_name(today()));
        std::fs::write(&file, line(1, "a") + &line(2, "b")).unwrap();
        run(&paths, &Config::default()).unwrap();
        std::fs::remove_file(&file).unwrap();
        std::fs::write(&file, line(3, "c") + &line(4, "dddddddddddddddddddd")).unwrap();
        run(&paths, &Config::default()).unwrap();
        assert_eq!(commands(&paths), ["a", "b", "c", "dddddddddddddddddddd"]);
    }

    #[test]
    fn ignore_patterns_drop_commands() {
        let (_dir, paths) = setup();
        std::fs::write(
            paths.spool_dir().join(live_name(today())),
            line(1, "ls") + &line(2, "cargo build"),
        )
        .unwrap();
        let config = Config {
            ignore: vec![Regex::new("^ls$").unwrap()],
            ..Config::default()
        };
        let report = run(&paths, &config).unwrap();
        assert_eq!((report.events_added, report.lines_ignored), (1, 1));
        assert_eq!(commands(&paths), ["cargo build"]);
    }

    #[test]
    fn big_backlogs_go_in_chunks() {
        let (_dir, paths) = setup();
        let mut text = String::new();
        for i in 0..5000 {
            text.push_str(&line(i, &format!("cmd {i}")));
        }
        std::fs::write(paths.spool_dir().join(live_name(today())), text).unwrap();
        assert_eq!(run(&paths, &Config::default()).unwrap().events_added, 5000);
    }
}
