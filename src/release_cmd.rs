//! `haven release ...` (safe statistical releases from a file) and `haven bench release`.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use haven_release::dp::{BudgetLedger, ContributionBound, DpOptions};
use haven_release::{AggregateOptions, Dataset, Manifest, ReadOptions};

#[derive(Subcommand)]
pub(crate) enum ReleaseCmd {
    /// k-protected aggregate counts (SDS aggregate TSV) of a CSV/TSV file of categorical records
    Aggregate(AggregateArgs),
    /// Synthetic records (CSV) in which every combination of up to the reporting length is held
    /// by at least k source records, and nothing is invented
    Synthesize(AggregateArgs),
    /// Differentially private aggregate counts (SDS aggregate TSV) and, with --synthetic, records
    /// drawn from them alone; each release is charged to the privacy budget ledger first
    Dp(DpArgs),
    /// Shows the privacy budget ledger, or creates it with --init
    Budget(BudgetArgs),
    /// k-anonymous records (CSV): quasi-identifiers generalised (age band to majority status,
    /// country to UN M49 sub-region and region, year to period) and locally suppressed with the
    /// least information loss, then l-diversity of the exploitation-type flags enforced
    Anonymize(AnonymizeArgs),
}

#[derive(Args)]
pub(crate) struct AnonymizeArgs {
    /// Input CSV (or TSV with --tsv); first line is the header; blank cells are missing values
    #[arg(long)]
    input: PathBuf,
    /// Output CSV; a manifest is written beside it as OUTPUT.manifest.json
    #[arg(long)]
    output: PathBuf,
    /// Smallest group of records sharing their quasi-identifiers
    #[arg(long, default_value_t = 11)]
    k: usize,
    /// Quasi-identifier columns (comma-separated); default gender, ageBroad, citizenship,
    /// CountryOfExploitation, yearOfRegistration, Datasource and the majority-status columns,
    /// those present
    #[arg(long, value_delimiter = ',')]
    quasi_identifiers: Vec<String>,
    /// Further columns holding ISO 3166 country codes
    #[arg(long, value_delimiter = ',')]
    country_columns: Vec<String>,
    /// Largest share of records whose quasi-identifiers may be suppressed (0 to 1)
    #[arg(long, default_value_t = 0.05)]
    max_suppression: f64,
    /// Distinct values each group must show in every sensitive column (1: no check)
    #[arg(long, default_value_t = 2)]
    l: usize,
    /// Sensitive columns (comma-separated); default isForcedLabour, isSexualExploit, isOtherExploit
    #[arg(long, value_delimiter = ',')]
    sensitive: Vec<String>,
    /// Only report classes below l, do not blank their sensitive values
    #[arg(long)]
    report_l_only: bool,
    /// The input is tab-separated
    #[arg(long)]
    tsv: bool,
}

