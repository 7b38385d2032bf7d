//! Readers for existing shell histories, and the one path that takes their entries into
//! the store.
//!
//! Each format has a module that turns a file into [`Item`]s without touching the store:
//! [`zsh`], [`bash`] and [`fish`] parse text read in one go (borrowing from it wherever
//! they can), [`atuin`] and [`histdb`] read SQLite databases opened read-only. [`locate`]
//! knows where each history lives by default.
//!
//! [`Importer`] then sends every entry through the same [`Pipeline`] as spool events
//! (ignore patterns, secret redaction, repository root) and inserts it with
//! [`store::insert_events`]. Identity, so re-importing adds nothing:
//!
//! - [`import_key`] is derived from (start second, command, occurrence index of that pair
//!   in the source), time first. It does not depend on the kind, so an entry seen both in
//!   `.zsh_history` and in atuin's database is imported once; the events table refuses a
//!   second row with the same key.
//! - An entry whose (start second, command) a hook already recorded is a duplicate of it:
//!   hook events are counted per pair before importing, and the first that many
//!   occurrences of the pair in a source are skipped.
//!
//! Both use the command after redaction, the form the database holds: nothing derived
//! from a secret is stored, not even a hash.

pub mod atuin;
pub mod bash;
pub mod fish;
pub mod histdb;
pub mod locate;
pub mod zsh;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};

use anyhow::{Context, Result, anyhow};
use indicatif::ProgressBar;

use crate::config::Config;
use crate::event::{Event, Source};
use crate::ingest::{Pipeline, Prepared, fnv1a};
use crate::store::{self, NewEvent, Store};

/// The history formats worthit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Zsh,
    Bash,
    Fish,
    Atuin,
    ZshHistdb,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Zsh,
        Kind::Bash,
        Kind::Fish,
        Kind::Atuin,
        Kind::ZshHistdb,
    ];

    /// The order `auto` imports in: richest sources first. The first import of an entry
    /// is the one kept, and atuin and zsh-histdb know a command's directory and exit
    /// status where `.zsh_history` knows neither.
    pub const RICHEST_FIRST: [Kind; 5] = [
        Kind::Atuin,
        Kind::ZshHistdb,
        Kind::Zsh,
        Kind::Bash,
        Kind::Fish,
    ];

    /// The name used on the command line and in `source` (`import:<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Kind::Zsh => "zsh",
            Kind::Bash => "bash",
            Kind::Fish => "fish",
            Kind::Atuin => "atuin",
            Kind::ZshHistdb => "zsh-histdb",
        }
    }

    /// The shell recorded for entries that do not name one. atuin serves several shells
    /// and older databases do not say which, so those are `unknown`.
    pub fn shell(self) -> &'static str {
        match self {
            Kind::Zsh | Kind::ZshHistdb => "zsh",
            Kind::Bash => "bash",
            Kind::Fish => "fish",
            Kind::Atuin => "unknown",
        }
    }

    /// The session of entries from formats without sessions: one stable session per kind.
    pub fn session(self) -> &'static str {
        match self {
            Kind::Zsh => "import-zsh",
            Kind::Bash => "import-bash",
            Kind::Fish => "import-fish",
            Kind::Atuin => "import-atuin",
            Kind::ZshHistdb => "import-zsh-histdb",
        }
    }

    fn is_sqlite(self) -> bool {
        matches!(self, Kind::Atuin | Kind::ZshHistdb)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where in a source something is: a line of a text history, a row of a SQLite one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// 1-based line (the first line of a multi-line entry).
    Line(u64),
    /// SQLite rowid.
    Row(i64),
    /// The source as a whole (e.g. a damaged database page).
    Source,
}

/// An entry that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub at: At,
    pub problem: String,
}

