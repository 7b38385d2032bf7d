//! Action keys for what editors and `worthit watch` record (docs/editor-events.md).
//!
//! Editors write spool lines whose `shell` field names the source (`nvim`, `vscode`,
//! `watch`) and whose command is either a real command line (a task, `:make`, a terminal:
//! classified like any shell command) or one of a small grammar of editor actions:
//!
//! - `<editor> lsp <method> (<server>) ft=<filetype>`: an LSP request, request to response;
//! - `<editor> diagnostics (<source>) ft=<filetype>`: a save until the first diagnostics;
//! - `<editor> task <label> group=<build|test|none>`: a task with no command line;
//! - `edit→<category> <action>` (from `watch`): a save until the next build/test/lint.
//!
//! The filetype stays in the stored command but not in the key: one server answering
//! for two filetypes is one loop to fix.

use super::{Category, Classification};

/// Sources whose lines may use the editor grammar.
const EDITORS: [&str; 2] = ["nvim", "vscode"];

/// The source name `worthit watch` writes its edit→feedback events under.
pub const WATCH_SOURCE: &str = "watch";

/// The editor grammar's verdict on `command` recorded by `source`, or `None` when the
/// line is an ordinary command line (classified like a shell command).
pub fn classify(source: &str, command: &str) -> Option<Classification> {
    if source == WATCH_SOURCE {
        return edit_feedback(command);
    }
    if !EDITORS.contains(&source) {
        return None;
    }
    let rest = command.strip_prefix(source)?.strip_prefix(' ')?;
    let (verb, rest) = rest.split_once(' ')?;
    let (action, category) = match verb {
        "lsp" => {
            let (method, server) = method_and_server(rest)?;
            (
                format!("{source} lsp {method} ({server})"),
                method_category(method),
            )
        }
        "diagnostics" => {
            let (origin, _) = parenthesised(rest)?;
            (
                format!("{source} save→diagnostics ({origin})"),
                Category::Lint,
            )
        }
        "task" => {
            let (label, group) = rest.rsplit_once(" group=")?;
            let category = match group {
                "build" => Category::Build,
                "test" => Category::Test,
                _ => Category::Other,
            };
            (format!("{source} task {}", label.trim()), category)
        }
        _ => return None,
    };
    Some(Classification {
        action,
        category,
        counted: true,
        known: true,
    })
}

/// `edit→test cargo test`: the action is the whole line, the category the named one.
fn edit_feedback(command: &str) -> Option<Classification> {
    let rest = command.strip_prefix("edit→")?;
    let (category, action) = rest.split_once(' ')?;
    let category: Category = category.parse().ok()?;
    if action.trim().is_empty() {
        return None;
    }
    Some(Classification {
        action: command.trim_end().to_string(),
        category,
        counted: true,
        known: true,
    })
}

/// `definition (pylsp) ft=python` → (`definition`, `pylsp`).
fn method_and_server(rest: &str) -> Option<(&str, &str)> {
    let (method, after) = rest.split_once(' ')?;
    let (server, _) = parenthesised(after)?;
    (!method.is_empty()).then_some((method, server))
}

/// `(name) tail` → (`name`, `tail`).
fn parenthesised(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('(')?;
    let (name, tail) = inner.split_once(')')?;
    (!name.is_empty()).then_some((name, tail))
}

/// Navigation and information requests are lookups; formatting and diagnostics pulls
/// are lint; anything else (rename, execute command) is other.
fn method_category(method: &str) -> Category {
    const LOOKUP: &[&str] = &[
        "definition",
        "declaration",
        "typeDefinition",
        "implementation",
        "references",
        "hover",
        "signatureHelp",
        "documentSymbol",
        "documentHighlight",
        "completion",
        "codeAction",
        "codeLens",
        "inlayHint",
        "prepareCallHierarchy",
        "callHierarchy/incomingCalls",
        "callHierarchy/outgoingCalls",
        "workspace/symbol",
    ];
    const LINT: &[&str] = &[
        "formatting",
        "rangeFormatting",
        "onTypeFormatting",
        "diagnostic",
        "workspace/diagnostic",
    ];
    if LOOKUP.contains(&method) {
        Category::Lookup
    } else if LINT.contains(&method) {
        Category::Lint
    } else {
        Category::Other
    }
}

