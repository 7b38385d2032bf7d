//! `worthit init nvim`: installs the Neovim plugin and prints the Lua that loads it.
//!
//! The plugin's Lua files (`shell-hooks/nvim/`, documented in docs/editor-hooks.md) are
//! embedded at build time and written to `$WORTHIT_HOME/nvim`, so the user needs no plugin
//! manager and the plugin always matches the binary that ingests what it records. Only files
//! whose content differs are rewritten (each through a temp file and a rename, so a Neovim
//! starting meanwhile never reads half a file), which makes running `init` again cheap.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::Paths;

/// Every file of the plugin: its path below `shell-hooks/nvim/` (and below the install
/// directory) and its content.
pub const FILES: &[(&str, &str)] = &[
    (
        "lua/worthit/init.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/init.lua"),
    ),
    (
        "lua/worthit/buffer.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/buffer.lua"),
    ),
    (
        "lua/worthit/clock.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/clock.lua"),
    ),
    (
        "lua/worthit/diagnostics.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/diagnostics.lua"),
    ),
    (
        "lua/worthit/errors.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/errors.lua"),
    ),
    (
        "lua/worthit/health.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/health.lua"),
    ),
    (
        "lua/worthit/jobs.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/jobs.lua"),
    ),
    (
        "lua/worthit/lsp.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/lsp.lua"),
    ),
    (
        "lua/worthit/root.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/root.lua"),
    ),
    (
        "lua/worthit/spool.lua",
        include_str!("../../../shell-hooks/nvim/lua/worthit/spool.lua"),
    ),
];

/// Where `worthit init nvim` installs the plugin.
pub fn plugin_dir(paths: &Paths) -> PathBuf {
    paths.home.join("nvim")
}

/// Installs the plugin into `dir` and returns how many files were (re)written. Lua modules
/// of ours that this build no longer ships are removed, so an upgrade cannot leave a stale
/// module behind for `require` to find.
pub fn install(dir: &Path) -> Result<usize> {
    let mut written = 0;
    for (relative, content) in FILES {
        let path = dir.join(relative);
        if fs::read(&path).is_ok_and(|old| old == content.as_bytes()) {
            continue;
        }
        write_replacing(&path, content.as_bytes())?;
        written += 1;
    }
    let modules = dir.join("lua/worthit");
    let entries =
        fs::read_dir(&modules).with_context(|| format!("could not list {}", modules.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("could not list {}", modules.display()))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let shipped = FILES
            .iter()
            .any(|(relative, _)| relative.strip_prefix("lua/worthit/") == Some(&*name));
        if name.ends_with(".lua") && !shipped {
            fs::remove_file(entry.path())
                .with_context(|| format!("could not remove {}", entry.path().display()))?;
        }
    }
    Ok(written)
}

fn write_replacing(path: &Path, content: &[u8]) -> Result<()> {
    let parent = path
        .parent()
        .with_context(|| format!("{} has no parent directory", path.display()))?;
    fs::create_dir_all(parent)
        .with_context(|| format!("could not create directory {}", parent.display()))?;
    // Named after the pid, so two `init`s at once never write the same temp file.
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut file =
        fs::File::create(&temp).with_context(|| format!("could not write {}", temp.display()))?;
    file.write_all(content)
        .with_context(|| format!("could not write {}", temp.display()))?;
    drop(file);
    fs::rename(&temp, path).with_context(|| format!("could not write {}", path.display()))?;
    Ok(())
}

