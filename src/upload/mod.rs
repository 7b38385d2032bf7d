//! The opt-in uploader: builds privacy-safe daily aggregates from the rollups and sends
//! them to a team server (`worthit serve`). Off until the user enables it.
//!
//! - [`payload`]: the wire format, shared with the server.

pub mod payload;
