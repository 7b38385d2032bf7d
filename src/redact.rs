//! Secret redaction: removes tokens, passwords and keys from command lines before
//! anything reaches SQLite.
//!
//! Only the secret part is replaced, by [`MARKER`], so `curl -H 'Authorization: Bearer
//! <redacted>' https://api` and `FOO_TOKEN=<redacted> make deploy` still read (and
//! classify) as the command that was run. What is covered, and the known limits, are in
//! `docs/redaction.md`; keep the two in step.
//!
//! Most commands contain no secret, and ingest must handle hundreds of thousands a
//! second, so a command first goes through one Aho-Corasick scan for cheap literal
//! triggers (`token`, `://`, `ghp_`, …). Only the rules whose triggers occur run their
//! regex, and each regex is compiled on first use. The user's extra patterns (config
//! `[redact] patterns`) cannot be pre-filtered and always run.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexSet};

/// What a secret is replaced with.
pub const MARKER: &str = "<redacted>";

/// A replacement can, rarely, line text up into a new match (a rule firing across the
/// marker's edge); re-running until nothing changes keeps `redact` idempotent. Real
/// commands settle in one pass; the cap bounds adversarial input.
const MAX_PASSES: usize = 6;

/// Compiled secret patterns: the built-in rules plus the config's `[redact] patterns`.
pub struct Redactor {
    built_in: &'static BuiltIn,
    extra: Vec<Regex>,
    /// All of `extra` at once: one cheap scan tells whether any of them can match, so a
    /// command pays for the per-pattern capture search only when one does.
    extra_set: Option<RegexSet>,
}

impl Redactor {
    /// Builds a redactor. Extra patterns were validated by the config loader; one that
    /// still fails to compile is skipped rather than stopping ingest.
    pub fn new(extra_patterns: &[String]) -> Redactor {
        let extra: Vec<Regex> = extra_patterns
            .iter()
            .filter_map(|pattern| Regex::new(pattern).ok())
            .collect();
        let extra_set = RegexSet::new(extra.iter().map(Regex::as_str)).ok();
        Redactor {
            built_in: &BUILT_IN,
            extra,
            extra_set,
        }
    }

    /// Returns the command with every secret replaced by [`MARKER`]; `Borrowed` when
    /// nothing was redacted.
    pub fn redact<'a>(&self, command: &'a str) -> Cow<'a, str> {
        let Some(mut current) = self.redact_once(command) else {
            return Cow::Borrowed(command);
        };
        for _ in 1..MAX_PASSES {
            match self.redact_once(&current) {
                Some(next) => current = next,
                None => break,
            }
        }
        Cow::Owned(current)
    }

    /// One pass: finds every secret span in `text` and replaces each merged span with
    /// the marker. `None` when nothing new was found.
    fn redact_once(&self, text: &str) -> Option<String> {
        let triggered = self.built_in.triggered(text);
        let extra_hit =
            !self.extra.is_empty() && self.extra_set.as_ref().is_none_or(|set| set.is_match(text));
        if triggered == 0 && !extra_hit {
            return None;
        }
        let mut spans = Vec::new();
        for (index, rule) in RULES.iter().enumerate() {
            if triggered & (1 << index) == 0 {
                continue;
            }
            if rule.action == Action::NameValue {
                self.built_in.collect_name_values(text, &mut spans);
            } else if let Some(regex) = self.built_in.regex(index) {
                rule.action.collect(regex, text, &mut spans);
            }
        }
        if extra_hit {
            for regex in &self.extra {
                collect_extra(regex, text, &mut spans);
            }
        }
        replace_spans(text, spans)
    }
}

/// Names of the built-in rules, as `docs/redaction.md` lists them.
pub fn rule_names() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|rule| rule.name)
}

/// Replaces the (possibly overlapping) spans with the marker; `None` when there is
/// nothing to replace.
fn replace_spans(text: &str, mut spans: Vec<Range<usize>>) -> Option<String> {
    // A span touching a marker is what is left around a secret redacted earlier (a
    // header value now read as `<redacted>rest`): the earlier pass already decided
    // about that text, and redacting it again would eat the command one pass at a time.
    let markers: Vec<Range<usize>> = text
        .match_indices(MARKER)
        .map(|(at, _)| at..at + MARKER.len())
        .collect();
    spans.retain(|span| {
        !span.is_empty()
            && !markers
                .iter()
                .any(|marker| span.start < marker.end && marker.start < span.end)
    });
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable_by_key(|span| (span.start, span.end));
    let mut out = String::with_capacity(text.len() + MARKER.len());
    let mut done = 0;
    for span in quote_neutral(text, spans) {
        out.push_str(&text[done..span.start]);
        out.push_str(MARKER);
        done = span.end;
    }
    out.push_str(&text[done..]);
    (out != text).then_some(out)
}

/// Merges sorted spans that touch (two secrets side by side need not say so), and
/// stretches a span that would leave a quote or a backslash escape unbalanced (a value
/// cut inside `'…'`, a `\` at its end) to where the shell is back in the state it had
/// at the span's start. Replacing such a span with the marker then leaves the rest of
/// the command read exactly as before, so a second pass finds nothing new.
fn quote_neutral(text: &str, spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut quotes = Quotes::new(text);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for mut span in spans {
        if let Some(last) = merged.last()
            && span.start <= last.end
        {
            span = last.start..last.end.max(span.end);
            merged.pop();
        }
        // The marker holds no quote or backslash: after it the shell is in the quote
        // it was in before, with no escape pending.
        let after_marker = (quotes.state_at(span.start).0, false);
        let mut end = span.end;
        while quotes.state_at(end) != after_marker {
            match text[end..].chars().next() {
                Some(c) => end += c.len_utf8(),
                None => break,
            }
        }
        merged.push(span.start..end);
    }
    merged
}

/// A user pattern redacts its group named `secret`, else its first group, else the
/// whole match.
fn collect_extra(regex: &Regex, text: &str, spans: &mut Vec<Range<usize>>) {
    if regex.captures_len() == 1 {
        spans.extend(regex.find_iter(text).map(|found| found.range()));
        return;
    }
    for caps in regex.captures_iter(text) {
        let secret = caps
            .name("secret")
            .or_else(|| caps.get(1))
            .or_else(|| caps.get(0));
        if let Some(secret) = secret {
            spans.push(secret.range());
        }
    }
}

/// How a rule turns its regex matches into secret spans.
#[derive(Clone, Copy)]
enum Action {
    /// The group `secret` (or the whole match) is the secret, if the check accepts it.
    Secret(fn(&str) -> bool),
    /// The shell word that starts where the match ends is the secret (`-p<secret>`).
    Word,
    /// Like `Word`, but only what follows the first `:` (`curl -u user:<secret>`).
    WordAfterColon,
    /// Like `Word`, but inside quotes it runs to the closing quote, spaces included
    /// (`Cookie: a=1; b=2`).
    RestOfQuoted,
    /// `NAME=value`, `--name value`, `?name=value`, `"name": "value"`: the name decides.
    /// Hand-written rather than a regex: it runs on every command that mentions `key`
    /// or `auth`, and a capturing regex cost ~0.7 µs there, this scan ~0.05 µs.
    NameValue,
}

