//! Statistical releases of the register in the CTDC layout. Every release goes through the
//! release engine: analysts and the coordinator get protected releases (k-protected aggregates,
//! k-anonymised or synthetic microdata), each with its manifest, in one ZIP file. Raw CTDC-layout
//! rows go to the coordinator only, in a ZIP sealed with AES-256 under a passphrase they choose.
//! Every release is audited before it is returned.
//!
//! Protection against combining releases:
//! - every count is rounded down to a multiple of the deployment's smallest cell `b` (not of the
//!   k a request chooses), and a combination is left out when its rounded count is below k: all
//!   that any number of releases of the same data tell about a count is `count / b`;
//! - the release ledger keeps every release with a keyed tag per row; a release whose rows differ
//!   from an earlier one's by fewer than `b` is refused (the two could be subtracted), and so is
//!   synthetic or k-anonymous data of the same rows with other parameters than before (two
//!   generalisations of the same rows can be intersected).
use crate::sealed::{self};
use std::io::Write;

use haven_audit::{Action, Event};
use haven_authz::{AggregatesRead, CtdcRawExport};
use haven_domain::CaseScope;
use haven_domain::ctdc::{self, CtdcSource};
use haven_domain::record::parse_date;
use haven_release::{AggregateOptions, Dataset, Manifest, Protection, ReadOptions, Zeros};
use haven_store::cases::{self as store_cases, CtdcFacts};
use haven_store::releases::{self as ledger, LedgerRow};

use crate::support::done;
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
    /// k: no combination whose (rounded) count is below it is released; never below the
    /// deployment's smallest reportable cell.
    pub resolution: u64,
    pub reporting_length: usize,
    /// CTDC-layout columns where a `0` is a value to protect; elsewhere a `0` (a flag's "not
    /// this") is no value, as in SDS. Empty: the CTDC default, every 0 flag is absence.
    pub sensitive_zeros: Vec<String>,
    /// Add the HXL hashtag row under the header of CSV files.
    pub hxl: bool,
    /// For raw rows: the passphrase that seals the file.
    pub passphrase: Option<String>,
}

/// Why the release ledger refused a release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReleaseRefusal {
    /// The register changed by `changed` cases since the release made at `earlier_at`, fewer
    /// than `needed` (the smallest cell): the two could be subtracted.
    TooFewChanges {
        changed: u64,
        needed: u64,
        earlier_at: i64,
    },
    /// The same rows were released as this kind with other parameters at `earlier_at`.
    OtherParameters {
        k: i64,
        reporting_length: i64,
        sensitive_zeros: Option<String>,
        earlier_at: i64,
    },
}

impl ReleaseRefusal {
    pub fn key(&self) -> &'static str {
        match self {
            ReleaseRefusal::TooFewChanges { .. } => "error-release-too-few-changes",
            ReleaseRefusal::OtherParameters { .. } => "error-release-other-parameters",
        }
    }
}

/// A release as the ledger shows it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct LedgerEntry {
    pub id: String,
    pub made_at: i64,
    pub made_by: String,
    pub kind: String,
    pub k: i64,
    pub reporting_length: i64,
    /// Columns where a 0 was a value; absent when every 0 was (raw rows).
    pub sensitive_zeros: Option<Vec<String>>,
    pub rounding_base: i64,
    /// Cases released, as protected (rounded down to the base).
    pub protected_count: i64,
}

/// How many of `a` and `b` (sorted) are in one and not the other.
fn symmetric_difference(a: &[u64], b: &[u64]) -> u64 {
    let (mut i, mut j, mut d) = (0, 0, 0u64);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                d += 1;
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                d += 1;
                j += 1;
            }
        }
    }
    d + (a.len() - i) as u64 + (b.len() - j) as u64
}

fn tags_to_bytes(tags: &[u64]) -> Vec<u8> {
    tags.iter().flat_map(|t| t.to_be_bytes()).collect()
}

