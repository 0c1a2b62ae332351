//! Bringing an agency's existing cases in: a preview that writes nothing, then a commit.
//!
//! The file is read by `haven-interchange` on a blocking thread and handed over in batches
//! through a bounded channel, so memory stays flat however long the file is and reading runs
//! beside the database writes. Each batch is one transaction: a failure part way leaves every
//! earlier batch whole and no half-written case. A row's identity (its submission id, or a
//! digest of its cells) is kept as a keyed digest per agency, so importing the same file again
//! creates nothing twice. Rows with problems are skipped and listed for the error file.
use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::ControlFlow;
use std::sync::Arc;

mod batch;

use haven_audit::{Action, Event};
use haven_authz::{CaseImport, Principal};
use haven_domain::PersonId;
use haven_i18n::{I18n, Lang};
use haven_interchange::{
    Headers, ImportError, ImportRow, Layout, Mapping, Options, SourceFormat, Target, Vocabulary,
};
use haven_store::Conn;
use haven_store::imports as store;
use serde::{Deserialize, Serialize};

use crate::duplicates::TypedPerson;
use crate::{CoreError, Haven, Origin, Result, actor};

pub mod jobs;

/// Rows per transaction: large enough to amortise a commit, small enough to keep a failure's
/// loss and the memory of one batch small.
const BATCH: usize = 2000;
/// Prepared batches waiting for the writer. With the one being written, the batches planned
/// and perhaps not yet committed are `WAITING + 1`: the planner checks their keys itself.
const WAITING: usize = 1;
/// Rows of each kind kept in a preview (the counts cover the whole file).
const PREVIEW_ROWS: usize = 1000;

/// The lookups of headers and values, built once from the translations.
pub struct ImportTables {
    pub i18n: I18n,
    pub headers: Headers,
    pub vocab: Vocabulary,
}

impl std::fmt::Debug for ImportTables {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ImportTables")
    }
}

impl ImportTables {
    pub fn load() -> Result<Arc<ImportTables>> {
        let i18n = I18n::load().map_err(CoreError::internal)?;
        Ok(Arc::new(ImportTables {
            headers: Headers::new(&i18n),
            vocab: Vocabulary::new(&i18n),
            i18n,
        }))
    }
}

/// What the importer chose besides the file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportSettings {
    /// ISO 3166-2 region of identification for rows that give none.
    pub default_region: Option<String>,
    pub mapping: Option<Mapping>,
}

impl ImportSettings {
    fn check(&self) -> Result<()> {
        if let Some(r) = &self.default_region
            && haven_domain::Region::parse(r).is_err()
        {
            return Err(CoreError::invalid("default_region", "error-unknown-code"));
        }
        Ok(())
    }
}

/// What a row of the file becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// A new case (and a new person, unless the same person is earlier in the file).
    Ready,
    /// Skipped: listed in the error file.
    Problems,
    /// Imported before by this agency: skipped.
    AlreadyImported,
}

/// A problem or warning, against its field and column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowProblem {
    pub field: String,
    pub column: String,
    pub key: String,
}

/// One row in the preview.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: usize,
    pub verdict: Verdict,
    pub name: String,
    pub gender: String,
    pub age: Option<i64>,
    pub status: String,
    pub trafficking_status: String,
    pub problems: Vec<RowProblem>,
    pub warnings: Vec<RowProblem>,
    /// The earlier line of the file holding the same person (one person, two cases).
    pub same_person_as: Option<usize>,
    /// Earlier lines the matching engine finds alike (a misspelt name, a swapped date): kept as
    /// separate persons, for the coordinator's duplicate review to decide.
    #[serde(default)]
    pub possibly_same_as: Vec<usize>,
    /// Cases the importer may read that may be of the same person.
    pub matches: Vec<String>,
    /// Agencies holding a possible record of the person the importer may not see ("?" past
    /// the preview's allowance of named agencies).
    pub elsewhere: Vec<String>,
}

/// One column of the file as understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewColumn {
    pub header: String,
    /// A field name, `field=Choice`, `source_id`, `submitted_at` or `ignore`.
    pub target: String,
    /// `data`, `id`, `not_kept`, `meta`, `unknown` or `ignored`.
    pub kind: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub rows: usize,
    pub ready: usize,
    pub with_problems: usize,
    pub already_imported: usize,
    pub same_person_in_file: usize,
    /// Rows the matching engine finds alike another row of the file (not the same exactly).
    #[serde(default)]
    pub possibly_same_in_file: usize,
    pub with_matches: usize,
    /// Cases written (commit only).
    pub created: usize,
}

