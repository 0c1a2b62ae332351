//! Case import: the upload, the preview with its column mapping, the commit's progress and the
//! rows left out (pages), and the same as import jobs in the JSON API.
pub(crate) mod api;
pub(crate) mod pages;
