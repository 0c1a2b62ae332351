//! `haven release ...` (safe statistical releases from a file) and `haven bench release`.
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use haven_release::{AggregateOptions, Dataset, Manifest, ReadOptions};

#[derive(Subcommand)]
pub enum ReleaseCmd {
    /// k-protected aggregate counts (SDS aggregate TSV) of a CSV/TSV file of categorical records
    Aggregate(AggregateArgs),
    /// Synthetic records (CSV) in which every combination of up to the reporting length is held
    /// by at least k source records, and nothing is invented
    Synthesize(AggregateArgs),
}

#[derive(Args)]
pub struct AggregateArgs {
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
}

#[derive(Subcommand)]
pub enum BenchCmd {
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
}

fn read_options(tsv: bool, multi: &[String]) -> Result<ReadOptions> {
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
    })
}

/// Writes `bytes` next to `path` under a temporary name, then renames: a failed run leaves no
/// half-written release behind.
fn write_atomically(
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

pub fn release(cmd: ReleaseCmd) -> Result<()> {
    let (a, synth) = match cmd {
        ReleaseCmd::Aggregate(a) => (a, false),
        ReleaseCmd::Synthesize(a) => (a, true),
    };
    let opts = read_options(a.tsv, &a.multi_value)?;
    let bytes =
        std::fs::read(&a.input).with_context(|| format!("cannot read {}", a.input.display()))?;
    let t0 = Instant::now();
    let data =
        Dataset::read(bytes.as_slice(), &opts).with_context(|| format!("{}", a.input.display()))?;
    let agg = haven_release::aggregate(
        &data,
        AggregateOptions {
            resolution: a.resolution,
            reporting_length: a.reporting_length,
        },
    )?;
    let mut manifest = Manifest::for_aggregates(&agg, &data, &bytes);
    let summary = if synth {
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
    let mpath = PathBuf::from(format!("{}.manifest.json", a.output.display()));
    write_atomically(&mpath, |f| {
        serde_json::to_writer_pretty(&mut *f, &manifest)?;
        Ok(())
    })?;
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

pub fn bench(cmd: BenchCmd) -> Result<()> {
    match cmd {
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