/// What a commit would do, row by row (the first rows of each kind) and in total.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub layout: Layout,
    pub format: SourceFormat,
    pub columns: Vec<PreviewColumn>,
    pub rows: Vec<PreviewRow>,
    pub counts: ImportCounts,
    pub mapping: Mapping,
}

/// The rows left out of a commit, to give back as a file in the source's layout.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSheet {
    pub format: Option<SourceFormat>,
    pub header: Vec<String>,
    /// (line, cells, problems)
    pub rows: Vec<(usize, Vec<String>, Vec<RowProblem>)>,
}

/// What a commit did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOutcome {
    pub import_id: String,
    pub counts: ImportCounts,
    pub errors: ErrorSheet,
}

enum Msg {
    Rows(Vec<ImportRow>),
    Done(Box<haven_interchange::Plan>, SourceFormat),
    Failed(ImportError),
}

fn problems(list: &[haven_interchange::Problem]) -> Vec<RowProblem> {
    list.iter()
        .map(|p| RowProblem {
            field: p.field.to_string(),
            column: p.column.clone(),
            key: p.key.to_string(),
        })
        .collect()
}

fn column_kind(t: &Target) -> &'static str {
    match t {
        Target::Field(_) | Target::Choice(..) => "data",
        Target::SourceId | Target::SubmittedAt => "id",
        Target::NotKept => "not_kept",
        Target::Meta => "meta",
        Target::Unknown => "unknown",
        Target::Ignored => "ignored",
    }
}

/// One person in the file, as compared for "the same person twice": names folded and the
/// birth date (or assessed age).
fn person_key(r: &ImportRow) -> Option<[u8; 16]> {
    use sha2::Digest;
    let p = &r.record.person;
    let fold = haven_interchange::values::norm;
    let first = fold(&p.first_name);
    if first.is_empty() {
        return None;
    }
    let age = if p.birth_date.is_empty() {
        format!("~{}", p.assessed_age.unwrap_or(-1))
    } else {
        p.birth_date.clone()
    };
    let mut h = sha2::Sha256::new();
    for part in [first, fold(&p.second_name), age] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    Some(k)
}

impl Haven {
    /// Reads `bytes` on a blocking thread; rows arrive in batches on the returned channel.
    fn read_batches(
        &self,
        bytes: Arc<Vec<u8>>,
        settings: &ImportSettings,
    ) -> tokio::sync::mpsc::Receiver<Msg> {
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let tables = self.import_tables.clone();
        let options = Options {
            today: self.today(),
            default_region: settings.default_region.clone(),
            mapping: settings.mapping.clone(),
        };
        tokio::task::spawn_blocking(move || {
            let mut batch = Vec::with_capacity(BATCH);
            let read = haven_interchange::read_file(
                &bytes,
                &tables.headers,
                &tables.vocab,
                options,
                |row| {
                    batch.push(row);
                    if batch.len() == BATCH
                        && tx
                            .blocking_send(Msg::Rows(std::mem::take(&mut batch)))
                            .is_err()
                    {
                        return ControlFlow::Break(());
                    }
                    ControlFlow::Continue(())
                },
            );
            let last = match read {
                Ok((plan, format)) => {
                    if !batch.is_empty() {
                        let _ = tx.blocking_send(Msg::Rows(batch));
                    }
                    Msg::Done(Box::new(plan), format)
                }
                Err(e) => Msg::Failed(e),
            };
            let _ = tx.blocking_send(last);
        });
        rx
    }

    fn import_failed(e: ImportError) -> CoreError {
        tracing::info!(error = %e, "import file refused");
        CoreError::invalid("file", e.user_key())
    }

