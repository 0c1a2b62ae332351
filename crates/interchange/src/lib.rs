//! Case files in and out. An agency's existing cases come in as the HTCDS 2.0 case spreadsheet
//! (XLSX, XLS, ODS or CSV), a KoboToolbox or ODK export of the HTCDS XLSForm, or any sheet read
//! through a saved column mapping; case lists go out in the same layouts. This crate reads and
//! writes files only: who may import or export what, and the writing of cases, are the
//! use-cases' (`haven-core`).
//!
//! - [`read`]: bytes to rows of text cells, the format told by the bytes.
//! - [`columns`]: which column holds which field (HTCDS names, labels, Kobo groups, mappings).
//! - [`values`]: picklist values, countries, languages and dates as real sheets write them.
//! - [`rows`]: rows to case records, each problem against its column.
//! - [`write`]: tables out as CSV and XLSX, safe from formula injection.
//! - [`sample`]: fictional case files in those layouts, for trying, testing and timing imports.
pub mod columns;
pub mod export;
pub mod read;
pub mod rows;
pub mod sample;
pub mod values;
pub mod write;

pub use columns::{COLUMNS, Column, Headers, Mapping, Target};
pub use read::{RawRow, ReadError, SourceFormat};
pub use rows::{Fed, ImportError, ImportRow, Importer, Layout, Options, Plan, Problem, read_file};
pub use sample::{SampleCounts, SampleFormat, SampleLayout, SampleOptions};
pub use values::Vocabulary;