/// The Lua that `worthit init nvim` prints: put the plugin on 'runtimepath' (which also
/// lets `:checkhealth worthit` find it) and start recording into `spool_dir`. It works
/// pasted into init.lua or as the file given to `nvim -u`, and a missing plugin directory
/// costs a failed `require`, never an error at start-up.
pub fn loader(plugin_dir: &Path, spool_dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(
        b"-- worthit: times LSP requests, save -> diagnostics, :make and terminal commands\n\
          -- (docs/editor-hooks.md). Printed by `worthit init nvim`.\n\
          do\n  local plugin = ",
    );
    out.extend_from_slice(&lua_string(plugin_dir.as_os_str().as_encoded_bytes()));
    out.extend_from_slice(
        b"\n  if not vim.tbl_contains(vim.api.nvim_list_runtime_paths(), plugin) then\n\
          \x20   -- A comma separates 'runtimepath' entries, so one in the path is escaped.\n\
          \x20   vim.o.runtimepath = plugin:gsub(\",\", \"\\\\,\") .. \",\" .. vim.o.runtimepath\n\
          \x20 end\n\
          \x20 local ok, worthit = pcall(require, \"worthit\")\n\
          \x20 if ok then\n\
          \x20   worthit.setup({ spool_dir = ",
    );
    out.extend_from_slice(&lua_string(spool_dir.as_os_str().as_encoded_bytes()));
    out.extend_from_slice(b" })\n  end\nend\n");
    out
}

/// `bytes` as a Lua string literal. Lua strings are byte strings, so a path that is not
/// UTF-8 survives exactly; control bytes become three-digit `\ddd` escapes (three digits,
/// so a digit after one cannot join it).
pub fn lua_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'"');
    for &byte in bytes {
        match byte {
            b'"' | b'\\' => {
                out.push(b'\\');
                out.push(byte);
            }
            0..=0x1f | 0x7f => out.extend_from_slice(format!("\\{byte:03}").as_bytes()),
            _ => out.push(byte),
        }
    }
    out.push(b'"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new Lua file in shell-hooks/nvim that is not embedded would be missing from every
    /// install; this walks the real directory.
    #[test]
    fn every_plugin_file_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("shell-hooks/nvim");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let relative = path.strip_prefix(&root).unwrap();
                    on_disk.push(relative.to_string_lossy().into_owned());
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
        for (relative, content) in FILES {
            assert_eq!(
                fs::read_to_string(root.join(relative)).unwrap(),
                *content,
                "{relative} is embedded as it is on disk"
            );
        }
    }

    #[test]
    fn install_rewrites_only_what_changed_and_removes_stale_modules() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(install(dir.path()).unwrap(), FILES.len());
        assert_eq!(
            install(dir.path()).unwrap(),
            0,
            "a second install is a no-op"
        );

        let edited = dir.path().join("lua/worthit/spool.lua");
        fs::write(&edited, "-- edited by hand\n").unwrap();
        let stale = dir.path().join("lua/worthit/old_module.lua");
        fs::write(&stale, "return {}\n").unwrap();
        assert_eq!(install(dir.path()).unwrap(), 1);
        assert!(
            fs::read_to_string(&edited)
                .unwrap()
                .contains("worthit.spool")
        );
        assert!(
            !stale.exists(),
            "a module this build does not ship is removed"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path().join("lua/worthit"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !name.ends_with(".lua"))
            .collect();
        assert!(leftovers.is_empty(), "no temp files left: {leftovers:?}");
    }

    #[test]
    fn lua_strings_escape_quotes_backslashes_and_control_bytes() {
        assert_eq!(lua_string(b"/home/dev"), b"\"/home/dev\"");
        assert_eq!(lua_string(b"a\"b\\c"), b"\"a\\\"b\\\\c\"");
        assert_eq!(lua_string(b"new\nline1"), b"\"new\\010line1\"");
        assert_eq!(lua_string(b"caf\xc3\xa9 \xff"), b"\"caf\xc3\xa9 \xff\"");
    }

    #[test]
    fn loader_names_both_directories() {
        let lua = loader(Path::new("/d/nvim"), Path::new("/d/spool"));
        let lua = String::from_utf8(lua).unwrap();
        assert!(lua.contains("local plugin = \"/d/nvim\"\n"), "{lua}");
        assert!(lua.contains("spool_dir = \"/d/spool\""), "{lua}");
        assert!(lua.trim_end().ends_with("end"), "{lua}");
    }
}
