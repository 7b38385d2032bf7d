//! The shared store story: what every [`TeamStore`] must do, written once against
//! `&dyn TeamStore` and run on SQLite and on PostgreSQL (`WORTHIT_TEST_POSTGRES_URL`).

use chrono::{DateTime, NaiveDate, Utc};

use super::postgres::PostgresStore;
use super::postgres::testing::TestSchema;
use super::sqlite::SqliteStore;
use super::store::{AggRow, Role, RowFilter, Stored, TeamStore, TokenRecord};
use crate::classify::Category;
use crate::histogram::Histogram;
use crate::upload::payload::{ActionDay, Day, MachineClass, SCHEMA_VERSION, Upload};

const ALICE: &str = "0123456789abcdef0123456789abcdef";

fn upload(team: &str, contributor: &str, day: &str, runs: u64) -> Upload {
    Upload {
        schema_version: SCHEMA_VERSION,
        client: "test".into(),
        team: team.into(),
        machine: MachineClass::of("linux", "x86_64", 8, 16 << 30),
        days: vec![Day {
            day: day.into(),
            contributor: contributor.into(),
            actions: vec![
                ActionDay {
                    action: "cargo test".into(),
                    category: Category::Test,
                    repo: None,
                    runs,
                    failures: 0,
                    exits_known: runs,
                    durations: std::iter::repeat_n(2_000_000, runs as usize).collect(),
                },
                ActionDay {
                    action: "make".into(),
                    category: Category::Build,
                    repo: Some("0123456789abcdef0123456789abcdef".into()),
                    runs: 0,
                    failures: 0,
                    exits_known: 0,
                    durations: Histogram::new(),
                },
            ],
        }],
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn all(store: &dyn TeamStore) -> Vec<AggRow> {
    let mut rows = store
        .rows(&RowFilter {
            team: None,
            first_day: date("2000-01-01"),
            last_day: date("2100-01-01"),
        })
        .unwrap();
    rows.sort_by(|a, b| (&a.team, a.day, &a.action).cmp(&(&b.team, b.day, &b.action)));
    rows
}

/// Uploads replace their (team, day, contributor, machine class), skip empty actions, keep
/// every field, filter by team and day, and are pruned by day.
fn uploads_replace_and_prune(store: &dyn TeamStore) {
    let stored = store
        .put_upload(&upload("payments", ALICE, "2026-11-20", 3))
        .unwrap();
    assert_eq!(stored, Stored { days: 1, rows: 1 });
    store
        .put_upload(&upload("payments", ALICE, "2026-11-20", 5))
        .unwrap();
    store
        .put_upload(&upload("search", ALICE, "2026-11-20", 7))
        .unwrap();
    // Another machine class of the same person and day is a separate copy.
    let mut laptop = upload("payments", ALICE, "2026-11-20", 2);
    laptop.machine = MachineClass::of("macos", "aarch64", 4, 8 << 30);
    laptop.days[0].actions[1].runs = 1;
    laptop.days[0].actions[1].failures = 1;
    laptop.days[0].actions[1].exits_known = 1;
    laptop.days[0].actions[1].durations = [90_000_000].into_iter().collect();
    assert_eq!(
        store.put_upload(&laptop).unwrap(),
        Stored { days: 1, rows: 2 }
    );
    let rows = all(store);
    assert_eq!(rows.len(), 4, "{rows:?}");
    let test_rows: Vec<_> = rows
        .iter()
        .filter(|r| r.team == "payments" && r.action == "cargo test")
        .collect();
    assert_eq!(test_rows.len(), 2, "{rows:?}");
    let desktop = test_rows.iter().find(|r| r.machine.os == "linux").unwrap();
    assert_eq!((desktop.runs, desktop.durations.count()), (5, 5));
    assert_eq!(desktop.day, date("2026-11-20"));
    assert_eq!(desktop.contributor, ALICE);
    assert_eq!(desktop.repo, None);
    assert_eq!(desktop.category, Category::Test);
    assert_eq!(
        desktop.machine,
        MachineClass::of("linux", "x86_64", 8, 16 << 30)
    );
    let make = rows.iter().find(|r| r.action == "make").unwrap();
    assert_eq!(
        make.repo.as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
    assert_eq!((make.runs, make.failures, make.exits_known), (1, 1, 1));
    assert_eq!(make.durations, laptop.days[0].actions[1].durations);
    assert_eq!(make.category, Category::Build);
    let search: Vec<_> = rows.iter().filter(|r| r.team == "search").collect();
    assert_eq!(search.len(), 1);
    assert_eq!(search[0].runs, 7);

    let payments = store
        .rows(&RowFilter {
            team: Some("payments".into()),
            first_day: date("2026-11-20"),
            last_day: date("2026-11-20"),
        })
        .unwrap();
    assert_eq!(payments.len(), 3);
    let none = store
        .rows(&RowFilter {
            team: None,
            first_day: date("2026-11-21"),
            last_day: date("2026-12-31"),
        })
        .unwrap();
    assert!(none.is_empty());

    store
        .put_upload(&upload("payments", ALICE, "2026-11-22", 1))
        .unwrap();
    assert_eq!(store.prune(date("2026-11-21")).unwrap(), 4);
    let left = all(store);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].day, date("2026-11-22"));
}

/// A re-send with fewer actions drops the ones it no longer carries; one upload may carry
/// many days, and the same day twice keeps the later copy.
fn multi_day_uploads_replace_whole_days(store: &dyn TeamStore) {
    let mut both = upload("payments", ALICE, "2026-11-20", 3);
    both.days[0].actions[1].runs = 2;
    both.days[0].actions[1].exits_known = 2;
    both.days[0].actions[1].durations = [1_000_000, 3_000_000].into_iter().collect();
    let mut second = upload("payments", ALICE, "2026-11-21", 4).days.remove(0);
    second.contributor = "fedcba9876543210fedcba9876543210".into();
    both.days.push(second);
    assert_eq!(
        store.put_upload(&both).unwrap(),
        Stored { days: 2, rows: 3 }
    );
    assert_eq!(all(store).len(), 3);

    let mut again = upload("payments", ALICE, "2026-11-20", 6);
    again
        .days
        .push(upload("payments", ALICE, "2026-11-20", 9).days.remove(0));
    assert_eq!(
        store.put_upload(&again).unwrap(),
        Stored { days: 2, rows: 2 }
    );
    let rows = all(store);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[0].day, rows[0].runs), (date("2026-11-20"), 9));
    assert_eq!((rows[1].day, rows[1].runs), (date("2026-11-21"), 4));
}