impl Bad {
    pub fn line(line: u64, problem: impl Into<String>) -> Item<'static> {
        Item::Bad(Bad {
            at: At::Line(line),
            problem: problem.into(),
        })
    }

    pub fn row(row: i64, problem: impl Into<String>) -> Item<'static> {
        Item::Bad(Bad {
            at: At::Row(row),
            problem: problem.into(),
        })
    }

    /// `path:line: problem`, `path: row N: problem` or `path: problem`.
    pub fn describe(&self, path: &Path) -> String {
        match self.at {
            At::Line(line) => format!("{}:{line}: {}", path.display(), self.problem),
            At::Row(row) => format!("{}: row {row}: {}", path.display(), self.problem),
            At::Source => format!("{}: {}", path.display(), self.problem),
        }
    }
}

/// Which machine an entry ran on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Host<'a> {
    /// This one: text histories live on the machine that wrote them.
    Local,
    /// Named by the source (atuin and zsh-histdb hold several hosts' history).
    Named(Cow<'a, str>),
    /// The source should name it but does not.
    Unknown,
}

/// One history entry as its source has it, before the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub start_us: i64,
    /// `None` when the source does not know it (never 0 for unknown).
    pub duration_us: Option<i64>,
    /// How fine `duration_us` is; ignored when the duration is unknown.
    pub resolution_us: i64,
    pub exit: Option<i32>,
    pub cwd: Option<Cow<'a, str>>,
    pub command: Cow<'a, str>,
    pub shell: Cow<'a, str>,
    pub session: Cow<'a, str>,
    pub host: Host<'a>,
}

impl Entry<'_> {
    /// The event this entry becomes, before the pipeline.
    pub fn into_event(self, kind: Kind) -> Event {
        Event {
            start_us: self.start_us,
            duration_us: self.duration_us,
            duration_resolution_us: self.duration_us.map(|_| self.resolution_us),
            exit: self.exit,
            cwd: self.cwd.map(Cow::into_owned),
            command: self.command.into_owned(),
            shell: self.shell.into_owned(),
            session: self.session.into_owned(),
            source: Source::Import(kind.name().to_owned()),
            truncated: false,
        }
    }
}

/// What a reader finds, in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    Entry(Entry<'a>),
    /// An entry without a start time (a plain history line). It cannot be placed in time,
    /// so it is skipped and counted.
    Untimed,
    /// Deleted in the source (atuin keeps deleted rows): not imported.
    Deleted,
    Bad(Bad),
}

/// A reader's items plus how far it has got, for the progress bar.
pub trait Items<'a>: Iterator<Item = Item<'a>> + Send {
    /// Work done so far, in the unit of [`Loaded::total`] (lines or rows).
    fn done(&self) -> u64;
}

/// A history read into memory: a text file's bytes or a database's rows.
pub enum Loaded {
    Text { kind: Kind, bytes: Vec<u8> },
    Rows(Vec<Item<'static>>),
}

impl Loaded {
    /// Reads the history at `path`. Fails only when the source cannot be read at all
    /// (missing, unreadable, not a database of that kind); bad entries become items.
    pub fn read(kind: Kind, path: &Path) -> Result<Loaded> {
        if kind.is_sqlite() {
            let rows = match kind {
                Kind::Atuin => atuin::read(path),
                _ => histdb::read(path),
            };
            return rows
                .map(Loaded::Rows)
                .with_context(|| format!("could not read {kind} history {}", path.display()));
        }
        let bytes = std::fs::read(path)
            .with_context(|| format!("could not read {kind} history {}", path.display()))?;
        Ok(Loaded::Text { kind, bytes })
    }

    /// Total work for the progress bar: lines of a text history, rows of a database.
    pub fn total(&self) -> u64 {
        match self {
            Loaded::Text { bytes, .. } => {
                let lines = memchr::memchr_iter(b'\n', bytes).count();
                (lines + usize::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))) as u64
            }
            Loaded::Rows(rows) => rows.len() as u64,
        }
    }

    pub fn items(&self) -> Box<dyn Items<'_> + '_> {
        match self {
            Loaded::Text {
                kind: Kind::Bash,
                bytes,
            } => Box::new(bash::parse(bytes)),
            Loaded::Text {
                kind: Kind::Fish,
                bytes,
            } => Box::new(fish::parse(bytes)),
            Loaded::Text { bytes, .. } => Box::new(zsh::parse(bytes)),
            Loaded::Rows(rows) => Box::new(RowItems {
                rows: rows.iter(),
                done: 0,
            }),
        }
    }
}

