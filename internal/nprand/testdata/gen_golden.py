#!/usr/bin/python3
"""Regenerates golden.json for the nprand tests from real numpy.

Run with Debian's numpy (1.24):  /usr/bin/python3 gen_golden.py > golden.json
Only the global legacy RandomState (np.random.*) is used, exactly as the
arceval data builder does. The Go tests replay each case's ops in order.
"""
import json
import struct
import sys

import numpy as np


def op_randint(low, high):
    return {"op": "randint", "low": low, "high": high,
            "want": int(np.random.randint(low, high))}


def op_shuffle(n):
    lst = list(range(n))
    np.random.shuffle(lst)
    return {"op": "shuffle", "n": n, "want": lst}


def op_shuffle_arr(n):
    arr = np.arange(n)
    np.random.shuffle(arr)
    return {"op": "shuffle", "n": n, "want": arr.tolist()}


def op_permutation(n):
    return {"op": "permutation", "n": n,
            "want": np.random.permutation(n).tolist()}


def op_perm_u8():
    p = np.random.permutation(np.arange(1, 10, dtype=np.uint8))
    assert p.dtype == np.uint8
    return {"op": "perm_arange1_10", "want": p.tolist()}


def op_perm_arange():
    p = np.random.permutation(np.arange(1, 10))
    return {"op": "perm_arange1_10", "want": p.tolist()}


def op_rand():
    v = np.random.rand()
    assert isinstance(v, float)
    bits = struct.unpack("<Q", struct.pack("<d", v))[0]
    return {"op": "rand", "want": v, "bits": "%016x" % bits}


def op_choice(n, k):
    return {"op": "choice", "n": n, "k": k,
            "want": np.random.choice(n, size=k, replace=False).tolist()}


def op_uint32(count):
    v = np.random.randint(0, 2**32, size=count, dtype=np.uint32)
    return {"op": "uint32", "n": count, "want": v.tolist()}


def op_state():
    name, key, pos, has_gauss, _ = np.random.get_state()
    assert name == "MT19937" and has_gauss == 0
    return {"op": "state", "pos": int(pos), "key": key.tolist()}


def case(name, seed, ops):
    np.random.seed(seed)
    out = [f() for f in ops]
    return {"name": name, "seed": seed, "ops": out}


def mixed():
    """Small and large randint ranges, shuffles, permutations, rand, choice."""
    return [
        lambda: op_randint(0, 1),          # consumes nothing
        lambda: op_randint(0, 10),
        lambda: op_randint(7, 8),          # consumes nothing
        lambda: op_randint(-5, 5),
        lambda: op_randint(0, 2**31),
        lambda: op_randint(0, 2**32 - 1),
        lambda: op_randint(0, 2**32),      # rng == 0xffffffff: raw draw
        lambda: op_randint(0, 2**32 + 1),  # smallest 64-bit path
        lambda: op_randint(0, 2**33 + 12345),
        lambda: op_randint(-2**40, 2**40),
        lambda: op_randint(0, 2**62),
        lambda: op_randint(-2**63, 2**63 - 1),  # widest int64 range
        lambda: op_randint(2**63 - 2, 2**63 - 1),
        lambda: op_rand(),
        lambda: op_shuffle(0),
        lambda: op_shuffle(1),
        lambda: op_shuffle(2),
        lambda: op_shuffle(3),
        lambda: op_permutation(9),
        lambda: op_permutation(3),
        lambda: op_perm_u8(),
        lambda: op_perm_arange(),
        lambda: op_rand(),
        lambda: op_choice(10, 3),
        lambda: op_choice(5, 0),
        lambda: op_choice(1, 1),
        lambda: op_randint(0, 3),
        lambda: op_state(),                # mid-buffer snapshot
        lambda: op_rand(),
        lambda: op_randint(100, 1000),
    ]


def long_shuffles():
    return [
        lambda: op_shuffle(400),
        lambda: op_shuffle_arr(1000),
        lambda: op_shuffle(2),
        lambda: op_shuffle(1),
        lambda: op_choice(400, 50),
        lambda: op_rand(),
        lambda: op_state(),
    ]


def builder():
    """Mimics the data builder: shuffle, then randint/permutation pairs."""
    ops = [lambda: op_shuffle(400)]
    for _ in range(300):
        ops.append(lambda: op_randint(0, 8))
        ops.append(lambda: op_perm_u8())
    for n in [1, 2, 3, 5, 7, 8, 10, 100, 400, 1000, 12345, 2**31, 2**32, 2**33]:
        ops.append(lambda n=n: op_randint(0, n))
    for _ in range(5):
        ops.append(lambda: op_rand())
    ops.append(lambda: op_choice(20, 5))
    ops.append(lambda: op_state())
    return ops


def main():
    cases = [
        case("seed42_mixed", 42, [op_state] + mixed()),
        case("seed0_mixed", 0, [op_state] + mixed()),
        case("seedmax_mixed", 2**32 - 1, [op_state] + mixed()),
        case("array1_mixed", [42], [op_state] + mixed()),
        case("array3_mixed", [1, 2, 3], [op_state] + mixed()),
        case("array_extremes", [2**32 - 1, 0, 12345, 7], [op_state] + mixed()),
        case("array700", list(range(1, 701)), [op_state] + mixed()),
        case("seed42_long_shuffles", 42, long_shuffles()),
        case("seed7_long_shuffles", 7, long_shuffles()),
        case("seed42_builder", 42, builder()),
        case("seed5489_uint32", 5489, [lambda: op_uint32(1000)]),
    ]
    # Cross-check: randint(0, 2**32, dtype=uint32) is the raw MT19937 output.
    raw = np.random.RandomState(5489)._bit_generator.random_raw(1000)
    assert raw.tolist() == cases[-1]["ops"][0]["want"]
    json.dump({"numpy_version": np.__version__, "cases": cases},
              sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
