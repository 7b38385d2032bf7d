//! `worthit watch`: ingests the spool as hooks and editors append to it, times edit →
//! feedback loops in the repositories the user works in, and samples machine load so
//! reports can tell a slow action from a saturated machine. docs/watch.md describes it.
//!
//! Three threads. notify's thread (inotify, FSEvents, …) runs [`Shared::note`] for each
//! file event: it only records what changed (the spool, a save in a repository, a new
//! directory) and wakes the main thread, so its work per event is a lock and a few
//! comparisons and nothing queues up however many events arrive. The main thread sleeps
//! until woken; when the spool changed it waits [`COALESCE`] for more lines, runs the
//! ordinary ingest, and reads the events that arrived (from any ingest: a `worthit report`
//! may have ingested them first) by id. A sampler thread (see [`load`]) fills a ring of
//! CPU and memory samples. Nothing polls.

mod daemon;
mod feedback;
pub mod load;
mod repos;

use std::collections::HashSet;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};
use rusqlite::params;

pub use self::daemon::{
    log_file, pid_file, running_pid, start as start_daemon, stop as stop_daemon,
};
use self::feedback::{Finished, edit_event};
pub use self::feedback::{SOURCE, edit_command};
use self::load::LoadRing;
use self::repos::{Repo, RepoSet, directories_to_watch};
use crate::classify::{Category, Classifier};
use crate::config::{Config, Paths};
use crate::event::Event;
use crate::rollup::DayClock;
use crate::spool::SpoolFileName;
use crate::store::Store;

/// How long the main thread lets spool lines gather before ingesting: a burst of commands
/// (or 1,000 lines a second) costs one ingest per interval, not one per line.
pub const COALESCE: Duration = Duration::from_millis(200);

/// Directories watched per repository walk; beyond, a tree is too big to be worth it.
const MAX_DIRS_PER_REPO: usize = 50_000;
/// New directories remembered between two looks of the main thread; past this it
/// rescans instead, so a `mkdir` storm cannot grow memory.
const MAX_PENDING_DIRS: usize = 4096;
/// Errors from the watcher kept between two looks.
const MAX_PENDING_ERRORS: usize = 16;
/// New events read per query.
const EVENTS_PER_QUERY: i64 = 4096;
const DAY_US: i64 = 86_400_000_000;

/// What to watch.
#[derive(Debug, Clone)]
pub struct Options {
    /// Repository roots named on the command line.
    pub repos: Vec<String>,
    /// Also watch the repositories commands ran in during the last `days` days.
    pub days: u32,
    /// Time between two load samples.
    pub sample_interval: Duration,
}

/// The git repository root holding `path` (itself or an ancestor with a `.git`), as an
/// absolute path with symlinks kept, as hooks record it.
pub fn repo_root_of(path: &Path) -> Result<String> {
    let absolute = std::path::absolute(path)
        .with_context(|| format!("could not make {} absolute", path.display()))?;
    let text = absolute
        .to_str()
        .ok_or_else(|| anyhow!("{} is not valid UTF-8", absolute.display()))?;
    crate::repo::RepoRoots::default()
        .root_of(text)
        .ok_or_else(|| {
            anyhow!(
                "{}: not inside a git repository (no .git above it)",
                path.display()
            )
        })
}

/// What the notify thread saw since the main thread last looked.
#[derive(Debug, Default)]
struct Changes {
    spool: bool,
    rescan: bool,
    stop: bool,
    new_dirs: Vec<PathBuf>,
    errors: Vec<String>,
}

/// State the notify thread writes and the main thread reads.
#[derive(Debug)]
struct Shared {
    repos: RepoSet,
    changes: Changes,
    spool_dir: PathBuf,
    home: PathBuf,
}

