//! Shared test helpers: a temp HOME/WORTHIT_HOME and a ready `worthit` command.
