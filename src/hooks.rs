//! The shell hooks: real script files in `shell-hooks/`, embedded and rendered by `init`.
//! (Being implemented.)

use std::path::Path;

use crate::cli::Shell;

/// The script `worthit init <shell>` prints.
pub fn render(shell: Shell, spool_dir: &Path) -> String {
    let _ = (shell, spool_dir);
    String::new()
}
