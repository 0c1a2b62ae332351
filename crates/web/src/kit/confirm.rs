//! "Are you sure?": for an action that cannot be undone or changes who may see what, the same
//! form posted again with `confirm=1` (no script needed).
use askama::Template;

use crate::layout::Layout;

#[derive(Template)]
#[template(path = "confirm.html")]
pub(crate) struct ConfirmPage<'a> {
    pub(crate) l: &'a Layout<'a>,
    pub(crate) title: String,
    pub(crate) message: String,
    /// Said when the action has effects beyond the page (who will be told).
    pub(crate) announce: Option<String>,
    /// Where the confirmed form goes.
    pub(crate) action: String,
    /// The form's fields, sent again.
    pub(crate) fields: Vec<(&'static str, String)>,
    /// Where "Cancel" goes.
    pub(crate) back: String,
}
