//! A small shell lexer for the classifier: splits a command line into simple commands
//! and their words, without allocating and without expanding anything.
//!
//! It knows what decides where a command starts and which words belong to it: quotes
//! and escapes, `&&`, `||`, `;`, `|`, `|&`, `&`, newlines, `( … )` groups, command and
//! process substitutions (`$( … )`, backticks, `<( … )`, reported as nested commands),
//! redirections (their targets are not words), heredoc bodies (skipped), comments, and
//! `$(( … ))` / `${ … }` (opaque parts of a word). Bash, zsh and fish lines all lex
//! well enough for this: the classifier only needs the first few words of each command.
//!
//! Every step moves forward through the input, so any string terminates; nesting deeper
//! than [`MAX_DEPTH`] is read as plain word text.

/// Words kept per simple command; later ones are lexed (their substitutions still
/// count) but not stored, as nothing after the first few words changes a classification.
pub(super) const MAX_WORDS: usize = 32;
/// Deepest nesting of groups and substitutions that is followed.
const MAX_DEPTH: u8 = 6;
/// Heredocs pending on one line (`a <<A <<B`); more are left in the text.
const MAX_HEREDOCS: usize = 4;

/// One word of a simple command, as byte ranges into the lexed text. Offsets are
/// `u32` to keep the per-command word array small; [`lex`] never reads past 4 GiB.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Word {
    /// The word as written, quotes included.
    start: u32,
    end: u32,
    /// The word's value when it needs no expansion: the raw text, or the inside of
    /// `'…'` / `"…"`, or the text after a leading `\` (`\ls`).
    text_start: u32,
    text_end: u32,
    /// The value above is usable.
    literal: bool,
    /// Written with quotes or an escape, so it cannot be an option.
    quoted: bool,
}

impl Word {
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// The word as written.
    pub fn raw<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start as usize..self.end as usize]
    }

    /// The word's value, when it is a literal (no `$`, no mixed quoting).
    pub fn text<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.literal
            .then(|| &text[self.text_start as usize..self.text_end as usize])
    }

    /// The word when it is an unquoted literal: the only form an option can take.
    pub fn option<'t>(&self, text: &'t str) -> Option<&'t str> {
        (self.literal && !self.quoted).then(|| self.raw(text))
    }

    /// An unquoted word starting with `-` or `+`: a cheap test before comparing options.
    pub fn is_dashed(&self, text: &str) -> bool {
        !self.quoted && matches!(text.as_bytes().get(self.start as usize), Some(b'-' | b'+'))
    }

    /// `NAME=value` (also `NAME+=value`), which the shell treats as an assignment when it
    /// comes before the command name.
    pub fn is_assignment(&self, text: &str) -> bool {
        let raw = self.raw(text).as_bytes();
        let name_len = raw
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        name_len > 0
            && !raw[0].is_ascii_digit()
            && matches!(&raw[name_len..], [b'=', ..] | [b'+', b'=', ..])
    }
}

/// One simple command (`cmd args…`) and where it stands in the line.
#[derive(Debug)]
pub(super) struct Simple<'w> {
    pub words: &'w [Word],
    /// Inside `$( … )`, backticks or `<( … )`.
    pub nested: bool,
    /// Reads the previous command's output through `|`.
    pub piped_in: bool,
    /// Writes into a `|`.
    pub piped_out: bool,
    /// stdout goes to a file (`>`, `>>`, `&>`), not the terminal.
    pub stdout_redirected: bool,
    /// stdin comes from a file, a heredoc or a here-string.
    pub stdin_redirected: bool,
    /// Byte offset just past the command's last word (stored or not).
    pub end: usize,
}

/// Calls `sink` with every simple command of `text`, in order of appearance (a nested
/// command before the command it is part of ends).
pub(super) fn lex(text: &str, sink: &mut impl FnMut(&Simple<'_>)) {
    let mut limit = text.len().min(u32::MAX as usize);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let mut lexer = Lexer {
        s: &text.as_bytes()[..limit],
        pos: 0,
        heredocs: [(0, 0, false); MAX_HEREDOCS],
        pending: 0,
    };
    lexer.list(Close::Eof, false, 0, sink);
}

/// Bytes that end a word or need a closer look inside one.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let bytes = b" \t\r\n;&|<>()`\\'\"$";
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Close {
    Eof,
    Paren,
    Backtick,
}

/// Why a simple command ended.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// `;`, `&&`, `||`, `&`, newline.
    Separator,
    Pipe,
    /// A `(` group starts.
    Group,
    /// The list ends: end of text or of the substitution.
    End,
}

