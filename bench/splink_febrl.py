"""Splink (DuckDB) on a FEBRL file exported by bench/febrl_export.py, with the same fields
Haven's `match dedupe` is given (given name, surname, date of birth, suburb, social security id;
with --all, also postcode and the address as one string), so that both see the same information.
Same measures as bench/splink_dedupe.py.

    /tmp/splinkenv/bin/python bench/splink_febrl.py /tmp/febrl/febrl3.csv [--all] [--threshold 0.9]
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

COLUMNS = ["id", "person", "given_name", "surname", "date_of_birth", "suburb", "soc_sec_id"]
ADDRESS = ["postcode", "street_number", "address_1", "address_2"]


def settings(all_fields: bool) -> SettingsCreator:
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("surname"),
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                 datetime_format="%Y%m%d"),
        cl.LevenshteinAtThresholds("suburb", [1, 2]),
        cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
    ]
    if all_fields:
        comparisons += [
            cl.LevenshteinAtThresholds("postcode", [1, 2]),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
        ]
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("substr(given_name,1,2)", "substr(surname,1,2)"),
            block_on("surname", "substr(given_name,1,1)"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            "l.given_name = r.surname",
            "l.surname = r.given_name",
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--all", action="store_true", help="also postcode and address")
    args = ap.parse_args()
    print(f"splink {splink.__version__}\tduckdb {duckdb.__version__}\tpandas {pd.__version__}")

    t0 = time.perf_counter()
    df = pd.read_csv(args.csv, dtype=str, keep_default_na=False, na_values=[""],
                     usecols=COLUMNS + (ADDRESS if args.all else []))
    if args.all:
        parts = df[["street_number", "address_1", "address_2"]].fillna("")
        df["address"] = parts.agg(" ".join, axis=1).str.strip().replace("", None)
        df = df.drop(columns=["street_number", "address_1", "address_2"])
    truth = dict(zip(df["id"], df["person"]))
    linker = Linker(df.drop(columns=["person"]), settings(args.all), DuckDBAPI())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id")],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"))
    pairs = linker.inference.predict(threshold_match_probability=args.threshold)
    pairs = pairs.as_pandas_dataframe()[["id_l", "id_r"]]
    seconds = time.perf_counter() - t0

    predicted = {tuple(sorted(p)) for p in zip(pairs["id_l"], pairs["id_r"])}
    tp = sum(1 for a, b in predicted if truth[a] == truth[b])
    true_pairs = int(sum(k * (k - 1) // 2 for k in df["person"].value_counts()))
    p = tp / len(predicted) if predicted else 0.0
    r = tp / true_pairs if true_pairs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("records\tseconds\tpredicted_pairs\tprecision\trecall\tf1\tpeak_rss_mib")
    print(f"{len(df)}\t{seconds:.2f}\t{len(predicted)}\t{p:.4f}\t{r:.4f}\t{f1:.4f}\t{rss:.0f}")


if __name__ == "__main__":
    main()
