"""Precision, recall and F1 of a `left_id,right_id,...` pairs file against the `person` column
of the records file (records with the same `person` are the same human).

    python3 bench/score_pairs.py people.csv pairs.csv
"""
import csv
import sys
from collections import Counter


def main() -> None:
    records, pairs = sys.argv[1], sys.argv[2]
    with open(records, newline="") as f:
        truth = {r["id"]: r["person"] for r in csv.DictReader(f)}
    true_pairs = sum(k * (k - 1) // 2 for k in Counter(truth.values()).values())
    with open(pairs, newline="") as f:
        found = {tuple(sorted((r["left_id"], r["right_id"]))) for r in csv.DictReader(f)}
    tp = sum(1 for a, b in found if truth[a] == truth[b])
    p = tp / len(found) if found else 0.0
    r = tp / true_pairs if true_pairs else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"pairs={len(found)}\tprecision={p:.4f}\trecall={r:.4f}\tf1={f1:.4f}")


if __name__ == "__main__":
    main()