impl Action {
    fn collect(self, regex: &Regex, text: &str, spans: &mut Vec<Range<usize>>) {
        match self {
            Action::Secret(check) if regex.captures_len() == 1 => {
                for found in regex.find_iter(text) {
                    if is_secret_value(found.as_str()) && check(found.as_str()) {
                        spans.push(found.range());
                    }
                }
            }
            Action::Secret(check) => {
                for caps in regex.captures_iter(text) {
                    if let Some(secret) = caps.name("secret").or_else(|| caps.get(0))
                        && is_secret_value(secret.as_str())
                        && check(secret.as_str())
                    {
                        spans.push(secret.range());
                    }
                }
            }
            Action::Word | Action::WordAfterColon | Action::RestOfQuoted => {
                let mut quotes = Quotes::new(text);
                for found in regex.find_iter(text) {
                    if let Some(span) = self.word_span(&mut quotes, found.end()) {
                        spans.push(span);
                    }
                }
            }
            // Has no regex: `Redactor::redact_once` runs the name/value scan instead.
            Action::NameValue => {}
        }
    }

    fn word_span(self, quotes: &mut Quotes<'_>, start: usize) -> Option<Range<usize>> {
        let text = quotes.text;
        let span = value_at(quotes, start, self == Action::RestOfQuoted)?;
        let span = match self {
            Action::WordAfterColon => {
                let colon = text[span.clone()].find(':')?;
                span.start + colon + 1..span.end
            }
            _ => span,
        };
        let value = &text[span.clone()];
        let spaced = text[..start].ends_with([' ', '\t']);
        (is_secret_value(value) && !(spaced && value.starts_with('-'))).then_some(span)
    }
}

/// Compares the kind of action only: function pointers have no meaningful equality.
impl PartialEq for Action {
    fn eq(&self, other: &Action) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// True unless the text is obviously not a literal secret: empty, already the marker,
/// or a shell expansion (`$TOKEN`, `$(pass show x)`, `` `cat f` ``) whose value never
/// appears in the command line.
fn is_secret_value(value: &str) -> bool {
    !value.is_empty() && value != MARKER && !value.starts_with(['$', '`'])
}

/// Where a name/value pair appears; it changes which names count as secret.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Context {
    /// `NAME=value` as a shell word, or `name=value` inside one.
    Word,
    /// `--name=value` or `-name=value`.
    FlagEquals,
    /// `--name value`: the next word is taken, so boolean flags must not match.
    FlagSpaced,
    /// `?name=value` or `&name=value` in a URL.
    Query,
    /// `"name": "value"` in JSON.
    Json,
}

/// What a secret-looking name holds, which decides which values are exempt.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum NameKind {
    /// Passwords, tokens, secrets: any literal value is redacted.
    Secret,
    /// Keys and credentials, which are often given as a file: paths are kept.
    KeyOrFile,
}

/// Last name components that always hold a secret.
const SECRET_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "cookie",
];

/// Whole last components that hold a secret (too short to match as endings: `bypass`).
const SECRET_WORDS: &[&str] = &[
    "pass", "pwd", "pat", "auth", "bearer", "passin", "passout", "secrets",
];

/// Components before `key` that make it a secret (`api_key`, `AWS_SECRET_ACCESS_KEY`).
const KEY_QUALIFIERS: &[&str] = &[
    "access",
    "account",
    "admin",
    "api",
    "app",
    "auth",
    "client",
    "consumer",
    "deploy",
    "encryption",
    "license",
    "master",
    "private",
    "root",
    "secret",
    "service",
    "session",
    "shared",
    "signing",
    "storage",
    "subscription",
    "webhook",
];

/// Tokens that are cursors or ids, not credentials (`--starting-token`, `nextToken`).
const NON_SECRET_TOKEN_KINDS: &[&str] = &[
    "cancellation",
    "continuation",
    "idempotency",
    "next",
    "page",
    "pagination",
    "resume",
    "start",
    "starting",
    "sync",
];

/// First components of boolean flags that would otherwise take the next word as their
/// value (`--no-password db`, `--ask-vault-pass site.yml`, `gh auth login --with-token`).
const BOOLEAN_FLAG_PREFIXES: &[&str] = &[
    "allow", "ask", "check", "disable", "display", "echo", "enable", "forget", "generate", "hide",
    "list", "mask", "no", "print", "prompt", "read", "remember", "require", "reset", "revoke",
    "rotate", "save", "show", "skip", "store", "use", "validate", "verify", "with",
];

/// Decides whether a name (of an env variable, flag, URL parameter or JSON field) holds a
/// secret.
fn classify_name(name: &str, context: Context) -> Option<NameKind> {
    let lower = name.to_ascii_lowercase();
    let mut components: Vec<&str> = lower
        .split(['_', '-', '.'])
        .filter(|part| !part.is_empty())
        .collect();
    // `TOKEN_2`, `password1`-style suffixes number several secrets of one kind.
    while components.len() > 1
        && components
            .last()
            .is_some_and(|part| part.bytes().all(|b| b.is_ascii_digit()))
    {
        components.pop();
    }
    let (&last, rest) = components.split_last()?;
    let previous = rest.last().copied().unwrap_or("");
    let first = components.first().copied().unwrap_or("");

    if context == Context::FlagSpaced && BOOLEAN_FLAG_PREFIXES.contains(&first) {
        return None;
    }
    // The shell's own variables, not secrets.
    if context == Context::Word && matches!(lower.as_str(), "pwd" | "oldpwd") {
        return None;
    }
    if let Some(kind) = last.strip_suffix("token") {
        let kind = if kind.is_empty() { previous } else { kind };
        return (!NON_SECRET_TOKEN_KINDS.contains(&kind)).then_some(NameKind::Secret);
    }
    if SECRET_ENDINGS.iter().any(|ending| last.ends_with(ending)) || SECRET_WORDS.contains(&last) {
        return Some(if last.ends_with("key") {
            NameKind::KeyOrFile
        } else {
            NameKind::Secret
        });
    }
    if matches!(last, "credential" | "credentials") {
        return Some(NameKind::KeyOrFile);
    }
    match last {
        "key" if previous == "public" => None,
        "key" if KEY_QUALIFIERS.contains(&previous) => Some(NameKind::KeyOrFile),
        // In a URL a bare `key` is an API key (`?key=AIza…`); as an upper-case variable
        // (`KEY=…`, `STRIPE_KEY=…`) it is one too. `--key 2` (sort) and `key=value`
        // arguments are not.
        "key" if context == Context::Query => Some(NameKind::KeyOrFile),
        "key" if context == Context::Word && !name.bytes().any(|b| b.is_ascii_lowercase()) => {
            Some(NameKind::KeyOrFile)
        }
        "sig" | "signature" if context == Context::Query => Some(NameKind::Secret),
        _ => None,
    }
}

