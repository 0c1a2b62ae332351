//! `haven match`: deduplicate one CSV file of people or link two, with the matching engine. For
//! people's own files (cleaning a legacy spreadsheet before import); no database needed.
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use haven_matching::pprl::{self, Encoder};
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
    "email",
    "postcode",
    "address",
    "age",
];

#[derive(Subcommand)]
pub(crate) enum MatchCmd {
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
    /// Encode a file's people as Bloom filters under a shared secret (privacy-preserving
    /// linkage): the .clk file holds no name, date or number, only keyed hashes
    Encode {
        file: PathBuf,
        #[command(flatten)]
        columns: Columns,
        /// A file holding the secret shared with the other organisation (at least 16 bytes;
        /// e.g. `head -c 32 /dev/urandom | base64 > secret`); never send it with the .clk
        #[arg(long)]
        secret_file: PathBuf,
        /// Where to write the encodings (.clk)
        #[arg(long)]
        output: PathBuf,
    },
    /// Find which records of two .clk files (encoded under the same secret) are the same
    /// person, one to one
    LinkEncoded {
        left: PathBuf,
        right: PathBuf,
        /// Where to write `left_id,right_id,similarity`
        #[arg(long)]
        output: PathBuf,
        /// Dice similarity from which a pair is reported (0 to 1)
        #[arg(long, default_value_t = 0.6)]
        threshold: f64,
    },
}

/// Which column holds the id and which hold the fields.
#[derive(Args)]
pub(crate) struct Columns {
    /// The column holding each record's id
    #[arg(long)]
    id: String,
    /// A field and its column, as FIELD=COLUMN (fields: first_name, last_name, birth_date, sex,
    /// citizenship, place, phone, id_number, email, postcode, address, age); repeat for each.
    /// COLUMN may join columns with `+` (`address=number+street`). An assessed age stands in for
    /// a birth date that is missing
    #[arg(long = "field", required = true)]
    fields: Vec<String>,
    /// The year the ages of an `age` column were assessed (default: this year)
    #[arg(long)]
    ages_in: Option<i32>,
}

#[derive(Args)]
pub(crate) struct MatchOpts {
    #[command(flatten)]
    columns: Columns,
    /// Where to write `left_id,right_id,probability`
    #[arg(long)]
    output: PathBuf,
    /// Probability from which a pair is reported (0 to 1)
    #[arg(long, default_value_t = 0.9)]
    threshold: f64,
}

fn check_threshold(t: f64) -> Result<()> {
    if !(0.0..=1.0).contains(&t) {
        bail!("--threshold must be between 0 and 1, not {t}");
    }
    Ok(())
}

impl MatchOpts {
    fn mapping(&self) -> Result<Vec<(String, String)>> {
        check_threshold(self.threshold)?;
        self.columns.mapping()
    }
}