struct RowItems<'r> {
    rows: std::slice::Iter<'r, Item<'static>>,
    done: u64,
}

impl<'r> Iterator for RowItems<'r> {
    type Item = Item<'r>;

    fn next(&mut self) -> Option<Item<'r>> {
        let item = self.rows.next()?;
        self.done += 1;
        Some(borrow_item(item))
    }
}

impl<'r> Items<'r> for RowItems<'r> {
    fn done(&self) -> u64 {
        self.done
    }
}

/// A borrowing copy of a stored item, so rows are not cloned string by string.
fn borrow_item<'r>(item: &'r Item<'static>) -> Item<'r> {
    let borrow = |c: &'r Cow<'static, str>| Cow::Borrowed(c.as_ref());
    match item {
        Item::Entry(e) => Item::Entry(Entry {
            start_us: e.start_us,
            duration_us: e.duration_us,
            resolution_us: e.resolution_us,
            exit: e.exit,
            cwd: e.cwd.as_ref().map(borrow),
            command: borrow(&e.command),
            shell: borrow(&e.shell),
            session: borrow(&e.session),
            host: match &e.host {
                Host::Local => Host::Local,
                Host::Named(name) => Host::Named(borrow(name)),
                Host::Unknown => Host::Unknown,
            },
        }),
        Item::Untimed => Item::Untimed,
        Item::Deleted => Item::Deleted,
        Item::Bad(bad) => Item::Bad(bad.clone()),
    }
}

/// Bad entries described in detail per source; past this only a count is reported.
pub const MAX_PROBLEMS_PER_SOURCE: usize = 20;

/// What importing one source did. `read` = `added` + `duplicates` + `ignored` + `bad` +
/// `untimed` + `deleted`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub read: u64,
    pub added: u64,
    /// Already in the database: imported before (from this or another source) or
    /// recorded by a hook.
    pub duplicates: u64,
    /// Dropped by the config's `[record] ignore` patterns.
    pub ignored: u64,
    pub bad: u64,
    pub untimed: u64,
    pub deleted: u64,
    /// The first [`MAX_PROBLEMS_PER_SOURCE`] bad entries, each naming path and line, and
    /// any problem with the source as a whole (a damaged database).
    pub problems: Vec<String>,
}

impl Report {
    fn note_bad(&mut self, path: &Path, bad: &Bad) {
        self.bad += 1;
        if self.bad <= MAX_PROBLEMS_PER_SOURCE as u64 {
            self.problems.push(bad.describe(path));
        }
    }

    /// Bad entries not described in `problems`.
    pub fn unreported_bad(&self) -> u64 {
        self.bad.saturating_sub(MAX_PROBLEMS_PER_SOURCE as u64)
    }

    /// One line: `read N entries, added M, skipped K duplicates, L bad` and, when there
    /// are any, the entries without a timestamp, ignored and deleted ones.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "read {} entries, added {}, skipped {} duplicates, {} bad",
            self.read, self.added, self.duplicates, self.bad
        );
        if self.untimed > 0 {
            line.push_str(&format!(", {} without a timestamp", self.untimed));
        }
        if self.ignored > 0 {
            line.push_str(&format!(", {} ignored by config", self.ignored));
        }
        if self.deleted > 0 {
            line.push_str(&format!(", {} deleted in the source", self.deleted));
        }
        line
    }
}

/// Entries per insert transaction: large enough that commits cost nothing next to the
/// inserts, small enough that a huge import never holds the write lock (which ingest
/// also needs) for long. An interrupted import keeps what it committed; re-running it
/// adds only the rest.
const BATCH: usize = 16_384;

/// Items between two progress bar updates.
const PROGRESS_EVERY: u64 = 8_192;