/// Whether a value given to a secret name is worth redacting.
fn value_is_secret(kind: NameKind, value: &str, spaced: bool) -> bool {
    if !is_secret_value(value) || (spaced && value.starts_with('-')) {
        return false;
    }
    if ["true", "false", "yes", "no", "none", "null"]
        .iter()
        .any(|word| value.eq_ignore_ascii_case(word))
    {
        return false;
    }
    kind == NameKind::Secret || !looks_like_path(value)
}

/// Key and credential options usually name a file (`--private-key ~/.ssh/id`,
/// `--client-key client.pem`); those are kept. A `/` inside is not enough: AWS secret
/// keys contain slashes.
fn looks_like_path(value: &str) -> bool {
    const KEY_FILE_EXTENSIONS: &[&str] = &[
        ".pem", ".key", ".json", ".p12", ".pfx", ".der", ".ppk", ".pub", ".crt", ".asc", ".gpg",
    ];
    value.starts_with(['/', '.', '~'])
        || KEY_FILE_EXTENSIONS
            .iter()
            .any(|ext| value.to_ascii_lowercase().ends_with(ext))
}

/// Words whose presence in a name makes it a candidate for [`classify_name`].
const NAME_WORDS: &[&str] = &[
    "token",
    "secret",
    "pass",
    "pwd",
    "key",
    "auth",
    "pat",
    "sig",
    "credential",
    "cookie",
    "bearer",
];

/// Bytes a name is made of (`AWS_SECRET_ACCESS_KEY`, `db.password`, `api-key`).
fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Characters after which a name starts (besides the start of the command).
fn is_lead(c: char) -> bool {
    c.is_whitespace() || ";&|(){}'\"?,=:#`".contains(c)
}

/// The secret span of the name found at `name` (a maximal run of name bytes around a
/// [`NAME_WORDS`] hit): a JSON field, an assignment, a URL parameter or a flag.
fn name_value_span(quotes: &mut Quotes<'_>, name: Range<usize>) -> Option<Range<usize>> {
    let text = quotes.text;
    let bytes = text.as_bytes();
    if let Some(span) = json_field_value(text, name.clone()) {
        return Some(span);
    }
    if let Some(lead) = text[..name.start].chars().next_back()
        && !is_lead(lead)
    {
        return None;
    }
    let raw = &text[name.clone()];
    let dashes = (raw.len() - raw.trim_start_matches('-').len()).min(2);
    let name_text = &raw[dashes..];
    let (spaced, value_start) = match bytes.get(name.end) {
        Some(b'=') => (false, name.end + 1),
        Some(b' ' | b'\t') => {
            let after = &text[name.end..];
            (
                true,
                text.len() - after.trim_start_matches([' ', '\t']).len(),
            )
        }
        _ => return None,
    };
    let lead = name.start.checked_sub(1).map(|i| bytes[i]);
    let context = match (dashes > 0, spaced) {
        (false, true) => return None,
        (true, true) => Context::FlagSpaced,
        (true, false) => Context::FlagEquals,
        (false, false) if matches!(lead, Some(b'?' | b'&' | b'#')) => Context::Query,
        (false, false) => Context::Word,
    };
    let kind = classify_name(name_text, context)?;
    let mut span = if context == Context::Query {
        query_value(text, value_start)
    } else {
        value_at(quotes, value_start, false)?
    };
    let value = &text[span.clone()];
    // openssl's `-pass pass:secret`; `env:VAR`, `file:path` and `stdin` name no secret.
    if let Some(secret) = value.strip_prefix("pass:") {
        span.start = span.end - secret.len();
    } else if ["env:", "file:", "fd:"]
        .iter()
        .any(|p| value.starts_with(p))
        || value == "stdin"
    {
        return None;
    }
    // `docker build --secret id=npmrc,src=…` names a secret, it does not hold one.
    if name_text.eq_ignore_ascii_case("secret") && value.starts_with("id=") {
        return None;
    }
    value_is_secret(kind, &text[span.clone()], spaced).then_some(span)
}

/// `"name": "value"` (or `\"name\":\"value\"` inside a double-quoted shell string): the
/// value's span when the name holds a secret.
fn json_field_value(text: &str, name: Range<usize>) -> Option<Range<usize>> {
    let before = text[..name.start].strip_suffix('"')?;
    let escaped = before.ends_with('\\');
    let mut rest = &text[name.end..];
    if escaped {
        rest = rest.strip_prefix('\\')?;
    }
    rest = rest.strip_prefix('"')?.trim_start_matches([' ', '\t']);
    rest = rest.strip_prefix(':')?.trim_start_matches([' ', '\t']);
    if escaped {
        rest = rest.strip_prefix('\\')?;
    }
    rest = rest.strip_prefix('"')?;
    let start = text.len() - rest.len();
    let end = rest
        .find(['"', '\\'])
        .map_or(text.len(), |offset| start + offset);
    let kind = classify_name(&text[name], Context::Json)?;
    value_is_secret(kind, &text[start..end], false).then_some(start..end)
}

/// A URL parameter's value: up to the next `&`, `#`, blank or quote.
fn query_value(text: &str, start: usize) -> Range<usize> {
    let end = text[start..]
        .find(|c: char| {
            c.is_whitespace()
                || matches!(
                    c,
                    '&' | '#' | '\'' | '"' | '`' | '\\' | ';' | '|' | '<' | '>' | '(' | ')'
                )
        })
        .map_or(text.len(), |offset| start + offset);
    start..end
}

/// The value that starts at `start`, as the span to redact. Outside quotes it is the
/// shell word (the inside of it, when the word is one quoted string). Inside a quoted
/// string (`psql "host=db password=x"`) it ends at a blank or the closing quote, or only
/// at the closing quote when `to_closing_quote`.
fn value_at(quotes: &mut Quotes<'_>, start: usize, to_closing_quote: bool) -> Option<Range<usize>> {
    let text = quotes.text;
    let span = match quotes.open_at(start) {
        Some(quote) => {
            let rest = &text[start..];
            if quote == '"' && rest.starts_with('\'') {
                single_quoted(text, start)
            } else {
                let end = rest
                    .find(|c: char| c == quote || (!to_closing_quote && c.is_whitespace()))
                    .map_or(text.len(), |offset| start + offset);
                start..end
            }
        }
        None => shell_word(text, start),
    };
    (!span.is_empty()).then_some(span)
}

/// The inside of a single-quoted string starting at `start`.
fn single_quoted(text: &str, start: usize) -> Range<usize> {
    let inner = start + 1;
    let end = text[inner..]
        .find('\'')
        .map_or(text.len(), |offset| inner + offset);
    inner..end
}

/// Which quote (if any) is open at a position, read the way a POSIX shell reads the
/// command. A rule's matches move forward, so the scan resumes where it stopped instead
/// of starting over: long commands with many candidates stay linear.
struct Quotes<'t> {
    text: &'t str,
    pos: usize,
    open: Option<char>,
    escaped: bool,
}

