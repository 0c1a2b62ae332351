//! `haven match`: deduplicate one CSV file of people or link two, with the matching engine. For
//! people's own files (cleaning a legacy spreadsheet before import); no database needed.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use haven_matching::{Dedupe, Person};

/// The fields a column may be mapped to.
const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "citizenship",
    "place",
    "phone",
    "id_number",
];

#[derive(Subcommand)]
pub enum MatchCmd {
    /// Find records of one file that are the same person
    Dedupe {
        file: PathBuf,
        #[command(flatten)]
        opts: MatchOpts,
        /// Also write `id,cluster_id` (one person per cluster)
        #[arg(long)]
        clusters: Option<PathBuf>,
    },
    /// Find which records of two files are the same person (same column mapping for both)
    Link {
        left: PathBuf,
        right: PathBuf,
        #[command(flatten)]
        opts: MatchOpts,
    },
}

#[derive(Args)]
pub struct MatchOpts {
    /// The column holding each record's id
    #[arg(long)]
    id: String,
    /// A field and its column, as FIELD=COLUMN (fields: first_name, last_name, birth_date, sex,
    /// citizenship, place, phone, id_number); repeat for each
    #[arg(long = "field", required = true)]
    fields: Vec<String>,
    /// Where to write `left_id,right_id,probability`
    #[arg(long)]
    output: PathBuf,
    /// Probability from which a pair is reported (0 to 1)
    #[arg(long, default_value_t = 0.9)]
    threshold: f64,
}

impl MatchOpts {
    /// The (field, column) mapping, checked.
    fn mapping(&self) -> Result<Vec<(String, String)>> {
        if !(0.0..=1.0).contains(&self.threshold) {
            bail!(
                "--threshold must be between 0 and 1, not {}",
                self.threshold
            );
        }
        let mut out = Vec::new();
        for f in &self.fields {
            let Some((field, column)) = f.split_once('=') else {
                bail!("--field {f:?}: write FIELD=COLUMN, e.g. --field first_name=Nombre");
            };
            let field = field.trim();
            if !FIELDS.contains(&field) {
                bail!(
                    "--field {f:?}: unknown field {field:?} (known: {})",
                    FIELDS.join(", ")
                );
            }
            if out.iter().any(|(x, _): &(String, String)| x == field) {
                bail!("--field {field} is given twice");
            }
            out.push((field.to_string(), column.trim().to_string()));
        }
        if !out
            .iter()
            .any(|(f, _)| f == "first_name" || f == "last_name")
        {
            bail!("map at least a name: --field first_name=COLUMN or --field last_name=COLUMN");
        }
        Ok(out)
    }
}

/// Reads the people of a CSV file (comma, semicolon or tab; with a header row).
fn read(path: &Path, id: &str, mapping: &[(String, String)]) -> Result<Vec<Person>> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let headers: Vec<String> = r
        .headers()
        .with_context(|| format!("{}: no header row", path.display()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let col = |name: &str| {
        headers.iter().position(|h| h == name).with_context(|| {
            format!(
                "{}: no column {name:?} (columns: {})",
                path.display(),
                headers.join(", ")
            )
        })
    };
    let id_col = col(id)?;
    let cols: Vec<(String, usize)> = mapping
        .iter()
        .map(|(f, c)| Ok((f.clone(), col(c)?)))
        .collect::<Result<_>>()?;
    let mut people = Vec::new();
    for (n, row) in r.records().enumerate() {
        let row = row.with_context(|| format!("{}: row {}", path.display(), n + 2))?;
        let get = |i: usize| row.get(i).unwrap_or("").to_string();
        let field = |name: &str| {
            cols.iter()
                .find(|(f, _)| f == name)
                .map(|(_, i)| get(*i))
                .unwrap_or_default()
        };
        let p = Person::new(&get(id_col), &field("first_name"), &field("last_name"))
            .birth(&field("birth_date"))
            .sex(&field("sex"))
            .citizenship(&field("citizenship"))
            .place(&field("place"))
            .phone(&field("phone"))
            .id_number(&field("id_number"));
        people.push(p);
    }
    Ok(people)
}

fn write_pairs(path: &Path, people: &[Person], d: &Dedupe) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["left_id", "right_id", "probability"])?;
    for l in &d.links {
        w.write_record([
            people[l.left as usize].id.as_str(),
            people[l.right as usize].id.as_str(),
            &format!("{:.6}", l.probability),
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn run(cmd: MatchCmd) -> Result<()> {
    match cmd {
        MatchCmd::Dedupe {
            file,
            opts,
            clusters,
        } => {
            let mapping = opts.mapping()?;
            let people = read(&file, &opts.id, &mapping)?;
            let d = haven_matching::dedupe(&people, opts.threshold);
            write_pairs(&opts.output, &people, &d)?;
            if let Some(path) = clusters {
                let mut w = csv::Writer::from_path(&path)
                    .with_context(|| format!("writing {}", path.display()))?;
                w.write_record(["id", "cluster_id"])?;
                for (p, c) in people.iter().zip(&d.clusters) {
                    w.write_record([p.id.as_str(), people[*c as usize].id.as_str()])?;
                }
                w.flush()?;
            }
            let persons = {
                let mut c = d.clusters.clone();
                c.sort_unstable();
                c.dedup();
                c.len()
            };
            eprintln!(
                "{} records, {} candidate pairs, {} pairs at {} or more, {} persons.",
                people.len(),
                d.candidate_pairs,
                d.links.len(),
                opts.threshold,
                persons
            );
        }
        MatchCmd::Link { left, right, opts } => {
            let mapping = opts.mapping()?;
            let mut people = read(&left, &opts.id, &mapping)?;
            let split = people.len();
            people.extend(read(&right, &opts.id, &mapping)?);
            let d = haven_matching::link(&people, split, opts.threshold);
            write_pairs(&opts.output, &people, &d)?;
            eprintln!(
                "{} + {} records, {} candidate pairs, {} pairs at {} or more.",
                split,
                people.len() - split,
                d.candidate_pairs,
                d.links.len(),
                opts.threshold
            );
        }
    }
    Ok(())
}