impl Columns {
    /// The (field, column) mapping, checked.
    fn mapping(&self) -> Result<Vec<(String, String)>> {
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
fn read(path: &Path, columns: &Columns, mapping: &[(String, String)]) -> Result<Vec<Person>> {
    let id = columns.id.as_str();
    let ages_in = columns
        .ages_in
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().year());
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    // UTF-8, else Windows-1252 (as Excel saves a CSV on Windows).
    let text = haven_training::import::decode(&bytes);
    let bytes = text.as_bytes();
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(bytes);
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
    // A column as named, or columns joined with `+` (when no column bears the whole name).
    let cols_of = |c: &str| -> Result<Vec<usize>> {
        match col(c) {
            Ok(i) => Ok(vec![i]),
            Err(e) if !c.contains('+') => Err(e),
            Err(_) => c.split('+').map(|part| col(part.trim())).collect(),
        }
    };
    let cols: Vec<(String, Vec<usize>)> = mapping
        .iter()
        .map(|(f, c)| Ok((f.clone(), cols_of(c)?)))
        .collect::<Result<_>>()?;
    let mut people = Vec::new();
    for (n, row) in r.records().enumerate() {
        let row = row.with_context(|| format!("{}: row {}", path.display(), n + 2))?;
        let get = |i: usize| row.get(i).unwrap_or("").to_string();
        let field = |name: &str| {
            cols.iter()
                .find(|(f, _)| f == name)
                .map(|(_, is)| {
                    let parts: Vec<String> = is.iter().map(|i| get(*i)).collect();
                    parts.join(" ")
                })
                .unwrap_or_default()
        };
        let p = Person::new(&get(id_col), &field("first_name"), &field("last_name"))
            .birth(&field("birth_date"))
            .age(&field("age"), ages_in)
            .sex(&field("sex"))
            .citizenship(&field("citizenship"))
            .place(&field("place"))
            .phone(&field("phone"))
            .id_number(&field("id_number"))
            .email(&field("email"))
            .postcode(&field("postcode"))
            .address(&field("address"));
        people.push(p);
    }
    Ok(people)
}

/// Writes a CSV file whole or not at all (a crash leaves no half-written output).
fn write_csv<const K: usize>(
    path: &Path,
    header: [&str; K],
    rows: impl Iterator<Item = [String; K]>,
) -> Result<()> {
    crate::release_cmd::write_atomically(path, |f| {
        let mut w = csv::Writer::from_writer(f);
        w.write_record(header)?;
        for r in rows {
            w.write_record(&r)?;
        }
        w.flush()?;
        Ok(())
    })
}

fn write_pairs(path: &Path, people: &[Person], d: &Dedupe) -> Result<()> {
    write_csv(
        path,
        ["left_id", "right_id", "probability"],
        d.links.iter().map(|l| {
            [
                people[l.left as usize].id.clone(),
                people[l.right as usize].id.clone(),
                format!("{:.6}", l.probability),
            ]
        }),
    )
}

pub(crate) fn run(cmd: MatchCmd) -> Result<()> {
    match cmd {
        MatchCmd::Dedupe {
            file,
            opts,
            clusters,
        } => {
            let mapping = opts.mapping()?;
            let people = read(&file, &opts.columns, &mapping)?;
            let d = haven_matching::dedupe(&people, opts.threshold);
            write_pairs(&opts.output, &people, &d)?;
            if let Some(path) = clusters {
                write_csv(
                    &path,
                    ["id", "cluster_id"],
                    people
                        .iter()
                        .zip(&d.clusters)
                        .map(|(p, c)| [p.id.clone(), people[*c as usize].id.clone()]),
                )?;
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
            let mut people = read(&left, &opts.columns, &mapping)?;
            let split = people.len();
            people.extend(read(&right, &opts.columns, &mapping)?);
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
        MatchCmd::Encode {
            file,
            columns,
            secret_file,
            output,
        } => {
            let mapping = columns.mapping()?;
            let secret = std::fs::read(&secret_file)
                .with_context(|| format!("reading {}", secret_file.display()))?;
            let secret = secret.trim_ascii();
            let encoder = Encoder::new(secret)?;
            let people = read(&file, &columns, &mapping)?;
            let encoded = encoder.encode_all(&people);
            crate::release_cmd::write_atomically(&output, |f| {
                pprl::write_clk(std::io::BufWriter::new(f), &encoder.check(), &encoded)?;
                Ok(())
            })?;
            eprintln!(
                "{} records encoded. Send {} to the other organisation; keep the secret apart.",
                encoded.len(),
                output.display()
            );
        }
        MatchCmd::LinkEncoded {
            left,
            right,
            output,
            threshold,
        } => {
            check_threshold(threshold)?;
            let open = |p: &Path| -> Result<(String, Vec<pprl::Encoded>)> {
                let f =
                    std::fs::File::open(p).with_context(|| format!("reading {}", p.display()))?;
                pprl::read_clk(std::io::BufReader::new(f))
                    .with_context(|| format!("{} is not a readable .clk file", p.display()))
            };
            let (check_l, l) = open(&left)?;
            let (check_r, r) = open(&right)?;
            if check_l != check_r {
                return Err(pprl::PprlError::DifferentSecrets.into());
            }
            let found = pprl::link_encoded(&l, &r, threshold);
            write_csv(
                &output,
                ["left_id", "right_id", "similarity"],
                found.pairs.iter().map(|(x, y, s)| {
                    [
                        l[*x as usize].id.clone(),
                        r[*y as usize].id.clone(),
                        format!("{s:.4}"),
                    ]
                }),
            )?;
            eprintln!(
                "{} + {} encoded records, {} candidate pairs, {} pairs at {} or more.",
                l.len(),
                r.len(),
                found.candidate_pairs,
                found.pairs.len(),
                threshold
            );
        }
    }
    Ok(())
}