impl<'t> Quotes<'t> {
    fn new(text: &'t str) -> Quotes<'t> {
        Quotes {
            text,
            pos: 0,
            open: None,
            escaped: false,
        }
    }

    fn open_at(&mut self, pos: usize) -> Option<char> {
        self.state_at(pos).0
    }

    /// The open quote and whether the next character is escaped by a backslash.
    fn state_at(&mut self, pos: usize) -> (Option<char>, bool) {
        if pos < self.pos {
            *self = Quotes::new(self.text);
        }
        for c in self.text[self.pos..pos].chars() {
            if self.escaped {
                self.escaped = false;
                continue;
            }
            match (self.open, c) {
                (None | Some('"'), '\\') => self.escaped = true,
                (None, '\'' | '"') => self.open = Some(c),
                (Some(quote), c) if c == quote => self.open = None,
                _ => {}
            }
        }
        self.pos = pos;
        (self.open, self.escaped)
    }
}

/// The shell word starting at `start` (outside quotes), as the span to redact: the inside
/// when the whole word is one quoted string, otherwise the whole word.
fn shell_word(text: &str, start: usize) -> Range<usize> {
    let mut end = text.len();
    let mut open: Option<char> = None;
    let mut chars = text[start..].char_indices();
    while let Some((offset, c)) = chars.next() {
        match (open, c) {
            (None, c)
                if c.is_whitespace() || matches!(c, ';' | '|' | '&' | '<' | '>' | '(' | ')') =>
            {
                end = start + offset;
                break;
            }
            (None, '\\') | (Some('"'), '\\') => {
                chars.next();
            }
            (None, '\'' | '"') => open = Some(c),
            (Some(quote), c) if c == quote => open = None,
            _ => {}
        }
    }
    let word = &text[start..end];
    for quote in ['\'', '"'] {
        if let Some(inner) = word.strip_prefix(quote) {
            // One quoted string: `'…'`, or an unterminated `'…` running to the end.
            match inner.find(quote) {
                Some(close) if close + 1 == inner.len() => return start + 1..start + 1 + close,
                None => return start + 1..end,
                Some(_) => {}
            }
        }
    }
    start..end
}

fn any(_: &str) -> bool {
    true
}

/// OpenAI/Anthropic-style `sk-…` keys are random: they mix cases and digits, unlike
/// package names such as `sk-learn-extra-contrib-tools`.
fn random_looking(secret: &str) -> bool {
    let body = secret.trim_start_matches("sk-");
    body.bytes().any(|b| b.is_ascii_digit())
        && body.bytes().any(|b| b.is_ascii_uppercase())
        && body.bytes().any(|b| b.is_ascii_lowercase())
}

/// A private key block must hold key material, not just the header someone greps for.
fn pem_body(body: &str) -> bool {
    let mut run = 0;
    for b in body.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') {
            run += 1;
            if run >= 32 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

/// `-H 'Authorization: Bearer'` with no credential must not redact the scheme itself.
fn not_auth_scheme(secret: &str) -> bool {
    ![
        "bearer",
        "basic",
        "token",
        "digest",
        "bot",
        "negotiate",
        "ntlm",
    ]
    .iter()
    .any(|scheme| secret.eq_ignore_ascii_case(scheme))
}

/// `cargo test token::tests`, `x-api-key::` and the like are paths, not header values.
fn not_path_separator(secret: &str) -> bool {
    !secret.starts_with(':')
}

/// One built-in rule: literal triggers (ASCII case-insensitive) that must occur for the
/// regex to run, the regex, and what to do with its matches.
struct Rule {
    name: &'static str,
    triggers: &'static [&'static str],
    pattern: &'static str,
    action: Action,
}

/// The built-in rules. `(?-u:\b)` is an ASCII word boundary, which keeps the regexes on
/// the fast DFA engines.
static RULES: &[Rule] = &[
    Rule {
        name: "url-credentials",
        triggers: &["://"],
        pattern: r#"(?i)(?-u:\b)[a-z][a-z0-9+.-]*://[^\s/?#@:'"]*:(?P<secret>[^\s/?#@'"]+)@"#,
        action: Action::Secret(any),
    },
    Rule {
        name: "name-value",
        triggers: NAME_WORDS,
        pattern: "",
        action: Action::NameValue,
    },
    Rule {
        name: "authorization-header",
        triggers: &["authorization"],
        pattern: r#"(?i)(?-u:\b)(?:proxy-)?authorization[ \t]*:[ \t]*['"]?[ \t]*(?:(?:bearer|basic|token|bot|digest|negotiate|ntlm|apikey|api-key|sso-key|key)[ \t]+)?(?P<secret>[^\s'"]+)"#,
        action: Action::Secret(not_auth_scheme),
    },
    Rule {
        name: "token-header",
        triggers: &["api-key", "apikey", "-token", "x-auth"],
        pattern: r#"(?i)(?-u:\b)(?:x-api-key|api-key|apikey|x-auth-token|x-access-token|x-api-token|private-token|job-token|deploy-token|x-gitlab-token|x-vault-token|x-goog-api-key|x-figma-token|circle-token|x-auth-key|x-amz-security-token|x-shopify-access-token)[ \t]*:[ \t]*['"]?[ \t]*(?P<secret>[^\s'"]+)"#,
        action: Action::Secret(not_path_separator),
    },
    Rule {
        name: "cookie-header",
        triggers: &["cookie"],
        pattern: r"(?i)(?-u:\b)(?:set-)?cookie[ \t]*:[ \t]*",
        action: Action::RestOfQuoted,
    },
    Rule {
        name: "aws-secret-by-name",
        triggers: &["secret_access_key", "session_token"],
        pattern: r#"(?i)(?-u:\b)(?:aws_)?(?:secret_access_key|session_token)['"]?(?:[ \t]*[=:][ \t]*|[ \t]+)"#,
        action: Action::Word,
    },
    Rule {
        name: "mysql-password",
        triggers: &["mysql", "mariadb"],
        pattern: r"(?i)(?-u:\b)(?:mysql[a-z_]*|mariadb[a-z-]*)(?-u:\b)[^|;&\n]*?[ \t](?-i:-p)",
        action: Action::Word,
    },
    Rule {
        name: "sshpass",
        triggers: &["sshpass"],
        pattern: r"(?-u:\b)sshpass(?:[ \t]+(?:-[fdP][ \t]*\S+|-[evhV]+))*[ \t]+-p[ \t]*",
        action: Action::Word,
    },
    Rule {
        name: "registry-login",
        triggers: &["login"],
        pattern: r"(?-u:\b)(?:docker|podman|buildah|skopeo|helm|oras|crane|nerdctl|regctl|oc|cf)[ \t]+(?:[^|;&\n]*?[ \t])?login(?-u:\b)[^|;&\n]*?[ \t]-p[ \t]*",
        action: Action::Word,
    },
    Rule {
        name: "redis-cli-password",
        triggers: &["redis-cli"],
        pattern: r"(?-u:\b)redis-cli(?-u:\b)[^|;&\n]*?[ \t]-a[ \t]+",
        action: Action::Word,
    },
    Rule {
        name: "curl-user",
        triggers: &["curl"],
        pattern: r"(?-u:\b)curl(?-u:\b)[^|;&\n]*?[ \t](?:-[a-zA-Z]*[uU]|--user|--proxy-user)(?:[ \t]+|=)?",
        action: Action::WordAfterColon,
    },
    Rule {
        name: "github-token",
        triggers: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
        pattern: r"(?-u:\b)(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})",
        action: Action::Secret(any),
    },
    Rule {
        name: "aws-access-key-id",
        triggers: &["akia", "asia", "abia", "acca"],
        pattern: r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?-u:\b)",
        action: Action::Secret(any),
    },
    Rule {
        name: "slack-token",
        triggers: &["xox"],
        pattern: r"(?-u:\b)xox[abposre]-[A-Za-z0-9-]{10,}",
        action: Action::Secret(any),
    },
    Rule {
        name: "slack-webhook",
        triggers: &["hooks.slack.com"],
        pattern: r"(?i)hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9_/+-]+)",
        action: Action::Secret(any),
    },
    Rule {
        name: "jwt",
        triggers: &["eyj"],
        pattern: r"(?-u:\b)eyJ[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*",
        action: Action::Secret(any),
    },
    Rule {
        name: "stripe-key",
        triggers: &["sk_live_", "rk_live_", "sk_test_", "rk_test_", "whsec_"],
        pattern: r"(?-u:\b)(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{24,})",
        action: Action::Secret(any),
    },
    Rule {
        name: "google-api-key",
        triggers: &["aiza"],
        pattern: r"(?-u:\b)AIza[0-9A-Za-z_-]{35}",
        action: Action::Secret(any),
    },
    Rule {
        name: "gitlab-token",
        triggers: &[
            "glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-",
            "glagent-",
        ],
        pattern: r"(?-u:\b)gl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent)-[A-Za-z0-9_-]{20,}",
        action: Action::Secret(any),
    },
    Rule {
        name: "npm-token",
        triggers: &["npm_"],
        pattern: r"(?-u:\b)npm_[A-Za-z0-9]{36}(?-u:\b)",
        action: Action::Secret(any),
    },
    Rule {
        name: "pypi-token",
        triggers: &["pypi-"],
        pattern: r"(?-u:\b)pypi-[A-Za-z0-9_-]{50,}",
        action: Action::Secret(any),
    },
    Rule {
        name: "sk-api-key",
        triggers: &["sk-"],
        pattern: r"(?-u:\b)sk-[A-Za-z0-9_-]{20,}",
        action: Action::Secret(random_looking),
    },
    Rule {
        name: "huggingface-token",
        triggers: &["hf_"],
        pattern: r"(?-u:\b)hf_[A-Za-z0-9]{30,}(?-u:\b)",
        action: Action::Secret(any),
    },
    Rule {
        name: "sendgrid-key",
        triggers: &["sg."],
        pattern: r"(?-u:\b)SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}",
        action: Action::Secret(any),
    },
    Rule {
        name: "private-key-block",
        triggers: &["private key"],
        pattern: r"(?s)-----BEGIN[A-Z0-9 ]* PRIVATE KEY(?: BLOCK)?-----[ \t\r\n]*(?P<secret>.*?)[ \t\r\n]*(?:-----END|\z)",
        action: Action::Secret(pem_body),
    },
];

