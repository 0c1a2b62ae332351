//! Case lists out, as CSV, XLSX or the HTCDS case spreadsheet. A user exports the cases of
//! their own list (the same scope and filters as the search page), and each case only if its
//! need-to-know rule lets them read it. Without personal fields the file is plain; with them
//! (names, contacts, documents, free text) the user must give a reason, the deployment must
//! allow it (the coordinator's switch), and the file is sealed in an AES-256 ZIP under the
//! user's passphrase. Each export is one `cases.exported` event naming the cases, the fields
//! and the reason.
use std::io::Write;

use haven_audit::{Action, Event};
use haven_authz::{CaseList, ExportPolicy};
use haven_i18n::Lang;
use haven_interchange::export::{self, CASE_NUMBER, ExportCase};
use haven_interchange::{Column, columns::hxl_tag};
use haven_store::cases;
use serde::Deserialize;

use crate::cases::{CaseSearch, search_query};
use crate::support::sealed;
use crate::{CoreError, Haven, Origin, Result, actor};

/// The most cases one export holds.
pub const MAX_EXPORT: i64 = 200_000;
/// The shortest passphrase of a sealed export.
pub const MIN_PASSPHRASE: usize = 12;
const SETTING: &str = "export_personal_fields";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    #[default]
    Csv,
    Xlsx,
}

/// How the columns are named and the values written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportLayout {
    /// The HTCDS case spreadsheet: row 1 the standard's field names, row 2 their labels, values
    /// as codes: for another organisation's system, or Haven's own import.
    #[default]
    Htcds,
    /// For people: the field labels and value labels in the user's language (Haven's import
    /// reads it back too).
    Labels,
}

/// What to export.
#[derive(Clone, Debug, Default)]
pub struct ExportRequest {
    pub search: CaseSearch,
    pub format: ExportFormat,
    pub layout: ExportLayout,
    /// Include names, contacts, documents and free text.
    pub personal: bool,
    /// Why personal fields are taken (required with them).
    pub reason: String,
    /// The ZIP's passphrase (required with personal fields).
    pub passphrase: String,
    /// An HXL hashtag row under the header (CSV without personal fields only).
    pub hxl: bool,
    pub lang: Lang,
}

/// A file to hand over.
#[derive(Clone, Debug)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub content_type: &'static str,
    pub cases: usize,
}

impl ExportRequest {
    fn check(&self, allowed: bool) -> Result<()> {
        let mut errors = Vec::new();
        if self.personal {
            if !allowed {
                errors.push(("personal", "error-export-personal-off"));
            }
            if self.reason.trim().chars().count() < 10 {
                errors.push(("reason", "error-export-reason"));
            }
            if self.reason.chars().count() > 500 {
                errors.push(("reason", "error-too-long"));
            }
            if self.passphrase.chars().count() < MIN_PASSPHRASE {
                errors.push(("passphrase", "error-export-passphrase"));
            }
            if self.hxl {
                errors.push(("hxl", "error-export-hxl-personal"));
            }
        }
        if self.hxl && self.format != ExportFormat::Csv {
            errors.push(("hxl", "error-export-hxl-csv"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CoreError::invalid_all(errors))
        }
    }
}

impl Haven {
    /// Whether case lists may be exported with personal fields (on unless the coordinator
    /// turned it off).
    pub async fn personal_export_allowed(&self) -> Result<bool> {
        let mut conn = self.db.pool().acquire().await?;
        Ok(haven_store::settings::get(&mut conn, SETTING)
            .await?
            .as_deref()
            != Some("off"))
    }

    /// Turns the export of personal fields on or off for the whole deployment (audited).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn set_personal_export_allowed(
        &self,
        cap: ExportPolicy<'_>,
        allowed: bool,
        origin: &Origin,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        haven_store::settings::set(&mut tx, SETTING, if allowed { "on" } else { "off" }).await?;
        let ev = Event::new(Action::ExportPolicyChanged)
            .details(serde_json::json!({"personal_fields": allowed}));
        self.commit_audited(tx, &actor(cap.principal(), origin), ev, self.now())
            .await
    }