impl Shared {
    /// Records one file event; true when the main thread has work to do.
    fn note(&mut self, event: &notify::Event, now_us: i64) -> bool {
        if event.need_rescan() {
            self.changes.rescan = true;
            self.changes.spool = true;
            return true;
        }
        let mut wake = false;
        for path in &event.paths {
            if path.parent() == Some(self.spool_dir.as_path()) {
                // Ingest's own reads and removals of spool files must not wake it again.
                if writes(&event.kind)
                    && !matches!(
                        event.kind,
                        EventKind::Modify(ModifyKind::Name(RenameMode::From))
                    )
                    && SpoolFileName::parse(path).is_some()
                    && !self.changes.spool
                {
                    self.changes.spool = true;
                    wake = true;
                }
                continue;
            }
            // The database and the log change all the time; they are nobody's edit.
            if path.starts_with(&self.home) {
                continue;
            }
            let is_dir = matches!(event.kind, EventKind::Create(CreateKind::Folder));
            let Some((repo, saves, relative)) = self.repos.locate(path) else {
                continue;
            };
            if repo.ignores(relative, is_dir) || !is_save(&event.kind) {
                continue;
            }
            saves.record(now_us);
            if is_dir {
                if self.changes.new_dirs.len() < MAX_PENDING_DIRS {
                    self.changes.new_dirs.push(path.clone());
                } else {
                    self.changes.rescan = true;
                }
                wake = true;
            }
        }
        wake
    }
}

/// True for a change of a file's content or name (not a read, an open or a chmod).
fn writes(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}

/// True for a change that is an edit: a write, or a file removed.
fn is_save(kind: &EventKind) -> bool {
    writes(kind) || matches!(kind, EventKind::Remove(_))
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // A panic while holding the lock leaves plain data behind; carry on with it.
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Prints a line to stdout (the log, when detached) with the local time.
fn say(message: &str) {
    println!(
        "{} {message}",
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
    );
}

fn warn(message: &str) {
    eprintln!(
        "{} worthit: warning: {message}",
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
    );
}

/// Runs until SIGINT, SIGTERM or SIGHUP. Only one watch runs per `WORTHIT_HOME`.
pub fn run(paths: &Paths, config: &Config, options: &Options) -> Result<()> {
    paths.ensure()?;
    let _lock = daemon::PidLock::acquire(paths)?;
    let shared = Arc::new(Mutex::new(Shared {
        repos: RepoSet::default(),
        changes: Changes::default(),
        spool_dir: paths.spool_dir(),
        home: paths.home.clone(),
    }));
    let (wake, woken) = sync_channel::<()>(1);
    // Before any other thread starts, so that only the signal thread receives them.
    stop_on_signals(Arc::clone(&shared), wake.clone())?;
    let ring = load::start_sampler(options.sample_interval)?;
    let handler = {
        let shared = Arc::clone(&shared);
        move |result: notify::Result<notify::Event>| {
            let now_us = chrono::Utc::now().timestamp_micros();
            let mut state = lock(&shared);
            let wake_up = match result {
                Ok(event) => state.note(&event, now_us),
                Err(err) => {
                    if state.changes.errors.len() < MAX_PENDING_ERRORS {
                        state.changes.errors.push(err.to_string());
                    }
                    true
                }
            };
            drop(state);
            if wake_up {
                // Full means a wake-up is already pending: that one will do.
                let _ = wake.try_send(());
            }
        }
    };
    let mut watcher =
        notify::recommended_watcher(handler).context("could not start watching files")?;
    watcher
        .watch(&paths.spool_dir(), RecursiveMode::NonRecursive)
        .with_context(|| format!("could not watch {}", paths.spool_dir().display()))?;

    // Catch up with what the spool holds, then only look at what arrives from now on.
    crate::ingest::print_report_warnings(crate::ingest::run(paths, config));
    let store = Store::open(&paths.database())?;
    let high_water: i64 =
        store
            .connection()
            .query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?;
    let mut state = Watch {
        paths,
        config,
        store,
        watcher,
        shared,
        ring,
        high_water,
        classifier: config.classifier(),
        session: session_name(),
        cutoff_us: chrono::Utc::now().timestamp_micros() - i64::from(options.days) * DAY_US,
        rejected: HashSet::new(),
        limit_warned: false,
    };
    for root in &options.repos {
        state.add_repo(root, true);
    }
    for root in state.recent_repos(options.days)? {
        state.add_repo(&root, false);
    }
    say(&format!(
        "worthit watch ready: pid {}, {} repositories, spool {}, load sampled every {} ms",
        std::process::id(),
        lock(&state.shared).repos.len(),
        paths.spool_dir().display(),
        options.sample_interval.as_millis()
    ));
    state.serve(&woken);
    say("worthit watch stopped");
    Ok(())
}

/// The main thread's state.
struct Watch<'a> {
    paths: &'a Paths,
    config: &'a Config,
    store: Store,
    watcher: notify::RecommendedWatcher,
    shared: Arc<Mutex<Shared>>,
    ring: Arc<Mutex<LoadRing>>,
    /// The newest event id already looked at.
    high_water: i64,
    classifier: Classifier,
    /// `watch-<pid>-<token>`: the session of the events watch records.
    session: String,
    /// Events older than this do not bring their repository into the watch.
    cutoff_us: i64,
    /// Repository roots found not to exist (or not to be repositories any more).
    rejected: HashSet<String>,
    limit_warned: bool,
}