/// The trigger scanner and the lazily compiled rule regexes, shared by every
/// [`Redactor`] in the process.
struct BuiltIn {
    /// `None` only if the automaton could not be built; then every rule runs.
    triggers: Option<AhoCorasick>,
    /// Trigger pattern id -> rule index.
    trigger_rule: Vec<usize>,
    regexes: Vec<OnceLock<Option<Regex>>>,
    /// Finds [`NAME_WORDS`] for the name/value scan.
    name_words: Option<AhoCorasick>,
}

static BUILT_IN: LazyLock<BuiltIn> = LazyLock::new(|| {
    let mut literals = Vec::new();
    let mut trigger_rule = Vec::new();
    for (index, rule) in RULES.iter().enumerate() {
        for trigger in rule.triggers {
            literals.push(*trigger);
            trigger_rule.push(index);
        }
    }
    BuiltIn {
        triggers: AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&literals)
            .ok(),
        trigger_rule,
        regexes: RULES.iter().map(|_| OnceLock::new()).collect(),
        name_words: AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(NAME_WORDS)
            .ok(),
    }
});

// The rule mask is a u64.
const _: () = assert!(RULES.len() <= 64);

impl BuiltIn {
    /// Bit `i` is set when rule `i` has a trigger in `text`.
    fn triggered(&self, text: &str) -> u64 {
        let Some(triggers) = &self.triggers else {
            return u64::MAX;
        };
        let mut mask = 0u64;
        for found in triggers.find_overlapping_iter(text) {
            if let Some(rule) = self.trigger_rule.get(found.pattern().as_usize()) {
                mask |= 1 << rule;
            }
        }
        mask
    }

    /// Runs the name/value scan: every name around a [`NAME_WORDS`] hit, once.
    fn collect_name_values(&self, text: &str, spans: &mut Vec<Range<usize>>) {
        let Some(words) = &self.name_words else {
            return;
        };
        let bytes = text.as_bytes();
        let mut quotes = Quotes::new(text);
        let mut last_name = None;
        for hit in words.find_overlapping_iter(text) {
            let mut start = hit.start();
            while start > 0 && is_name_byte(bytes[start - 1]) {
                start -= 1;
            }
            // Hits come by end position, and names are disjoint: a repeat is adjacent.
            if last_name == Some(start) {
                continue;
            }
            last_name = Some(start);
            let mut end = hit.end();
            while end < bytes.len() && is_name_byte(bytes[end]) {
                end += 1;
            }
            if let Some(span) = name_value_span(&mut quotes, start..end) {
                spans.push(span);
            }
        }
    }

