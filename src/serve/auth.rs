//! API tokens: making them, recognising them, and who a request speaks for.
//!
//! A token is `wit_` and 64 hex digits (32 random bytes from the operating system). It is
//! printed once by `worthit serve token create`; the store keeps its SHA-256 and its first
//! [`PREFIX_LEN`] characters, which `token list` shows and `token revoke` accepts. A plain
//! SHA-256 is enough here, unlike for passwords: 256 random bits cannot be guessed, so
//! there is no dictionary to slow down. Lookups go by hash, so the comparison never runs
//! on the secret itself.

use anyhow::{Context, Result, bail};
use axum::http::{HeaderMap, header};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use super::store::{Role, TokenRecord};
use crate::upload::payload::MAX_TEAM_LEN;

/// What every token starts with, so a leaked one is easy to recognise in logs and scanners.
pub const TOKEN_MARK: &str = "wit_";

/// Random bytes in a token.
const TOKEN_BYTES: usize = 32;

/// Length of a whole token.
pub const TOKEN_LEN: usize = TOKEN_MARK.len() + 2 * TOKEN_BYTES;

/// Characters of a token kept and shown to tell tokens apart: the mark and 32 random bits,
/// which leaves 224 secret bits.
pub const PREFIX_LEN: usize = TOKEN_MARK.len() + 8;

/// Who a request speaks for, once its token is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub role: Role,
    /// The token's team (for an admin token, its optional label).
    pub team: Option<String>,
    /// The token's prefix, for logs.
    pub prefix: String,
}

/// A freshly made token: the secret, shown once, and what is stored.
pub struct NewToken {
    pub token: String,
    pub record: TokenRecord,
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(2 * bytes.len());
    for byte in bytes {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// Lower-case hex SHA-256 of `token`.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Whether `text` has a token's shape; anything else is refused before the store is asked.
pub fn is_token_shaped(text: &str) -> bool {
    text.len() == TOKEN_LEN
        && text.starts_with(TOKEN_MARK)
        && text[TOKEN_MARK.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The rule for team names, the same as the upload payload's.
pub fn is_team_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TEAM_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Makes a new random token for `team` with `role`.
pub fn generate(team: Option<&str>, role: Role, now: DateTime<Utc>) -> Result<NewToken> {
    if let Some(team) = team
        && !is_team_name(team)
    {
        bail!(
            "team name {team:?} is not valid: use 1 to {MAX_TEAM_LEN} letters, digits, '-', '_' and '.'"
        );
    }
    if role == Role::Team && team.is_none() {
        bail!("a team token needs --team NAME");
    }
    let mut random = [0u8; TOKEN_BYTES];
    getrandom::fill(&mut random)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("could not read random bytes from the operating system")?;
    let token = format!("{TOKEN_MARK}{}", hex(&random));
    let record = TokenRecord {
        hash: hash(&token),
        prefix: token[..PREFIX_LEN].to_string(),
        team: team.map(str::to_string),
        role,
        created_at: now,
        revoked_at: None,
    };
    Ok(NewToken { token, record })
}

/// The token of an `Authorization: Bearer …` header, checked for shape only.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized(
            "missing_token",
            "send the team token as `Authorization: Bearer TOKEN`",
        ));
    };
    let value = value.to_str().unwrap_or_default();
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(ApiError::unauthorized(
                "missing_token",
                "the Authorization header must be `Bearer TOKEN`",
            ));
        }
    };
    if !is_token_shaped(token) {
        return Err(invalid_token());
    }
    Ok(token)
}

/// The answer for a token that is malformed, unknown or revoked: one answer for all
/// three, so a caller learns nothing about which tokens exist.
pub fn invalid_token() -> ApiError {
    ApiError::unauthorized("invalid_token", "the token is not valid or was revoked")
}

impl From<TokenRecord> for Caller {
    fn from(record: TokenRecord) -> Caller {
        Caller {
            role: record.role,
            team: record.team,
            prefix: record.prefix,
        }
    }
}

