//! Statistical releases of the register in the CTDC layout. Every release goes through the
//! release engine: analysts and the coordinator get protected releases (k-protected aggregates,
//! k-anonymised or synthetic microdata), each with its manifest, in one ZIP file. Raw CTDC-layout
//! rows go to the coordinator only, in a ZIP sealed with AES-256 under a passphrase they choose.
//! Every release is audited before it is returned.
use std::io::Write;

use haven_audit::{Action, Event};
use haven_authz::{AggregatesRead, CtdcRawExport};
use haven_domain::CaseScope;
use haven_domain::ctdc::{self, CtdcSource};
use haven_domain::record::parse_date;
use haven_release::{AggregateOptions, Dataset, Manifest, ReadOptions};
use haven_store::cases::{self as store_cases, CtdcFacts};

use crate::cases::aad;
use crate::{CoreError, Haven, Origin, Result, actor};

/// What to release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseKind {
    /// Counts of every combination of up to the reporting length held by k cases or more,
    /// rounded down to a multiple of k (SDS aggregate TSV).
    Aggregates,
    /// Synthetic records in which every combination of up to the reporting length is held by at
    /// least k cases.
    Synthetic,
    /// The rows, generalised and locally suppressed until every group of quasi-identifiers holds
    /// k cases or more.
    Anonymized,
    /// The rows as they are (coordinator only, sealed).
    Raw,
}

impl ReleaseKind {
    pub const ALL: [ReleaseKind; 4] = [
        ReleaseKind::Aggregates,
        ReleaseKind::Synthetic,
        ReleaseKind::Anonymized,
        ReleaseKind::Raw,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseKind::Aggregates => "aggregates",
            ReleaseKind::Synthetic => "synthetic",
            ReleaseKind::Anonymized => "anonymized",
            ReleaseKind::Raw => "raw",
        }
    }

    pub fn parse(s: &str) -> Option<ReleaseKind> {
        ReleaseKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug)]
pub struct ReleaseRequest {
    pub kind: ReleaseKind,
    /// k; never below the deployment's smallest reportable cell.
    pub resolution: u64,
    pub reporting_length: usize,
    /// Add the HXL hashtag row under the header of CSV files.
    pub hxl: bool,
    /// For raw rows: the passphrase that seals the file.
    pub passphrase: Option<String>,
}

/// A file of a release: its name in the ZIP and its bytes.
type NamedFile = (String, Vec<u8>);

/// Smallest passphrase accepted for a sealed raw export.
pub const MIN_PASSPHRASE: usize = 12;

/// A release, ready to download.
#[derive(Debug)]
pub struct ReleaseFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Cases the release was made from (the protected count: rounded down to a multiple of k,
    /// except for the coordinator's raw rows).
    pub cases: u64,
}

/// The CTDC-layout CSV of `rows`, with the HXL row under the header if asked.
fn layout_csv(rows: &[Vec<String>], hxl: bool) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = CoreError::internal;
    w.write_record(ctdc::COLUMNS.iter().map(|c| c.name))
        .map_err(io)?;
    if hxl {
        w.write_record(ctdc::COLUMNS.iter().map(|c| c.hxl))
            .map_err(io)?;
    }
    for r in rows {
        w.write_record(r).map_err(io)?;
    }
    w.into_inner().map_err(CoreError::internal)
}

/// The HXL row, after the header, of a CSV the engine wrote with the layout's header.
fn with_hxl(csv: Vec<u8>) -> Vec<u8> {
    let Some(end) = csv.iter().position(|b| *b == b'\n') else {
        return csv;
    };
    let tags = ctdc::COLUMNS
        .iter()
        .map(|c| c.hxl)
        .collect::<Vec<_>>()
        .join(",");
    let mut out = Vec::with_capacity(csv.len() + tags.len() + 1);
    out.extend_from_slice(&csv[..=end]);
    out.extend_from_slice(tags.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&csv[end + 1..]);
    out
}

/// A ZIP of `files`, each entry sealed with AES-256 when a passphrase is given.
fn zip(files: &[(&str, &[u8])], passphrase: Option<&str>) -> Result<Vec<u8>> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let mut opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        if let Some(p) = passphrase {
            opts = opts.with_aes_encryption(zip::AesMode::Aes256, p);
        }
        z.start_file(*name, opts).map_err(CoreError::internal)?;
        z.write_all(bytes).map_err(CoreError::internal)?;
    }
    Ok(z.finish().map_err(CoreError::internal)?.into_inner())
}

