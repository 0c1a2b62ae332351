"""Run Splink (DuckDB backend) on the person records that `haven bench match` generates.

Used to put Haven's matcher next to Splink in BENCHMARKS.md: same records, same
ground truth, same threshold, same accuracy measures.

Setup (Splink 4.x from PyPI with its DuckDB backend):

    python3 -m venv /tmp/splinkenv && /tmp/splinkenv/bin/pip install splink==4.0.17

(4.0.17 is the last 4.x release. On Python 3.11 it pulled duckdb 2.0.1 and
pandas 3.1.1, the versions behind the figures in BENCHMARKS.md. For the same
stack, add `duckdb==2.0.1 pandas==3.1.1`.)

Generate the records (the CSV holds the records of the first size in --records; the
command also runs Haven's matcher on them and prints Haven's TSV line to stdout):

    target/release/haven bench match --records 10000 --sample /tmp/mb/people10k.csv

Run Splink on them:

    /tmp/splinkenv/bin/python bench/splink_dedupe.py /tmp/mb/people10k.csv [--threshold 0.9]

Output: the Splink, DuckDB and pandas versions, then a header and one TSV line:

    records  seconds  predicted_pairs  precision  recall  f1  peak_rss_mib

`seconds` is wall time from reading the CSV through training and prediction, up to and
including fetching the predicted pairs (Python and Splink import time are not counted).
`peak_rss_mib` is the process's peak resident set size (DuckDB runs inside the
process). DuckDB keeps its default thread count.

Truth: records with the same `person` value are the same human; true pairs are
sum k*(k-1)/2 over people with k records. A predicted pair is a pair that Splink scores
at match_probability >= --threshold.

The model follows the Splink 4 tutorial (dedupe_only; NameComparison for each name,
DateOfBirthComparison on the string date, ExactMatch for sex and phone; probability
two random records match from deterministic rules; u from random sampling; m from
EM on two different blocking rules). Dates given only as `YYYY` or `YYYY-MM` fail
DateOfBirthComparison's `%Y-%m-%d` parse, so they count as null there, as that
comparison does by default.

"""

import argparse
import resource
import sys
import time

import duckdb
import pandas as pd
import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ["id", "person", "first_name", "last_name", "birth_date", "sex", "phone"]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("last_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone"),
        ],
        # Union of these blocks: about 0.966 of the true pairs on the 10k file.
        blocking_rules_to_generate_predictions=[
            block_on("substr(first_name,1,2)", "substr(last_name,1,2)"),
            block_on("last_name", "substr(first_name,1,1)"),
            block_on("birth_date"),
            block_on("phone"),
            # first and last name swapped
            "l.first_name = r.last_name",
            "l.last_name = r.first_name",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--max-pairs", type=float, default=1e6,
                    help="pairs for estimate_u_using_random_sampling (default 1e6)")
    args = ap.parse_args()

    print(f"splink {splink.__version__}\tduckdb {duckdb.__version__}\tpandas {pd.__version__}",
          file=sys.stdout)

    t0 = time.perf_counter()
    df = pd.read_csv(args.csv, dtype=str, keep_default_na=False, na_values=[""],
                     usecols=COLUMNS)
    truth = dict(zip(df["id"], df["person"]))
    records = len(df)
    data = df.drop(columns=["person"])

    linker = Linker(data, settings(), DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [
            block_on("first_name", "birth_date"),
            "l.first_name = r.first_name and levenshtein(r.last_name, l.last_name) <= 2",
            block_on("phone"),
        ],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=args.max_pairs, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "last_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("birth_date"))
    predictions = linker.inference.predict(threshold_match_probability=args.threshold)
    pairs = predictions.as_pandas_dataframe()[["id_l", "id_r"]]
    seconds = time.perf_counter() - t0

    predicted = {tuple(sorted(p)) for p in zip(pairs["id_l"], pairs["id_r"])}
    tp = sum(1 for a, b in predicted if truth[a] == truth[b])
    true_pairs = int(sum(k * (k - 1) // 2 for k in df["person"].value_counts()))
    precision = tp / len(predicted) if predicted else 0.0
    recall = tp / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux

    print("records\tseconds\tpredicted_pairs\tprecision\trecall\tf1\tpeak_rss_mib")
    print(f"{records}\t{seconds:.2f}\t{len(predicted)}\t{precision:.4f}\t{recall:.4f}"
          f"\t{f1:.4f}\t{peak_rss_mib:.0f}")


if __name__ == "__main__":
    main()