/// Counts per (start second, command) pair, keyed by [`pair_key`].
type PairCounts = HashMap<u64, u32, BuildHasherDefault<Prehashed>>;

/// Hasher for [`pair_key`]s, which are hashes already, so SipHash over them again is
/// wasted. More to the point, a history is in time order and a pair key holds its second
/// in the high bits: moving the second into the low bits, which pick the table slot, puts
/// consecutive entries in neighbouring slots. Counting a million entries then walks the
/// table instead of missing the cache on every entry, which took a third of a second.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(bytes);
    }

    fn write_u64(&mut self, key: u64) {
        // Slot from the second / 16 (bits 35.. of the key): entries a few minutes apart
        // land a few cache lines apart, which the CPU prefetches as the walk goes up.
        // The top 7 bits, which the table compares before the key, come from the hash.
        self.0 = (key >> 35) | ((key & 0x7f) << 57);
    }
}

/// Imports histories into one store, sharing the pipeline and the hook-event counts
/// across sources.
pub struct Importer<'s> {
    store: &'s mut Store,
    pipeline: Pipeline,
    hostname: String,
    host_id: i64,
    hooks: PairCounts,
}

/// An entry ready to insert.
struct Pending {
    prepared: Prepared,
    import_key: i64,
    local: bool,
}

impl<'s> Importer<'s> {
    /// Records this host's profile if new and counts the hook events already stored.
    /// Run an ingest first so the spool's hook events count too.
    pub fn new(store: &'s mut Store, config: &Config) -> Result<Importer<'s>> {
        let hostname = crate::host::hostname();
        let host_id = store.host_id(&hostname, crate::host::profile)?;
        let hooks = hook_pairs(store)?;
        Ok(Importer {
            store,
            pipeline: Pipeline::new(config),
            hostname,
            host_id,
            hooks,
        })
    }

    /// Reads and imports one source. `progress` is advanced as entries are read (pass
    /// [`ProgressBar::hidden`] for none).
    pub fn import(&mut self, kind: Kind, path: &Path, progress: &ProgressBar) -> Result<Report> {
        let loaded = Loaded::read(kind, path)?;
        let total = loaded.total();
        progress.set_length(total);
        let report = self.import_items(kind, path, loaded.items(), total, progress)?;
        progress.set_position(total);
        Ok(report)
    }

    /// Parsing and the pipeline run on a second thread while this one inserts. Used
    /// batches go back to that thread, which owns the allocator arenas their strings came
    /// from: freeing them here would cost the inserting thread, the slower half, dearly.
    fn import_items<'a>(
        &mut self,
        kind: Kind,
        path: &Path,
        items: Box<dyn Items<'a> + 'a>,
        expected: u64,
        progress: &ProgressBar,
    ) -> Result<Report> {
        let Importer {
            store,
            pipeline,
            hostname,
            host_id,
            hooks,
        } = self;
        let host_id = *host_id;
        std::thread::scope(|scope| {
            let (sender, receiver) = sync_channel::<Vec<Pending>>(4);
            let (give_back, returned) = channel::<Vec<Pending>>();
            let sorter = Sorter {
                kind,
                path,
                hostname,
                hooks,
                progress,
                returned,
                expected: usize::try_from(expected).unwrap_or(0),
            };
            let worker = std::thread::Builder::new()
                .name(format!("import-{kind}"))
                .spawn_scoped(scope, move || sorter.run(pipeline, items, sender))
                .context("could not start the history reader thread")?;
            let inserted = insert_batches(store, host_id, receiver, give_back);
            let mut report = worker
                .join()
                .map_err(|_| anyhow!("the {kind} history reader panicked"))?;
            let (added, attempted) = inserted?;
            report.added = added;
            report.duplicates += attempted - added;
            Ok(report)
        })
    }
}

/// The reading half: items → events → pipeline → keys → batches.
struct Sorter<'x> {
    kind: Kind,
    path: &'x Path,
    hostname: &'x str,
    hooks: &'x PairCounts,
    progress: &'x ProgressBar,
    /// Batches the inserter is done with, to be freed (and reused) here.
    returned: Receiver<Vec<Pending>>,
    /// About how many items are coming (lines or rows), to size the counts once.
    expected: usize,
}