impl Haven {
    /// The CTDC row of every case in the register, or only of those in `scope`.
    async fn ctdc_rows(&self, scope: Option<&CaseScope>) -> Result<Vec<Vec<String>>> {
        let mut tx = self.db.begin_snapshot().await?;
        let mut facts = store_cases::ctdc_facts(&mut tx).await?;
        if let Some(scope) = scope {
            let visible: std::collections::HashSet<_> = store_cases::scope_case_ids(&mut tx, scope)
                .await?
                .into_iter()
                .collect();
            facts.retain(|f| visible.contains(&f.case_id));
        }
        tx.commit().await?;
        let c = self.cipher();
        let mut rows = facts
            .into_iter()
            .map(|f| {
                // The birth date is unsealed for the age band only, and dropped here.
                let birth = c
                    .decrypt_opt(
                        f.birth_date.as_deref(),
                        &aad("persons", "birth_date", f.person_id),
                    )?
                    .and_then(|d| parse_date(&d));
                Ok(ctdc::row(&source(f, birth)))
            })
            .collect::<Result<Vec<_>>>()?;
        // Sorted, so that no row's position tells when its case was registered.
        rows.sort_unstable();
        Ok(rows)
    }

    /// A protected release (or, with `raw`, the coordinator's sealed rows) of the register in the
    /// CTDC layout.
    pub async fn ctdc_release(
        &self,
        cap: AggregatesRead<'_>,
        raw: Option<CtdcRawExport<'_>>,
        origin: &Origin,
        req: ReleaseRequest,
    ) -> Result<ReleaseFile> {
        let k = req.resolution.max(self.policy.min_cell.max(2) as u64);
        if !(1..=haven_release::aggregate::MAX_REPORTING_LENGTH).contains(&req.reporting_length) {
            return Err(CoreError::invalid(
                "reporting_length",
                "error-release-reporting-length",
            ));
        }
        if req.kind == ReleaseKind::Raw {
            if raw.is_none() {
                return Err(CoreError::Forbidden);
            }
            if req
                .passphrase
                .as_deref()
                .is_none_or(|p| p.chars().count() < MIN_PASSPHRASE)
            {
                return Err(CoreError::invalid("passphrase", "error-release-passphrase"));
            }
        }
        // Protected releases cover the whole register, as the statistics page does; raw rows
        // only the cases the coordinator may see (agencies that consented to coordination).
        let scope = match (req.kind, raw) {
            (ReleaseKind::Raw, Some(r)) => Some(
                *r.principal()
                    .case_list()
                    .ok_or(CoreError::Forbidden)?
                    .scope(),
            ),
            _ => None,
        };
        let rows = self.ctdc_rows(scope.as_ref()).await?;
        let layout = layout_csv(&rows, false)?;
        let today = crate::cases::today();
        let stem = format!("ctdc-{}-{}", req.kind.as_str(), today);
        let engine_stem = stem.clone();
        let engine = move || -> Result<(Vec<NamedFile>, u64)> {
            let stem = engine_stem;
            let data = Dataset::read(layout.as_slice(), &ReadOptions::default())
                .map_err(CoreError::internal)?;
            let opts = AggregateOptions {
                resolution: k,
                reporting_length: req.reporting_length,
            };
            let agg = haven_release::aggregate(&data, opts).map_err(CoreError::internal)?;
            let mut manifest = Manifest::for_aggregates(&agg, &data, &layout);
            let protected_count = haven_release::protected(agg.record_count, k);
            let hxl = |csv: Vec<u8>| if req.hxl { with_hxl(csv) } else { csv };
            let data_file = match req.kind {
                ReleaseKind::Aggregates => {
                    let mut out = Vec::new();
                    agg.write_tsv(&data, &mut out)
                        .map_err(CoreError::internal)?;
                    (format!("{stem}.tsv"), out)
                }
                ReleaseKind::Synthetic => {
                    let s = haven_release::synthesize(&data, &agg);
                    let mut out = Vec::new();
                    s.write_csv(&data, ";", &mut out)
                        .map_err(CoreError::internal)?;
                    manifest.method =
                        "synthetic records seeded by the source, k-protected combinations";
                    manifest.utility = Some(s.utility.clone());
                    (format!("{stem}.csv"), hxl(out))
                }
                ReleaseKind::Anonymized => {
                    // The CTDC defaults, plus the majority columns: copied through, they would tell
                    // minor from adult even where the age band is suppressed.
                    let qis = haven_release::anonymize::DEFAULT_QUASI_IDENTIFIERS
                        .iter()
                        .chain(&["majorityStatus", "majorityStatusAtExploit"])
                        .filter(|c| ctdc::COLUMNS.iter().any(|col| col.name == **c))
                        .map(|c| c.to_string())
                        .collect();
                    let opts = haven_release::anonymize::AnonymizeOptions {
                        k: k as usize,
                        quasi_identifiers: Some(qis),
                        ..Default::default()
                    };
                    let a = haven_release::anonymize::anonymize(layout.as_slice(), &opts).map_err(
                        |e| match e {
                            haven_release::anonymize::AnonymizeError::TooFewRecords { .. } => {
                                CoreError::invalid("kind", "error-release-too-few")
                            }
                            e => CoreError::internal(e),
                        },
                    )?;
                    let mut out = Vec::new();
                    a.write_csv(&mut out).map_err(CoreError::internal)?;
                    manifest = Manifest::for_anonymized(&a, &layout);
                    (format!("{stem}.csv"), hxl(out))
                }
                ReleaseKind::Raw => {
                    manifest.method = "raw CTDC-layout rows (not protected: coordinator only)";
                    manifest.protected_record_count = Some(agg.record_count);
                    manifest.combinations_released = None;
                    manifest.resolution = None;
                    manifest.reporting_length = None;
                    (format!("{stem}.csv"), hxl(layout.clone()))
                }
            };
            let manifest = serde_json::to_vec_pretty(&manifest).map_err(CoreError::internal)?;
            let count = if req.kind == ReleaseKind::Raw {
                agg.record_count
            } else {
                protected_count
            };
            Ok((
                vec![data_file, (format!("{stem}.manifest.json"), manifest)],
                count,
            ))
        };
        // The engine is CPU-bound: off the async workers.
        let (files, cases) = tokio::task::spawn_blocking(engine)
            .await
            .map_err(CoreError::internal)??;
        let entries: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let bytes = zip(
            &entries,
            req.passphrase.as_deref().filter(|_| raw.is_some()),
        )?;
        let (action, who) = match raw.filter(|_| req.kind == ReleaseKind::Raw) {
            Some(r) => (Action::CtdcRawExported, r.principal()),
            None => (Action::ReleaseMade, cap.principal()),
        };
        self.record_read(
            &actor(who, origin),
            Event::new(action).details(serde_json::json!({
                "kind": req.kind.as_str(),
                "k": k,
                "reporting_length": req.reporting_length,
                "cases": cases,
            })),
        )
        .await?;
        Ok(ReleaseFile {
            file_name: format!("{stem}.zip"),
            bytes,
            cases,
        })
    }
}