fn tags_from_bytes(b: &[u8]) -> Vec<u64> {
    b.chunks_exact(8)
        .map(|c| u64::from_be_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

/// The ledger's verdict on a release of rows tagged `tags` (sorted) with these parameters, given
/// the earlier protected releases.
pub fn ledger_check(
    earlier: &[LedgerRow],
    tags: &[u64],
    kind: ReleaseKind,
    k: u64,
    reporting_length: usize,
    sensitive_zeros: &Option<String>,
    base: u64,
) -> Result<(), ReleaseRefusal> {
    for e in earlier {
        let changed = symmetric_difference(tags, &tags_from_bytes(&e.row_tags));
        if changed > 0 && changed < base {
            return Err(ReleaseRefusal::TooFewChanges {
                changed,
                needed: base,
                earlier_at: e.made_at,
            });
        }
        // Aggregates of the same rows are all functions of count / base: any parameters may
        // follow. Two generalisations or syntheses of the same rows may not.
        let same_parameters = e.k == k as i64
            && e.reporting_length == reporting_length as i64
            && e.sensitive_zeros == *sensitive_zeros;
        if changed == 0
            && kind != ReleaseKind::Aggregates
            && e.kind == kind.as_str()
            && !same_parameters
        {
            return Err(ReleaseRefusal::OtherParameters {
                k: e.k,
                reporting_length: e.reporting_length,
                sensitive_zeros: e.sensitive_zeros.clone(),
                earlier_at: e.made_at,
            });
        }
    }
    Ok(())
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

/// A ZIP of `files`, compressed (an aggregates TSV shrinks tenfold), each entry sealed with
/// AES-256 when a passphrase is given.
fn zip(files: &[(&str, &[u8])], passphrase: Option<&str>) -> Result<Vec<u8>> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        let mut opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        if let Some(p) = passphrase {
            opts = opts.with_aes_encryption(zip::AesMode::Aes256, p);
        }
        z.start_file(*name, opts).map_err(CoreError::internal)?;
        z.write_all(bytes).map_err(CoreError::internal)?;
    }
    Ok(z.finish().map_err(CoreError::internal)?.into_inner())
}

impl Haven {
    /// Records a refusal by the ledger (audited) and returns it as the error to give.
    async fn refuse_release(
        &self,
        cap: &AggregatesRead<'_>,
        origin: &Origin,
        req: &ReleaseRequest,
        k: u64,
        r: ReleaseRefusal,
    ) -> CoreError {
        let ev = Event::new(Action::ReleaseRefused).details(serde_json::json!({
            "kind": req.kind.as_str(),
            "k": k,
            "reporting_length": req.reporting_length,
            "reason": r.key(),
        }));
        match self.record_read(&actor(cap.principal(), origin), ev).await {
            Ok(()) => CoreError::ReleaseRefused(r),
            Err(e) => e,
        }
    }

    /// A page of the register's release ledger, newest first (then by id).
    #[tracing::instrument(skip_all)]
    pub async fn release_ledger(
        &self,
        _cap: AggregatesRead<'_>,
        page: &crate::support::cursor::PageRequest,
    ) -> Result<(Vec<LedgerEntry>, Option<String>)> {
        let mut conn = self.db.pool().acquire().await?;
        let (after, fetch) = page.keyset();
        let rows = ledger::list(&mut conn, after, fetch).await?;
        let (rows, next) = page.rest(rows, |r| (r.made_at, r.id.clone()));
        let mut names: std::collections::HashMap<haven_domain::UserId, String> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            if let std::collections::hash_map::Entry::Vacant(e) = names.entry(r.user_id) {
                let name = haven_store::users::by_id(&mut conn, r.user_id)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default();
                e.insert(name);
            }
            out.push(LedgerEntry {
                id: r.id,
                made_at: r.made_at,
                made_by: names[&r.user_id].clone(),
                kind: r.kind,
                k: r.k,
                reporting_length: r.reporting_length,
                sensitive_zeros: r
                    .sensitive_zeros
                    .as_deref()
                    .and_then(|z| serde_json::from_str(z).ok()),
                rounding_base: r.rounding_base,
                protected_count: r.protected_count,
            });
        }
        Ok((out, next))
    }

    /// The CTDC row of every case in the register, or only of those in `scope`, sorted; and
    /// each row's keyed tag (with its case), sorted.
    async fn ctdc_rows(&self, scope: Option<&CaseScope>) -> Result<(Vec<Vec<String>>, Vec<u64>)> {
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
        let rows = facts
            .into_iter()
            .map(|f| {
                // The birth date is unsealed for the age band only, and dropped here.
                let birth = c
                    .decrypt_opt(
                        f.birth_date.as_deref(),
                        &sealed::PERSONS_BIRTH_DATE.of(f.person_id),
                    )?
                    .and_then(|d| parse_date(&d));
                let case = f.case_id.to_string();
                let row = ctdc::row(&source(f, birth));
                Ok((self.blind.row_tag(&case, &row), row))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut tags: Vec<u64> = rows.iter().map(|(t, _)| *t).collect();
        tags.sort_unstable();
        let mut rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
        // Sorted, so that no row's position tells when its case was registered.
        rows.sort_unstable();
        Ok((rows, tags))
    }

    /// The problems of a release request that are known before any work: k, the reporting
    /// length, the columns named, the raw rows' permission and passphrase. Returns the rounding
    /// base and the k used.
    pub fn check_release(&self, req: &ReleaseRequest, raw: bool) -> Result<(u64, u64)> {
        // The rounding base is the deployment's, never the request's (a sweep over k would
        // otherwise recover every count by the Chinese remainder theorem).
        let base = self.policy.min_cell.max(2) as u64;
        let mut errors = Vec::new();
        if req.resolution < base && req.kind != ReleaseKind::Raw {
            errors.push(("k", "error-release-k-min"));
        }
        let k = req.resolution.max(base);
        if !(1..=haven_release::aggregate::MAX_REPORTING_LENGTH).contains(&req.reporting_length) {
            errors.push(("reporting_length", "error-release-reporting-length"));
        }
        if req
            .sensitive_zeros
            .iter()
            .any(|c| !ctdc::COLUMNS.iter().any(|col| col.name == c))
        {
            errors.push(("sensitive_zeros", "error-release-sensitive-zeros"));
        }
        done(errors)?;
        if req.kind == ReleaseKind::Raw {
            if !raw {
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
        Ok((base, k))
    }

    /// [`Haven::ctdc_release`] as a job: the request is checked now (its problems are answered
    /// at once), the release is made in the background, and its ZIP waits for one download.
    /// The ledger's refusal, found by the release's work, is the job's error. Returns the job's
    /// id.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn start_ctdc_release(
        &self,
        cap: AggregatesRead<'_>,
        raw: Option<CtdcRawExport<'_>>,
        origin: &Origin,
        req: ReleaseRequest,
    ) -> Result<String> {
        self.check_release(&req, raw.is_some())?;
        let p = cap.principal().clone();
        let h = self.clone();
        let origin = origin.clone();
        let owner = p.clone();
        let work = async move {
            let cap = p.aggregates_read().ok_or(CoreError::Forbidden)?;
            let f = h
                .ctdc_release(cap, p.ctdc_raw_export(), &origin, req)
                .await?;
            Ok(crate::jobs::JobFile {
                file_name: f.file_name,
                content_type: "application/zip".into(),
                bytes: f.bytes,
            })
        };
        self.start_job(&owner, "release", work).await
    }

    /// A protected release (or, with `raw`, the coordinator's sealed rows) of the register in the
    /// CTDC layout.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn ctdc_release(
        &self,
        cap: AggregatesRead<'_>,
        raw: Option<CtdcRawExport<'_>>,
        origin: &Origin,
        req: ReleaseRequest,
    ) -> Result<ReleaseFile> {
        let (base, k) = self.check_release(&req, raw.is_some())?;
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
        let (rows, tags) = self.ctdc_rows(scope.as_ref()).await?;
        let layout = layout_csv(&rows, false)?;
        let zeros_json = (req.kind != ReleaseKind::Raw)
            .then(|| serde_json::to_string(&req.sensitive_zeros).unwrap_or_default());
        // The ledger first, so that a refused release costs no engine time; checked again, with
        // the ledger locked, in the transaction that records the release (another release may
        // have been made while the engine ran).
        let ledger_id = uuid::Uuid::now_v7().to_string();
        let check = |earlier: &[LedgerRow]| {
            if req.kind == ReleaseKind::Raw {
                return Ok(());
            }
            ledger_check(
                earlier,
                &tags,
                req.kind,
                k,
                req.reporting_length,
                &zeros_json,
                base,
            )
        };
        let earlier = {
            let mut conn = self.db.pool().acquire().await?;
            ledger::protected_with_tags(&mut conn).await?
        };
        if let Err(r) = check(&earlier) {
            return Err(self.refuse_release(&cap, origin, &req, k, r).await);
        }
        let zeros = Zeros::SensitiveIn(req.sensitive_zeros.clone());
        let today = self.today();
        let stem = format!("ctdc-{}-{}", req.kind.as_str(), today);
        let engine_stem = stem.clone();
        let engine_ledger_id = ledger_id.clone();
        let engine = move || -> Result<(Vec<NamedFile>, u64, u64)> {
            let stem = engine_stem;
            let read = ReadOptions {
                zeros,
                ..ReadOptions::default()
            };
            let data = Dataset::read(layout.as_slice(), &read).map_err(CoreError::internal)?;
            let opts = AggregateOptions {
                resolution: k,
                reporting_length: req.reporting_length,
            };
            let agg = haven_release::aggregate(&data, opts)
                .map_err(CoreError::internal)?
                .with_rounding(base);
            let mut manifest = Manifest::for_aggregates(&agg, &data, &layout).with_zeros(&read);
            // The ledger entry names the data; a hash of them would let someone who knows every
            // other case test a guess of the last one.
            manifest.input_sha256 = None;
            manifest.ledger_entry = Some(engine_ledger_id);
            manifest.protection = Some(Protection {
                method: format!(
                    "every count rounded down to a multiple of {base} (this deployment's smallest \
                     cell, whatever k is asked); combinations whose rounded count is below k = {k} \
                     left out; a release whose cases differ from an earlier one's by fewer than \
                     {base} is refused"
                ),
                rounding_base: base,
                threshold: k,
            });
            let protected_count = agg.protected(agg.record_count);
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
                    let protection = manifest.protection.take();
                    let entry = manifest.ledger_entry.take();
                    manifest = Manifest::for_anonymized(&a, &layout);
                    manifest.input_sha256 = None;
                    manifest.protection = protection;
                    manifest.ledger_entry = entry;
                    manifest.protected_record_count =
                        Some(haven_release::protected(a.report.records_out as u64, base));
                    (format!("{stem}.csv"), hxl(out))
                }
                ReleaseKind::Raw => {
                    manifest.method = "raw CTDC-layout rows (not protected: coordinator only)";
                    manifest.protected_record_count = Some(agg.record_count);
                    manifest.combinations_released = None;
                    manifest.resolution = None;
                    manifest.reporting_length = None;
                    manifest.protection = None;
                    manifest.sensitive_zeros = None;
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
                agg.record_count,
            ))
        };
        // The engine is CPU-bound: off the async workers.
        let (files, cases, record_count) = match tokio::task::spawn_blocking(engine)
            .await
            .map_err(CoreError::internal)
        {
            Ok(Ok(r)) => r,
            Ok(Err(e)) | Err(e) => return Err(e),
        };
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
        // The ledger entry and the audit event commit together, before anything is returned.
        let mut ltx = self.db.begin().await?;
        ledger::lock(&mut ltx, self.db.backend()).await?;
        // Read whole again: an entry whose id was drawn before the first check may have been
        // committed since (ids are drawn before the engine runs, entries written after).
        let earlier = ledger::protected_with_tags(&mut ltx).await?;
        if let Err(r) = check(&earlier) {
            ltx.rollback().await?;
            return Err(self.refuse_release(&cap, origin, &req, k, r).await);
        }
        let row_tags = tags_to_bytes(&tags);
        ledger::insert(
            &mut ltx,
            &LedgerRow {
                id: ledger_id.clone(),
                made_at: self.now(),
                user_id: who.user_id,
                kind: req.kind.as_str().to_string(),
                k: k as i64,
                reporting_length: req.reporting_length as i64,
                sensitive_zeros: zeros_json,
                rounding_base: base as i64,
                record_count: record_count as i64,
                protected_count: cases as i64,
                fingerprint: {
                    use sha2::Digest;
                    hex::encode(sha2::Sha256::digest(&row_tags))
                },
                row_tags,
            },
        )
        .await?;
        haven_audit::record(
            &mut ltx,
            self.audit_keys(),
            &actor(who, origin),
            Event::new(action)
                .target("release", &ledger_id)
                .details(serde_json::json!({
                    "kind": req.kind.as_str(),
                    "k": k,
                    "reporting_length": req.reporting_length,
                    "cases": cases,
                })),
            self.now(),
        )
        .await?;
        ltx.commit().await?;
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
