#!/usr/bin/python3
"""Generates the small PyTorch checkpoints under testdata/ and expected.json.

Run from this folder with a Python that has torch (Debian: apt-get install
python3-torch; made with 1.13.1): /usr/bin/python3 gen_torch.py
The files are committed; tests never need torch.
"""
import collections
import json

import torch

torch.manual_seed(0)


def entries():
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8 - 1
    views = collections.OrderedDict()
    views["base"] = base
    views["transposed"] = base.t()  # non-contiguous, shares base's storage
    views["strided"] = base[1:3, ::2]  # offset 6, strides (6, 2)
    views["column"] = base[:, 5]  # offset 5, stride 6
    views["half"] = (torch.randn(2, 3) * 3).half()
    views["bf16"] = torch.randn(5).bfloat16()
    views["f64"] = torch.randn(3, 2, dtype=torch.float64)
    views["i64"] = torch.tensor([[-(2**40), 7], [3, 2**62]], dtype=torch.int64)
    views["i32"] = torch.tensor([-5, 0, 2**31 - 1], dtype=torch.int32)
    views["u8"] = torch.tensor([0, 200, 255], dtype=torch.uint8)
    views["mask"] = torch.tensor([True, False, True])
    views["scalar"] = torch.tensor(2.5)
    views["empty"] = torch.zeros(0, 3)
    views["param"] = torch.nn.Parameter(torch.randn(2, 2))
    half_t = torch.randn(3, 4).half()
    views["half_t"] = half_t.t()  # non-contiguous float16
    return views


def describe(d, prefix=""):
    out = collections.OrderedDict()
    for k, v in d.items():
        name = prefix + k
        if isinstance(v, dict):
            out.update(describe(v, name + "."))
            continue
        if not isinstance(v, torch.Tensor):
            continue
        v = v.detach()
        vals = v.flatten().tolist() if v.dtype != torch.bfloat16 else v.float().flatten().tolist()
        if v.dtype == torch.bool:
            vals = [int(x) for x in vals]
        out[name] = {
            "dtype": str(v.dtype),
            "shape": list(v.shape),
            "stride": list(v.stride()),
            "offset": v.storage_offset(),
            "values": vals,
        }
    return out


expected = collections.OrderedDict()

views = entries()
torch.save(views, "views.pt")
expected["views.pt"] = describe(views)

torch.save(views, "views_legacy.pt", _use_new_zipfile_serialization=False)
expected["views_legacy.pt"] = describe(views)

torch.save(views, "views_proto4.pt", pickle_protocol=4)
expected["views_proto4.pt"] = describe(views)

lin = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.LayerNorm(2))
sd = lin.state_dict()  # OrderedDict carrying _metadata (pickled with BUILD)
torch.save(sd, "module.pt")
expected["module.pt"] = describe(sd)
torch.save(sd, "module_legacy.pt", _use_new_zipfile_serialization=False)
expected["module_legacy.pt"] = describe(sd)

nested = {"model": sd, "step": 7, "name": "tiny", "lr": [0.1, 0.2]}
torch.save(nested, "nested.pt")
expected["nested.pt"] = describe(nested)

with open("expected.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")
