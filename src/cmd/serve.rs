//! `worthit serve` (run the team server) and `worthit serve token create|list|revoke`.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use chrono::{SecondsFormat, Utc};

use super::Run;
use crate::cli::{ServeArgs, ServeCommand, TokenCommand, TokenCreateArgs, TokenRevokeArgs};
use crate::config::Paths;
use crate::serve::store::{Role, TeamStore};
use crate::serve::{self, Guards, Settings, auth};

impl Run for ServeArgs {
    fn run(&self) -> Result<ExitCode> {
        let data_dir = match &self.data_dir {
            Some(dir) => dir.clone(),
            None => Paths::from_env()?.home.join("server"),
        };
        let url = self.database_url.as_ref().map(|u| u.0.as_str());
        let store = serve::open_store(url, &data_dir)?;
        match &self.command {
            None => serve::run(
                store,
                Settings {
                    listen: self.listen,
                    min_contributors: self.min_contributors,
                    retention_days: self.retention_days,
                },
                Guards {
                    metrics_listen: self.metrics_listen,
                    rate_limit_per_minute: self.rate_limit,
                    header_timeout: Duration::from_secs(self.header_timeout),
                },
            )?,
            Some(ServeCommand::Token(TokenCommand::Create(args))) => create(&store, args)?,
            Some(ServeCommand::Token(TokenCommand::List)) => list(&store)?,
            Some(ServeCommand::Token(TokenCommand::Revoke(args))) => revoke(&store, args)?,
        }
        Ok(ExitCode::SUCCESS)
    }
}

/// Prints the new token alone on stdout (for scripts), and what it is on stderr.
fn create(store: &Arc<dyn TeamStore>, args: &TokenCreateArgs) -> Result<()> {
    let role = if args.admin { Role::Admin } else { Role::Team };
    let new = auth::generate(args.team.as_deref(), role, Utc::now())?;
    store.create_token(&new.record)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", new.token)?;
    out.flush()?;
    let whom = match (role, &args.team) {
        (Role::Admin, Some(team)) => format!("an admin token (label {team})"),
        (Role::Admin, None) => "an admin token".to_string(),
        (Role::Team, team) => format!("a token for team {}", team.as_deref().unwrap_or("")),
    };
    eprintln!(
        "worthit serve: created {whom}, {}…; it is shown only this once (the server keeps its SHA-256)",
        new.record.prefix
    );
    Ok(())
}

fn list(store: &Arc<dyn TeamStore>) -> Result<()> {
    let tokens = store.list_tokens()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let width = tokens
        .iter()
        .filter_map(|t| t.team.as_deref())
        .map(str::len)
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{:<13} {:<5} {:<width$} {:<20} REVOKED",
        "PREFIX", "ROLE", "TEAM", "CREATED"
    )?;
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    for token in &tokens {
        writeln!(
            out,
            "{:<13} {:<5} {:<width$} {:<20} {}",
            format!("{}…", token.prefix),
            token.role.as_str(),
            token.team.as_deref().unwrap_or("-"),
            time(token.created_at),
            token.revoked_at.map_or_else(|| "-".to_string(), time),
        )?;
    }
    out.flush()?;
    Ok(())
}

fn revoke(store: &Arc<dyn TeamStore>, args: &TokenRevokeArgs) -> Result<()> {
    let tokens = store.list_tokens()?;
    let token = auth::find_by_prefix(&tokens, &args.prefix)?;
    store.revoke_token(&token.hash, Utc::now())?;
    println!(
        "revoked {}… ({} token{})",
        token.prefix,
        token.role.as_str(),
        token
            .team
            .as_deref()
            .map(|t| format!(" of {t}"))
            .unwrap_or_default()
    );
    Ok(())
}