fn source(f: CtdcFacts, birth_date: Option<time::Date>) -> CtdcSource {
    let codes = |field: &str| -> Vec<String> {
        f.codes
            .iter()
            .filter(|(fl, _)| fl == field)
            .map(|(_, c)| c.clone())
            .collect()
    };
    CtdcSource {
        opened: time::OffsetDateTime::from_unix_timestamp(f.opened_at)
            .ok()
            .map(|t| t.date()),
        birth_date,
        birth_year: f.birth_year.and_then(|y| i32::try_from(y).ok()),
        assessed_age: f.assessed_age,
        age_uncertain: f.age_uncertain,
        age_when_trafficked: f.age_when_trafficked,
        gender: f.gender.clone().unwrap_or_default(),
        citizenship: f
            .citizenship
            .as_deref()
            .map(|c| c.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        exploitation_countries: f.exploitation_countries.clone(),
        methods_of_control: codes("vic_MethodsOfControl"),
        type_of_exploitation: codes("vic_TypeOfExploitation"),
        type_of_sex_exploitation: codes("vic_TypeOfSexExploitation"),
        forced_labour_industry: f.forced_labour_industry.clone().unwrap_or_default(),
        relationship_to_trafficker: f.relationship_to_trafficker.clone().unwrap_or_default(),
        referral_source: f.referral_source.clone().unwrap_or_default(),
    }
}