/// Language servers, diagnostic sources and VS Code language ids that may be named on
/// the wire (normalised: lower case, `_` → `-`). Anything else is sent as `other`, so a
/// server a user named after themselves or their project never leaves the machine.
const KNOWN_TOOLS: &[&str] = &[
    "basedpyright",
    "bash-language-server",
    "bashls",
    "biome",
    "c",
    "ccls",
    "clangd",
    "copilot",
    "cpp",
    "csharp",
    "csharp-ls",
    "css",
    "cssls",
    "denols",
    "dockerfile",
    "dockerls",
    "efm",
    "elixir",
    "elixirls",
    "eslint",
    "go",
    "gopls",
    "haskell",
    "hls",
    "html",
    "intelephense",
    "java",
    "javascript",
    "javascriptreact",
    "jdtls",
    "jedi-language-server",
    "json",
    "jsonls",
    "kotlin",
    "kotlin-language-server",
    "lua",
    "lua-ls",
    "markdown",
    "marksman",
    "metals",
    "mypy",
    "nil-ls",
    "nixd",
    "null-ls",
    "ocaml",
    "ocamllsp",
    "omnisharp",
    "php",
    "phpactor",
    "pycodestyle",
    "pyflakes",
    "pylance",
    "pylint",
    "pylsp",
    "pyright",
    "python",
    "ruby",
    "ruby-lsp",
    "ruff",
    "ruff-lsp",
    "rust",
    "rust-analyzer",
    "rustc",
    "scala",
    "shellcheck",
    "shellscript",
    "solargraph",
    "sourcekit",
    "sumneko-lua",
    "svelte",
    "swift",
    "tailwindcss",
    "taplo",
    "terraform",
    "terraformls",
    "texlab",
    "ts",
    "ts-ls",
    "tsserver",
    "typescript",
    "typescript-language-server",
    "typescriptreact",
    "unknown",
    "volar",
    "vtsls",
    "vue",
    "yaml",
    "yamlls",
    "zig",
    "zls",
];

/// The key an editor or edit→feedback action is uploaded under, in the wire alphabet
/// (`nvim lsp definition (pylsp)` → `nvim lsp definition pylsp`), or `None` when `key`
/// is not one. Task labels are the user's words and are dropped; edit→feedback keys send
/// their inner action through `inner_wire` (the uploader's own allow-list).
pub fn wire_key(key: &str, inner_wire: impl FnOnce(&str, Category) -> String) -> Option<String> {
    if let Some(rest) = key.strip_prefix("edit→") {
        let (category, action) = rest.split_once(' ')?;
        let category: Category = category.parse().ok()?;
        return Some(format!("edit:{category} {}", inner_wire(action, category)));
    }
    let (editor, rest) = key.split_once(' ')?;
    if !EDITORS.contains(&editor) {
        return None;
    }
    let (verb, rest) = rest.split_once(' ')?;
    match verb {
        "lsp" => {
            let (method, server) = method_and_server(rest)?;
            let method = if method_category(method) == Category::Other {
                "other".to_string()
            } else {
                method.to_ascii_lowercase().replace('/', ".")
            };
            Some(format!("{editor} lsp {method} {}", known_tool(server)))
        }
        "save→diagnostics" => {
            let (origin, _) = parenthesised(rest)?;
            Some(format!("{editor} diagnostics {}", known_tool(origin)))
        }
        "task" => Some(format!("{editor} task")),
        _ => None,
    }
}

