//! A minimal pseudo-terminal driver for interactive shells, shared by the hook-cost bench
//! (`benches/hook_cost.rs`) and the shell-hook integration tests (`tests/integration/shell_hooks`).
//!
//! Built on `openpty` and blocking `poll`/`read` rather than `expectrl`, whose `expect`
//! spins on non-blocking reads: on a 2-core machine a spinning driver takes a whole core
//! from the shell it is timing and adds noise of its own. Here the driver sleeps in the
//! kernel until the shell writes, so a round trip costs two context switches and no more.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Longest a shell may leave its input unread while a line is being sent.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);

/// An interactive program running on the slave side of a fresh pty.
pub struct Pty {
    master: File,
    child: Child,
    /// Bytes read past the last marker, kept for the next wait.
    pending: Vec<u8>,
    /// Everything read, when tracing is on (`WORTHIT_BENCH_TRACE=1`).
    trace: Option<Vec<u8>>,
    label: String,
}

impl Pty {
    /// Starts `command` as a session leader whose controlling terminal is a new 80x24 pty.
    pub fn spawn(mut command: Command, label: &str) -> Result<Pty> {
        let mut master_fd: libc::c_int = -1;
        let mut slave_fd: libc::c_int = -1;
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two descriptors into the provided integers; the name and
        // termios pointers may be null and the winsize pointer is valid for the call.
        let rc = unsafe {
            libc::openpty(
                &mut master_fd,
                &mut slave_fd,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error()).context("openpty failed");
        }
        // SAFETY: openpty succeeded, so both descriptors are open and owned by nobody else.
        let (master, slave) = unsafe {
            (
                OwnedFd::from_raw_fd(master_fd),
                OwnedFd::from_raw_fd(slave_fd),
            )
        };
        // Other shells spawned later must not inherit this pty, or it never reports EOF.
        set_cloexec(&master)?;
        set_cloexec(&slave)?;
        // Writes must never block: a shell that echoes a long line fills the pty's output
        // side, stops reading until someone drains it, and a blocked write never would.
        set_nonblocking(&master)?;
        command
            .stdin(Stdio::from(slave.try_clone()?))
            .stdout(Stdio::from(slave.try_clone()?))
            .stderr(Stdio::from(slave));
        // SAFETY: the closure only calls async-signal-safe functions (setsid, ioctl).
        unsafe {
            command.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(io::Error::last_os_error());
                }
                // Stdin is the slave by now; make it the controlling terminal so the shell
                // gets job control and behaves as it does in a real terminal.
                if libc::ioctl(0, libc::TIOCSCTTY, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .with_context(|| format!("could not start {label} on a pty"))?;
        // `command` holds the parent's copies of the slave; dropping it closes them so the
        // master sees EOF when the shell exits.
        drop(command);
        let trace = std::env::var_os("WORTHIT_BENCH_TRACE").map(|_| Vec::new());
        Ok(Pty {
            master: File::from(master),
            child,
            pending: Vec::new(),
            trace,
            label: label.to_owned(),
        })
    }

    /// Writes `bytes` to the shell as if typed (one write when it fits, like a fast
    /// typist's paste). Whatever the shell prints meanwhile is kept for the next wait, so a
    /// line longer than the pty's buffers (which the shell echoes as it reads) cannot
    /// deadlock the two sides.
    pub fn send(&mut self, bytes: &[u8]) -> Result<()> {
        let deadline = Instant::now() + SEND_TIMEOUT;
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.master.write(rest) {
                Ok(n) => rest = &rest[n..],
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        bail!(
                            "{}: the shell stopped reading its input ({} bytes left unsent)",
                            self.label,
                            rest.len()
                        );
                    }
                    let (readable, _) = self.poll(libc::POLLIN | libc::POLLOUT, left)?;
                    if readable && !self.read_some()? {
                        bail!("{} exited while input was being sent", self.label);
                    }
                }
                Err(err) => {
                    return Err(err)
                        .with_context(|| format!("could not write to the pty of {}", self.label));
                }
            }
        }
        Ok(())
    }

    /// Reads until `marker` appears; returns everything before it (the marker and the
    /// bytes up to it are consumed, bytes after it are kept for the next call).
    pub fn wait_for(&mut self, marker: &[u8], timeout: Duration) -> Result<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        let mut searched = 0;
        loop {
            if let Some(at) = find(&self.pending[searched..], marker).map(|i| i + searched) {
                let before = self.pending[..at].to_vec();
                self.pending.drain(..at + marker.len());
                return Ok(before);
            }
            searched = self.pending.len().saturating_sub(marker.len() - 1);
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                bail!(
                    "{}: no {:?} within {timeout:?}; last output: {:?}",
                    self.label,
                    String::from_utf8_lossy(marker),
                    String::from_utf8_lossy(tail(&self.pending, 400))
                );
            }
            if !self.poll_readable(left)? {
                continue;
            }
            if !self.read_some()? {
                bail!(
                    "{} exited before printing {:?}; last output: {:?}",
                    self.label,
                    String::from_utf8_lossy(marker),
                    String::from_utf8_lossy(tail(&self.pending, 400))
                );
            }
        }
    }

    /// Reads what the shell has printed into `pending`; false once it is gone (EOF).
    fn read_some(&mut self) -> Result<bool> {
        let mut chunk = [0u8; 4096];
        let n = match self.master.read(&mut chunk) {
            Ok(n) => n,
            // Linux reports EIO on the master once the last slave descriptor closes.
            Err(err) if err.raw_os_error() == Some(libc::EIO) => 0,
            // A wake-up without data (the master is non-blocking): wait again.
            Err(err)
                if matches!(
                    err.kind(),
                    io::ErrorKind::Interrupted | io::ErrorKind::WouldBlock
                ) =>
            {
                return Ok(true);
            }
            Err(err) => {
                return Err(err)
                    .with_context(|| format!("could not read the pty of {}", self.label));
            }
        };
        if n == 0 {
            return Ok(false);
        }
        self.pending.extend_from_slice(&chunk[..n]);
        if let Some(trace) = &mut self.trace {
            trace.extend_from_slice(&chunk[..n]);
        }
        Ok(true)
    }

    /// Sends `line` + CR and returns the time until the next prompt `marker`, plus what
    /// the shell printed between accepting the line and that prompt.
    ///
    /// The prompt is only looked for after the first LF: fish redraws prompt and line for
    /// every few keys it reads, so the marker shows up while the line is still being typed.
    pub fn round_trip(
        &mut self,
        line: &str,
        marker: &[u8],
        timeout: Duration,
    ) -> Result<(Duration, Vec<u8>)> {
        let start = Instant::now();
        self.send(format!("{line}\r").as_bytes())?;
        self.wait_for(b"\n", timeout)?;
        let output = self.wait_for(marker, timeout)?;
        Ok((start.elapsed(), output))
    }

    fn poll_readable(&self, timeout: Duration) -> Result<bool> {
        Ok(self.poll(libc::POLLIN, timeout)?.0)
    }

    /// Waits until the master is ready for `events`; returns (readable, writable).
    fn poll(&self, events: libc::c_short, timeout: Duration) -> Result<(bool, bool)> {
        let mut fds = libc::pollfd {
            fd: self.master.as_raw_fd(),
            events,
            revents: 0,
        };
        let millis = libc::c_int::try_from(timeout.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
        // SAFETY: one valid pollfd, count 1.
        let rc = unsafe { libc::poll(&mut fds, 1, millis) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                return Ok((false, false));
            }
            return Err(err).with_context(|| format!("poll on the pty of {} failed", self.label));
        }
        // A hang-up counts as readable: the read that follows reports the EOF.
        let readable = fds.revents & (libc::POLLIN | libc::POLLHUP | libc::POLLERR) != 0;
        Ok((readable, fds.revents & libc::POLLOUT != 0))
    }

    /// Asks the shell to exit and reaps it; kills it if it does not go within a second.
    pub fn finish(mut self, exit_line: &str) -> Result<()> {
        self.send(format!("{exit_line}\r").as_bytes())?;
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            // Drain output so the shell never blocks writing to a full pty.
            if self.poll_readable(Duration::from_millis(10))? {
                let mut chunk = [0u8; 4096];
                let _ = self.master.read(&mut chunk);
            }
        }
        self.child.kill().ok();
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        if let Some(bytes) = &self.trace {
            let head = &bytes[..bytes.len().min(4000)];
            eprintln!(
                "--- raw pty output of {} (first {} bytes):\n{}",
                self.label,
                head.len(),
                head.escape_ascii()
            );
        }
        if let Ok(None) = self.child.try_wait() {
            self.child.kill().ok();
            self.child.wait().ok();
        }
    }
}

fn set_cloexec(fd: &OwnedFd) -> Result<()> {
    // SAFETY: fcntl on a descriptor we own.
    let rc = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
    if rc == -1 {
        return Err(io::Error::last_os_error()).context("could not set FD_CLOEXEC on the pty");
    }
    Ok(())
}

fn set_nonblocking(fd: &OwnedFd) -> Result<()> {
    // SAFETY: fcntl on a descriptor we own.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    // SAFETY: as above; only O_NONBLOCK is added to the flags just read.
    if flags == -1
        || unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK) } == -1
    {
        return Err(io::Error::last_os_error()).context("could not make the pty non-blocking");
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn tail(bytes: &[u8], n: usize) -> &[u8] {
    &bytes[bytes.len().saturating_sub(n)..]
}
