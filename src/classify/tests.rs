//! Classifier tests: the real-command table, user rules, the fingerprint, and
//! properties over arbitrary input.

use proptest::prelude::*;

use super::*;

const TABLE: &str = include_str!("../../tests/fixtures/classify/commands.tsv");

/// (line number, command, action, category, counted) for every row of the table.
fn rows() -> Vec<(usize, &'static str, &'static str, Category, bool)> {
    TABLE
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(|(i, line)| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 4, "commands.tsv:{}: expected 4 columns", i + 1);
            let category = cols[2]
                .parse()
                .unwrap_or_else(|err| panic!("commands.tsv:{}: {err}", i + 1));
            let counted = match cols[3] {
                "true" => true,
                "false" => false,
                other => panic!("commands.tsv:{}: counted `{other}`", i + 1),
            };
            (i + 1, cols[0], cols[1], category, counted)
        })
        .collect()
}

#[test]
fn fixture_table() {
    let classifier = Classifier::builtin();
    let rows = rows();
    assert!(
        rows.len() >= 150,
        "the table needs at least 150 command lines"
    );
    let mut wrong = Vec::new();
    for (line, command, action, category, counted) in &rows {
        let got = classifier.classify(command);
        if got.action != *action || got.category != *category || got.counted != *counted {
            wrong.push(format!(
                "commands.tsv:{line}: `{command}`\n    expected {action} | {category} | {counted}\n    got      {} | {} | {}",
                got.action, got.category, got.counted
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} rows differ:\n{}",
        wrong.len(),
        rows.len(),
        wrong.join("\n")
    );
}

#[test]
fn at_least_forty_tools_are_covered() {
    let programs: std::collections::BTreeSet<&str> = rows()
        .iter()
        .filter_map(|row| row.2.split(' ').next())
        .filter(|program| *program != UNKNOWN_ACTION)
        .collect();
    assert!(
        programs.len() >= 40,
        "{} programs: {programs:?}",
        programs.len()
    );
    assert!(
        tools::TOOLS
            .iter()
            .map(|spec| spec.names.len())
            .sum::<usize>()
            >= 400
    );
}

#[test]
fn table_names_are_unique_per_level() {
    let mut problems = Vec::new();
    let mut check = |specs: &[tools::Spec], place: &str| {
        let mut seen = std::collections::HashSet::new();
        for spec in specs {
            for name in spec.names {
                if !seen.insert(*name) {
                    problems.push(format!("{place}: `{name}` twice"));
                }
            }
        }
    };
    check(tools::TOOLS, "tools");
    check(tools::MODULES, "modules");
    for spec in tools::all_specs() {
        check(spec.subs, spec.names[0]);
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn known_keys() {
    let classifier = Classifier::builtin();
    for (command, known) in [
        ("cargo test", true),
        ("npm run test:unit", true),
        ("npm run sync-acme-portal", false),
        ("make build-prod", true),
        ("make frobnicate", false),
        ("./scripts/release.sh", false),
        ("python train.py", false),
        ("python -m acme_tool", false),
        ("kubectl get pods", true),
        ("cargo --help", true),
        ("", false),
    ] {
        assert_eq!(classifier.classify(command).known, known, "{command}");
    }
}

#[test]
fn categories_round_trip_and_bad_names_are_explained() {
    for category in Category::ALL {
        assert_eq!(category.as_str().parse::<Category>(), Ok(category));
        assert_eq!(category.to_string(), category.as_str());
        let json = serde_json::to_string(&category).expect("serialise");
        assert_eq!(json, format!("\"{}\"", category.as_str()));
        let back: Category = serde_json::from_str(&json).expect("deserialise");
        assert_eq!(back, category);
    }
    let err = "tests".parse::<Category>().expect_err("not a category");
    let message = err.to_string();
    assert!(message.contains("`tests`"), "{message}");
    assert!(message.contains("build, test, lint, run"), "{message}");
}

fn rule(
    pattern: &str,
    action: Option<&str>,
    category: Option<Category>,
    counted: Option<bool>,
) -> UserRule {
    UserRule::pattern(pattern, action, category, counted).expect("valid rule")
}

#[test]
fn user_rules_override_builtins() {
    let classifier = Classifier::new(vec![
        rule(
            r"^\./scripts/ci\.sh\b",
            Some("ci.sh"),
            Some(Category::Test),
            None,
        ),
        rule(r"^make e2e\b", None, Some(Category::Test), None),
        rule(r"^cargo test\b", None, None, Some(false)),
        UserRule::tool("deployctl", Category::Deploy).expect("tool"),
        UserRule::tool("make", Category::Other).expect("tool"),
        UserRule::alias("k", "kubectl").expect("alias"),
    ]);
    let cases = [
        ("./scripts/ci.sh --fast", "ci.sh", Category::Test, true),
        (
            "sudo FOO=1 time ./scripts/ci.sh",
            "ci.sh",
            Category::Test,
            true,
        ),
        ("cd x && ./scripts/ci.sh", "ci.sh", Category::Test, true),
        // The regex rule comes before the tool rule for `make`.
        ("make e2e", "make e2e", Category::Test, true),
        ("make build", "make", Category::Other, true),
        ("cargo test -p api", "cargo test", Category::Test, false),
        (
            "deployctl push --env prod",
            "deployctl",
            Category::Deploy,
            true,
        ),
        ("k -n prod get pods", "kubectl get", Category::Lookup, true),
        ("yarn deployctl", "deployctl", Category::Deploy, true),
    ];
    for (command, action, category, counted) in cases {
        let got = classifier.classify(command);
        assert_eq!(
            (got.action.as_str(), got.category, got.counted, got.known),
            (action, category, counted, true),
            "{command}"
        );
    }
    // Without the rules, the built-ins apply.
    let builtin = Classifier::builtin().classify("./scripts/ci.sh --fast");
    assert_eq!(
        (builtin.action.as_str(), builtin.category),
        ("ci.sh", Category::Other)
    );
}

#[test]
fn a_rule_that_sets_interactive_is_uncounted_unless_it_says_otherwise() {
    let classifier = Classifier::new(vec![
        rule(
            "^bin/dev",
            Some("bin/dev"),
            Some(Category::Interactive),
            None,
        ),
        rule("^sleep", None, Some(Category::Interactive), Some(true)),
    ]);
    assert!(!classifier.classify("bin/dev").counted);
    assert!(classifier.classify("sleep 10").counted);
}

#[test]
fn bad_rules_are_refused_with_a_reason() {
    assert!(
        UserRule::pattern("(", None, Some(Category::Test), None)
            .expect_err("bad regex")
            .contains("regex")
    );
    assert!(
        UserRule::pattern("^x", None, None, None)
            .expect_err("no effect")
            .contains("sets none")
    );
    assert!(UserRule::pattern("^x", Some("two\nlines"), None, None).is_err());
    assert!(UserRule::tool("bin/tool", Category::Run).is_err());
    assert!(UserRule::tool("", Category::Run).is_err());
    assert!(UserRule::alias("k", "kube ctl").is_err());
}

#[test]
fn fingerprint_follows_the_rules() {
    let builtin = Classifier::builtin().fingerprint();
    assert_eq!(builtin, Classifier::new(Vec::new()).fingerprint());
    let one = Classifier::new(vec![rule("^a", Some("a"), None, None)]).fingerprint();
    let other_action = Classifier::new(vec![rule("^a", Some("b"), None, None)]).fingerprint();
    let counted = Classifier::new(vec![rule("^a", Some("a"), None, Some(true))]).fingerprint();
    let tool =
        Classifier::new(vec![UserRule::tool("a", Category::Run).expect("tool")]).fingerprint();
    let all = [builtin, one, other_action, counted, tool];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(
        one,
        Classifier::new(vec![rule("^a", Some("a"), None, None)]).fingerprint()
    );
}

/// A hash of the built-in verdicts over the table: when it changes, the rules changed,
/// and stored classifications must be recomputed.
#[test]
fn builtin_behaviour_is_pinned() {
    let classifier = Classifier::builtin();
    let mut hash = Fnv64::new();
    for (_, command, ..) in rows() {
        let got = classifier.classify(command);
        hash.field(command.as_bytes());
        hash.field(got.action.as_bytes());
        hash.field(got.category.as_str().as_bytes());
        hash.field(&[u8::from(got.counted), u8::from(got.known)]);
    }
    let pinned = (RULES_VERSION, hash.finish());
    assert_eq!(
        pinned,
        (3, PINNED_VERDICTS),
        "the built-in verdicts over commands.tsv changed. If a rule changed, bump \
         RULES_VERSION in classify.rs (stored classifications are then recomputed); either \
         way, set PINNED_VERDICTS to the new hash (new table rows change it too)"
    );
}

/// See [`builtin_behaviour_is_pinned`].
const PINNED_VERDICTS: u64 = 12283015981538345837;

#[test]
fn lines_with_several_commands_pick_by_the_documented_order() {
    let classifier = Classifier::builtin();
    for (command, action) in [
        // A session beats everything: its time dominates the line.
        ("npm ci && npm run dev", "npm run dev"),
        // test > build > deploy > container > lint > deps > run > vcs > lookup > other
        ("npm run build && npm test", "npm run test"),
        ("docker push x && cargo build", "cargo build"),
        ("docker build . && helm upgrade x ./c", "helm upgrade"),
        ("cargo fmt && docker compose up -d", "docker compose up"),
        ("npm ci && cargo clippy", "cargo clippy"),
        ("git pull && npm ci", "npm ci"),
        ("ls && git status", "git status"),
        // Fillers and pipe filters only when nothing else is there.
        ("cd x && ./run.sh", "run.sh"),
        ("echo hi | grep h", "echo"),
        ("cat log | grep ERROR | sort | uniq -c", "cat"),
        // Substitutions come after top-level commands.
        ("docker rm -f $(docker ps -aq)", "docker rm"),
        ("echo $(make)", "make"),
    ] {
        assert_eq!(classifier.classify(command).action, action, "{command}");
    }
}

#[test]
fn invalid_and_hostile_input_does_not_panic() {
    let classifier = Classifier::builtin();
    let deep = "$(".repeat(10_000);
    let long = "a ".repeat(100_000);
    for command in [
        deep.as_str(),
        long.as_str(),
        "\u{0}\u{1}\u{7f}",
        "'''''",
        "\"\\",
        "cargo \\",
        "ls <<",
        "<<<",
        "2>",
        "&&&&||;;;|||",
        "é`é`é$(é)",
        "sudo sudo sudo sudo",
        "env env env",
        "python -m",
        "npx",
        "bash -c",
        "bash -c 'bash -c \"bash -c make\"'",
        "docker run",
        "kubectl exec -it",
    ] {
        let got = classifier.classify(command);
        assert!(!got.action.is_empty(), "{command:?}");
    }
}

/// Key words either come from the table or are names shaped like a program or task.
fn key_is_clean(action: &str) -> bool {
    action == UNKNOWN_ACTION
        || action.split(' ').all(|word| {
            !word.is_empty()
                && !word.contains(['/', '=', '\'', '"', '`', '$', '\\'])
                && (shaped(word) || tools::all_specs().any(|s| s.names.contains(&word)))
        })
}

/// Words that can be arguments but never subcommands of the prefixes below.
fn argument() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,8}/[a-z./]{1,12}",
        "--[a-z]{2,8}=[a-z0-9]{1,6}",
        "-[a-z]{1,3}",
        "[A-Z]{1,6}=[a-z0-9]{0,6}",
        "'[ -~]{0,12}'",
        "\"[a-z ]{0,10}\"",
        "[a-z0-9_.:@]{1,10}",
        "\\$[A-Z]{1,6}",
    ]
    .prop_filter("not a flag that changes the verdict", |arg| {
        !["-h", "-w", "-f", "-i", "-t", "-d", "-p", "-v", "-V", "-F"]
            .iter()
            .any(|f| arg.starts_with(f))
            && !arg.contains("help")
            && !arg.contains("watch")
            && !arg.contains("version")
            && !arg.starts_with("--")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn never_panics_and_is_deterministic(line in "\\PC{0,200}") {
        let classifier = Classifier::builtin();
        let first = classifier.classify(&line);
        prop_assert_eq!(&first, &classifier.classify(&line));
        prop_assert!(key_is_clean(&first.action), "key {:?} for {:?}", first.action, line);
    }

    #[test]
    fn shell_like_lines_give_clean_keys(
        words in prop::collection::vec(
            prop_oneof![
                "[a-z]{1,6}",
                "(cargo|git|npm|docker|make|kubectl|python|sudo|env|yarn|bash|sh|npx)",
                "(&&|\\|\\||;|\\||&|\\(|\\)|\\$\\(|`|>|<|2>&1|<<EOF|\\n)",
                "[a-zA-Z0-9_./=:@'\"$-]{1,12}",
            ],
            0..16,
        )
    ) {
        let line = words.join(" ");
        let got = Classifier::builtin().classify(&line);
        prop_assert!(key_is_clean(&got.action), "key {:?} for {:?}", got.action, line);
    }

    #[test]
    fn arguments_never_enter_the_key(
        prefix in prop_oneof![
            Just(("cargo test", "cargo test")),
            Just(("git push", "git push")),
            Just(("kubectl get", "kubectl get")),
            Just(("kubectl -n prod describe", "kubectl describe")),
            Just(("docker compose up -d", "docker compose up")),
            Just(("go test", "go test")),
            Just(("pytest", "pytest")),
            Just(("rg", "rg")),
            Just(("npm run build", "npm run build")),
            Just(("./scripts/release.sh", "release.sh")),
            Just(("helm upgrade", "helm upgrade")),
            Just(("terraform plan", "terraform plan")),
        ],
        args in prop::collection::vec(argument(), 0..6),
    ) {
        let line = format!("{} {}", prefix.0, args.join(" "));
        let got = Classifier::builtin().classify(&line);
        prop_assert_eq!(got.action.as_str(), prefix.1, "for {:?}", line);
    }
}