fn known_tool(name: &str) -> String {
    let normal = name.to_ascii_lowercase().replace('_', "-");
    if KNOWN_TOOLS.binary_search(&normal.as_str()).is_ok() {
        normal
    } else {
        "other".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(source: &str, command: &str) -> Option<(String, Category)> {
        classify(source, command).map(|c| (c.action, c.category))
    }

    #[test]
    fn editor_grammar_gives_keys_without_filetype() {
        for (source, command, action, category) in [
            (
                "nvim",
                "nvim lsp definition (pylsp) ft=python",
                "nvim lsp definition (pylsp)",
                Category::Lookup,
            ),
            (
                "nvim",
                "nvim lsp workspace/symbol (rust-analyzer) ft=rust",
                "nvim lsp workspace/symbol (rust-analyzer)",
                Category::Lookup,
            ),
            (
                "nvim",
                "nvim lsp formatting (ruff) ft=python",
                "nvim lsp formatting (ruff)",
                Category::Lint,
            ),
            (
                "nvim",
                "nvim lsp rename (gopls) ft=go",
                "nvim lsp rename (gopls)",
                Category::Other,
            ),
            (
                "vscode",
                "vscode diagnostics (eslint) ft=typescript",
                "vscode save→diagnostics (eslint)",
                Category::Lint,
            ),
            (
                "vscode",
                "vscode task Run all the things group=test",
                "vscode task Run all the things",
                Category::Test,
            ),
            (
                "vscode",
                "vscode task bundle group=none",
                "vscode task bundle",
                Category::Other,
            ),
            (
                "watch",
                "edit→test cargo test",
                "edit→test cargo test",
                Category::Test,
            ),
        ] {
            assert_eq!(
                verdict(source, command),
                Some((action.to_string(), category)),
                "{source}: {command}"
            );
        }
    }

    #[test]
    fn ordinary_lines_and_other_sources_are_left_to_the_shell_rules() {
        for (source, command) in [
            ("nvim", "cargo build"),
            ("nvim", "nvim lsp"),
            ("nvim", "nvim lsp definition"),
            ("nvim", "nvim lsp definition pylsp"),
            ("nvim", "nvim diagnostics"),
            ("nvim", "vscode lsp definition (x) ft=y"),
            ("vscode", "vscode task no group"),
            ("vscode", "vscode frobnicate (x)"),
            ("bash", "nvim lsp definition (pylsp) ft=python"),
            ("watch", "edit→nonsense cargo test"),
            ("watch", "edit→test "),
            ("watch", "cargo test"),
        ] {
            assert_eq!(verdict(source, command), None, "{source}: {command}");
        }
    }

    #[test]
    fn known_tools_are_sorted_for_binary_search() {
        assert!(KNOWN_TOOLS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn wire_keys_name_only_known_tools_and_never_task_labels() {
        let inner = |action: &str, category: Category| {
            if action == "cargo test" {
                action.to_string()
            } else {
                format!("other:{category}")
            }
        };
        for (key, wire) in [
            ("nvim lsp definition (pylsp)", "nvim lsp definition pylsp"),
            (
                "nvim lsp typeDefinition (rust_analyzer)",
                "nvim lsp typedefinition rust-analyzer",
            ),
            (
                "nvim lsp workspace/symbol (gopls)",
                "nvim lsp workspace.symbol gopls",
            ),
            ("nvim lsp hover (alice-secret-ls)", "nvim lsp hover other"),
            ("nvim lsp myCompany/frob (pylsp)", "nvim lsp other pylsp"),
            (
                "vscode save→diagnostics (Pylance)",
                "vscode diagnostics pylance",
            ),
            ("vscode task deploy to prod-eu", "vscode task"),
            ("edit→test cargo test", "edit:test cargo test"),
            ("edit→build ./my-script", "edit:build other:build"),
        ] {
            let got = wire_key(key, inner);
            assert_eq!(got.as_deref(), Some(wire), "{key}");
            assert!(crate::upload::payload::is_wire_action(wire), "{wire}");
        }
        assert_eq!(wire_key("cargo test", inner), None);
        assert_eq!(wire_key("nvim", inner), None);
    }
}