impl Watch<'_> {
    /// The main loop: sleeps until woken, then handles what changed.
    fn serve(&mut self, woken: &Receiver<()>) {
        let mut ingest_due: Option<Instant> = None;
        loop {
            let alive = match ingest_due {
                None => woken.recv().is_ok(),
                Some(at) => !matches!(
                    woken.recv_timeout(at.saturating_duration_since(Instant::now())),
                    Err(RecvTimeoutError::Disconnected)
                ),
            };
            if !alive {
                return;
            }
            let changes = std::mem::take(&mut lock(&self.shared).changes);
            for error in &changes.errors {
                warn(&format!("file watching: {error}"));
            }
            if changes.rescan {
                let repos: Vec<Arc<Repo>> = lock(&self.shared).repos.repos().cloned().collect();
                for repo in repos {
                    let root = PathBuf::from(&repo.root);
                    self.watch_tree(&repo, &root);
                }
            }
            for dir in &changes.new_dirs {
                let owner = lock(&self.shared)
                    .repos
                    .locate(dir)
                    .map(|(repo, _, _)| Arc::clone(repo));
                if let Some(repo) = owner {
                    self.watch_tree(&repo, dir);
                }
            }
            if changes.spool && ingest_due.is_none() {
                ingest_due = Some(Instant::now() + COALESCE);
            }
            if changes.stop {
                self.ingest();
                return;
            }
            if ingest_due.is_some_and(|at| Instant::now() >= at) {
                ingest_due = None;
                self.ingest();
            }
        }
    }

    /// Runs the ordinary ingest, then handles the events it (or anyone) added.
    fn ingest(&mut self) {
        crate::ingest::print_report_warnings(crate::ingest::run(self.paths, self.config));
        if let Err(err) = self.look_at_new_events() {
            warn(&format!("{err:#}"));
        }
    }

    fn look_at_new_events(&mut self) -> Result<()> {
        loop {
            let batch = self.events_after(self.high_water)?;
            let Some(last) = batch.last() else {
                return Ok(());
            };
            self.high_water = last.id;
            self.record_load(&batch)?;
            for event in &batch {
                if let Some(root) = &event.repo
                    && event.start_us >= self.cutoff_us
                {
                    self.add_repo(root, false);
                }
            }
            let mut feedback: Vec<&Finished> = batch.iter().filter(|e| e.is_feedback()).collect();
            // The earliest run after a save is the one that answered it.
            feedback.sort_by_key(|e| e.start_us);
            for run in feedback {
                self.close_loop(run)?;
            }
            if (batch.len() as i64) < EVENTS_PER_QUERY {
                return Ok(());
            }
        }
    }

    /// Newly stored events with their classification, oldest id first.
    fn events_after(&self, id: i64) -> Result<Vec<Finished>> {
        let mut stmt = self.store.connection().prepare_cached(
            "SELECT e.id, e.start_us, e.duration_us, e.duration_resolution_us, e.exit, s.shell,
                    e.command, d.repo, a.action, a.category
             FROM events e
             JOIN sessions s ON s.id = e.session_id
             LEFT JOIN dirs d ON d.id = e.dir_id
             LEFT JOIN actions a ON a.id = e.action_id
             WHERE e.id > ?1 ORDER BY e.id LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![id, EVENTS_PER_QUERY])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let shell: String = row.get(5)?;
            let command: String = row.get(6)?;
            let stored: Option<(String, String)> = match (row.get(8)?, row.get(9)?) {
                (Some(action), Some(category)) => Some((action, category)),
                _ => None,
            };
            // Ingest classifies every event it stores (the same `classify_event`); this only
            // covers an event stored unclassified by some other writer.
            let (action, category) = match stored
                .and_then(|(action, category)| Some((action, category.parse::<Category>().ok()?)))
            {
                Some(known) => known,
                None => {
                    let class = self.classifier.classify_event(&shell, &command);
                    (class.action, class.category)
                }
            };
            out.push(Finished {
                id: row.get(0)?,
                start_us: row.get(1)?,
                duration_us: row.get(2)?,
                resolution_us: row.get(3)?,
                exit: row.get(4)?,
                shell,
                command,
                repo: row.get(7)?,
                action,
                category,
            });
        }
        Ok(out)
    }

    /// Stores the load summary of every long run in `batch` the sampler saw whole.
    fn record_load(&mut self, batch: &[Finished]) -> Result<()> {
        let summaries: Vec<(i64, load::LoadSummary)> = {
            let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
            batch
                .iter()
                .filter(|e| {
                    e.shell != SOURCE && e.duration_us.is_some_and(|d| d >= load::MIN_EVENT_US)
                })
                .filter_map(|e| Some((e.id, ring.summary(e.start_us, e.end_us()?)?)))
                .collect()
        };
        if summaries.is_empty() {
            return Ok(());
        }
        let tx = self.store.write()?;
        for (id, summary) in &summaries {
            load::record(&tx, *id, summary)?;
        }
        tx.commit().context("could not store load summaries")?;
        Ok(())
    }

    /// If `run` answers a save in its repository, records the edit → feedback event.
    fn close_loop(&mut self, run: &Finished) -> Result<()> {
        let Some(root) = run.repo.as_deref() else {
            return Ok(());
        };
        let save = lock(&self.shared)
            .repos
            .saves_mut(root)
            .and_then(|saves| saves.take_latest_before(run.start_us));
        let Some(event) = save.and_then(|save| edit_event(save, run, root, &self.session)) else {
            return Ok(());
        };
        append_to_spool(&self.paths.spool_dir(), &event)?;
        say(&format!(
            "{} in {root}: {}",
            event.command,
            crate::units::duration(event.duration_us.unwrap_or_default() as f64 / 1e6)
        ));
        Ok(())
    }

    /// Repositories with rollups in the last `days` local days.
    fn recent_repos(&self, days: u32) -> Result<Vec<String>> {
        let today = DayClock::local().day_of(chrono::Utc::now().timestamp_micros());
        let since = today - i32::try_from(days).unwrap_or(i32::MAX / 2);
        let mut stmt = self.store.connection().prepare(
            "SELECT DISTINCT r.path FROM rollups u JOIN repos r ON r.id = u.repo_id
             WHERE u.day >= ?1 ORDER BY r.path",
        )?;
        let roots = stmt
            .query_map([since], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()
            .context("could not read the recent repositories")?;
        Ok(roots)
    }

    /// Starts watching a repository (once); `named` ones are reported when they fail.
    fn add_repo(&mut self, root: &str, named: bool) {
        if self.rejected.contains(root) {
            return;
        }
        if lock(&self.shared).repos.contains(root) {
            return;
        }
        let path = PathBuf::from(root);
        if !path.join(".git").exists() {
            if named {
                warn(&format!("{root} is not a git repository; not watched"));
            }
            self.rejected.insert(root.to_owned());
            return;
        }
        let Some(repo) = lock(&self.shared).repos.add(root) else {
            return;
        };
        let dirs = self.watch_tree(&repo, &path);
        say(&format!("watching {root} ({dirs} directories)"));
    }

    /// Watches every directory of the tree at `dir` in `repo`; returns how many.
    fn watch_tree(&mut self, repo: &Repo, dir: &Path) -> usize {
        let dirs = directories_to_watch(repo, dir, MAX_DIRS_PER_REPO);
        let mut watched = 0;
        for dir in &dirs {
            match self.watcher.watch(dir, RecursiveMode::NonRecursive) {
                Ok(()) => watched += 1,
                Err(err) if matches!(err.kind, notify::ErrorKind::MaxFilesWatch) => {
                    if !self.limit_warned {
                        warn(&format!(
                            "the system's limit on watched directories is reached (Linux: sysctl fs.inotify.max_user_watches); some directories of {} are not watched",
                            repo.root
                        ));
                        self.limit_warned = true;
                    }
                    break;
                }
                // Removed since the walk: nothing to watch.
                Err(_) => {}
            }
        }
        if dirs.len() == MAX_DIRS_PER_REPO && dir == Path::new(&repo.root) {
            warn(&format!(
                "{} has more than {MAX_DIRS_PER_REPO} directories; only the first are watched",
                repo.root
            ));
        }
        watched
    }
}