/// The one token `given` names for `token revoke`: a whole token, or the start of one as
/// `token list` prints it. Only live tokens are candidates.
pub fn find_by_prefix<'a>(tokens: &'a [TokenRecord], given: &str) -> Result<&'a TokenRecord> {
    // `token list` prints prefixes with an ellipsis; a pasted one still matches.
    let given = given.trim().trim_end_matches('…');
    let live = tokens.iter().filter(|t| t.revoked_at.is_none());
    let matches: Vec<&TokenRecord> = if is_token_shaped(given) {
        let hash = hash(given);
        live.filter(|t| t.hash == hash).collect()
    } else {
        if given.len() < TOKEN_MARK.len() + 4 || !given.starts_with(TOKEN_MARK) {
            bail!(
                "give at least the first {} characters of the token, as `worthit serve token list` prints them (wit_…)",
                TOKEN_MARK.len() + 4
            );
        }
        if given.len() > PREFIX_LEN {
            bail!(
                "give the token's first {PREFIX_LEN} characters or fewer (as `worthit serve token list` prints them), or the whole token"
            );
        }
        live.filter(|t| t.prefix.starts_with(given)).collect()
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => bail!("no live token starts with {given}"),
        many => bail!(
            "{} live tokens start with {given}; give more characters",
            many.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let a = generate(Some("payments"), Role::Team, now()).unwrap();
        let b = generate(Some("payments"), Role::Team, now()).unwrap();
        assert_ne!(a.token, b.token);
        assert!(is_token_shaped(&a.token), "{}", a.token);
        assert_eq!(a.record.hash, hash(&a.token));
        assert_eq!(a.record.hash.len(), 64);
        assert!(a.token.starts_with(&a.record.prefix));
        assert_eq!(a.record.prefix.len(), PREFIX_LEN);
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn team_names_and_roles_are_checked() {
        assert!(generate(Some("pay ments"), Role::Team, now()).is_err());
        assert!(generate(None, Role::Team, now()).is_err());
        let admin = generate(None, Role::Admin, now()).unwrap();
        assert_eq!(admin.record.team, None);
        assert!(is_team_name("platform-eng.eu_1"));
        assert!(!is_team_name(&"x".repeat(MAX_TEAM_LEN + 1)));
    }

    #[test]
    fn bearer_headers_are_parsed_strictly() {
        let token = generate(Some("t"), Role::Team, now()).unwrap().token;
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::AUTHORIZATION, value.parse().unwrap());
            bearer(&headers).map(str::to_string).map_err(|e| e.code)
        };
        assert_eq!(with(&format!("Bearer {token}")), Ok(token.clone()));
        assert_eq!(with(&format!("bearer  {token} ")), Ok(token.clone()));
        assert_eq!(with(&format!("Basic {token}")), Err("missing_token"));
        assert_eq!(with("Bearer wit_123"), Err("invalid_token"));
        assert_eq!(
            with(&format!("Bearer {}", token.to_uppercase())),
            Err("invalid_token")
        );
        assert_eq!(
            bearer(&HeaderMap::new()).map_err(|e| e.code),
            Err("missing_token")
        );
    }

    #[test]
    fn revoke_finds_exactly_one_live_token() {
        let mut tokens: Vec<TokenRecord> = (0..3)
            .map(|_| generate(Some("t"), Role::Team, now()).unwrap().record)
            .collect();
        tokens[0].prefix = "wit_aaaa1111".into();
        tokens[1].prefix = "wit_aaaa2222".into();
        tokens[2].prefix = "wit_bbbb3333".into();
        assert_eq!(
            find_by_prefix(&tokens, "wit_aaaa1").unwrap().prefix,
            "wit_aaaa1111"
        );
        let ambiguous = find_by_prefix(&tokens, "wit_aaaa").unwrap_err().to_string();
        assert!(ambiguous.contains("2 live tokens"), "{ambiguous}");
        assert!(find_by_prefix(&tokens, "wit_").is_err(), "too short");
        assert!(find_by_prefix(&tokens, "aaaa1111").is_err(), "no mark");
        assert_eq!(
            find_by_prefix(&tokens, "wit_aaaa2222…").unwrap().prefix,
            "wit_aaaa2222",
            "pasted from `token list`"
        );
        assert!(
            find_by_prefix(&tokens, "wit_aaaa2222ff").is_err(),
            "past the prefix"
        );
        tokens[2].revoked_at = Some(now());
        let gone = find_by_prefix(&tokens, "wit_bbbb").unwrap_err().to_string();
        assert!(gone.contains("no live token"), "{gone}");
        let whole = generate(Some("t"), Role::Team, now()).unwrap();
        tokens.push(whole.record.clone());
        assert_eq!(
            find_by_prefix(&tokens, &whole.token).unwrap().hash,
            whole.record.hash
        );
    }
}
