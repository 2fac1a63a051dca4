#!/usr/bin/python3
"""The Last.fm key users from Python, as `./tools/demo` shows them: friendships, listening counts
and dated tags; the score is the sum of the z-scored features (clout score's default); each
feature's contribution, the user's rank under it alone, and whether IMM picks the user too.

    PYTHONPATH=python /usr/bin/python3 examples/key_users.py [datasets/lastfm_hetrec2011]
"""
import os
import sys

import numpy as np

import clout

d = sys.argv[1] if len(sys.argv) > 1 else "datasets/lastfm_hetrec2011"
g = clout.ingest(edges=os.path.join(d, "user_friends.dat"), undirected=True, dedupe="max", header=True,
                 user_col="userID", item_col="artistID",
                 interactions=[os.path.join(d, "user_artists.dat.gz"),
                               (os.path.join(d, "user_taggedartists.dat.gz"), {"date_cols": "year,month,day"})])
features = ["pagerank", "core", "reach_2", "ic_range", "conversions"]
s = g.score(features=features)
top = np.argsort(-s["score"], kind="stable")[:10]
seeds = set(g.im(10, algo="imm")[0])
ranks = {f: np.argsort(np.argsort(-s[f + "_contrib"], kind="stable"), kind="stable") + 1 for f in features}
print(f"{'rank':<5}{'user':<7}{'score':>7}  " + "  ".join(f"{f:>16}" for f in features) + "  IMM seed")
for r, u in enumerate(top, 1):
    cells = "  ".join(f"{s[f + '_contrib'][u]:>7.2f} (#{ranks[f][u]:<5})" for f in features)
    print(f"{r:<5}{s['user'][u]:<7}{s['score'][u]:>7.2f}  {cells}  {'yes' if s['user'][u] in seeds else 'no'}")