#[derive(Args)]
pub(crate) struct DpArgs {
    /// Input CSV (or TSV with --tsv); first line is the header; blank cells are missing values
    #[arg(long)]
    input: PathBuf,
    /// Output TSV of noisy aggregate counts; a manifest is written beside it as
    /// OUTPUT.manifest.json
    #[arg(long)]
    output: PathBuf,
    /// Also write synthetic records (CSV, the input's columns) drawn from the noisy counts
    #[arg(long)]
    synthetic: Option<PathBuf>,
    /// ε of this release
    #[arg(long)]
    epsilon: f64,
    /// δ of this release
    #[arg(long, default_value_t = 1e-6)]
    delta: f64,
    /// Longest attribute combination counted (1 to 4)
    #[arg(long, default_value_t = 3)]
    reporting_length: usize,
    /// At most this many values per record count (the rest are dropped at random); by default
    /// the 99th percentile of record lengths, estimated privately
    #[arg(long)]
    max_attributes: Option<usize>,
    /// With multi-value columns: the most values a record can hold (public bound for the
    /// percentile estimate; default the number of columns)
    #[arg(long)]
    max_record_length: Option<usize>,
    /// The privacy budget ledger of this deployment (create it with `haven release budget --init`)
    #[arg(long, env = "HAVEN_PRIVACY_LEDGER")]
    ledger: PathBuf,
    /// What the release is for, recorded in the ledger
    #[arg(long, default_value = "")]
    label: String,
    /// The input is tab-separated
    #[arg(long)]
    tsv: bool,
    /// A column holding several values: COLUMN=SEPARATOR (repeat for several columns)
    #[arg(long = "multi-value", value_name = "COLUMN=SEPARATOR")]
    multi_value: Vec<String>,
    /// Columns where a `0` is a value to protect (comma-separated or repeated). Elsewhere a `0`
    /// is no value, as in SDS: a 0/1 flag's 0 says "not this" and is not counted
    #[arg(long = "sensitive-zeros", value_delimiter = ',', value_name = "COLUMN")]
    sensitive_zeros: Vec<String>,
    /// Count every `0` as a value in every column (Haven before SDS compatibility)
    #[arg(long, conflicts_with = "sensitive_zeros")]
    zeros_are_values: bool,
}

#[derive(Args)]
pub(crate) struct BudgetArgs {
    /// The privacy budget ledger file
    #[arg(long, env = "HAVEN_PRIVACY_LEDGER")]
    ledger: PathBuf,
    /// Create the ledger with the deployment's total budget (--epsilon, --delta)
    #[arg(long, requires_all = ["epsilon", "delta"])]
    init: bool,
    /// Total ε of the deployment (with --init)
    #[arg(long)]
    epsilon: Option<f64>,
    /// Total δ of the deployment (with --init)
    #[arg(long)]
    delta: Option<f64>,
}

#[derive(Args)]
pub(crate) struct AggregateArgs {
    /// Input CSV (or TSV with --tsv); first line is the header; blank cells are missing values
    #[arg(long)]
    input: PathBuf,
    /// Output file (TSV of aggregates, or CSV of synthetic records); a manifest is written beside
    /// it as OUTPUT.manifest.json
    #[arg(long)]
    output: PathBuf,
    /// k: smallest group ever reported, and the rounding step of every count
    #[arg(long, default_value_t = 11)]
    resolution: u64,
    /// Longest attribute combination counted (1 to 4)
    #[arg(long, default_value_t = 3)]
    reporting_length: usize,
    /// The input is tab-separated
    #[arg(long)]
    tsv: bool,
    /// A column holding several values: COLUMN=SEPARATOR (repeat for several columns)
    #[arg(long = "multi-value", value_name = "COLUMN=SEPARATOR")]
    multi_value: Vec<String>,
    /// Columns where a `0` is a value to protect (comma-separated or repeated). Elsewhere a `0`
    /// is no value, as in SDS: a 0/1 flag's 0 says "not this" and is not counted
    #[arg(long = "sensitive-zeros", value_delimiter = ',', value_name = "COLUMN")]
    sensitive_zeros: Vec<String>,
    /// Count every `0` as a value in every column (Haven before SDS compatibility)
    #[arg(long, conflicts_with = "sensitive_zeros")]
    zeros_are_values: bool,
}

