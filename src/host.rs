//! The host profile (CPU model, cores, memory, OS), recorded once per host with sysinfo.

use sysinfo::{CpuRefreshKind, MemoryRefreshKind, RefreshKind, System};

use crate::store::HostProfile;

/// This machine's host name (kept locally; never uploaded).
pub fn hostname() -> String {
    System::host_name().unwrap_or_else(|_| "unknown".to_string())
}

/// Asks the OS for this machine's profile. Takes a few milliseconds, so callers record it
/// only for a host the database does not know yet.
pub fn profile() -> HostProfile {
    // A platform sysinfo cannot read still gets a profile with what is known.
    let system = System::new_with_specifics(
        RefreshKind::nothing()
            .with_cpu(CpuRefreshKind::nothing())
            .with_memory(MemoryRefreshKind::nothing().with_ram()),
    )
    .ok();
    let cpus = system.as_ref().map(|s| s.cpus()).unwrap_or_default();
    let cpu_model = cpus
        .first()
        .map(|cpu| cpu.brand().trim().to_string())
        .unwrap_or_default();
    let cores = if cpus.is_empty() {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        cpus.len()
    };
    HostProfile {
        hostname: hostname(),
        cpu_model,
        cpu_cores: cores as i64,
        memory_bytes: system.as_ref().map_or(0, |s| s.total_memory()) as i64,
        os: System::name().unwrap_or_else(|_| std::env::consts::OS.to_string()),
        os_version: System::os_version().unwrap_or_default(),
        arch: std::env::consts::ARCH.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn profile_of_this_machine_is_plausible() {
        let profile = super::profile();
        assert!(profile.cpu_cores >= 1);
        assert!(profile.memory_bytes > 64 << 20);
        assert!(!profile.os.is_empty());
        assert!(!profile.hostname.is_empty());
    }
}
