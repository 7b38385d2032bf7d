//! Writes N lines of realistic zsh EXTENDED_HISTORY to stdout (deterministic), e.g. to try
//! the importer on a big history: `cargo run --release --example gen_zsh_history --
//! 1000000 > /tmp/zsh_history && worthit import zsh /tmp/zsh_history`.

#[path = "../benches/support/zsh_history_gen.rs"]
mod zsh_history_gen;

use std::io::Write;

fn main() -> std::io::Result<()> {
    let lines = match std::env::args().nth(1) {
        None => 1_000_000,
        Some(arg) => match arg.replace('_', "").parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("usage: gen_zsh_history [LINES]  (default 1000000)");
                std::process::exit(2);
            }
        },
    };
    std::io::stdout()
        .lock()
        .write_all(&zsh_history_gen::generate(lines))
}
