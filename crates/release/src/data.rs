//! Categorical records read from CSV or TSV. Every (column, value) pair becomes an *item* with a
//! small integer id; a record is the sorted list of its items. Blank cells are missing values and
//! make no item; a multi-value column (CTDC's `*Concatenated` fields) makes one item per value.
use std::collections::HashMap;
use std::io::Read;

/// Why an input could not be read; says where.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("the input is empty: no header line")]
    Empty,
    #[error("line {line}: {message}")]
    Line { line: u64, message: String },
    #[error("column {0:?} named in the options is not in the header")]
    UnknownColumn(String),
    #[error(
        "too many distinct values ({0}); at most {MAX_ITEMS} (column, value) pairs are supported"
    )]
    TooManyItems(usize),
    #[error("reading the input: {0}")]
    Io(String),
}

/// Item ids must fit in [`ITEM_BITS`] bits so that up to four of them pack into one `u64` key.
pub const ITEM_BITS: u32 = 16;
pub const MAX_ITEMS: usize = (1 << ITEM_BITS) - 1;

/// What a cell holding `0` means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zeros {
    /// A value like any other.
    Values,
    /// As in SDS: no value (a 0/1 flag's 0 says "not this"), except in the columns named, where
    /// a 0 is a value to protect ("sensitive zeros"). Counting every 0 multiplies the
    /// combinations of a file of flags without saying anything about anyone.
    SensitiveIn(Vec<String>),
}

/// How to read the input.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    pub delimiter: u8,
    /// Columns holding several values, with the separator between them.
    pub multi_value: Vec<(String, String)>,
    pub zeros: Zeros,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            delimiter: b',',
            multi_value: Vec::new(),
            zeros: Zeros::Values,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Dataset {
    pub headers: Vec<String>,
    /// Item id → (column index, value).
    pub items: Vec<(usize, String)>,
    /// Each record's item ids, sorted ascending (ids follow first appearance in the file).
    pub records: Vec<Vec<u32>>,
}

/// A CSV error as the line it is on and what is wrong there.
pub(crate) fn line_error(e: csv::Error) -> DataError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let message = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("not valid UTF-8 in field {}", err.field() + 1)
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("{len} fields, but the header has {expected_len}"),
        csv::ErrorKind::Io(io) => return DataError::Io(io.to_string()),
        _ => e.to_string(),
    };
    DataError::Line { line, message }
}

