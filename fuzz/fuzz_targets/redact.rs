//! Fuzzes secret redaction: it never panics, redacting twice changes nothing, and the
//! output grows by at most one marker's length (less the one byte it replaces at least)
//! per marker it adds.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use worthit::redact::{MARKER, Redactor};

static REDACTOR: LazyLock<Redactor> = LazyLock::new(|| {
    Redactor::new(&[
        "corp_[a-z0-9]{8}".to_string(),
        r"--vault-id=\w+@(?P<secret>\S+)".to_string(),
    ])
});

fuzz_target!(|data: &[u8]| {
    let command = String::from_utf8_lossy(data);
    let once = REDACTOR.redact(&command);
    let twice = REDACTOR.redact(&once);
    assert_eq!(twice, once, "not idempotent on {command:?}");
    let added = once
        .matches(MARKER)
        .count()
        .saturating_sub(command.matches(MARKER).count());
    assert!(
        once.len() <= command.len() + (MARKER.len() - 1) * added,
        "output longer than needed: {command:?} -> {once:?}"
    );
    if once == command {
        assert!(
            matches!(once, std::borrow::Cow::Borrowed(_)),
            "unchanged output was not borrowed"
        );
    }
});
