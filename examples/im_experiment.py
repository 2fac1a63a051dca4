#!/usr/bin/python3
"""The README's IM experiment from Python: wiki-Vote, five algorithms, seed sets of 1 to 50 users,
every seed set scored by the same 2,000 Monte Carlo cascades (what `clout compare wiki.clout
--algos imm,opim-c,degree-discount,pagerank,degree -k 1,5,10,25,50 --sims 2000` prints).

    PYTHONPATH=python /usr/bin/python3 examples/im_experiment.py [datasets/snap_wiki_vote/Wiki-Vote.txt.gz]
"""
import sys

import clout

path = sys.argv[1] if len(sys.argv) > 1 else "datasets/snap_wiki_vote/Wiki-Vote.txt.gz"
g = clout.ingest(edges=path)
print(f"{g.n} users, {len(g.ties()[0])} ties")
t = g.compare(algos=("imm", "opim-c", "degree-discount", "pagerank", "degree"), ks=(1, 5, 10, 25, 50), sims=2000)
print(f"{'algorithm':<16} {'k':>3} {'spread':>9} {'95% interval':>20}")
for algo, k, m, se in zip(t["algo"], t["k"], t["spread"], t["stderr"]):
    print(f"{algo:<16} {k:>3} {m:>9.1f} {m - 1.96 * se:>9.1f} - {m + 1.96 * se:<9.1f}")
best = max(range(len(t["k"])), key=lambda i: (t["k"][i], t["spread"][i]))
print(f"best at k = {t['k'][best]}: {t['algo'][best]} ({t['spread'][best]:.1f} users)")