struct Lexer<'t> {
    s: &'t [u8],
    pos: usize,
    /// Heredoc delimiters (start, end, strip leading tabs) waiting for the next newline.
    heredocs: [(usize, usize, bool); MAX_HEREDOCS],
    pending: usize,
}

#[derive(Default)]
struct Redirects {
    stdout: bool,
    stdin: bool,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.s.get(self.pos + ahead).copied()
    }

    fn skip_blanks(&mut self) {
        while let Some(c) = self.peek(0) {
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' if self.peek(1) == Some(b'\n') => self.pos += 2,
                _ => break,
            }
        }
    }

    /// A list of commands up to `close`.
    fn list(&mut self, close: Close, nested: bool, depth: u8, sink: &mut impl FnMut(&Simple<'_>)) {
        let mut piped_in = false;
        loop {
            let mut words = [Word::default(); MAX_WORDS];
            let mut count = 0;
            let mut end = self.pos;
            let mut redirects = Redirects::default();
            let stop = loop {
                self.skip_blanks();
                let Some(c) = self.peek(0) else {
                    break Stop::End;
                };
                match c {
                    b'\n' => {
                        self.pos += 1;
                        self.skip_heredoc_bodies();
                        break Stop::Separator;
                    }
                    b';' => {
                        // `;;`, `;&` and `;;&` end case branches.
                        self.pos += 1;
                        while matches!(self.peek(0), Some(b';' | b'&')) {
                            self.pos += 1;
                        }
                        break Stop::Separator;
                    }
                    b'&' => match self.peek(1) {
                        Some(b'&') => {
                            self.pos += 2;
                            break Stop::Separator;
                        }
                        Some(b'>') => {
                            self.pos += 1;
                            self.redirect(Some(1), &mut redirects, close, depth, sink);
                        }
                        _ => {
                            self.pos += 1;
                            break Stop::Separator;
                        }
                    },
                    b'|' => {
                        let both = matches!(self.peek(1), Some(b'|'));
                        self.pos += if matches!(self.peek(1), Some(b'|' | b'&')) {
                            2
                        } else {
                            1
                        };
                        break if both { Stop::Separator } else { Stop::Pipe };
                    }
                    b'(' if self.peek(1) == Some(b'(') => {
                        // `(( arithmetic ))` runs nothing.
                        self.skip_balanced(b'(', b')');
                    }
                    b'(' if count > 0 => break Stop::Group,
                    b'(' => {
                        self.pos += 1;
                        if depth < MAX_DEPTH {
                            self.list(Close::Paren, nested, depth + 1, sink);
                        }
                    }
                    b')' => {
                        self.pos += 1;
                        if close == Close::Paren {
                            break Stop::End;
                        }
                    }
                    b'`' if close == Close::Backtick => {
                        self.pos += 1;
                        break Stop::End;
                    }
                    b'#' => {
                        while self.peek(0).is_some_and(|c| c != b'\n') {
                            self.pos += 1;
                        }
                    }
                    b'<' | b'>' => self.redirect(None, &mut redirects, close, depth, sink),
                    _ => {
                        if c.is_ascii_digit()
                            && let Some(fd) = self.fd_redirect()
                        {
                            self.redirect(Some(fd), &mut redirects, close, depth, sink);
                            continue;
                        }
                        let word = self.word(close, depth, sink);
                        end = word.end as usize;
                        if count < MAX_WORDS {
                            words[count] = word;
                            count += 1;
                        }
                    }
                }
            };
            if count > 0 {
                sink(&Simple {
                    words: &words[..count],
                    nested,
                    piped_in,
                    piped_out: stop == Stop::Pipe,
                    stdout_redirected: redirects.stdout,
                    stdin_redirected: redirects.stdin,
                    end,
                });
            }
            piped_in = stop == Stop::Pipe;
            match stop {
                Stop::End => return,
                Stop::Group => {
                    self.pos += 1;
                    if depth < MAX_DEPTH {
                        self.list(Close::Paren, nested, depth + 1, sink);
                    }
                }
                Stop::Separator | Stop::Pipe => {}
            }
        }
    }

    /// At digits that are a file descriptor number (`2>`, `0<`): the number, and the
    /// position moved to the operator. Otherwise `None` and nothing moves.
    fn fd_redirect(&mut self) -> Option<u32> {
        let digits = self.s[self.pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        match self.s.get(self.pos + digits) {
            Some(b'<' | b'>') => {
                let fd = std::str::from_utf8(&self.s[self.pos..self.pos + digits])
                    .ok()
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(u32::MAX);
                self.pos += digits;
                Some(fd)
            }
            _ => None,
        }
    }

    /// At `<` or `>`: a redirection and its target, or a process substitution.
    fn redirect(
        &mut self,
        fd: Option<u32>,
        redirects: &mut Redirects,
        close: Close,
        depth: u8,
        sink: &mut impl FnMut(&Simple<'_>),
    ) {
        let out = self.peek(0) == Some(b'>');
        if self.peek(1) == Some(b'(') && fd.is_none() {
            // `<( … )` / `>( … )`: a nested command, not a redirection.
            self.pos += 2;
            if depth < MAX_DEPTH {
                self.list(Close::Paren, true, depth + 1, sink);
            }
            return;
        }
        self.pos += 1;
        let mut duplicate = false;
        let mut heredoc = None;
        match (out, self.peek(0)) {
            (true, Some(b'>' | b'|')) => self.pos += 1,
            (_, Some(b'&')) => {
                self.pos += 1;
                duplicate = true;
            }
            (false, Some(b'<')) => {
                self.pos += 1;
                if self.peek(0) == Some(b'<') {
                    self.pos += 1; // here-string: the next word is the input
                } else {
                    let strip_tabs = self.peek(0) == Some(b'-');
                    if strip_tabs {
                        self.pos += 1;
                    }
                    heredoc = Some(strip_tabs);
                }
            }
            (false, Some(b'>')) => self.pos += 1,
            _ => {}
        }
        if out && !duplicate && matches!(fd, None | Some(1)) {
            redirects.stdout = true;
        }
        if !out && !duplicate && matches!(fd, None | Some(0)) {
            redirects.stdin = true;
        }
        self.skip_blanks();
        match self.peek(0) {
            None | Some(b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>') => {}
            Some(_) => {
                let target = self.word(close, depth, sink);
                if let Some(strip_tabs) = heredoc
                    && self.pending < MAX_HEREDOCS
                {
                    let (start, end) = match target.text_range() {
                        Some(range) => range,
                        None => (target.start as usize, target.end as usize),
                    };
                    self.heredocs[self.pending] = (start, end, strip_tabs);
                    self.pending += 1;
                }
            }
        }
    }

    /// After a newline: skips the bodies of heredocs opened on the line that ended.
    fn skip_heredoc_bodies(&mut self) {
        for i in 0..self.pending {
            let (start, end, strip_tabs) = self.heredocs[i];
            let delimiter = &self.s[start..end];
            while self.pos < self.s.len() {
                let line_end = memchr::memchr(b'\n', &self.s[self.pos..])
                    .map_or(self.s.len(), |at| self.pos + at);
                let mut line = &self.s[self.pos..line_end];
                if strip_tabs {
                    while let [b'\t', rest @ ..] = line {
                        line = rest;
                    }
                }
                if let [rest @ .., b'\r'] = line {
                    line = rest;
                }
                self.pos = (line_end + 1).min(self.s.len());
                if line == delimiter {
                    break;
                }
            }
        }
        self.pending = 0;
    }

    /// Skips `open … close` with nesting, from an `open` at the current position.
    fn skip_balanced(&mut self, open: u8, close: u8) {
        let mut level = 0usize;
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            if c == open {
                level += 1;
            } else if c == close {
                level = level.saturating_sub(1);
                if level == 0 {
                    return;
                }
            } else if c == b'\\' {
                self.pos = (self.pos + 1).min(self.s.len());
            }
        }
    }

    /// Skips to just past the next `quote`, honouring backslash escapes when `escapes`.
    fn skip_quoted(&mut self, quote: u8, escapes: bool) {
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            if c == quote {
                return;
            }
            if escapes && c == b'\\' {
                self.pos = (self.pos + 1).min(self.s.len());
            }
        }
    }

    /// A `$…` expansion at the current position (the `$` not yet consumed).
    fn dollar(&mut self, depth: u8, sink: &mut impl FnMut(&Simple<'_>)) {
        match self.peek(1) {
            Some(b'(') if self.peek(2) == Some(b'(') => {
                self.pos += 1;
                self.skip_balanced(b'(', b')');
            }
            Some(b'(') if depth < MAX_DEPTH => {
                self.pos += 2;
                self.list(Close::Paren, true, depth + 1, sink);
            }
            Some(b'{') => {
                self.pos += 1;
                self.skip_balanced(b'{', b'}');
            }
            Some(b'\'') => {
                self.pos += 2;
                self.skip_quoted(b'\'', true);
            }
            _ => self.pos += 1,
        }
    }

    /// A backtick substitution at the current position.
    fn backtick(&mut self, depth: u8, sink: &mut impl FnMut(&Simple<'_>)) {
        self.pos += 1;
        if depth < MAX_DEPTH {
            self.list(Close::Backtick, true, depth + 1, sink);
        } else {
            self.skip_quoted(b'`', true);
        }
    }

    /// The inside of `"…"`, the opening quote consumed.
    fn double_quoted(&mut self, depth: u8, sink: &mut impl FnMut(&Simple<'_>)) {
        while let Some(c) = self.peek(0) {
            match c {
                b'"' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => self.pos = (self.pos + 2).min(self.s.len()),
                b'$' => self.dollar(depth, sink),
                b'`' => self.backtick(depth, sink),
                _ => self.pos += 1,
            }
        }
    }

    /// One word from the current position (which is not a blank or an operator).
    fn word(&mut self, close: Close, depth: u8, sink: &mut impl FnMut(&Simple<'_>)) -> Word {
        let start = self.pos;
        let mut literal = true;
        let mut quoted = false;
        loop {
            // Most words are plain: skip ordinary bytes without the match below.
            while self
                .s
                .get(self.pos)
                .is_some_and(|&b| !SPECIAL[usize::from(b)])
            {
                self.pos += 1;
            }
            let Some(c) = self.peek(0) else {
                break;
            };
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => {
                    break;
                }
                b'`' if close == Close::Backtick => break,
                b'`' => {
                    literal = false;
                    self.backtick(depth, sink);
                }
                b'\\' => {
                    quoted = true;
                    literal = false;
                    self.pos = (self.pos + 2).min(self.s.len());
                }
                b'\'' => {
                    quoted = true;
                    literal = false;
                    self.pos += 1;
                    self.skip_quoted(b'\'', false);
                }
                b'"' => {
                    quoted = true;
                    literal = false;
                    self.pos += 1;
                    self.double_quoted(depth, sink);
                }
                b'$' => {
                    literal = false;
                    self.dollar(depth, sink);
                }
                _ => self.pos += 1,
            }
        }
        // Escapes and quotes can push the position past a multi-byte character's
        // start, never past the end; a word always ends on an ASCII byte or the end.
        let end = self.pos.min(self.s.len());
        // Offsets fit: `lex` cut the text at u32::MAX.
        let (start, end) = (start as u32, end as u32);
        let mut word = Word {
            start,
            end,
            text_start: start,
            text_end: end,
            literal,
            quoted,
        };
        if !literal {
            word.simplify(self.s);
        }
        word
    }
}

impl Word {
    /// Makes the two common quoted forms usable: a word entirely inside one pair of
    /// quotes with nothing to expand (`'test'`, `"build"`), and `\name`.
    fn simplify(&mut self, s: &[u8]) {
        let raw = &s[self.start as usize..self.end as usize];
        let plain = |bytes: &[u8]| {
            !bytes
                .iter()
                .any(|b| matches!(b, b'\'' | b'"' | b'\\' | b'$' | b'`'))
        };
        match raw {
            [q @ (b'\'' | b'"'), inner @ .., last] if last == q && plain(inner) => {
                self.text_start = self.start + 1;
                self.text_end = self.end - 1;
                self.literal = true;
            }
            [b'\\', rest @ ..] if !rest.is_empty() && plain(rest) => {
                self.text_start = self.start + 1;
                self.literal = true;
            }
            _ => {}
        }
    }

    /// The value's byte range, when the word is a literal.
    fn text_range(&self) -> Option<(usize, usize)> {
        self.literal
            .then_some((self.text_start as usize, self.text_end as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each simple command as (nested, piped_in, piped_out, words as written).
    fn commands(text: &str) -> Vec<(bool, bool, bool, Vec<String>)> {
        let mut out = Vec::new();
        lex(text, &mut |s: &Simple<'_>| {
            out.push((
                s.nested,
                s.piped_in,
                s.piped_out,
                s.words.iter().map(|w| w.raw(text).to_string()).collect(),
            ));
        });
        out
    }

    fn words(text: &str) -> Vec<Vec<String>> {
        commands(text).into_iter().map(|c| c.3).collect()
    }

    #[test]
    fn operators_split_commands() {
        assert_eq!(
            words("a 1 && b; c || d & e\nf"),
            [
                vec!["a", "1"],
                vec!["b"],
                vec!["c"],
                vec!["d"],
                vec!["e"],
                vec!["f"]
            ]
        );
    }

    #[test]
    fn pipes_are_marked() {
        let cmds = commands("cargo test 2>&1 | tee log | less");
        let flags: Vec<(bool, bool)> = cmds.iter().map(|c| (c.1, c.2)).collect();
        assert_eq!(flags, [(false, true), (true, true), (true, false)]);
        assert_eq!(cmds[0].3, ["cargo", "test"], "2>&1 is not a word");
    }

    #[test]
    fn quotes_and_escapes_keep_operators_inside_words() {
        assert_eq!(
            words(r#"git commit -m "a && b; c" 'x | y' z\;w"#),
            [vec![
                "git",
                "commit",
                "-m",
                "\"a && b; c\"",
                "'x | y'",
                "z\\;w"
            ]]
        );
    }

    #[test]
    fn substitutions_are_nested_commands() {
        let cmds = commands("cd $(git rev-parse --show-toplevel) && make `nproc`");
        let shown: Vec<(bool, Vec<String>)> = cmds.into_iter().map(|c| (c.0, c.3)).collect();
        assert_eq!(
            shown,
            [
                (
                    true,
                    vec!["git".into(), "rev-parse".into(), "--show-toplevel".into()]
                ),
                (
                    false,
                    vec!["cd".into(), "$(git rev-parse --show-toplevel)".into()]
                ),
                (true, vec!["nproc".into()]),
                (false, vec!["make".into(), "`nproc`".into()]),
            ]
        );
    }

    #[test]
    fn groups_and_process_substitution() {
        assert_eq!(
            words("(cd web && npm ci) ; diff <(sort a) b"),
            [
                vec!["cd", "web"],
                vec!["npm", "ci"],
                vec!["sort", "a"],
                vec!["diff", "b"]
            ]
        );
    }

    #[test]
    fn redirections_are_not_words() {
        let mut seen = Vec::new();
        let text = "make >build.log 2> err.txt < in &>all";
        lex(text, &mut |s: &Simple<'_>| {
            seen.push((s.stdout_redirected, s.stdin_redirected, s.words.len()));
        });
        assert_eq!(seen, [(true, true, 1)]);
    }

    #[test]
    fn heredoc_bodies_and_comments_are_skipped() {
        assert_eq!(
            words("cat <<'EOF' > f.txt\ncargo test\nEOF\nmake # cargo build"),
            [vec!["cat"], vec!["make"]]
        );
        assert_eq!(
            words("cat <<-END\n\tnpm test\n\tEND\nls"),
            [vec!["cat"], vec!["ls"]]
        );
    }

    #[test]
    fn simple_quoted_words_have_a_value() {
        let text = r#"'npm' "run" \ls "a$b" 'x'y"#;
        let mut values = Vec::new();
        lex(text, &mut |s: &Simple<'_>| {
            values = s.words.iter().map(|w| w.text(text)).collect();
        });
        assert_eq!(values, [Some("npm"), Some("run"), Some("ls"), None, None]);
    }

    #[test]
    fn assignments() {
        let text = "FOO=1 A_B+=x 1X=2 =3 \"Q=1\" make";
        let mut seen = Vec::new();
        lex(text, &mut |s: &Simple<'_>| {
            seen = s.words.iter().map(|w| w.is_assignment(text)).collect();
        });
        assert_eq!(seen, [true, true, false, false, false, false]);
    }

    #[test]
    fn unbalanced_and_deep_input_terminates() {
        for text in [
            "$(((((",
            "\"unterminated $(echo",
            "`a `b `c",
            "))))((((",
            "a <<",
            "x \\",
            "$(a $(b $(c $(d $(e $(f $(g $(h))))))))) done",
            "é\\",
        ] {
            let mut n = 0;
            lex(text, &mut |_: &Simple<'_>| n += 1);
            assert!(n < 100, "{text}");
        }
    }
}
