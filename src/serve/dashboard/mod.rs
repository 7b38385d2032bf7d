//! The web dashboard `worthit serve` serves at `/` (reference: docs/server.md, "Dashboard").
//!
//! One static page and its script, style sheet and icon, all embedded in the binary: no
//! CDN, no external font or script. The page holds no data; its script reads the token
//! from the URL fragment (which browsers never send) or a form, keeps it in
//! `sessionStorage` and calls the JSON report API with `Authorization: Bearer`, so the
//! server never sees a token in a URL and the k-anonymity of the API is all the page shows.
//!
//! Asset URLs carry a hash of their content, so they can be cached for good while the page
//! itself is revalidated on every load and always names the assets of this binary.

use std::sync::LazyLock;

use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::api;

const INDEX_HTML: &str = include_str!("index.html");
const APP_JS: &str = include_str!("app.js");
const STYLE_CSS: &str = include_str!("style.css");
const ICON_SVG: &str = include_str!("icon.svg");

/// No script, style, image or connection from anywhere but this server, no inline script
/// or style, no plugin, no framing, and no form may submit anywhere: the sign-in form is
/// handled by the script, and if the script failed a native submit must not put the
/// token in a URL.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The page: revalidated on every load, so a new binary's assets are picked up at once.
const PAGE_CACHE: &str = "no-cache";

/// Hashed assets never change under their name.
const ASSET_CACHE: &str = "public, max-age=31536000, immutable";

/// One embedded file under `/assets/`.
struct Asset {
    /// `{{app.js}}` in index.html is replaced by the asset's path.
    placeholder: &'static str,
    /// `app.0123456789abcdef.js`.
    name: String,
    content_type: &'static str,
    body: &'static str,
}

/// The page with its asset paths filled in, and the assets by name.
struct Bundle {
    index: String,
    assets: Vec<Asset>,
}

static BUNDLE: LazyLock<Bundle> = LazyLock::new(Bundle::build);

impl Bundle {
    fn build() -> Bundle {
        let assets = vec![
            Asset::new("app.js", "text/javascript; charset=utf-8", APP_JS),
            Asset::new("style.css", "text/css; charset=utf-8", STYLE_CSS),
            Asset::new("icon.svg", "image/svg+xml", ICON_SVG),
        ];
        let index = assets.iter().fold(INDEX_HTML.to_string(), |page, asset| {
            page.replace(
                &format!("{{{{{}}}}}", asset.placeholder),
                &format!("/assets/{}", asset.name),
            )
        });
        Bundle { index, assets }
    }
}

impl Asset {
    fn new(placeholder: &'static str, content_type: &'static str, body: &'static str) -> Asset {
        let (stem, extension) = placeholder.rsplit_once('.').unwrap_or((placeholder, ""));
        let hash = crate::ingest::fnv1a(body.as_bytes());
        Asset {
            placeholder,
            name: format!("{stem}.{hash:016x}.{extension}"),
            content_type,
            body,
        }
    }
}

/// The dashboard's routes; they need no state and no token (the page holds no data).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
}

/// A dashboard response with the headers every one of them carries.
fn page(content_type: &'static str, cache: &'static str, body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, cache),
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// `GET /`: the page.
async fn index() -> Response {
    page("text/html; charset=utf-8", PAGE_CACHE, BUNDLE.index.clone())
}

/// `GET /assets/{name}`: an embedded file under its hashed name.
async fn asset(Path(name): Path<String>) -> Response {
    match BUNDLE.assets.iter().find(|asset| asset.name == name) {
        Some(asset) => page(asset.content_type, ASSET_CACHE, asset.body.to_string()),
        None => api::not_found().await.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_placeholder_is_filled_and_every_asset_is_named_by_its_content() {
        let bundle = Bundle::build();
        assert!(!bundle.index.contains("{{"), "{}", bundle.index);
        for asset in &bundle.assets {
            assert!(
                bundle
                    .index
                    .contains(&format!("\"/assets/{}\"", asset.name)),
                "{} is not linked from the page",
                asset.name
            );
        }
        let changed = Asset::new("app.js", "text/javascript", "changed");
        assert_ne!(changed.name, bundle.assets[0].name);
    }

    #[test]
    fn the_page_has_no_inline_script_or_style_and_nothing_external() {
        let page = INDEX_HTML.to_ascii_lowercase();
        assert_eq!(page.matches("<script").count(), 1, "only app.js");
        assert!(page.contains("<script src=\"{{app.js}}\" defer></script>"));
        for forbidden in [
            "<style",
            " style=",
            "javascript:",
            "http:",
            "https:",
            "//cdn",
        ] {
            assert!(!page.contains(forbidden), "{forbidden:?} in index.html");
        }
        let handlers: Vec<&str> = page
            .split(" on")
            .skip(1)
            .filter(|rest| {
                let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
                !name.is_empty() && rest[name.len()..].starts_with('=')
            })
            .collect();
        assert!(handlers.is_empty(), "inline event handlers: {handlers:?}");
        // The token field has no name: even a native submit would not send it.
        for field in page.split("<input").skip(1) {
            let tag = &field[..field.find('>').unwrap_or(field.len())];
            assert!(!tag.contains("name="), "a named form field: <input{tag}>");
        }
        let script = APP_JS.to_ascii_lowercase();
        for forbidden in [
            "innerhtml",
            "outerhtml",
            "insertadjacenthtml",
            "document.write",
            "eval(",
        ] {
            assert!(!script.contains(forbidden), "{forbidden:?} in app.js");
        }
    }
}
