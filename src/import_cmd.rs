//! `haven import cases FILE`: an agency's existing cases (HTCDS spreadsheet, KoboToolbox or ODK
//! export, or any sheet with a mapping) brought into Haven as one of its users.
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use haven_core::imports::{ImportSettings, Verdict};
use haven_core::{Haven, Origin};
use haven_i18n::{I18n, Lang};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Subcommand)]
pub(crate) enum ImportCmd {
    /// Import cases from a file (XLSX, XLS, ODS or CSV; the format is read from the bytes)
    Cases(CasesArgs),
    /// Write a sample file of fictional cases (generated, no real person) to try an import on:
    /// the HTCDS case spreadsheet or a KoboToolbox export of the HTCDS form (no database needed)
    Sample(SampleArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum LayoutArg {
    /// The HTCDS 2.0 case spreadsheet: field names, labels, row numbers
    Htcds,
    /// A KoboToolbox export of the HTCDS XLSForm (import it with --region)
    Kobo,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum FormatArg {
    Xlsx,
    Csv,
}

#[derive(Args)]
pub(crate) struct SampleArgs {
    #[arg(long, value_enum, default_value = "htcds")]
    layout: LayoutArg,
    #[arg(long, value_enum, default_value = "xlsx")]
    format: FormatArg,
    /// Data rows
    #[arg(long, default_value_t = 100)]
    rows: usize,
    /// One row in ten as real files have them: the same person again, an impossible date, an
    /// unknown value, a required field left empty, a cell that looks like a formula
    #[arg(long)]
    with_problems: bool,
    /// The same seed writes the same file
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// The file to write
    #[arg(long)]
    output: PathBuf,
}

/// `haven import sample`: writes the file and says what is in it.
pub(crate) fn sample(a: SampleArgs) -> Result<()> {
    use haven_interchange::sample::{SampleFormat, SampleLayout, SampleOptions};
    if a.rows > haven_interchange::rows::MAX_ROWS {
        bail!(
            "--rows: at most {} (the most one import takes)",
            haven_interchange::rows::MAX_ROWS
        );
    }
    let opts = SampleOptions {
        layout: match a.layout {
            LayoutArg::Htcds => SampleLayout::Htcds,
            LayoutArg::Kobo => SampleLayout::Kobo,
        },
        rows: a.rows,
        problems: a.with_problems,
        seed: a.seed,
    };
    let format = match a.format {
        FormatArg::Xlsx => SampleFormat::Xlsx,
        FormatArg::Csv => SampleFormat::Csv,
    };
    let (bytes, c) = haven_interchange::sample::sample(&opts, format)?;
    crate::release_cmd::write_atomically(&a.output, |f| {
        std::io::Write::write_all(f, &bytes)?;
        Ok(())
    })?;
    println!(
        "Wrote {}: {} fictional row(s), {} to import and {} with a problem ({} the same person as an earlier row, {} with formula-like text).",
        a.output.display(),
        c.rows,
        c.good,
        c.bad,
        c.same_person,
        c.formulas
    );
    if matches!(a.layout, LayoutArg::Kobo) {
        println!("The Kobo layout has no region column: import it with --region (e.g. GY-CU).");
    }
    Ok(())
}

#[derive(Args)]
pub(crate) struct CasesArgs {
    /// The file to import
    file: PathBuf,
    /// The agency that will own the cases (name or id); must be the importing user's
    #[arg(long)]
    agency: String,
    /// The user the import is made as (a coordinator or case worker of the agency); needed
    /// when the agency has more than one
    #[arg(long = "as")]
    as_user: Option<String>,
    /// Show what would be imported, row by row, and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Region of identification (ISO 3166-2, e.g. GY-CU) for rows that give none
    #[arg(long)]
    region: Option<String>,
    /// A column mapping file (JSON) saved from an earlier preview
    #[arg(long)]
    mapping: Option<PathBuf>,
    /// Write the column mapping this file is read with (to adjust and pass as --mapping)
    #[arg(long)]
    save_mapping: Option<PathBuf>,
    /// Where to write the rows left out, with their problems (default: FILE.errors.csv/.xlsx)
    #[arg(long)]
    errors: Option<PathBuf>,
}

async fn importer(haven: &Haven, a: &CasesArgs) -> Result<haven_authz::Principal> {
    let agency = haven
        .find_agency(&a.agency)
        .await?
        .with_context(|| format!("no agency named {:?}", a.agency))?;
    let user = match &a.as_user {
        Some(name) => haven
            .find_user(name)
            .await?
            .with_context(|| format!("no user named {name:?}"))?,
        None => {
            let mut able = Vec::new();
            for u in haven
                .list_users(haven_core::admin::AdminActor::Operator)
                .await?
                .into_iter()
                .filter(|u| u.agency_id == agency.id)
            {
                let p = haven.principal_of_user(u.id).await?;
                if p.case_import().is_some() && !u.disabled {
                    able.push(u);
                }
            }
            match able.len() {
                1 => able.remove(0),
                0 => bail!("agency {:?} has no user who may import cases", agency.name),
                _ => bail!(
                    "agency {:?} has several users who may import cases: choose one with --as ({})",
                    agency.name,
                    able.iter()
                        .map(|u| u.username.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
    };
    let p = haven.principal_of_user(user.id).await?;
    if p.agency_id != agency.id {
        bail!(
            "user {:?} is not of agency {:?}",
            user.username,
            agency.name
        );
    }
    if p.case_import().is_none() {
        bail!(
            "user {:?} may not import cases (coordinators and case workers may)",
            user.username
        );
    }
    Ok(p)
}

pub(crate) async fn run(haven: &Haven, a: CasesArgs) -> Result<()> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file.display()))?;
    let mapping = match &a.mapping {
        Some(path) => {
            let b = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            Some(
                haven_interchange::Mapping::from_json(&b)
                    .map_err(|e| anyhow::anyhow!("mapping {}: {e}", path.display()))?,
            )
        }
        None => None,
    };
    let settings = ImportSettings {
        default_region: a.region.clone(),
        mapping,
    };
    let p = importer(haven, &a).await?;
    let cap = p.case_import().context("may not import")?;
    let i18n = I18n::load()?;
    let t = |k: &str| i18n.t(Lang::En, k);
    // The user's message of an error: each field's problem where there are some.
    let say = |e: haven_core::CoreError| match e {
        haven_core::CoreError::Invalid(errors) => anyhow::anyhow!(
            "{}",
            errors
                .iter()
                .map(|f| t(f.key))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        e => anyhow::anyhow!("{}", t(e.user_key())),
    };
    let origin = Origin::default();
    let bytes = Arc::new(bytes);
    let preview = haven
        .preview_import(cap, bytes.clone(), &settings, &origin)
        .await
        .map_err(say)?;
    if let Some(path) = &a.save_mapping {
        std::fs::write(path, preview.mapping.to_json())?;
        println!("Column mapping written to {}", path.display());
    }
    let c = &preview.counts;
    for col in preview.columns.iter().filter(|c| c.kind == "unknown") {
        println!(
            "column {:?}: not recognised, ignored (map it with --mapping)",
            col.header
        );
    }
    if a.dry_run {
        for r in &preview.rows {
            let what = match r.verdict {
                Verdict::Ready => "ready",
                Verdict::Problems => "PROBLEMS",
                Verdict::AlreadyImported => "already imported",
            };
            println!("line {:>6}  {what}", r.line);
            for pb in &r.problems {
                let col = if pb.column.is_empty() {
                    pb.field.clone()
                } else {
                    pb.column.clone()
                };
                println!("             {col}: {}", t(&pb.key));
            }
            if let Some(l) = r.same_person_as {
                println!("             same person as line {l}");
            }
            for l in &r.possibly_same_as {
                println!("             possibly the same person as line {l} (kept apart)");
            }
            if !r.matches.is_empty() {
                println!(
                    "             possible existing case(s): {}",
                    r.matches.join(", ")
                );
            }
            if !r.elsewhere.is_empty() {
                println!(
                    "             possible record at: {}",
                    r.elsewhere.join(", ")
                );
            }
        }
        println!(
            "{} row(s): {} ready, {} with problems, {} already imported, {} the same person as an earlier row, {} with possible existing records. Nothing was written.",
            c.rows,
            c.ready,
            c.with_problems,
            c.already_imported,
            c.same_person_in_file,
            c.with_matches
        );
        return Ok(());
    }
    let bar = ProgressBar::new(c.rows as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows  {per_sec}  {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let b = bar.clone();
    let outcome = haven
        .commit_import(cap, bytes, &settings, &origin, &move |done| {
            b.set_position(done as u64)
        })
        .await
        .map_err(say)?;
    bar.finish_and_clear();
    let c = &outcome.counts;
    println!(
        "Import {}: {} case(s) created from {} row(s); {} already imported; {} with problems (left out).",
        outcome.import_id, c.created, c.rows, c.already_imported, c.with_problems
    );
    if !outcome.errors.rows.is_empty() {
        let (file, ext) = haven.import_error_file(&outcome.errors, Lang::En)?;
        let path = a.errors.clone().unwrap_or_else(|| {
            let mut p = a.file.clone().into_os_string();
            p.push(format!(".errors.{ext}"));
            p.into()
        });
        std::fs::write(&path, file)?;
        println!("Rows left out, with their problems: {}", path.display());
    }
    Ok(())
}
