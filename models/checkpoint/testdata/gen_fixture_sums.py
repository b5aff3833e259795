#!/usr/bin/python3
"""Writes fixture_sums.json: per tensor of every parity fixture checkpoint
(../shared/fixtures/parity), the float64 sum, sum of absolute values and the
first values, as PyTorch loads them. The Go test recomputes these from its
own reader. Run from this folder: /usr/bin/python3 gen_fixture_sums.py DIR
"""
import collections
import glob
import json
import os
import sys

import torch

root = sys.argv[1] if len(sys.argv) > 1 else "../../../../shared/fixtures/parity"
out = collections.OrderedDict()
for path in sorted(glob.glob(os.path.join(root, "*"))):
    if not path.endswith((".state_dict", ".grad", ".after")):
        continue
    sd = torch.load(path, map_location="cpu")
    d = collections.OrderedDict()
    for k, v in sd.items():
        x = v.detach().double().flatten()
        d[k] = {
            "sum": x.sum().item(),
            "abs": x.abs().sum().item(),
            "first": x[:2].tolist(),
            "last": x[-1:].tolist(),
        }
    out[os.path.basename(path)] = d
with open("fixture_sums.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
