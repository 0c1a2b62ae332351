//! `haven export cases`: a user's case list as a file, with the same rules as the export page.
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use haven_core::cases::CaseSearch;
use haven_core::exports::{ExportFormat, ExportLayout, ExportRequest};
use haven_core::{Haven, Origin};
use haven_i18n::{I18n, Lang};

#[derive(Subcommand)]
pub(crate) enum ExportCmd {
    /// Export the cases a user may list (all of them, or those of one status or region)
    Cases(CasesArgs),
}

#[derive(Args)]
pub(crate) struct CasesArgs {
    /// The user the export is made as (it holds what this user may read, and is audited so)
    #[arg(long = "as")]
    as_user: String,
    /// The file to write (a .zip when personal fields are included)
    #[arg(long)]
    output: PathBuf,
    /// csv or xlsx
    #[arg(long, default_value = "csv")]
    format: String,
    /// htcds (field names, then labels; codes) or labels (for reading, in --lang)
    #[arg(long, default_value = "htcds")]
    layout: String,
    /// en, fr or es
    #[arg(long, default_value = "en")]
    lang: String,
    /// Only cases of this status (Active, FollowUp, Closed, ClosedReferred)
    #[arg(long)]
    status: Option<String>,
    /// Only cases of this region (ISO 3166-2)
    #[arg(long)]
    region: Option<String>,
    /// Include names, contacts, documents and free text (needs --reason and --passphrase-file)
    #[arg(long)]
    personal: bool,
    /// Why the personal fields are needed (kept in the audit trail)
    #[arg(long, default_value = "")]
    reason: String,
    /// A file holding the ZIP's passphrase (12 characters or more) on its first line
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
    /// Add a row of HXL hashtags under the header (CSV without personal fields)
    #[arg(long)]
    hxl: bool,
}

pub(crate) async fn run(haven: &Haven, what: ExportCmd) -> Result<()> {
    let ExportCmd::Cases(a) = what;
    let user = haven
        .find_user(&a.as_user)
        .await?
        .with_context(|| format!("no user named {:?}", a.as_user))?;
    let p = haven.principal_of_user(user.id).await?;
    let Some(cap) = p.case_list() else {
        bail!("user {:?} has no case list to export", a.as_user);
    };
    let passphrase = match &a.passphrase_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading {}", path.display()))?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string(),
        None => String::new(),
    };
    let lang = Lang::parse(&a.lang).unwrap_or_default();
    let req = ExportRequest {
        search: CaseSearch {
            status: a.status.clone().unwrap_or_default(),
            region: a.region.clone().unwrap_or_default(),
            ..Default::default()
        },
        format: match a.format.as_str() {
            "csv" => ExportFormat::Csv,
            "xlsx" => ExportFormat::Xlsx,
            f => bail!("unknown format {f:?} (csv or xlsx)"),
        },
        layout: match a.layout.as_str() {
            "htcds" => ExportLayout::Htcds,
            "labels" => ExportLayout::Labels,
            l => bail!("unknown layout {l:?} (htcds or labels)"),
        },
        personal: a.personal,
        reason: a.reason.clone(),
        passphrase,
        hxl: a.hxl,
        lang,
    };
    let i18n = I18n::load()?;
    let file = haven
        .export_cases(cap, &req, &Origin::default())
        .await
        .map_err(|e| match e {
            haven_core::CoreError::Invalid(errors) => anyhow::anyhow!(
                "{}",
                errors
                    .iter()
                    .map(|f| i18n.t(Lang::En, f.key))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            e => anyhow::anyhow!("{}", i18n.t(Lang::En, e.user_key())),
        })?;
    std::fs::write(&a.output, &file.bytes)
        .with_context(|| format!("writing {}", a.output.display()))?;
    println!("{} case(s) written to {}", file.cases, a.output.display());
    Ok(())
}