impl Sorter<'_> {
    fn run<'a>(
        self,
        pipeline: &mut Pipeline,
        mut items: Box<dyn Items<'a> + 'a>,
        sender: SyncSender<Vec<Pending>>,
    ) -> Report {
        let mut report = Report::default();
        let mut occurrences =
            PairCounts::with_capacity_and_hasher(self.expected, BuildHasherDefault::default());
        let mut key_buf = Vec::with_capacity(256);
        let mut batch = Vec::with_capacity(BATCH);
        let mut since_progress = 0;
        while let Some(item) = items.next() {
            if let Item::Bad(bad @ Bad { at: At::Source, .. }) = &item {
                // About the source, not an entry: reported, not counted.
                report.problems.push(bad.describe(self.path));
                continue;
            }
            report.read += 1;
            since_progress += 1;
            if since_progress == PROGRESS_EVERY {
                since_progress = 0;
                self.progress.set_position(items.done());
            }
            let entry = match item {
                Item::Entry(entry) => entry,
                Item::Untimed => {
                    report.untimed += 1;
                    continue;
                }
                Item::Deleted => {
                    report.deleted += 1;
                    continue;
                }
                Item::Bad(bad) => {
                    report.note_bad(self.path, &bad);
                    continue;
                }
            };
            let local = match &entry.host {
                Host::Local => true,
                Host::Named(name) => name.as_ref() == self.hostname,
                Host::Unknown => false,
            };
            let Some(prepared) = pipeline.prepare(entry.into_event(self.kind)) else {
                report.ignored += 1;
                continue;
            };
            let secs = prepared.event.start_us.div_euclid(1_000_000);
            let command = prepared.event.command.as_str();
            let pair = pair_key(secs, command, &mut key_buf);
            let seen = occurrences.entry(pair).or_insert(0);
            let occurrence = *seen;
            *seen += 1;
            if self
                .hooks
                .get(&pair)
                .is_some_and(|&hooked| occurrence < hooked)
            {
                report.duplicates += 1;
                continue;
            }
            let import_key = import_key(secs, occurrence, command, &mut key_buf);
            batch.push(Pending {
                prepared,
                import_key,
                local,
            });
            if batch.len() == BATCH {
                let mut next = self.returned.try_recv().unwrap_or_default();
                next.clear();
                next.reserve(BATCH);
                if sender.send(std::mem::replace(&mut batch, next)).is_err() {
                    // The inserter failed; it reports why.
                    return report;
                }
            }
        }
        if !batch.is_empty() {
            // An error here means the inserter failed and reports why.
            let _ = sender.send(batch);
        }
        drop(sender);
        // Free what the inserter hands back here too, for the reason above.
        for used in self.returned {
            drop(used);
        }
        report
    }
}

/// The inserting half: one transaction per batch. Returns (added, attempted).
fn insert_batches(
    store: &mut Store,
    host_id: i64,
    receiver: Receiver<Vec<Pending>>,
    give_back: Sender<Vec<Pending>>,
) -> Result<(u64, u64)> {
    let (mut added, mut attempted) = (0u64, 0u64);
    for batch in receiver {
        let tx = store.write()?;
        added += store::insert_events(
            &tx,
            batch.iter().map(|p| NewEvent {
                event: &p.prepared.event,
                repo: p.prepared.repo.as_deref(),
                host_id: p.local.then_some(host_id),
                import_key: Some(p.import_key),
                action: Some(&p.prepared.action),
            }),
        )? as u64;
        tx.commit().context("could not commit imported events")?;
        attempted += batch.len() as u64;
        // The reader may be done already; then this thread frees the batch after all.
        let _ = give_back.send(batch);
    }
    Ok((added, attempted))
}