    /// Exports the cases of the user's list that match `req.search` and that they may read.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn export_cases(
        &self,
        cap: CaseList<'_>,
        req: &ExportRequest,
        origin: &Origin,
    ) -> Result<ExportFile> {
        req.check(self.personal_export_allowed().await?)?;
        let p = cap.principal();
        let mut q = search_query(&req.search)?;
        q.name_digests = crate::support::opt(&req.search.name)
            .map(|n| self.blind.search_groups(n))
            .unwrap_or_default();
        q.limit = MAX_EXPORT;
        q.offset = 0;
        let cols: Vec<&Column> = export::columns(req.personal);
        let i18n = &self.import_tables.i18n;
        let label_of = |f: &str, code: &str| match haven_interchange::values::picklist_of(f) {
            Some(list) => i18n.t(req.lang, &list.label_key(code)),
            None => code.to_string(),
        };
        let label: Option<export::Labeller<'_>> = match req.layout {
            ExportLayout::Labels => Some(&label_of),
            ExportLayout::Htcds => None,
        };
        let mut conn = self.db.pool().acquire().await?;
        let (listed, _) = cases::list(&mut conn, cap.scope(), &q).await?;
        let mut rows = Vec::with_capacity(listed.len());
        let mut ids = Vec::with_capacity(listed.len());
        for item in listed {
            // The list's scope and the need-to-know rule agree; the rule is what decides.
            let Some(facts) = cases::access_facts(&mut conn, item.id).await? else {
                continue;
            };
            if p.read_case(item.id, &facts).is_none() {
                continue;
            }
            let Some(c) = cases::get_case(&mut conn, item.id).await? else {
                continue;
            };
            let Some(person) = cases::get_person(&mut conn, c.person_id).await? else {
                continue;
            };
            let record = self.load_record(&mut conn, &c, &person).await?;
            let note = if req.personal {
                self.cipher()
                    .decrypt_opt(
                        c.closure_note.as_deref(),
                        &sealed::CASES_CLOSURE_NOTE.of(c.id),
                    )?
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let case = ExportCase {
                case_number: &c.case_number,
                record: &record,
                status: c.status,
                closure_reason: c.closure_reason.as_deref().unwrap_or(""),
                closure_note: &note,
            };
            rows.push(export::row(&case, &cols, label));
            ids.push(c.id.to_string());
        }
        drop(conn);
        let (header, extra) = match req.layout {
            ExportLayout::Htcds => {
                let mut names = vec![CASE_NUMBER.to_string()];
                names.extend(cols.iter().map(|c| c.name.to_string()));
                let mut labels = vec![i18n.t(req.lang, "export-case-number")];
                labels.extend(
                    cols.iter()
                        .map(|c| i18n.t(req.lang, &format!("field-{}", c.field))),
                );
                (names, Some(labels))
            }
            ExportLayout::Labels => {
                let mut labels = vec![i18n.t(req.lang, "export-case-number")];
                labels.extend(
                    cols.iter()
                        .map(|c| i18n.t(req.lang, &format!("field-{}", c.field))),
                );
                (labels, None)
            }
        };
        let mut head_rows: Vec<Vec<String>> = extra.into_iter().collect();
        if req.hxl {
            let mut tags = vec!["#case+code".to_string()];
            tags.extend(cols.iter().map(|c| hxl_tag(c.field).to_string()));
            head_rows.push(tags);
        }
        let count = rows.len();
        head_rows.extend(rows);
        let (body, ext, ct) = match req.format {
            ExportFormat::Csv => (
                haven_interchange::write::csv(&header, &head_rows).map_err(CoreError::internal)?,
                "csv",
                "text/csv; charset=utf-8",
            ),
            ExportFormat::Xlsx => (
                haven_interchange::write::xlsx(&header, &head_rows).map_err(CoreError::internal)?,
                "xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        };
        let stamp = self.today();
        let name = format!("haven-cases-{stamp}.{ext}");
        let fields: Vec<&str> = cols.iter().map(|c| c.field).collect();
        let ev = Event::new(Action::CasesExported).details(serde_json::json!({
            "format": ext,
            "layout": match req.layout { ExportLayout::Htcds => "htcds", ExportLayout::Labels => "labels" },
            "personal": req.personal,
            "fields": if req.personal { fields.iter().filter(|f| haven_interchange::columns::column_of(f).is_some_and(|c| c.personal)).copied().collect::<Vec<_>>() } else { Vec::new() },
            "reason": if req.personal { Some(req.reason.trim()) } else { None },
            "count": count,
            "case_ids": ids,
        }));
        self.record_read(&actor(p, origin), ev).await?;
        if req.personal {
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .with_aes_encryption(zip::AesMode::Aes256, &req.passphrase);
            z.start_file(name.as_str(), opts)
                .map_err(CoreError::internal)?;
            z.write_all(&body).map_err(CoreError::internal)?;
            let bytes = z.finish().map_err(CoreError::internal)?.into_inner();
            return Ok(ExportFile {
                bytes,
                file_name: format!("haven-cases-{stamp}.zip"),
                content_type: "application/zip",
                cases: count,
            });
        }
        Ok(ExportFile {
            bytes: body,
            file_name: name,
            content_type: ct,
            cases: count,
        })
    }
}
