//! Documents Haven hands out, drawn without I/O: PDF pages with the base-14 fonts (`pdf`:
//! training certificates and reports, printable referrals) and XLSX workbooks (`xlsx`).
pub mod pdf;
pub mod xlsx;
