//! Fuzzes the spool line parser: any bytes either fail to parse (without panicking) or
//! parse to an event that survives a serialise/parse round trip unchanged, except for an
//! oversized text field (command, cwd, shell, session), which `serialise` cuts and flags
//! as truncated.

#![no_main]

use libfuzzer_sys::fuzz_target;
use worthit::spool::{MAX_LINE_BYTES, parse_line, serialise};

fuzz_target!(|data: &[u8]| {
    let Ok(event) = parse_line(data) else {
        return;
    };
    let line = serialise(&event);
    assert!(
        line.len() <= MAX_LINE_BYTES,
        "serialised line is {} bytes",
        line.len()
    );
    let again = match parse_line(&line) {
        Ok(again) => again,
        Err(err) => panic!("serialised line does not parse ({err}): {line:?}"),
    };
    if again == event {
        return;
    }
    // Only a cut is allowed to change the event, and only by shortening text fields.
    assert!(
        again.truncated,
        "round trip changed {event:?} into {again:?}"
    );
    assert!(
        event.command.starts_with(&again.command),
        "cut command is not a prefix: {event:?} / {again:?}"
    );
    let cwd = event.cwd.as_deref().unwrap_or("");
    assert!(
        cwd.starts_with(again.cwd.as_deref().unwrap_or("")),
        "cut cwd is not a prefix: {event:?} / {again:?}"
    );
    for (name, before, after) in [
        ("shell", &event.shell, &again.shell),
        ("session", &event.session, &again.session),
    ] {
        assert!(
            before.starts_with(after.as_str()),
            "cut {name} is not a prefix: {event:?} / {again:?}"
        );
    }
    let mut uncut = again.clone();
    uncut.command = event.command.clone();
    uncut.cwd = event.cwd.clone();
    uncut.shell = event.shell.clone();
    uncut.session = event.session.clone();
    uncut.truncated = event.truncated;
    assert_eq!(uncut, event, "a cut changed more than the text fields");
});