/// `watch-<pid>-<token>`, as the spool contract names editor and watch sessions.
fn session_name() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut random = [0u8; 8];
    if getrandom::fill(&mut random).is_err() {
        // Unique enough: the token only tells two watches with the same pid apart.
        let nanos = chrono::Utc::now().timestamp_subsec_nanos().to_le_bytes();
        random[..4].copy_from_slice(&nanos);
    }
    let token: String = random
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{SOURCE}-{}-{token}", std::process::id())
}

/// Appends one event to this session's spool file for its day, in one `write`, as every
/// spool writer must (docs/spool-format.md).
fn append_to_spool(spool_dir: &Path, event: &Event) -> Result<()> {
    let day = event.start_us.div_euclid(DAY_US);
    let path = spool_dir.join(format!("{}.{day}.spool", event.session));
    let line = crate::spool::serialise(event);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("could not open spool file {}", path.display()))?;
    let written = file
        .write(&line)
        .with_context(|| format!("could not append to spool file {}", path.display()))?;
    if written != line.len() {
        bail!(
            "short write to spool file {} ({written} of {} bytes)",
            path.display(),
            line.len()
        );
    }
    Ok(())
}

/// Blocks SIGINT, SIGTERM and SIGHUP in this thread (and so in every thread started after)
/// and starts one that waits for them and asks the main loop to stop, so a stop always
/// finishes the last ingest and releases the pid file.
fn stop_on_signals(shared: Arc<Mutex<Shared>>, wake: SyncSender<()>) -> Result<()> {
    // SAFETY: sigset_t is plain data that sigemptyset initialises before any use.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` is a valid sigset_t; these only write to it and to this thread's mask.
    let rc = unsafe {
        libc::sigemptyset(&mut set);
        for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, signal);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut())
    };
    if rc != 0 {
        bail!(
            "could not block stop signals: {}",
            std::io::Error::from_raw_os_error(rc)
        );
    }
    std::thread::Builder::new()
        .name("worthit-signals".into())
        .spawn(move || {
            let mut signal = 0;
            // SAFETY: `set` is initialised and outlives the call; sigwait writes `signal`.
            while unsafe { libc::sigwait(&set, &mut signal) } != 0 {}
            lock(&shared).changes.stop = true;
            let _ = wake.try_send(());
        })
        .context("could not start the signal thread")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{DataChange, RemoveKind};

    fn shared(dir: &Path) -> Shared {
        let mut repos = RepoSet::default();
        repos.add(dir.join("api").to_str().unwrap());
        Shared {
            repos,
            changes: Changes::default(),
            spool_dir: dir.join("data/spool"),
            home: dir.join("data"),
        }
    }

    fn event(kind: EventKind, path: PathBuf) -> notify::Event {
        notify::Event::new(kind).add_path(path)
    }

    #[test]
    fn spool_writes_wake_once_and_reads_never() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = shared(dir.path());
        let spool = dir.path().join("data/spool");
        let file = spool.join("bash-1-2.20000.spool");
        let modify = EventKind::Modify(ModifyKind::Data(DataChange::Any));
        assert!(!state.note(
            &event(
                EventKind::Access(AccessKind::Open(AccessMode::Any)),
                file.clone()
            ),
            1
        ));
        assert!(!state.note(&event(EventKind::Remove(RemoveKind::File), file.clone()), 1));
        assert!(!state.note(&event(modify, spool.join(".bash-1-2.hist")), 1));
        assert!(!state.changes.spool);
        assert!(state.note(&event(modify, file.clone()), 1));
        assert!(state.changes.spool);
        // Already pending: no second wake-up.
        assert!(!state.note(&event(modify, file), 1));
        assert!(!state.note(&event(modify, dir.path().join("data/worthit.db")), 1));
    }

    #[test]
    fn saves_are_recorded_per_repository_and_new_directories_queued() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = shared(dir.path());
        let api = dir.path().join("api");
        let root = api.to_str().unwrap().to_owned();
        let modify = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert!(!state.note(&event(modify, api.join("src/lib.rs")), 1_000_000));
        assert!(!state.note(&event(modify, api.join("target/debug/x")), 2_000_000));
        assert!(!state.note(
            &event(
                EventKind::Access(AccessKind::Close(AccessMode::Read)),
                api.join("src/lib.rs")
            ),
            3_000_000
        ));
        assert!(!state.note(&event(modify, dir.path().join("elsewhere.rs")), 4_000_000));
        let saves = state.repos.saves_mut(&root).unwrap();
        assert_eq!(saves.len(), 1);
        assert_eq!(saves.take_latest_before(i64::MAX), Some(1_000_000));
        assert!(state.note(
            &event(EventKind::Create(CreateKind::Folder), api.join("src/new")),
            5_000_000
        ));
        assert!(!state.note(
            &event(
                EventKind::Create(CreateKind::Folder),
                api.join("node_modules")
            ),
            6_000_000
        ));
        assert_eq!(state.changes.new_dirs, [api.join("src/new")]);
        let overflow = notify::Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        assert!(state.note(&overflow, 7_000_000));
        assert!(state.changes.rescan && state.changes.spool);
    }

    #[test]
    fn sessions_follow_the_spool_contract() {
        let name = session_name();
        let parsed = SpoolFileName::parse(Path::new(&format!("{name}.20000.spool"))).unwrap();
        assert_eq!(parsed.pid, Some(std::process::id()));
        assert!(name.starts_with("watch-"));
        assert_ne!(name, session_name());
    }

    #[test]
    fn appended_events_are_whole_lines_in_the_day_file() {
        let dir = tempfile::tempdir().unwrap();
        let event = Event {
            start_us: 3 * DAY_US + 5,
            duration_us: Some(7),
            duration_resolution_us: Some(1),
            exit: Some(0),
            cwd: Some("/w/api".into()),
            command: edit_command(Category::Test, "cargo test"),
            shell: SOURCE.into(),
            session: "watch-1-abc".into(),
            source: crate::event::Source::Hook,
            truncated: false,
        };
        append_to_spool(dir.path(), &event).unwrap();
        append_to_spool(dir.path(), &event).unwrap();
        let text = std::fs::read(dir.path().join("watch-1-abc.3.spool")).unwrap();
        let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(crate::spool::parse_line(lines[1]).unwrap(), event);
    }

    #[test]
    fn a_repository_root_is_found_from_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let api = dir.path().join("api");
        std::fs::create_dir_all(api.join(".git")).unwrap();
        std::fs::create_dir_all(api.join("src")).unwrap();
        assert_eq!(
            repo_root_of(&api.join("src")).unwrap(),
            api.to_str().unwrap()
        );
        let err = repo_root_of(dir.path()).unwrap_err().to_string();
        assert!(
            err.ends_with("not inside a git repository (no .git above it)"),
            "{err}"
        );
    }
}