#[derive(Subcommand)]
pub(crate) enum BenchCmd {
    /// Time k-protected aggregation on generated CTDC-shaped data
    Release {
        /// Row counts to run (comma-separated)
        #[arg(long, value_delimiter = ',', default_value = "50000,200000,1000000")]
        rows: Vec<usize>,
        /// Reporting lengths to run (comma-separated)
        #[arg(long, value_delimiter = ',', default_value = "3,4")]
        lengths: Vec<usize>,
        /// k
        #[arg(long, default_value_t = 10)]
        resolution: u64,
        /// Also time the synthesis of as many records
        #[arg(long)]
        synthesize: bool,
    },
    /// Time duplicate detection on generated people with known truth, and measure its accuracy
    Match {
        /// Record counts to run (comma-separated)
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        records: Vec<usize>,
        /// Probability from which a pair counts as a link
        #[arg(long, default_value_t = 0.9)]
        threshold: f64,
        /// Also write the generated records of the first size as CSV (to run another tool on
        /// the same data): id, person, first_name, last_name, birth_date, sex, phone
        #[arg(long)]
        sample: Option<PathBuf>,
    },
    /// Name search on the name-variant benchmark: share of variants found, by kind, and other
    /// names found per query, for the index before issue 18 (Double Metaphone) and now
    Names,
    /// Time privacy-preserving linkage: encoding, Dice comparisons per second on one thread,
    /// and linkage accuracy between two organisations' generated records
    Pprl {
        /// Record counts to generate (comma-separated); each person's first record goes to
        /// one organisation, the second to the other
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        records: Vec<usize>,
        /// Dice similarity from which a pair counts as a link
        #[arg(long, default_value_t = 0.6)]
        threshold: f64,
    },
    /// Time case import (`commit_import`) of generated HTCDS CSV files of valid rows on a fresh
    /// SQLite deployment, and on PostgreSQL when HAVEN_BENCH_POSTGRES_URL names a server where
    /// a database may be created; each run in a process of its own (its peak memory its own)
    Import {
        /// Row counts to run (comma-separated)
        #[arg(long, value_delimiter = ',', default_value = "10000,100000")]
        rows: Vec<usize>,
        /// Run one size on this backend in this process (how the runs are started)
        #[arg(long, hide = true)]
        child: Option<String>,
    },
    /// Write the benchmark's fictional CTDC-shaped data to a CSV file (to run other tools on the
    /// same data)
    Sample {
        #[arg(long)]
        rows: usize,
        #[arg(long)]
        output: PathBuf,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
}

fn read_options(
    tsv: bool,
    multi: &[String],
    sensitive_zeros: &[String],
    zeros_are_values: bool,
) -> Result<ReadOptions> {
    let mut multi_value = Vec::new();
    for m in multi {
        let Some((col, sep)) = m.split_once('=') else {
            bail!("--multi-value {m:?}: write COLUMN=SEPARATOR, e.g. meansOfControlConcatenated=;");
        };
        if sep.is_empty() {
            bail!("--multi-value {m:?}: the separator is empty");
        }
        multi_value.push((col.to_string(), sep.to_string()));
    }
    Ok(ReadOptions {
        delimiter: if tsv { b'\t' } else { b',' },
        multi_value,
        zeros: if zeros_are_values {
            haven_release::Zeros::Values
        } else {
            haven_release::Zeros::SensitiveIn(sensitive_zeros.to_vec())
        },
    })
}

/// Writes `bytes` next to `path` under a temporary name, then renames: a failed run leaves no
/// half-written release behind.
pub(crate) fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<()>,
) -> Result<()> {
    let tmp = path.with_extension("partial");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot create {}", tmp.display()))?;
    let res = write(&mut f).and_then(|_| f.sync_all().context("writing the output"));
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// Holds `LEDGER.lock` while a release reads, charges and saves the ledger, so that two releases
/// at once cannot both spend the last of the budget.
struct LedgerLock(PathBuf);

impl LedgerLock {
    fn take(ledger: &Path) -> Result<LedgerLock> {
        let path = PathBuf::from(format!("{}.lock", ledger.display()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => Ok(LedgerLock(path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "another release is using the privacy ledger ({} exists); if none is running, remove that file",
                path.display()
            ),
            Err(e) => Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
}

impl Drop for LedgerLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A spinner with the phase's name on a terminal (nothing otherwise): the phases of a release
/// take seconds to minutes and have no natural unit of progress.
fn spinner(what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    pb.set_message(what.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn budget(a: BudgetArgs) -> Result<()> {
    if a.init {
        if a.ledger.exists() {
            bail!(
                "{} already exists: a deployment has one budget, which is never reset",
                a.ledger.display()
            );
        }
        let (Some(epsilon), Some(delta)) = (a.epsilon, a.delta) else {
            bail!("--init needs --epsilon and --delta");
        };
        let _lock = LedgerLock::take(&a.ledger)?;
        BudgetLedger::new(epsilon, delta)?.save(&a.ledger)?;
    }
    let ledger = BudgetLedger::load(&a.ledger).with_context(|| {
        format!(
            "no usable privacy ledger at {}; create one with `haven release budget --init --epsilon E --delta D --ledger {}`",
            a.ledger.display(),
            a.ledger.display()
        )
    })?;
    let spent = ledger.spent();
    let left = ledger.remaining();
    println!(
        "budget ε = {}, δ = {}; spent ε = {}, δ = {} in {} releases; remaining ε = {}, δ = {}",
        ledger.epsilon_total,
        ledger.delta_total,
        spent.epsilon,
        spent.delta,
        ledger.entries.len(),
        left.epsilon,
        left.delta
    );
    for (n, e) in ledger.entries.iter().enumerate() {
        println!(
            "{}\t{}\tε = {}\tδ = {}\t{}",
            n + 1,
            e.at,
            e.epsilon,
            e.delta,
            e.label
        );
    }
    Ok(())
}

fn dp(a: DpArgs) -> Result<()> {
    let read = read_options(
        a.tsv,
        &a.multi_value,
        &a.sensitive_zeros,
        a.zeros_are_values,
    )?;
    let bytes =
        std::fs::read(&a.input).with_context(|| format!("cannot read {}", a.input.display()))?;
    let t0 = Instant::now();
    let data =
        Dataset::read(bytes.as_slice(), &read).with_context(|| format!("{}", a.input.display()))?;
    let mut opts = DpOptions::new(a.epsilon, a.delta, a.reporting_length);
    if let Some(m) = a.max_attributes {
        opts.contribution = ContributionBound::Fixed(m);
    }
    opts.max_record_length = a.max_record_length;
    // Everything that can be refused is refused before the budget is charged.
    opts.validate()?;
    // Fail closed: the charge is saved before anything is computed or written, so no output
    // can exist that the ledger does not count.
    let entry = {
        let _lock = LedgerLock::take(&a.ledger)?;
        let mut ledger = BudgetLedger::load(&a.ledger).with_context(|| {
            format!(
                "no usable privacy ledger at {}; create one with `haven release budget --init --epsilon E --delta D --ledger {}`",
                a.ledger.display(),
                a.ledger.display()
            )
        })?;
        ledger.charge(
            a.epsilon,
            a.delta,
            &a.label,
            &now_rfc3339(),
            &haven_release::fingerprint(&bytes),
        )?;
        ledger.save(&a.ledger)?;
        format!(
            "privacy ledger entry {} ({})",
            ledger.entries.len(),
            a.ledger
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        )
    };
    let phase = spinner("noisy counts");
    let agg = haven_release::dp::dp_aggregate(&data, &opts)?;
    phase.finish_and_clear();
    write_atomically(&a.output, |f| {
        let mut w = std::io::BufWriter::new(f);
        agg.write_tsv(&data, &mut w)?;
        w.flush()?;
        Ok(())
    })?;
    let mut synthetic = 0;
    if let Some(path) = &a.synthetic {
        let phase = spinner("synthesising");
        let s = agg.synthesize(&data, None)?;
        phase.finish_and_clear();
        let sep = read
            .multi_value
            .first()
            .map(|(_, sep)| sep.clone())
            .unwrap_or_else(|| ";".into());
        write_atomically(path, |f| {
            s.write_csv(&data, &sep, std::io::BufWriter::new(f))?;
            Ok(())
        })?;
        synthetic = s.records.len();
    }
    let manifest = Manifest::for_dp(&agg, &entry).with_zeros(&read);
    write_manifest(&a.output, &manifest)?;
    eprintln!(
        "noisy record count {}, {} combinations released{} (ε = {}, δ = {}, charged to {entry}) in {:.2} s: {}",
        agg.noisy_record_count,
        agg.combinations.len(),
        if a.synthetic.is_some() {
            format!(", {synthetic} synthetic records")
        } else {
            String::new()
        },
        a.epsilon,
        a.delta,
        t0.elapsed().as_secs_f64(),
        a.output.display()
    );
    Ok(())
}

fn anonymize(a: AnonymizeArgs) -> Result<()> {
    use haven_release::anonymize::{AnonymizeOptions, DEFAULT_QUASI_IDENTIFIERS};
    let bytes =
        std::fs::read(&a.input).with_context(|| format!("cannot read {}", a.input.display()))?;
    let t0 = Instant::now();
    let delimiter = if a.tsv { b'\t' } else { b',' };
    // By default the majority columns join the CTDC quasi-identifiers when the file has them:
    // copied through, they would tell minor from adult where the age band is suppressed.
    let quasi_identifiers = if a.quasi_identifiers.is_empty() {
        let header = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .from_reader(bytes.as_slice())
            .headers()
            .map(|h| h.iter().map(str::to_string).collect::<Vec<_>>())
            .unwrap_or_default();
        let mut qis: Vec<String> = DEFAULT_QUASI_IDENTIFIERS
            .iter()
            .map(|s| s.to_string())
            .collect();
        for extra in ["majorityStatus", "majorityStatusAtExploit"] {
            if header.iter().any(|h| h == extra) {
                qis.push(extra.to_string());
            }
        }
        // Defaults absent from the file are skipped.
        qis.retain(|q| header.iter().any(|h| h == q));
        Some(qis)
    } else {
        Some(a.quasi_identifiers.clone())
    };
    let opts = AnonymizeOptions {
        delimiter,
        k: a.k,
        quasi_identifiers,
        country_columns: a.country_columns.clone(),
        max_suppression_rate: a.max_suppression,
        l: a.l,
        sensitive: (!a.sensitive.is_empty()).then(|| a.sensitive.clone()),
        enforce_l_diversity: !a.report_l_only,
    };
    let phase = spinner("generalising");
    let result = haven_release::anonymize::anonymize(bytes.as_slice(), &opts)
        .with_context(|| format!("{}", a.input.display()))?;
    write_atomically(&a.output, |f| {
        let mut w = std::io::BufWriter::new(f);
        result.write_csv(&mut w)?;
        w.flush()?;
        Ok(())
    })?;
    write_manifest(&a.output, &Manifest::for_anonymized(&result, &bytes))?;
    phase.finish_and_clear();
    let r = &result.report;
    eprintln!(
        "{} records, {} classes (smallest {}), {} suppressed, information loss {:.3} ({}); {} in {:.2} s: {}",
        r.records_out,
        r.classes,
        r.smallest_class,
        r.records_suppressed,
        r.information_loss.value,
        r.quasi_identifiers
            .iter()
            .map(|q| q.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        if r.l_diversity.violating_classes > 0 {
            format!(
                "{} classes below l = {} ({} values blanked)",
                r.l_diversity.violating_classes, r.l_diversity.l, r.l_diversity.values_blanked
            )
        } else {
            "l-diversity holds".to_string()
        },
        t0.elapsed().as_secs_f64(),
        a.output.display()
    );
    Ok(())
}

fn write_manifest(output: &Path, manifest: &Manifest) -> Result<()> {
    let mpath = PathBuf::from(format!("{}.manifest.json", output.display()));
    write_atomically(&mpath, |f| {
        serde_json::to_writer_pretty(&mut *f, manifest)?;
        Ok(())
    })
}

pub(crate) fn release(cmd: ReleaseCmd) -> Result<()> {
    let (a, synth) = match cmd {
        ReleaseCmd::Aggregate(a) => (a, false),
        ReleaseCmd::Synthesize(a) => (a, true),
        ReleaseCmd::Dp(a) => return dp(a),
        ReleaseCmd::Budget(a) => return budget(a),
        ReleaseCmd::Anonymize(a) => return anonymize(a),
    };
    let opts = read_options(
        a.tsv,
        &a.multi_value,
        &a.sensitive_zeros,
        a.zeros_are_values,
    )?;
    let bytes =
        std::fs::read(&a.input).with_context(|| format!("cannot read {}", a.input.display()))?;
    let t0 = Instant::now();
    let phase = spinner("reading");
    let data =
        Dataset::read(bytes.as_slice(), &opts).with_context(|| format!("{}", a.input.display()))?;
    phase.set_message("counting combinations");
    let agg = haven_release::aggregate(
        &data,
        AggregateOptions {
            resolution: a.resolution,
            reporting_length: a.reporting_length,
        },
    )?;
    let mut manifest = Manifest::for_aggregates(&agg, &data, &bytes).with_zeros(&opts);
    let summary = if synth {
        phase.set_message("synthesising");
        let s = haven_release::synthesize(&data, &agg);
        // Multi-value cells are written back with their own separator (the first one given).
        let sep = opts
            .multi_value
            .first()
            .map(|(_, sep)| sep.clone())
            .unwrap_or_else(|| ";".into());
        write_atomically(&a.output, |f| {
            s.write_csv(&data, &sep, std::io::BufWriter::new(f))?;
            Ok(())
        })?;
        manifest.method = "synthetic records seeded by the source, k-protected combinations";
        manifest.utility = Some(s.utility.clone());
        format!(
            "{} synthetic records, {:.1} % of reportable combinations preserved, {} of {} values suppressed",
            s.records.len(),
            s.utility.preserved_share * 100.0,
            s.utility.values_suppressed,
            s.utility.values_total
        )
    } else {
        write_atomically(&a.output, |f| {
            let mut w = std::io::BufWriter::new(f);
            agg.write_tsv(&data, &mut w)?;
            w.flush()?;
            Ok(())
        })?;
        format!("{} combinations released", agg.combinations.len())
    };
    write_manifest(&a.output, &manifest)?;
    phase.finish_and_clear();
    eprintln!(
        "{} records: {summary} (k = {}, up to {} attributes) in {:.2} s: {}",
        data.records.len(),
        a.resolution,
        a.reporting_length,
        t0.elapsed().as_secs_f64(),
        a.output.display()
    );
    Ok(())
}

/// Peak resident memory of this process so far (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub(crate) fn bench(cmd: BenchCmd) -> Result<()> {
    match cmd {
        BenchCmd::Match {
            records,
            threshold,
            sample,
        } => {
            println!(
                "records\tseconds\tcandidate_pairs\ttrue_pairs\tblocking_recall\tprecision\trecall\tf1\tpeak_rss_mib"
            );
            for (k, n) in records.into_iter().enumerate() {
                let (people, truth) = haven_matching::synth::people(n, 7);
                if let (0, Some(path)) = (k, &sample) {
                    write_atomically(path, |f| {
                        writeln!(f, "id,person,first_name,last_name,birth_date,sex,phone")?;
                        for (p, t) in people.iter().zip(&truth) {
                            let b = p
                                .birth
                                .map(|b| match (b.month, b.day) {
                                    (Some(m), Some(d)) => format!("{}-{m:02}-{d:02}", b.year),
                                    (Some(m), None) => format!("{}-{m:02}", b.year),
                                    _ => b.year.to_string(),
                                })
                                .unwrap_or_default();
                            writeln!(
                                f,
                                "{},{t},{},{},{b},{},{}",
                                p.id, p.first, p.last, p.sex, p.phone
                            )?;
                        }
                        Ok(())
                    })?;
                }
                let t0 = Instant::now();
                let d = haven_matching::dedupe(&people, threshold);
                let secs = t0.elapsed().as_secs_f64();
                let a = haven_matching::accuracy(&people, &truth, &d);
                println!(
                    "{n}\t{secs:.2}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.0}",
                    d.candidate_pairs,
                    a.true_pairs,
                    a.blocking_recall,
                    a.precision,
                    a.recall,
                    a.f1,
                    peak_rss_mib().unwrap_or(0.0)
                );
            }
            Ok(())
        }
        BenchCmd::Names => {
            use haven_matching::variants::{
                KINDS, Method, crossed_register, evaluate, evaluate_queries, prefix_queries,
                register, variants,
            };
            let pairs = variants();
            let methods = [
                ("Double Metaphone (v2)", Method::DoubleMetaphone),
                ("sound key ±1 (v3)", Method::SoundKeyOneOff),
                (
                    "+ spelling ±1 (v4, duplicate check)",
                    Method::SoundAndSpellingOneOff,
                ),
                ("+ prefixes (v4, search box)", Method::WithPrefixes),
            ];
            let reports: Vec<_> = methods.iter().map(|(_, m)| evaluate(*m, &pairs)).collect();
            println!(
                "{} labelled pairs; register {} names, crossed register {} names",
                pairs.len(),
                register().len(),
                crossed_register().len()
            );
            let head: Vec<&str> = methods.iter().map(|m| m.0).collect();
            println!("| kind | pairs | {} |", head.join(" | "));
            println!("| --- | --- |{}", " --- |".repeat(methods.len()));
            for (i, (kind, _)) in KINDS.iter().enumerate() {
                let (_, n, _) = reports[0].by_kind[i];
                let found: Vec<String> =
                    reports.iter().map(|r| r.by_kind[i].2.to_string()).collect();
                println!("| {kind} | {n} | {} |", found.join(" | "));
            }
            type Figure = fn(&haven_matching::variants::Report) -> String;
            let figures: [(&str, Figure); 5] = [
                ("single-sound recall", |r| {
                    format!("{:.1} %", r.sound_recall * 100.0)
                }),
                ("single-edit recall", |r| {
                    format!("{:.1} %", r.edit_recall * 100.0)
                }),
                ("other names found per query (register)", |r| {
                    format!("{:.3}", r.false_hits_per_query)
                }),
                ("other names found per query (crossed register)", |r| {
                    format!("{:.3}", r.crossed_false_hits_per_query)
                }),
                ("non-variants taken for each other", |r| {
                    r.confused.to_string()
                }),
            ];
            for (label, f) in figures {
                let v: Vec<String> = reports.iter().map(f).collect();
                println!("| {label} | | {} |", v.join(" | "));
            }
            let q = prefix_queries();
            let v: Vec<String> = methods
                .iter()
                .map(|(_, m)| {
                    let (found, others) = evaluate_queries(*m, &q);
                    format!("{:.1} % / {others:.2}", found * 100.0)
                })
                .collect();
            println!(
                "| first 3, 4 or 5 letters of each word: found / others per query | {} | {} |",
                q.len(),
                v.join(" | ")
            );
            Ok(())
        }
        BenchCmd::Pprl { records, threshold } => {
            use haven_matching::pprl;
            let enc = pprl::Encoder::new(b"benchmark secret, not a real one")?;
            // Dice throughput: every pair of 4,000 filters, on one thread.
            let (people, _) = haven_matching::synth::people(4_000, 3);
            let filters: Vec<[u64; 16]> = people.iter().map(|p| enc.encode(p).filter).collect();
            let ones: Vec<u32> = filters
                .iter()
                .map(haven_matching::popcount::count)
                .collect();
            let t0 = Instant::now();
            let mut above = 0u64;
            for (a, oa) in filters.iter().zip(&ones) {
                for (b, ob) in filters.iter().zip(&ones) {
                    if pprl::dice_counted(a, *oa, b, *ob) >= threshold {
                        above += 1;
                    }
                }
            }
            let secs = t0.elapsed().as_secs_f64();
            let n = (filters.len() * filters.len()) as f64;
            println!(
                "dice\tkernel={}\tcomparisons={n}\tseconds={secs:.3}\tper_second_per_thread={:.1}M\t(above: {above})",
                haven_matching::popcount::kernel(),
                n / secs / 1e6
            );
            println!(
                "records\tleft\tright\tencode_s\tlink_s\tcandidate_pairs\tprecision\trecall\tf1\tpeak_rss_mib"
            );
            for n in records {
                let (people, truth) = haven_matching::synth::people(n, 7);
                let t0 = Instant::now();
                let encoded = enc.encode_all(&people);
                let encode_s = t0.elapsed().as_secs_f64();
                let mut seen = std::collections::HashMap::new();
                let (mut left, mut right) = (Vec::new(), Vec::new());
                for (i, t) in truth.iter().enumerate() {
                    let k = seen.entry(*t).or_insert(0);
                    match *k {
                        0 => left.push(i),
                        _ if *k == 1 => right.push(i),
                        _ => {}
                    }
                    *k += 1;
                }
                let l: Vec<_> = left.iter().map(|&i| encoded[i].clone()).collect();
                let r: Vec<_> = right.iter().map(|&i| encoded[i].clone()).collect();
                let t1 = Instant::now();
                let found = pprl::link_encoded(&l, &r, threshold);
                let link_s = t1.elapsed().as_secs_f64();
                let correct = found
                    .pairs
                    .iter()
                    .filter(|(x, y, _)| truth[left[*x as usize]] == truth[right[*y as usize]])
                    .count() as f64;
                let precision = correct / found.pairs.len().max(1) as f64;
                let recall = correct / right.len().max(1) as f64;
                let f1 = 2.0 * precision * recall / (precision + recall).max(f64::MIN_POSITIVE);
                println!(
                    "{n}\t{}\t{}\t{encode_s:.2}\t{link_s:.2}\t{}\t{precision:.4}\t{recall:.4}\t{f1:.4}\t{:.0}",
                    l.len(),
                    r.len(),
                    found.candidate_pairs,
                    peak_rss_mib().unwrap_or(0.0)
                );
            }
            Ok(())
        }
        BenchCmd::Import { rows, child } => crate::import_bench::run(&rows, child.as_deref()),
        BenchCmd::Sample { rows, output, seed } => write_atomically(&output, |f| {
            f.write_all(haven_release::ctdc_like_csv(rows, seed).as_bytes())?;
            Ok(())
        }),
        BenchCmd::Release {
            rows,
            lengths,
            resolution,
            synthesize,
        } => {
            println!(
                "rows\tlength\tread_s\taggregate_s\tcombinations\tsynthesize_s\tpreserved\tpeak_rss_mib"
            );
            for n in rows {
                let csv = haven_release::ctdc_like_csv(n, 7);
                let t0 = Instant::now();
                let data = Dataset::read(csv.as_bytes(), &ReadOptions::default())?;
                let read = t0.elapsed().as_secs_f64();
                drop(csv);
                for &len in &lengths {
                    let t1 = Instant::now();
                    let agg = haven_release::aggregate(
                        &data,
                        AggregateOptions {
                            resolution,
                            reporting_length: len,
                        },
                    )?;
                    let aggregate_s = t1.elapsed().as_secs_f64();
                    let (synth_s, preserved) = if synthesize {
                        let t2 = Instant::now();
                        let s = haven_release::synthesize(&data, &agg);
                        (
                            format!("{:.2}", t2.elapsed().as_secs_f64()),
                            format!("{:.3}", s.utility.preserved_share),
                        )
                    } else {
                        ("-".into(), "-".into())
                    };
                    println!(
                        "{n}\t{len}\t{read:.2}\t{aggregate_s:.2}\t{}\t{synth_s}\t{preserved}\t{:.0}",
                        agg.combinations.len(),
                        peak_rss_mib().unwrap_or(0.0)
                    );
                }
            }
            Ok(())
        }
    }
}
