//! One watch at a time, in the foreground or detached: the pid file and its lock, starting
//! a detached watch, stopping it, and telling whether one runs.
//!
//! `$WORTHIT_HOME/watch.pid` holds the pid of the running watch, which keeps an exclusive
//! `flock` on it while it lives. The lock, not the file's text, says whether a watch
//! runs: the kernel drops it when the process dies however it dies, so a stale pid file
//! never blocks a new watch nor points `--stop` at an unrelated process.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::config::Paths;

/// How long `--daemon` waits for the detached watch to take the lock, and `--stop` for
/// it to exit.
const START_STOP_TIMEOUT: Duration = Duration::from_secs(15);

pub fn pid_file(paths: &Paths) -> PathBuf {
    paths.home.join("watch.pid")
}

pub fn log_file(paths: &Paths) -> PathBuf {
    paths.home.join("watch.log")
}

/// The running watch's claim on the pid file; dropping it (or dying) releases it.
#[derive(Debug)]
pub struct PidLock {
    file: File,
}

impl PidLock {
    /// Takes the lock and writes our pid, or says which watch already runs.
    pub fn acquire(paths: &Paths) -> Result<PidLock> {
        let path = pid_file(paths);
        let mut file = open_pid_file(&path)?;
        if !try_lock(&file, libc::LOCK_EX)
            .with_context(|| format!("could not lock {}", path.display()))?
        {
            let pid = read_pid(&mut file).map_or_else(|| "unknown".into(), |p| p.to_string());
            bail!("worthit watch is already running (pid {pid})");
        }
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| writeln!(file, "{}", std::process::id()))
            .with_context(|| format!("could not write {}", path.display()))?;
        Ok(PidLock { file })
    }
}

impl Drop for PidLock {
    fn drop(&mut self) {
        // An empty file reads as "not running" even before the lock goes with the fd.
        let _ = self.file.set_len(0);
    }
}

fn open_pid_file(path: &std::path::Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("could not open {}", path.display()))
}

/// `flock` without waiting: true when taken, false when another process holds it.
fn try_lock(file: &File, kind: libc::c_int) -> std::io::Result<bool> {
    // SAFETY: flock on a file descriptor we own; no memory is involved.
    let rc = unsafe { libc::flock(file.as_raw_fd(), kind | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    if err.kind() == std::io::ErrorKind::WouldBlock {
        Ok(false)
    } else {
        Err(err)
    }
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// The pid of the running watch, or `None` when none runs.
pub fn running_pid(paths: &Paths) -> Result<Option<u32>> {
    let path = pid_file(paths);
    let mut file = match File::open(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(err).with_context(|| format!("could not open {}", path.display())),
    };
    // A shared lock we can take means no watch holds the exclusive one; it is released
    // when `file` closes. A watch writes its pid right after locking and empties the file
    // right before it lets go, so an empty locked file is a moment to wait out.
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        if try_lock(&file, libc::LOCK_SH)
            .with_context(|| format!("could not lock {}", path.display()))?
        {
            return Ok(None);
        }
        if let Some(pid) = read_pid(&mut file) {
            return Ok(Some(pid));
        }
        if Instant::now() > deadline {
            bail!("{} is locked but holds no pid", path.display());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Starts `worthit watch <args>` detached (its own session, no terminal, output appended
/// to the log) and waits until it holds the pid lock; returns its pid.
pub fn start(paths: &Paths, args: &[std::ffi::OsString]) -> Result<u32> {
    paths.ensure()?;
    if let Some(pid) = running_pid(paths)? {
        bail!("worthit watch is already running (pid {pid})");
    }
    let log_path = log_file(paths);
    let log = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&log_path)
        .with_context(|| format!("could not open {}", log_path.display()))?;
    let exe = std::env::current_exe().context("could not find the worthit executable")?;
    let mut command = Command::new(exe);
    command
        .arg("watch")
        .args(args)
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(log.try_clone().context("could not share the log file")?)
        .stderr(log);
    // SAFETY: setsid is async-signal-safe and touches no memory of the parent.
    unsafe {
        command.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .context("could not start the detached watch")?;
    let pid = child.id();
    let deadline = Instant::now() + START_STOP_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait()? {
            bail!(
                "the detached watch exited at once ({status}); see {}",
                log_path.display()
            );
        }
        if running_pid(paths)? == Some(pid) {
            return Ok(pid);
        }
        if Instant::now() > deadline {
            bail!(
                "the detached watch (pid {pid}) did not start within {} s; see {}",
                START_STOP_TIMEOUT.as_secs(),
                log_path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Stops the running watch (SIGTERM, then waits for it to let go of the lock); returns
/// its pid, or `None` when none was running.
pub fn stop(paths: &Paths) -> Result<Option<u32>> {
    let Some(pid) = running_pid(paths)? else {
        return Ok(None);
    };
    let target = libc::pid_t::try_from(pid).context("the pid file holds an impossible pid")?;
    // SAFETY: kill has no memory effects; the lock proves the pid is a live watch.
    if unsafe { libc::kill(target, libc::SIGTERM) } != 0 {
        let err = std::io::Error::last_os_error();
        return Err(err).with_context(|| format!("could not signal worthit watch (pid {pid})"));
    }
    let deadline = Instant::now() + START_STOP_TIMEOUT;
    while running_pid(paths)? == Some(pid) {
        if Instant::now() > deadline {
            bail!(
                "worthit watch (pid {pid}) did not stop within {} s",
                START_STOP_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(Some(pid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lock_at_a_time_and_a_stale_file_is_not_a_watch() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        assert_eq!(running_pid(&paths).unwrap(), None);
        let lock = PidLock::acquire(&paths).unwrap();
        assert_eq!(running_pid(&paths).unwrap(), Some(std::process::id()));
        let again = PidLock::acquire(&paths).unwrap_err().to_string();
        assert_eq!(
            again,
            format!(
                "worthit watch is already running (pid {})",
                std::process::id()
            )
        );
        drop(lock);
        assert_eq!(running_pid(&paths).unwrap(), None);
        // A pid left behind by a watch that was killed: no lock, so not running.
        std::fs::write(pid_file(&paths), "999999\n").unwrap();
        assert_eq!(running_pid(&paths).unwrap(), None);
        assert_eq!(stop(&paths).unwrap(), None);
        drop(PidLock::acquire(&paths).unwrap());
    }
}
