"""scores_ref.py: what cli_scores.sh's numpy references share: the five features of the metrics
table ($T/m.csv), zscored over every user as clout score does, and the observed target
($T/val_conv.csv) in the table's user order."""
import csv

import numpy as np

COLS = ["out_degree", "pagerank", "core", "reach_2", "conversions"]


def features(T, cols=COLS):
    """(rows of the metrics table, raw features R, zscored features X)"""
    m = list(csv.DictReader(open(T + "/m.csv")))
    R = np.array([[float(r[c]) for c in cols] for r in m])
    return m, R, (R - R.mean(0)) / R.std(0)


def target(T, m):
    """each user's conversions in the validation cascades, in m's order"""
    y = {r["user"]: float(r["conversions"]) for r in csv.DictReader(open(T + "/val_conv.csv"))}
    return np.array([y[r["user"]] for r in m])