/// Eight uploads of one person's day at once, with 1, 2, 4, … 128 runs: exactly one copy
/// is left (no sum of two or more is a power of two).
fn concurrent_uploads_of_one_day_leave_one_copy(store: &dyn TeamStore) {
    let barrier = std::sync::Barrier::new(8);
    std::thread::scope(|scope| {
        for bit in 0..8 {
            let barrier = &barrier;
            scope.spawn(move || {
                let sent = upload("payments", ALICE, "2026-11-20", 1 << bit);
                barrier.wait();
                store.put_upload(&sent).unwrap();
            });
        }
    });
    let rows = all(store);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].runs.is_power_of_two(), "{}", rows[0].runs);
    assert_eq!(rows[0].durations.count(), rows[0].runs);
}

fn tokens_are_found_by_hash_until_revoked(store: &dyn TeamStore) {
    let created_at = time("2026-11-20T10:00:00Z");
    let token = TokenRecord {
        hash: "ab".repeat(32),
        prefix: "wit_12345678".into(),
        team: Some("payments".into()),
        role: Role::Team,
        created_at,
        revoked_at: None,
    };
    let admin = TokenRecord {
        hash: "ef".repeat(32),
        prefix: "wit_9abcdef0".into(),
        team: None,
        role: Role::Admin,
        // Sub-second parts are not kept by either backend.
        created_at: time("2026-11-20T09:00:00.75Z"),
        revoked_at: None,
    };
    store.create_token(&token).unwrap();
    store.create_token(&admin).unwrap();
    assert!(store.create_token(&token).is_err(), "a hash is unique");
    assert_eq!(store.find_token(&token.hash).unwrap(), Some(token.clone()));
    let found = store.find_token(&admin.hash).unwrap().unwrap();
    assert_eq!(found.created_at, time("2026-11-20T09:00:00Z"));
    assert_eq!((found.role, found.team), (Role::Admin, None));
    assert_eq!(store.find_token(&"cd".repeat(32)).unwrap(), None);
    let revoked_at = time("2026-11-21T08:30:00Z");
    assert!(store.revoke_token(&token.hash, revoked_at).unwrap());
    assert!(!store.revoke_token(&token.hash, revoked_at).unwrap());
    assert_eq!(store.find_token(&token.hash).unwrap(), None);
    let listed = store.list_tokens().unwrap();
    let prefixes: Vec<_> = listed.iter().map(|t| t.prefix.as_str()).collect();
    assert_eq!(prefixes, ["wit_9abcdef0", "wit_12345678"], "oldest first");
    assert_eq!(listed[1].revoked_at, Some(revoked_at));
    store.ping().unwrap();
}

/// Every chapter, each on a fresh store from `open`.
fn story(open: &dyn Fn() -> Box<dyn TeamStore>) {
    uploads_replace_and_prune(&*open());
    multi_day_uploads_replace_whole_days(&*open());
    concurrent_uploads_of_one_day_leave_one_copy(&*open());
    tokens_are_found_by_hash_until_revoked(&*open());
}

#[test]
fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let count = std::cell::Cell::new(0);
    story(&|| {
        count.set(count.get() + 1);
        let path = dir.path().join(format!("server-{}.db", count.get()));
        Box::new(SqliteStore::open(&path).unwrap())
    });
}

#[test]
fn story_on_postgres() {
    let schemas = std::cell::RefCell::new(Vec::new());
    if TestSchema::create("the store story on PostgreSQL").is_none() {
        return;
    }
    story(&|| {
        let schema = TestSchema::create("the store story on PostgreSQL").unwrap();
        let store = PostgresStore::open(&schema.url).unwrap();
        schemas.borrow_mut().push(schema);
        Box::new(store)
    });
}