    fn regex(&self, index: usize) -> Option<&Regex> {
        self.regexes
            .get(index)?
            .get_or_init(|| Regex::new(RULES[index].pattern).ok())
            .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn redact(command: &str) -> String {
        Redactor::new(&[]).redact(command).into_owned()
    }

    /// Real-looking secrets (made up, in each vendor's format) and exactly what must be
    /// left of each command.
    const SECRETS: &[(&str, &str)] = &[
        (
            "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U' https://api.example.com/me",
            "curl -H 'Authorization: Bearer <redacted>' https://api.example.com/me",
        ),
        (
            "FOO_TOKEN=s3cr3t-v4lue make deploy",
            "FOO_TOKEN=<redacted> make deploy",
        ),
        (
            "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "export AWS_SECRET_ACCESS_KEY=<redacted>",
        ),
        (
            "PASSWORD=hunter2 ./run-migrations.sh",
            "PASSWORD=<redacted> ./run-migrations.sh",
        ),
        (
            "mysql -u root -psecret123 app_db",
            "mysql -u root -p<redacted> app_db",
        ),
        (
            "mysql -h db -uadmin -p'p@ss w0rd' shop",
            "mysql -h db -uadmin -p'<redacted>' shop",
        ),
        (
            "mysql --password=correcthorse -h db.internal app",
            "mysql --password=<redacted> -h db.internal app",
        ),
        (
            "flyctl deploy --access-token fo1_abcDEF123ghiJKL456",
            "flyctl deploy --access-token <redacted>",
        ),
        (
            "openai --api-key sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1 api models.list",
            "openai --api-key <redacted> api models.list",
        ),
        (
            "az ad sp credential reset --client-secret 'Zx9~Qw8.Er7_Ty6-Ui5' --id 42",
            "az ad sp credential reset --client-secret '<redacted>' --id 42",
        ),
        (
            "curl -u admin:Tr0ub4dor3 https://jenkins.local/api/json",
            "curl -u admin:<redacted> https://jenkins.local/api/json",
        ),
        (
            "git clone https://oauth2:glpat-x9Yz8AbCdEfGhIjKlMnO@gitlab.com/team/app.git",
            "git clone https://oauth2:<redacted>@gitlab.com/team/app.git",
        ),
        (
            "curl 'https://api.example.com/v1/items?token=abc123def456&page=2'",
            "curl 'https://api.example.com/v1/items?token=<redacted>&page=2'",
        ),
        (
            "curl \"https://store.example.net/f.zip?sv=2022-11-02&sig=Zm9vYmFyYmF6cXV4%3D&se=2025\"",
            "curl \"https://store.example.net/f.zip?sv=2022-11-02&sig=<redacted>&se=2025\"",
        ),
        (
            "wget 'https://maps.googleapis.com/maps/api/geocode/json?address=x&key=AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW'",
            "wget 'https://maps.googleapis.com/maps/api/geocode/json?address=x&key=<redacted>'",
        ),
        (
            "curl 'https://x.example/cb?api_key=live_123abc&access_token=tok_456def&q=1'",
            "curl 'https://x.example/cb?api_key=<redacted>&access_token=<redacted>&q=1'",
        ),
        (
            "git push https://ghp_1234567890abcdefghijABCDEFGHIJ123456@github.com/me/repo.git",
            "git push https://<redacted>@github.com/me/repo.git",
        ),
        (
            "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE",
            "aws configure set aws_access_key_id <redacted>",
        ),
        (
            "aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws configure set aws_secret_access_key <redacted>",
        ),
        (
            "curl -X POST -d 'text=hi' https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "curl -X POST -d 'text=hi' https://hooks.slack.com/services/<redacted>",
        ),
        (
            "echo xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx | pbcopy",
            "echo <redacted> | pbcopy",
        ),
        (
            "curl https://api.stripe.com/v1/charges -u sk_live_51H8abcdEFGHijklMNOPqrst:",
            "curl https://api.stripe.com/v1/charges -u <redacted>:",
        ),
        (
            "OPENAI_API_KEY=sk-Tq3B7xY9mK2pL8vN4cR6wZ1aS5dF0gH7jK3lQ9eU python chat.py",
            "OPENAI_API_KEY=<redacted> python chat.py",
        ),
        (
            "echo sk-ant-api03-Xy7Qp2Lm9Kd4Vb8Nc3Wz6Rt1Hs5Jf0Ga | llm keys set claude",
            "echo <redacted> | llm keys set claude",
        ),
        (
            "npm config set //registry.npmjs.org/:_authToken=npm_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
            "npm config set //registry.npmjs.org/:_authToken=<redacted>",
        ),
        (
            "twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmcCJDA0ZjY5ZTFmLTk5ZjAtNDBhNy1hZDNhLTk1ZjJiZmQ4YjA1MAACKlszLCJkNzQ0MzRjNiJd dist/*",
            "twine upload -u __token__ -p <redacted> dist/*",
        ),
        (
            "sshpass -p 'Sup3r Secret' ssh deploy@10.0.0.5",
            "sshpass -p '<redacted>' ssh deploy@10.0.0.5",
        ),
        (
            "docker login -u ci -p dckr_pat_AbCdEf123456 registry.example.com",
            "docker login -u ci -p <redacted> registry.example.com",
        ),
        (
            "printf '%s' '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDdQ0N3d2e3m3n3o3p3q3r3s3t3u3v3w3x3y3z3\n-----END OPENSSH PRIVATE KEY-----' > ~/.ssh/id_ed25519",
            "printf '%s' '-----BEGIN OPENSSH PRIVATE KEY-----\n<redacted>\n-----END OPENSSH PRIVATE KEY-----' > ~/.ssh/id_ed25519",
        ),
        (
            "kubectl create secret generic db --from-literal=password=s3cr3tPa55",
            "kubectl create secret generic db --from-literal=password=<redacted>",
        ),
        (
            "helm upgrade app ./chart --set postgresql.auth.password=Pg-Pa55word",
            "helm upgrade app ./chart --set postgresql.auth.password=<redacted>",
        ),
        (
            "docker run -e POSTGRES_PASSWORD=example -d postgres:16",
            "docker run -e POSTGRES_PASSWORD=<redacted> -d postgres:16",
        ),
        (
            "psql \"host=db.internal user=app password=Xy7pq dbname=app\"",
            "psql \"host=db.internal user=app password=<redacted> dbname=app\"",
        ),
        (
            "curl -H \"X-Api-Key: 0123456789abcdef0123456789abcdef\" https://api.example.com",
            "curl -H \"X-Api-Key: <redacted>\" https://api.example.com",
        ),
        (
            "curl -H 'PRIVATE-TOKEN: glpat-AbCdEfGhIjKlMnOpQrSt' https://gitlab.com/api/v4/projects",
            "curl -H 'PRIVATE-TOKEN: <redacted>' https://gitlab.com/api/v4/projects",
        ),
        (
            "curl -d '{\"username\":\"alice\",\"password\":\"hunter2\"}' https://x.example/login",
            "curl -d '{\"username\":\"alice\",\"password\":\"<redacted>\"}' https://x.example/login",
        ),
        (
            "redis-cli -h cache -a S3cretRedis ping",
            "redis-cli -h cache -a <redacted> ping",
        ),
        (
            "openssl pkcs12 -export -in cert.pem -passout pass:changeit -out x.p12",
            "openssl pkcs12 -export -in cert.pem -passout pass:<redacted> -out x.p12",
        ),
        (
            "mvn deploy -Drepo.password=Sonatype123",
            "mvn deploy -Drepo.password=<redacted>",
        ),
        (
            "GH_PAT=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP gh repo list",
            "GH_PAT=<redacted> gh repo list",
        ),
        (
            "curl -H \"Cookie: session=abc123; theme=dark\" https://app.example.com",
            "curl -H \"Cookie: <redacted>\" https://app.example.com",
        ),
        (
            "export HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
            "export HF_TOKEN=<redacted>",
        ),
        (
            "curl https://user:p4ssw0rd@example.com/private",
            "curl https://user:<redacted>@example.com/private",
        ),
        (
            "SENDGRID_KEY=SG.abcdefghijklmnopqrstuv.ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq node mail.js",
            "SENDGRID_KEY=<redacted> node mail.js",
        ),
        (
            "curl 'https://example.com/cb#access_token=ya29.a0AfH6SMB&token_type=bearer'",
            "curl 'https://example.com/cb#access_token=<redacted>&token_type=bearer'",
        ),
        (
            "git -c http.extraHeader=\"Authorization: Basic dXNlcjpwYXNz\" clone https://x.example/r",
            "git -c http.extraHeader=\"Authorization: Basic <redacted>\" clone https://x.example/r",
        ),
        (
            "PGPASSWORD=pgsecret psql -h localhost -U app",
            "PGPASSWORD=<redacted> psql -h localhost -U app",
        ),
        (
            "env DB_PASS=xyz789 ./server",
            "env DB_PASS=<redacted> ./server",
        ),
        (
            "gpg --batch --passphrase 'correct horse battery' -d secrets.gpg",
            "gpg --batch --passphrase '<redacted>' -d secrets.gpg",
        ),
        (
            "gh auth login --with-token <<< ghp_1234567890abcdefghijABCDEFGHIJ123456",
            "gh auth login --with-token <<< <redacted>",
        ),
        (
            "stripe listen --forward-to localhost:3000 --api-key rk_test_51H8abcdEFGHijklMNOPqrst",
            "stripe listen --forward-to localhost:3000 --api-key <redacted>",
        ),
        (
            "export STRIPE_WEBHOOK_SECRET=whsec_AbCdEfGhIjKlMnOpQrStUvWxYz012345",
            "export STRIPE_WEBHOOK_SECRET=<redacted>",
        ),
        (
            "cast send 0xAbC --private-key 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
            "cast send 0xAbC --private-key <redacted>",
        ),
        (
            "http POST :8080/login Authorization:'Bearer abc.def.ghi'",
            "http POST :8080/login Authorization:'Bearer <redacted>'",
        ),
    ];

    /// Innocent look-alikes: each must come back byte-identical and borrowed.
    const INNOCENT: &[&str] = &[
        "git log --author=alice",
        "git commit -m \"fix token refresh\"",
        "grep -r password src/",
        "ls ~/.ssh",
        "cargo test token::tests",
        "kubectl get secret mysecret",
        "export PATH=$HOME/.cargo/bin:$PATH",
        "docker run -p 8080:80 nginx",
        "ssh -p 2222 deploy@host",
        "git push origin main",
        "echo 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  f.tar | sha256sum -c",
        "git show 3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",
        "curl https://api.example.com/items/123e4567-e89b-12d3-a456-426614174000",
        "npm install jsonwebtoken",
        "vpn-connect --key-file ./x.pem",
        "awk -F: '{print $1}' /etc/passwd",
        "tar -xzpf release.tar.gz",
        "mysql -p",
        "mysql -u root -p shop",
        "mysqldump -u root -p --single-transaction shop > shop.sql",
        "psql postgres://localhost/db",
        "psql postgres://app@localhost:5432/db",
        "git clone git@github.com:org/repo.git",
        "git clone https://github.com/org/repo.git",
        "ssh-keygen -t ed25519 -C \"me@example.com\"",
        "gpg --recv-keys 0xABCDEF0123456789",
        "sort --key=2 data.txt",
        "kubectl create secret tls web --cert=tls.crt --key=tls.key",
        "docker build --secret id=npmrc,src=$HOME/.npmrc .",
        "export GITHUB_TOKEN=$(gh auth token)",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.github.com/user",
        "echo $PASSWORD",
        "read -s PASSWORD",
        "psql --no-password mydb",
        "ansible-playbook --ask-vault-pass site.yml",
        "gh auth login --with-token < token.txt",
        "aws s3api list-objects-v2 --bucket b --starting-token eyJNYXJrZXIiOiBudWxsfQ==",
        "llm -m gpt-4 --max-tokens 256 hello",
        "curl 'https://api.github.com/repos/o/r/issues?page=2&per_page=100'",
        "git log --show-signature -3",
        "pip install scikit-learn sk-video",
        "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
        "cd ~/src/path/to/project && make",
        "git format-patch -1 HEAD",
        "grep -rn 'api_key=' config/",
        "sed -i 's/token=.*/token=REDACTED/' .env",
        "docker login --password-stdin -u ci registry.example.com",
        "ssh login.example.com -p 2222",
        "PWD=/tmp make",
        "grep -l 'BEGIN OPENSSH PRIVATE KEY' ~/.ssh/*",
        "grep -l -- '-----BEGIN OPENSSH PRIVATE KEY-----' ~/.ssh/*",
        "git config --global user.signingkey 3AA5C34371567BD2",
        "terraform apply -var region=eu-west-1",
        "curl -u alice https://example.com",
        "docker run -u 1000:1000 alpine id",
        "openssl genrsa -out key.pem 4096",
        "SSH_KEY_PATH=~/.ssh/id_rsa ./deploy.sh",
        "export KEYTIMEOUT=1",
        "echo \"token refresh failed: 401\"",
        "git log --grep=password",
        "GOOGLE_APPLICATION_CREDENTIALS=./sa.json gcloud auth list",
        "npm install --save-dev @types/jsonwebtoken",
        "cat ~/.aws/credentials",
        "gcloud auth print-access-token",
        "kubectl create token my-sa",
        "openssl rsa -in key.pem -passin env:KEY_PASS -out plain.pem",
        "curl -H 'Authorization: Bearer' https://api.example.com",
        "ssh -i ~/.ssh/deploy_key.pem ec2-user@10.0.0.7",
        "AWS_PROFILE=prod aws sts get-caller-identity",
        "export TZ=Asia/Tokyo",
        "cargo run --release -- --secret-name db-creds",
        "echo \"PASSWORD=$PASSWORD\" >> .env",
        "ansible all -m ping --private-key ~/.ssh/ansible",
        "curl --user-agent 'Mozilla/5.0 (X11: Linux)' https://example.com",
    ];

    #[test]
    fn redacts_only_the_secret_part() {
        let redactor = Redactor::new(&[]);
        let mut failures = Vec::new();
        for (command, expected) in SECRETS {
            let got = redactor.redact(command);
            if got != *expected {
                failures.push(format!(
                    "{command}\n  got:      {got}\n  expected: {expected}"
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(SECRETS.len() >= 30);
    }

    #[test]
    fn leaves_innocent_look_alikes_alone() {
        let redactor = Redactor::new(&[]);
        let mut failures = Vec::new();
        for command in INNOCENT {
            match redactor.redact(command) {
                Cow::Borrowed(same) if same == *command => {}
                other => failures.push(format!("{command}\n  got: {other}")),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(INNOCENT.len() >= 30);
    }

    #[test]
    fn redacted_commands_stay_redacted_and_borrowed() {
        let redactor = Redactor::new(&[]);
        for (_, expected) in SECRETS {
            assert!(
                matches!(redactor.redact(expected), Cow::Borrowed(_)),
                "{expected} changed on a second pass"
            );
        }
    }

    #[test]
    fn every_built_in_rule_compiles() {
        for (index, rule) in RULES.iter().enumerate() {
            if rule.action != Action::NameValue {
                let regex = BUILT_IN.regex(index);
                assert!(regex.is_some(), "rule {} does not compile", rule.name);
            }
        }
        assert!(BUILT_IN.triggers.is_some());
        assert!(BUILT_IN.name_words.is_some());
    }

    #[test]
    fn docs_list_every_rule() {
        let docs = include_str!("../docs/redaction.md");
        for name in rule_names() {
            assert!(
                docs.contains(&format!("`{name}`")),
                "docs/redaction.md does not list `{name}`"
            );
        }
    }

    #[test]
    fn extra_patterns_redact_their_group_or_whole_match() {
        let redactor = Redactor::new(&[
            "corp_[a-z0-9]{8}".to_string(),
            r"--vault-id=\w+@(?P<secret>\S+)".to_string(),
            r"deploy\.sh (\S+)".to_string(),
        ]);
        assert_eq!(
            redactor.redact("use corp_ab12cd34 now"),
            "use <redacted> now"
        );
        assert_eq!(
            redactor.redact("ansible-playbook --vault-id=prod@vault-pass.txt x.yml"),
            "ansible-playbook --vault-id=prod@<redacted> x.yml"
        );
        assert_eq!(
            redactor.redact("./deploy.sh s3cret --fast"),
            "./deploy.sh <redacted> --fast"
        );
        assert!(matches!(
            redactor.redact("git status"),
            Cow::Borrowed("git status")
        ));
    }

    #[test]
    fn broken_or_empty_extra_patterns_are_harmless() {
        let redactor = Redactor::new(&["(unclosed".to_string(), "x*".to_string(), String::new()]);
        assert!(matches!(
            redactor.redact("git status"),
            Cow::Borrowed("git status")
        ));
        assert_eq!(
            redactor.redact("PASSWORD=x make"),
            "PASSWORD=<redacted> make"
        );
    }

    /// Found by `cargo fuzz run redact`. A `curl -u` value cut at a `:` inside a quoted
    /// part of the word left its closing quote in the span, so each pass re-read the rest
    /// of the command differently; and a header value read as `<redacted>rest` on the
    /// next pass ate the command a little more each time. Neither settled in six passes.
    #[test]
    fn fuzz_regression_span_cut_inside_quotes() {
        let redactor = Redactor::new(&[r"--vault-id=\w+@(?P<secret>\S+)".to_string()]);
        for command in [
            "curl --user'a'b' c: d'e f'g h",
            r#"nH "Auxoxgi 'Authorization: Be\"token\":\"i 'Authi 'Authorization: Be\"token\":\"i 'Aut: Be\"tokenb-?S_Kpriv\":\"#,
            "curl --user'-agent*'Mozilla/5.user0' \u{fffd}(X12^: Ler-agent*nt*'Mo--vault-id=a@ \u{fffd}(Xinux)' https:&//e.co'Mo--vault-id=a@ \u{fffd}(Xinux)' htt`s:&//example: Ler-agent*'Mo--vault-id=a@ \u{fffd}(Xinux)' https:&//e.com",
        ] {
            let once = redactor.redact(command).into_owned();
            assert!(once.contains(MARKER), "{once}");
            assert_eq!(redactor.redact(&once), once.as_str());
        }
    }

    #[test]
    fn a_span_never_unbalances_quotes_or_escapes() {
        // The value stops at an escaped quote inside a double-quoted string; the span
        // takes the escaped quote too so the string still closes where it did.
        assert_eq!(
            redact(r#"psql "host=db password=ab\" x" -c 'select 1'"#),
            r#"psql "host=db password=<redacted> x" -c 'select 1'"#
        );
        assert_eq!(
            redact(r"echo \AKIAIOSFODNN7EXAMPLE done"),
            r"echo \<redacted> done"
        );
    }

    /// Words that are never secrets and never change how a neighbour is read.
    const PLAIN_WORDS: &[&str] = &[
        "git",
        "log",
        "--author=alice",
        "make",
        "deploy",
        "cargo",
        "test",
        "token::tests",
        "ls",
        "~/.ssh",
        "-p",
        "8080:80",
        "grep",
        "password",
        "src/",
        "kubectl",
        "secret",
        "x",
        "|",
        "&&",
        "./run.sh",
        "--key-file",
        "./x.pem",
        "\"fix token refresh\"",
        "é",
        "日本",
        "https://github.com/org/repo",
        "3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a",
    ];

    /// Self-contained secrets and what each must become.
    fn secret_fragment() -> impl Strategy<Value = (String, String)> {
        let value = "[A-Za-z0-9]{6,20}";
        prop_oneof![
            value.prop_map(|v| (format!("API_TOKEN={v}"), "API_TOKEN=<redacted>".to_string())),
            value.prop_map(|v| (
                format!("--password={v}"),
                "--password=<redacted>".to_string()
            )),
            value.prop_map(|v| (format!("--token {v}"), "--token <redacted>".to_string())),
            "[A-Za-z0-9]{36}".prop_map(|v| (format!("ghp_{v}"), MARKER.to_string())),
            "[A-Z0-9]{16}".prop_map(|v| (format!("AKIA{v}"), MARKER.to_string())),
            value.prop_map(|v| (
                format!("https://bob:{v}@example.com/x"),
                "https://bob:<redacted>@example.com/x".to_string()
            )),
            value.prop_map(|v| (
                format!("'Authorization: Bearer {v}'"),
                "'Authorization: Bearer <redacted>'".to_string()
            )),
        ]
    }

    fn plain_word() -> impl Strategy<Value = String> {
        proptest::sample::select(PLAIN_WORDS).prop_map(str::to_string)
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(command in "(?s).{0,200}") {
            let redactor = Redactor::new(&[]);
            let once = redactor.redact(&command).into_owned();
            let twice = redactor.redact(&once);
            prop_assert_eq!(&twice, &once);
        }

        #[test]
        fn idempotent_on_secret_shaped_text(
            command in r#"(?s)([A-Za-z_=:/@?&' "\-.]|token|TOKEN|pass|key|ghp_|AKIA|eyJ|mysql -p|curl -u |<redacted>|[0-9a-f]{8}){0,40}"#
        ) {
            let redactor = Redactor::new(&[]);
            let once = redactor.redact(&command).into_owned();
            prop_assert_eq!(redactor.redact(&once), once.as_str());
            let added = once.matches(MARKER).count().saturating_sub(command.matches(MARKER).count());
            prop_assert!(once.len() <= command.len() + (MARKER.len() - 1) * added);
        }

        #[test]
        fn keeps_every_plain_word_and_hides_every_secret(
            parts in proptest::collection::vec(
                prop_oneof![
                    3 => plain_word().prop_map(|w| (w.clone(), w)),
                    1 => secret_fragment(),
                ],
                0..12,
            )
        ) {
            let command: Vec<&str> = parts.iter().map(|(input, _)| input.as_str()).collect();
            let expected: Vec<&str> = parts.iter().map(|(_, output)| output.as_str()).collect();
            let got = redact(&command.join(" "));
            prop_assert_eq!(got, expected.join(" "));
        }
    }
}
