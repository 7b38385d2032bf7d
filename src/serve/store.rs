//! The team server's storage interface: [`TeamStore`] and the records it moves.
//!
//! The trait is small and synchronous on purpose. Handlers call it inside
//! `tokio::task::spawn_blocking`, so an implementation may block (SQLite, or the sync
//! `postgres` crate behind a pool), and every implementation has the same shape. The
//! server keeps nothing between requests, so several instances on one shared database
//! answer alike: tokens, aggregates and retention all live behind this trait.

use anyhow::Result;
use chrono::{DateTime, NaiveDate, Utc};

use crate::classify::Category;
use crate::histogram::Histogram;
use crate::upload::payload::{MachineClass, Upload};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Uploads for its team and reads its team's report.
    Team,
    /// Reads the org-wide report and any team's; cannot upload.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Team => "team",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "team" => Some(Role::Team),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A token as stored: never the token itself, only its SHA-256 and the first characters
/// people use to tell tokens apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Lower-case hex SHA-256 of the whole token.
    pub hash: String,
    /// The token's first [`super::auth::PREFIX_LEN`] characters (`wit_` and 8 hex digits).
    pub prefix: String,
    /// The team a team token belongs to; an admin token's optional label.
    pub team: Option<String>,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What [`TeamStore::put_upload`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    /// Contributor-days replaced.
    pub days: usize,
    /// Aggregate rows written.
    pub rows: usize,
}

/// Which aggregates [`TeamStore::rows`] returns: one team or all, days inclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFilter {
    pub team: Option<String>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

/// One stored aggregate: one contributor's runs of one action in one repository on one
/// day and machine class.
#[derive(Debug, Clone, PartialEq)]
pub struct AggRow {
    pub team: String,
    pub day: NaiveDate,
    /// The contributor's pseudonym for the ISO week of `day`.
    pub contributor: String,
    pub machine: MachineClass,
    pub action: String,
    pub category: Category,
    pub repo: Option<String>,
    pub runs: u64,
    pub failures: u64,
    pub exits_known: u64,
    pub durations: Histogram,
}

/// Storage for the team server. Every method is one short transaction.
pub trait TeamStore: Send + Sync {
    /// Stores an upload: for each (day, contributor) it carries, the rows of that team, day,
    /// contributor and machine class are replaced by the upload's, all in one transaction,
    /// so a re-send never double-counts and concurrent re-sends leave exactly one copy.
    /// Action rows with no runs carry nothing and are not stored.
    fn put_upload(&self, upload: &Upload) -> Result<Stored>;

    /// The aggregates of a period, in no particular order.
    fn rows(&self, filter: &RowFilter) -> Result<Vec<AggRow>>;

    /// Deletes every aggregate of a day before `first_kept_day`; returns how many rows went.
    fn prune(&self, first_kept_day: NaiveDate) -> Result<u64>;

    fn create_token(&self, token: &TokenRecord) -> Result<()>;

    /// The token with this hash unless it was revoked.
    fn find_token(&self, hash: &str) -> Result<Option<TokenRecord>>;

    /// Every token, revoked ones included, oldest first.
    fn list_tokens(&self) -> Result<Vec<TokenRecord>>;

    /// Marks the token with this hash revoked; false when there is no such live token.
    fn revoke_token(&self, hash: &str, at: DateTime<Utc>) -> Result<bool>;

    /// A cheap round trip to the database, for the health endpoint.
    fn ping(&self) -> Result<()>;
}