/// How many hook events each (start second, command) pair has.
fn hook_pairs(store: &Store) -> Result<PairCounts> {
    let mut counts = PairCounts::default();
    let mut buf = Vec::with_capacity(256);
    let mut stmt = store
        .connection()
        .prepare("SELECT start_us, command FROM events_full WHERE source = 'hook'")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next().context("could not read recorded hook events")? {
        let start_us: i64 = row.get(0)?;
        let command = row.get_ref(1)?.as_str()?;
        *counts
            .entry(pair_key(start_us.div_euclid(1_000_000), command, &mut buf))
            .or_insert(0) += 1;
    }
    Ok(counts)
}

/// The (start second, command) pair as a time-ordered key: the second's low 32 bits
/// above the low 31 bits of FNV-1a over (second as 8 little-endian bytes, command).
fn pair_key(secs: i64, command: &str, buf: &mut Vec<u8>) -> u64 {
    buf.clear();
    buf.extend_from_slice(&secs.to_le_bytes());
    buf.extend_from_slice(command.as_bytes());
    ((secs as u64 & 0xffff_ffff) << 31) | (fnv1a(buf) & 0x7fff_ffff)
}

/// The identity of an imported entry, 63 bits: the start second (its low 32 bits) above
/// the low 31 bits of FNV-1a over the start second (8 bytes, little-endian), the
/// occurrence index of this (second, command) pair in its source (4 bytes, little-endian,
/// 0 for the first) and the command's UTF-8 bytes.
///
/// The time goes first so that importing a history, which is in time order, appends to
/// the key's unique index: with a plain hash every insert landed on a random index page
/// and 1M entries took 14 s instead of 1.3. Two different entries share a key only when
/// they start in the same second and their hashes agree in 31 bits. Documented in
/// `docs/import.md`; changing it makes re-imports duplicate everything.
pub fn import_key(secs: i64, occurrence: u32, command: &str, buf: &mut Vec<u8>) -> i64 {
    buf.clear();
    buf.extend_from_slice(&secs.to_le_bytes());
    buf.extend_from_slice(&occurrence.to_le_bytes());
    buf.extend_from_slice(command.as_bytes());
    let hash = fnv1a(buf) & 0x7fff_ffff;
    (((secs as u64 & 0xffff_ffff) << 31) | hash) as i64
}

/// Seconds since the epoch as microseconds; `None` when out of range.
fn secs_to_us(secs: i64) -> Option<i64> {
    secs.checked_mul(1_000_000)
}

/// Parses a run of ASCII digits (nothing else) as a non-negative number.
fn parse_digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 18 {
        return None;
    }
    let mut n: i64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some(n)
}

/// A short, printable excerpt of raw bytes for messages.
fn snippet(bytes: &[u8]) -> String {
    const MAX: usize = 40;
    let cut = &bytes[..bytes.len().min(MAX)];
    let text: String = String::from_utf8_lossy(cut)
        .chars()
        .map(|c| if c.is_control() { '�' } else { c })
        .collect();
    if bytes.len() > MAX {
        format!("{text}…")
    } else {
        text
    }
}

/// Checks that raw history bytes are text; the message names the first bad byte.
fn utf8<'a>(bytes: Cow<'a, [u8]>) -> Result<Cow<'a, str>, String> {
    match bytes {
        Cow::Borrowed(b) => std::str::from_utf8(b)
            .map(Cow::Borrowed)
            .map_err(|e| utf8_problem(b, &e)),
        Cow::Owned(v) => String::from_utf8(v).map(Cow::Owned).map_err(|e| {
            let err = e.utf8_error();
            utf8_problem(e.as_bytes(), &err)
        }),
    }
}

fn utf8_problem(bytes: &[u8], err: &std::str::Utf8Error) -> String {
    let at = err.valid_up_to();
    format!(
        "not valid UTF-8 (byte 0x{:02x} at offset {at})",
        bytes.get(at).copied().unwrap_or(0)
    )
}

/// A SQLite history opened read-only.
struct Sqlite {
    conn: rusqlite::Connection,
    /// The file is shorter than its header says: rows past the cut are lost.
    truncated: bool,
}