impl Dataset {
    pub fn read(input: impl Read, opts: &ReadOptions) -> Result<Dataset, DataError> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(opts.delimiter)
            .has_headers(true)
            .flexible(false)
            .from_reader(input);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(line_error)?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.is_empty() || (headers.len() == 1 && headers[0].is_empty()) {
            return Err(DataError::Empty);
        }
        let mut multi: Vec<Option<String>> = vec![None; headers.len()];
        for (col, sep) in &opts.multi_value {
            let i = headers
                .iter()
                .position(|h| h == col)
                .ok_or_else(|| DataError::UnknownColumn(col.clone()))?;
            multi[i] = Some(sep.clone());
        }
        // Per column: whether a 0 is no value.
        let zero_is_none: Vec<bool> = match &opts.zeros {
            Zeros::Values => vec![false; headers.len()],
            Zeros::SensitiveIn(cols) => {
                for c in cols {
                    if !headers.contains(c) {
                        return Err(DataError::UnknownColumn(c.clone()));
                    }
                }
                headers.iter().map(|h| !cols.contains(h)).collect()
            }
        };
        let mut ids: HashMap<(usize, String), u32> = HashMap::new();
        let mut items: Vec<(usize, String)> = Vec::new();
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        while rdr.read_record(&mut record).map_err(line_error)? {
            let mut r: Vec<u32> = Vec::new();
            for (col, cell) in record.iter().enumerate() {
                let values: Vec<&str> = match &multi[col] {
                    Some(sep) => cell.split(sep.as_str()).map(str::trim).collect(),
                    None => vec![cell.trim()],
                };
                for v in values
                    .into_iter()
                    // A blank, or a 0 read as no value, makes no item.
                    .filter(|v| !(v.is_empty() || (zero_is_none[col] && *v == "0")))
                {
                    let key = (col, v.to_string());
                    let id = match ids.get(&key) {
                        Some(id) => *id,
                        None => {
                            if items.len() >= MAX_ITEMS {
                                return Err(DataError::TooManyItems(items.len() + 1));
                            }
                            let id = items.len() as u32;
                            items.push(key.clone());
                            ids.insert(key, id);
                            id
                        }
                    };
                    r.push(id);
                }
            }
            r.sort_unstable();
            r.dedup();
            records.push(r);
        }
        Ok(Dataset {
            headers,
            items,
            records,
        })
    }

    /// Records of item ids as CSV with this dataset's header, blank where a record has no value;
    /// multi-value cells joined with `separator`.
    pub fn write_records(
        &self,
        records: &[Vec<u32>],
        separator: &str,
        out: impl std::io::Write,
    ) -> csv::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.headers)?;
        for r in records {
            let mut cells: Vec<Vec<&str>> = vec![Vec::new(); self.headers.len()];
            for i in r {
                let (col, value) = &self.items[*i as usize];
                cells[*col].push(value.as_str());
            }
            w.write_record(cells.iter().map(|c| c.join(separator)))?;
        }
        w.flush()?;
        Ok(())
    }

    /// `column:value` of an item, as in SDS's `selections`.
    pub fn item_label(&self, id: u32) -> String {
        let (col, value) = &self.items[id as usize];
        format!("{}:{}", self.headers[*col], value)
    }

    pub fn item_column(&self, id: u32) -> usize {
        self.items[id as usize].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &[u8], opts: &ReadOptions) -> Result<Dataset, DataError> {
        Dataset::read(s, opts)
    }

    #[test]
    fn blanks_are_missing_and_multi_values_split() {
        let d = read(
            b"gender,citizenship,means\nF,VEN,debt|threats\nM,,\nF,GUY, debt \n",
            &ReadOptions {
                multi_value: vec![("means".into(), "|".into())],
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(d.records.len(), 3);
        // Compared in column order (ids follow first appearance).
        let labels: Vec<Vec<String>> = d
            .records
            .iter()
            .map(|r| {
                let mut r = r.clone();
                r.sort_by_key(|i| (d.item_column(*i), *i));
                r.iter().map(|i| d.item_label(*i)).collect()
            })
            .collect();
        assert_eq!(
            labels[0],
            ["gender:F", "citizenship:VEN", "means:debt", "means:threats"]
        );
        assert_eq!(labels[1], ["gender:M"]);
        assert_eq!(labels[2], ["gender:F", "citizenship:GUY", "means:debt"]);
    }

    #[test]
    fn zeros_are_no_value_unless_sensitive() {
        let input = b"flag,count\n0,0\n1,0\n0,2\n";
        let labels = |z: Zeros| -> Vec<String> {
            let d = read(
                input,
                &ReadOptions {
                    zeros: z,
                    ..Default::default()
                },
            )
            .unwrap();
            let mut l: Vec<String> = d
                .items
                .iter()
                .map(|(c, v)| format!("{}:{v}", d.headers[*c]))
                .collect();
            l.sort();
            l
        };
        assert_eq!(
            labels(Zeros::Values),
            ["count:0", "count:2", "flag:0", "flag:1"]
        );
        assert_eq!(labels(Zeros::SensitiveIn(vec![])), ["count:2", "flag:1"]);
        assert_eq!(
            labels(Zeros::SensitiveIn(vec!["count".into()])),
            ["count:0", "count:2", "flag:1"]
        );
        assert!(matches!(
            read(
                input,
                &ReadOptions {
                    zeros: Zeros::SensitiveIn(vec!["nope".into()]),
                    ..Default::default()
                }
            ),
            Err(DataError::UnknownColumn(_))
        ));
    }

    #[test]
    fn awkward_inputs_give_clear_errors() {
        assert!(matches!(
            read(b"", &ReadOptions::default()),
            Err(DataError::Empty)
        ));
        let one = read(b"a,b\n1,2\n", &ReadOptions::default()).unwrap();
        assert_eq!(one.records.len(), 1);
        let quoted = read(b"a,b\n\"x,y\",2\n", &ReadOptions::default()).unwrap();
        assert_eq!(quoted.item_label(quoted.records[0][0]), "a:x,y");
        let ragged = read(b"a,b\n1,2\n1,2,3\n", &ReadOptions::default()).unwrap_err();
        assert_eq!(ragged.to_string(), "line 3: 3 fields, but the header has 2");
        let bad = read(b"a,b\n1,\xff\xfe\n", &ReadOptions::default()).unwrap_err();
        assert!(
            bad.to_string().starts_with("line 2: not valid UTF-8"),
            "{bad}"
        );
        let unknown = read(
            b"a\n1\n",
            &ReadOptions {
                multi_value: vec![("zzz".into(), "|".into())],
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(matches!(unknown, DataError::UnknownColumn(_)));
        let tsv = read(
            b"a\tb\nx\ty\n",
            &ReadOptions {
                delimiter: b'\t',
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(tsv.records[0].len(), 2);
    }

    #[test]
    fn ten_thousand_distinct_values_are_fine() {
        let mut s = String::from("id,g\n");
        for i in 0..10_000 {
            s.push_str(&format!("v{i},F\n"));
        }
        let d = read(s.as_bytes(), &ReadOptions::default()).unwrap();
        assert_eq!(d.items.len(), 10_001);
    }
}