    /// What importing `bytes` would do, writing nothing but its audit event: each row's
    /// verdict and problems, the same person twice in the file, and possible existing records
    /// in the register (named only where the importer may read them; another agency is named
    /// within the user's hourly allowance of match checks, shared with registration forms and
    /// counted across previews, and shown as "?" beyond it).
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn preview_import(
        &self,
        cap: CaseImport<'_>,
        bytes: Arc<Vec<u8>>,
        settings: &ImportSettings,
        origin: &Origin,
    ) -> Result<ImportPreview> {
        settings.check()?;
        let p = cap.principal();
        let mut rx = self.read_batches(bytes, settings);
        let mut conn = self.db.pool().acquire().await?;
        let mut counts = ImportCounts::default();
        let mut rows = Vec::new();
        let mut seen_keys = HashSet::new();
        let mut persons: HashMap<[u8; 16], usize> = HashMap::new();
        let today = self.today();
        // The file's distinct persons, for the matching engine once the file is read.
        let mut people: Vec<haven_matching::Person> = Vec::new();
        let (plan, format) = loop {
            match rx.recv().await {
                Some(Msg::Rows(batch)) => {
                    let digests: Vec<String> = batch
                        .iter()
                        .map(|r| self.blind.import_key(&p.agency_id.to_string(), &r.key))
                        .collect();
                    let known: HashSet<String> =
                        store::known_keys(&mut conn, p.agency_id, &digests)
                            .await?
                            .into_iter()
                            .collect();
                    for (row, digest) in batch.into_iter().zip(digests) {
                        counts.rows += 1;
                        let verdict = if !row.is_ok() {
                            counts.with_problems += 1;
                            Verdict::Problems
                        } else if known.contains(&digest) || !seen_keys.insert(digest) {
                            counts.already_imported += 1;
                            Verdict::AlreadyImported
                        } else {
                            counts.ready += 1;
                            Verdict::Ready
                        };
                        let mut same_person_as = None;
                        if verdict == Verdict::Ready
                            && let Some(k) = person_key(&row)
                        {
                            match persons.get(&k) {
                                Some(line) => {
                                    same_person_as = Some(*line);
                                    counts.same_person_in_file += 1;
                                }
                                None => {
                                    persons.insert(k, row.line);
                                    let p = &row.record.person;
                                    let age =
                                        p.assessed_age.map(|a| a.to_string()).unwrap_or_default();
                                    people.push(
                                        haven_matching::Person::new(
                                            &row.line.to_string(),
                                            &p.first_name,
                                            &p.second_name,
                                        )
                                        .birth(&p.birth_date)
                                        .age(&age, today.year())
                                        .sex(&p.gender),
                                    );
                                }
                            }
                        }
                        let (mut matches, mut elsewhere) = (Vec::new(), Vec::new());
                        if verdict == Verdict::Ready && same_person_as.is_none() {
                            let person = &row.record.person;
                            let who = TypedPerson {
                                first_name: person.first_name.clone(),
                                family_name: person.second_name.clone(),
                                birth_date: person.birth_date.clone(),
                                sex: person.gender.clone(),
                            };
                            let (report, _) = self.find_matches(&mut conn, p, &who, true).await?;
                            if !report.is_empty() {
                                counts.with_matches += 1;
                            }
                            matches = report.visible.into_iter().map(|m| m.case_number).collect();
                            elsewhere = report.elsewhere;
                            // Naming another agency is what a match check tells: it counts
                            // against the user's hourly allowance of checks, across previews.
                            if !elsewhere.is_empty()
                                && !self.may_name_elsewhere(&mut conn, p).await?
                            {
                                elsewhere = vec!["?".to_string()];
                            }
                        }
                        let keep = match verdict {
                            Verdict::Problems => true,
                            _ => rows.len() < PREVIEW_ROWS,
                        };
                        if keep && rows.len() < 2 * PREVIEW_ROWS {
                            let person = &row.record.person;
                            rows.push(PreviewRow {
                                line: row.line,
                                verdict,
                                name: person.full_name(),
                                gender: person.gender.clone(),
                                age: person.age(today),
                                status: row.status.as_str().to_string(),
                                trafficking_status: row.record.victim.trafficking_status.clone(),
                                problems: problems(&row.problems),
                                warnings: problems(&row.warnings),
                                same_person_as,
                                possibly_same_as: Vec::new(),
                                matches,
                                elsewhere,
                            });
                        }
                    }
                }
                Some(Msg::Done(plan, format)) => break (plan, format),
                Some(Msg::Failed(e)) => return Err(Self::import_failed(e)),
                None => return Err(CoreError::internal("import reader stopped")),
            }
        };
        drop(conn);
        self.alike_in_file(&people, &mut rows, &mut counts).await?;
        let ev = Event::new(Action::ImportPreviewed).details(serde_json::json!({
            "rows": counts.rows,
            "ready": counts.ready,
            "with_problems": counts.with_problems,
            "already_imported": counts.already_imported,
            "with_matches": counts.with_matches,
        }));
        self.record_read(&actor(p, origin), ev).await?;
        Ok(ImportPreview {
            layout: plan.layout,
            format,
            columns: plan
                .columns
                .iter()
                .map(|c| PreviewColumn {
                    header: c.header.clone(),
                    target: c.target.key(),
                    kind: column_kind(&c.target).to_string(),
                })
                .collect(),
            rows,
            counts,
            mapping: plan.mapping(),
        })
    }