/// Opens a SQLite history read-only; fails clearly when it is missing or not SQLite.
///
/// SQLite refuses a file shorter than its header says (a copy cut short, a full disk)
/// as malformed, even to read the part that is there. `writable_schema` (a connection
/// flag; nothing is written through a read-only connection) makes it read by the file's
/// real size, so the rows before the cut can still be imported.
fn open_sqlite(path: &Path) -> Result<Sqlite> {
    use rusqlite::{ErrorCode, OpenFlags};
    // The file must exist: SQLite's own message for a missing file is vague.
    std::fs::metadata(path)?;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let check = |conn: &rusqlite::Connection| {
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
    };
    let truncated = match check(&conn) {
        Ok(_) => false,
        Err(rusqlite::Error::SqliteFailure(err, _)) if err.code == ErrorCode::DatabaseCorrupt => {
            conn.pragma_update(None, "writable_schema", true)?;
            check(&conn).context("not a readable SQLite database")?;
            true
        }
        Err(err) => return Err(err).context("not a readable SQLite database"),
    };
    Ok(Sqlite { conn, truncated })
}

/// The columns of `table`, or an error saying which required ones are missing.
fn columns(conn: &rusqlite::Connection, table: &str, required: &[&str]) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    let names = stmt
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if names.is_empty() {
        return Err(anyhow!("it has no `{table}` table"));
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|want| !names.iter().any(|n| n.eq_ignore_ascii_case(want)))
        .collect();
    if !missing.is_empty() {
        return Err(anyhow!(
            "its `{table}` table lacks the column(s) {}",
            missing.join(", ")
        ));
    }
    Ok(names)
}

/// Reads rows with `read_row` until the end or the first error; a damaged database
/// yields the rows before the damage plus one [`Bad`] saying where it stopped. Entries
/// come back ordered by start time (then rowid), the order the history happened in.
fn read_rows(
    stmt: &mut rusqlite::Statement<'_>,
    truncated: bool,
    mut read_row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<(i64, Item<'static>)>,
) -> Result<Vec<Item<'static>>> {
    let mut keyed: Vec<(i64, i64, Item<'static>)> = Vec::new();
    let mut rows = stmt.query([])?;
    let mut last_row = None;
    loop {
        let step = rows.next().and_then(|row| match row {
            Some(row) => read_row(row).map(Some),
            None => Ok(None),
        });
        match step {
            Ok(Some((rowid, item))) => {
                last_row = Some(rowid);
                let start = match &item {
                    Item::Entry(e) => e.start_us,
                    _ => i64::MIN,
                };
                keyed.push((start, rowid, item));
            }
            Ok(None) => {
                if truncated {
                    keyed.push((
                        i64::MIN,
                        i64::MIN,
                        Item::Bad(Bad {
                            at: At::Source,
                            problem: "the file is cut short; its readable rows are imported"
                                .to_string(),
                        }),
                    ));
                }
                break;
            }
            Err(err) => {
                let after = match last_row {
                    Some(row) => format!("after row {row}"),
                    None => "before the first row".to_string(),
                };
                keyed.push((
                    i64::MIN,
                    i64::MIN,
                    Item::Bad(Bad {
                        at: At::Source,
                        problem: format!(
                            "database damaged {after} ({err}){}; the {} rows before it are imported",
                            if truncated { ", the file is cut short" } else { "" },
                            keyed.len()
                        ),
                    }),
                ));
                break;
            }
        }
    }
    keyed.sort_by_key(|&(start, rowid, _)| (start, rowid));
    Ok(keyed.into_iter().map(|(_, _, item)| item).collect())
}

/// A text column's value, or why it is not text.
fn text_column<'r>(
    row: &'r rusqlite::Row<'_>,
    index: usize,
    name: &str,
) -> Result<Option<&'r str>, String> {
    use rusqlite::types::ValueRef;
    match row.get_ref(index).map_err(|e| e.to_string())? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|e| format!("`{name}` is {}", utf8_problem(bytes, &e))),
        other => Err(format!("`{name}` is not text ({:?})", other.data_type())),
    }
}