    /// Marks the rows the matching engine finds alike an earlier row of the file (on a
    /// blocking thread: the engine estimates its model from the file itself).
    async fn alike_in_file(
        &self,
        people: &[haven_matching::Person],
        rows: &mut [PreviewRow],
        counts: &mut ImportCounts,
    ) -> Result<()> {
        if people.len() < 2 {
            return Ok(());
        }
        let people = people.to_vec();
        let pairs = tokio::task::spawn_blocking(move || {
            let d = haven_matching::dedupe(&people, crate::duplicates::WARN_FROM);
            d.links
                .iter()
                .filter_map(|l| {
                    let a: usize = people[l.left as usize].id.parse().ok()?;
                    let b: usize = people[l.right as usize].id.parse().ok()?;
                    Some((a.min(b), a.max(b)))
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(CoreError::internal)?;
        let mut later: HashSet<usize> = HashSet::new();
        for (earlier, line) in pairs {
            later.insert(line);
            if let Some(r) = rows.iter_mut().find(|r| r.line == line)
                && !r.possibly_same_as.contains(&earlier)
            {
                r.possibly_same_as.push(earlier);
                r.possibly_same_as.sort_unstable();
            }
        }
        counts.possibly_same_in_file = later.len();
        Ok(())
    }

    /// Counts one named match against `p`'s hourly allowance of match checks; `false` once it
    /// is spent (the agency is then not named; nothing is refused).
    async fn may_name_elsewhere(&self, conn: &mut Conn, p: &Principal) -> Result<bool> {
        let t = self.now();
        let n = haven_store::tips::rate_hit(
            conn,
            "match_check",
            &format!("match-check:{}", p.user_id),
            t,
            t - crate::support::RATE_WINDOW_SECS,
        )
        .await?;
        Ok(n <= self.policy.match_checks_per_hour)
    }

    /// Imports `bytes`: rows without problems become cases owned by the importer's agency (one
    /// person per person in the file), in one transaction per batch, each with a
    /// `case.imported` event; then one `import.committed` event with the counts. `progress` is
    /// told the number of rows done after each batch.
    #[tracing::instrument(skip_all, fields(user = %cap.principal().user_id))]
    pub async fn commit_import(
        &self,
        cap: CaseImport<'_>,
        bytes: Arc<Vec<u8>>,
        settings: &ImportSettings,
        origin: &Origin,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> Result<ImportOutcome> {
        settings.check()?;
        let p = cap.principal();
        let import_id = uuid::Uuid::now_v7().to_string();
        let mut rx = self.read_batches(bytes, settings);
        let mut counts = ImportCounts::default();
        let mut errors = ErrorSheet::default();
        let agency = p.agency_id.to_string();
        let a = actor(p, origin);
        // Two stages at once: the planner seals and digests a batch while the writer has the
        // database write the one before (a batch waits between them, so at most two are
        // planned and not yet committed).
        let (to_writer, planned_rx) = tokio::sync::mpsc::channel::<batch::Prepared>(WAITING);
        let planner = async {
            // Owned here: the writer ends once the planner is done and this is dropped.
            let to_writer = to_writer;
            // The persons of the file so far: the one map that grows with the file (32 bytes
            // a person); rows imported before are found in the database, batch by batch.
            let mut persons: HashMap<[u8; 16], PersonId> = HashMap::new();
            // The keys of the batches planned and perhaps not committed yet (not yet in
            // `import_keys`): the channel's one plus the one being written.
            let mut in_flight: VecDeque<HashSet<String>> = VecDeque::new();
            loop {
                let batch = match rx.recv().await {
                    Some(Msg::Rows(batch)) => batch,
                    Some(Msg::Done(plan, format)) => {
                        errors.format = Some(format);
                        errors.header = plan.columns.iter().map(|c| c.header.clone()).collect();
                        return Ok(());
                    }
                    Some(Msg::Failed(e)) => return Err(Self::import_failed(e)),
                    None => return Err(CoreError::internal("import reader stopped")),
                };
                let digests: Vec<String> = batch
                    .iter()
                    .map(|r| self.blind.import_key(&agency, &r.key))
                    .collect();
                let known: HashSet<String> = {
                    let mut conn = self.db.pool().acquire().await?;
                    store::known_keys(&mut conn, p.agency_id, &digests)
                        .await?
                        .into_iter()
                        .collect()
                };
                // (row index, key digest, person, new person)
                let mut planned = Vec::with_capacity(batch.len());
                let mut batch_keys = HashSet::new();
                for (i, (row, digest)) in batch.iter().zip(digests).enumerate() {
                    counts.rows += 1;
                    if !row.is_ok() {
                        counts.with_problems += 1;
                        errors
                            .rows
                            .push((row.line, row.cells.clone(), problems(&row.problems)));
                        continue;
                    }
                    if known.contains(&digest)
                        || in_flight.iter().any(|k| k.contains(&digest))
                        || !batch_keys.insert(digest.clone())
                    {
                        counts.already_imported += 1;
                        continue;
                    }
                    let key = person_key(row);
                    // A person planned in an earlier batch is written by the time this one
                    // is (batches are written in order, and a failed one ends the import).
                    let (person, new_person) = match key.and_then(|k| persons.get(&k).copied()) {
                        Some(id) => {
                            counts.same_person_in_file += 1;
                            (id, false)
                        }
                        None => {
                            let id = PersonId::new();
                            if let Some(k) = key {
                                persons.insert(k, id);
                            }
                            (id, true)
                        }
                    };
                    planned.push((i, digest, person, new_person));
                }
                // Sealing and digests on a thread of their own, beside the writer's.
                let (haven, id, through) = (self.clone(), import_id.clone(), counts.rows);
                let who = (p.agency_id, p.user_id);
                let prepared = tokio::task::spawn_blocking(move || {
                    let planned: Vec<batch::Planned<'_>> = planned
                        .into_iter()
                        .map(|(i, digest, person, new_person)| batch::Planned {
                            row: &batch[i],
                            digest,
                            person,
                            new_person,
                        })
                        .collect();
                    haven.prepare_import_batch(who, &id, &planned, through)
                })
                .await
                .map_err(CoreError::internal)??;
                if in_flight.len() == WAITING + 1 {
                    in_flight.pop_front();
                }
                in_flight.push_back(batch_keys);
                if to_writer.send(prepared).await.is_err() {
                    // The writer failed; its error is the import's.
                    return Ok(());
                }
            }
        };
        let writer = async {
            // Owned here too: a failed writer ends, dropping it, and the planner's next send
            // fails instead of waiting forever for a reader that is gone.
            let mut planned_rx = planned_rx;
            let mut created = 0;
            while let Some(prepared) = planned_rx.recv().await {
                let through = prepared.rows_through;
                let written: Result<usize> = async {
                    let mut tx = self.db.begin().await?;
                    let n = self
                        .write_prepared(&mut tx, &cap, &import_id, prepared, &a)
                        .await?;
                    tx.commit().await?;
                    Ok(n)
                }
                .await;
                match written {
                    // Only what is committed counts.
                    Ok(n) => created += n,
                    Err(e) => return (created, Err(e)),
                }
                progress(through);
            }
            (created, Ok(()))
        };
        let (planned, (created, written)) = tokio::join!(planner, writer);
        counts.created = created;
        let result = written.and(planned);
        counts.ready = counts.created;
        let ev = Event::new(Action::ImportCommitted)
            .target("import", &import_id)
            .outcome(if result.is_ok() { "ok" } else { "failed" })
            .details(serde_json::json!({
                "rows": counts.rows,
                "created": counts.created,
                "with_problems": counts.with_problems,
                "already_imported": counts.already_imported,
                "same_person_in_file": counts.same_person_in_file,
            }));
        self.record_read(&a, ev).await?;
        result?;
        Ok(ImportOutcome {
            import_id,
            counts,
            errors,
        })
    }

    /// The error file of a commit, in its source's layout (CSV or XLSX) with a last column of
    /// problems in `lang`.
    pub fn import_error_file(
        &self,
        sheet: &ErrorSheet,
        lang: Lang,
    ) -> Result<(Vec<u8>, &'static str)> {
        let i18n = &self.import_tables.i18n;
        let mut header = sheet.header.clone();
        header.push(i18n.t(lang, "import-error-column"));
        let rows: Vec<Vec<String>> = sheet
            .rows
            .iter()
            .map(|(_, cells, problems)| {
                let mut r = cells.clone();
                r.resize(sheet.header.len(), String::new());
                let text = problems
                    .iter()
                    .map(|p| {
                        let field = i18n.t(lang, &format!("field-{}", p.field));
                        let what = i18n.t(lang, &p.key);
                        if p.column.is_empty() {
                            format!("{field}: {what}")
                        } else {
                            format!("{} ({field}): {what}", p.column)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                r.push(text);
                r
            })
            .collect();
        match sheet.format {
            Some(SourceFormat::Csv) | None => Ok((
                haven_interchange::write::csv(&header, &rows).map_err(CoreError::internal)?,
                "csv",
            )),
            _ => Ok((
                haven_interchange::write::xlsx(&header, &rows).map_err(CoreError::internal)?,
                "xlsx",
            )),
        }
    }
}