/// An integer column's value, or why it is not an integer.
fn int_column(row: &rusqlite::Row<'_>, index: usize, name: &str) -> Result<Option<i64>, String> {
    use rusqlite::types::ValueRef;
    match row.get_ref(index).map_err(|e| e.to_string())? {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(n) => Ok(Some(n)),
        ValueRef::Text(t) => Err(format!("`{name}` is not a number: {:?}", snippet(t))),
        other => Err(format!(
            "`{name}` is not an integer ({:?})",
            other.data_type()
        )),
    }
}

/// Paths as users write them: `~/.zsh_history`.
pub fn display_path(path: &Path, home: Option<&Path>) -> String {
    if let Some(rest) = home.and_then(|h| path.strip_prefix(h).ok()) {
        return format!("~/{}", rest.display());
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_key_is_time_ordered_63_bit_and_separates_occurrences() {
        let mut buf = Vec::new();
        let a = import_key(1_700_000_000, 0, "cargo build", &mut buf);
        // Pinned: the key is a contract (re-imports rely on it across versions).
        assert_eq!(a, import_key(1_700_000_000, 0, "cargo build", &mut buf));
        assert!(a >= 0);
        assert_ne!(a, import_key(1_700_000_000, 1, "cargo build", &mut buf));
        assert_ne!(a, import_key(1_700_000_001, 0, "cargo build", &mut buf));
        assert_ne!(a, import_key(1_700_000_000, 0, "cargo build ", &mut buf));
        let mut expected = Vec::new();
        expected.extend_from_slice(&1_700_000_000i64.to_le_bytes());
        expected.extend_from_slice(&0u32.to_le_bytes());
        expected.extend_from_slice(b"cargo build");
        assert_eq!(
            a as u64,
            (1_700_000_000u64 << 31) | (fnv1a(&expected) & 0x7fff_ffff)
        );
        // Later seconds sort after earlier ones, so a history appends to the index.
        assert!(import_key(1_700_000_001, 0, "a", &mut buf) > a);
    }

    #[test]
    fn digits_are_strict() {
        assert_eq!(parse_digits(b"1700000000"), Some(1_700_000_000));
        assert_eq!(parse_digits(b"0"), Some(0));
        for bad in [
            &b""[..],
            b"-1",
            b"17x",
            b" 1",
            b"1 ",
            b"9999999999999999999",
        ] {
            assert_eq!(parse_digits(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn summary_names_every_count() {
        let report = Report {
            read: 10,
            added: 5,
            duplicates: 2,
            bad: 1,
            untimed: 1,
            ignored: 1,
            ..Report::default()
        };
        assert_eq!(
            report.summary(),
            "read 10 entries, added 5, skipped 2 duplicates, 1 bad, 1 without a timestamp, 1 ignored by config"
        );
    }

    #[test]
    fn bad_entries_name_path_and_place() {
        let path = Path::new("/h/.zsh_history");
        let bad = |at| Bad {
            at,
            problem: "start time is not a number".into(),
        };
        assert_eq!(
            bad(At::Line(7)).describe(path),
            "/h/.zsh_history:7: start time is not a number"
        );
        assert_eq!(
            bad(At::Row(3)).describe(path),
            "/h/.zsh_history: row 3: start time is not a number"
        );
    }

    #[test]
    fn utf8_problems_name_the_byte() {
        assert_eq!(
            utf8(Cow::Borrowed(&b"ls \xff"[..])).unwrap_err(),
            "not valid UTF-8 (byte 0xff at offset 3)"
        );
        assert_eq!(utf8(Cow::Owned(b"ok".to_vec())).unwrap(), "ok");
    }

    #[test]
    fn snippets_are_short_and_printable() {
        assert_eq!(snippet(b"a\x01b"), "a�b");
        assert_eq!(snippet(&[b'x'; 50]), format!("{}…", "x".repeat(40)));
    }
}
