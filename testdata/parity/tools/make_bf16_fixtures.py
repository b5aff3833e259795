"""Writes a bfloat16 parity fixture: the OFFICIAL TRM code run with forward_dtype bfloat16.

What it runs: a trained arceval native TRM (model.safetensors from `arceval train`) is loaded
into the official model class (SamsungSAILMontreal/TinyRecursiveModels @ e7b68717,
models/recursive_reasoning/trm.py) the way ../../../../shared/tools/official/official_board_eval.py
does, and the first --rows puzzles of a Sudoku or Maze CSV are run in evaluation mode for all
halt_max_steps supervision steps, twice: forward_dtype bfloat16 with GPU semantics
(gpu_bf16_semantics.py: how the released checkpoints were evaluated, PyTorch 2.x CUDA eager)
and forward_dtype float32 (the official float32 path, unpatched). A third, diagnostic run is
CPU PyTorch 1.13's own bfloat16 (unpatched), reported only as agreement rates.

Torch: Debian's python3-torch 1.13.1 (CPU), /usr/bin/python3, with the official code's
stand-ins for torch 2.x imports (../../../../shared/tools/official/shim, README there).

Output (same schema as the float32 parity fixtures, ../README.md): OUT/NAME.state_dict
(torch.save of the weights, keys `_orig_mod.model.inner.…`, float32 except H_init/L_init in
bfloat16 as in the released checkpoints) and OUT/NAME.json: kind, config (forward_dtype
"bfloat16"), keys, inputs, labels, puzzle_identifiers, eval_steps[k] (bf16: step, argmax [B][S],
q_halt [B], q_continue [B], halted [B], ties (cells whose top two logits are
equal: argmax is then the lowest index); step 1 also logits [R][S][V] and z_H [R][P+S][D] of
the first --debug-rows rows), float32_eval_steps (the same for the float32 run, without
logits/z_H), agreement (bf16 vs float32, and CPU-1.13-bf16 vs bf16, per step), provenance.

Re-run (from the repository root; TRM = a clone of the official repo at e7b68717 with
`sed -i 's/@torch.no_grad$/@torch.no_grad()/' models/sparse_embedding.py`):
  /usr/bin/python3 testdata/parity/tools/make_bf16_fixtures.py --trm TRM \
      --model RUN/model.safetensors --csv TEST.csv --task maze|sudoku --rows 128 --name NAME
The outputs are deterministic (same files, byte for byte, for the same inputs and torch).
"""
import argparse
import csv
import hashlib
import importlib
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = '_orig_mod.model.inner.'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--trm', required=True, help='official TRM repository clone (e7b68717)')
    p.add_argument('--shim', default='/work/shared/tools/official/shim', help='torch 2.x stand-ins')
    p.add_argument('--model', required=True, help='arceval native model.safetensors (float32)')
    p.add_argument('--csv', required=True, help='Sudoku/Maze CSV (source,question,answer,rating)')
    p.add_argument('--task', required=True, choices=['maze', 'sudoku'])
    p.add_argument('--rows', type=int, default=128, help='puzzles (batch rows): the first N of --csv')
    p.add_argument('--debug-rows', type=int, default=2, help='rows whose step-1 logits and z_H are stored')
    p.add_argument('--name', required=True)
    p.add_argument('--out', default=os.path.join(HERE, '..', 'bf16'))
    return p.parse_args()


def read_native(path, torch, np):
    """Native safetensors → (config dict, {official inner key: float32 tensor})."""
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    hdr = json.loads(b[8:8 + n])
    data = b[8 + n:]
    cfg = json.loads(hdr.pop('__metadata__')['arceval.config'])
    ts = {}
    for k, v in hdr.items():
        assert v['dtype'] == 'F32', (k, v['dtype'])
        a = np.frombuffer(data[v['data_offsets'][0]:v['data_offsets'][1]], dtype=np.float32)
        ts[k] = torch.from_numpy(a.copy().reshape(v['shape']))
    return cfg, ts


def tokens(task, s):
    """One CSV board string → token ids (official builders: pad 0, then 1 + symbol index)."""
    if task == 'maze':
        return [1 + '# SGo'.index(ch) for ch in s]
    return [1 + (0 if ch in '.0' else int(ch)) for ch in s]


def run(M, torch, cfg, weights, batch, dtype, debug_rows):
    """Official model, eval mode, all halt_max_steps steps → list of per-step records."""
    c = dict(cfg, forward_dtype=dtype)
    model = M.TinyRecursiveReasoningModel_ACTV1(c).eval()
    sd = model.inner.state_dict()
    model.inner.load_state_dict({k: weights[k].to(sd[k].dtype) for k in sd})
    carry = model.initial_carry(batch)
    steps = []
    with torch.no_grad():
        for i in range(c['halt_max_steps']):
            carry, out = model(carry=carry, batch=batch)
            logits = out['logits']  # [B, S, V] in forward_dtype
            rec = dict(step=i + 1,
                       argmax=logits.float().argmax(-1).tolist(),  # ties: first index
                       q_halt=out['q_halt_logits'].float().tolist(),
                       q_continue=out['q_continue_logits'].float().tolist(),
                       halted=carry.halted.tolist())
            top2 = logits.float().topk(2, dim=-1).values
            rec['ties'] = int((top2[..., 0] == top2[..., 1]).sum())  # cells whose top two logits are equal
            if i == 0 and debug_rows > 0:
                rec['logits'] = logits[:debug_rows].float().tolist()
                rec['z_H'] = carry.inner_carry.z_H[:debug_rows].float().tolist()
            steps.append(rec)
    return model, steps


def agreement(a_steps, b_steps, labels):
    """Per step: cell argmax agreement, per-puzzle exact-match agreement, max |Δq_halt|, accuracies."""
    res = []
    for a, b in zip(a_steps, b_steps):
        cells = same = 0
        ex_same = ex_a = ex_b = 0
        for ra, rb, y in zip(a['argmax'], b['argmax'], labels):
            cells += len(ra)
            same += sum(x == z for x, z in zip(ra, rb))
            ea, eb = ra == y, rb == y
            ex_same += ea == eb
            ex_a += ea
            ex_b += eb
        n = len(labels)
        dq = max(abs(x - z) for x, z in zip(a['q_halt'], b['q_halt']))
        res.append(dict(step=a['step'], cell_agreement=same / cells, exact_agreement=ex_same / n,
                        max_abs_dq_halt=dq, exact_accuracy=[ex_a / n, ex_b / n]))
    return res


def main():
    a = parse_args()
    sys.path.insert(0, a.shim)
    import sitecustomize_trm  # noqa: F401  (nn.Buffer and SDPA stand-ins for torch 1.13)
    import numpy as np
    import torch
    torch.set_num_threads(int(os.environ.get('TORCH_THREADS', '2')))
    sys.path.insert(0, HERE)
    sys.path.insert(0, a.trm)
    layers = importlib.import_module('models.layers')
    M = importlib.import_module('models.recursive_reasoning.trm')
    import gpu_bf16_semantics as G

    cfg, ts = read_native(a.model, torch, np)
    rows = list(csv.DictReader(open(a.csv)))[:a.rows]
    X = [tokens(a.task, r['question']) for r in rows]
    Y = [tokens(a.task, r['answer']) for r in rows]
    assert all(len(x) == cfg['seq_len'] for x in X), 'board size differs from the model seq_len'
    cfg = dict(cfg, batch_size=len(rows), forward_dtype='bfloat16')
    if cfg.get('puzzle_emb_ndim', 0) == 0:
        cfg['puzzle_emb_len'] = 0  # no prefix without a puzzle table (as official_board_eval.py)
    # H_init / L_init in bfloat16, as in the released checkpoints (the official model creates
    # them in forward_dtype); the float32 run then starts from the same values.
    for k in ('H_init', 'L_init'):
        ts[k] = ts[k].to(torch.bfloat16)
    batch = dict(inputs=torch.tensor(X, dtype=torch.int32), labels=torch.tensor(Y, dtype=torch.int32),
                 puzzle_identifiers=torch.zeros(len(rows), dtype=torch.int64))

    G.install(layers, M)
    _, bf = run(M, torch, cfg, ts, batch, 'bfloat16', a.debug_rows)
    model32, f32 = run(M, torch, cfg, ts, batch, 'float32', 0)
    G.uninstall(layers, M)
    _, cpu = run(M, torch, cfg, ts, batch, 'bfloat16', 0)

    sd = {PREFIX + k: (ts[k] if k in ('H_init', 'L_init') else v).contiguous()
          for k, v in model32.inner.state_dict().items()}
    os.makedirs(a.out, exist_ok=True)
    sd_path = os.path.join(a.out, a.name + '.state_dict')
    torch.save(sd, sd_path)

    import subprocess
    commit = subprocess.run(['git', '-C', a.trm, 'rev-parse', 'HEAD'], capture_output=True, text=True).stdout.strip()
    doc = dict(
        kind='trm',
        config=cfg,
        keys={k: [list(v.shape), str(v.dtype).replace('torch.', '')] for k, v in sd.items()},
        inputs=batch['inputs'].tolist(),
        labels=batch['labels'].tolist(),
        puzzle_identifiers=batch['puzzle_identifiers'].tolist(),
        sources=[r['source'] for r in rows],
        eval_steps=bf,
        float32_eval_steps=f32,
        agreement=dict(
            note='per step; exact_accuracy = [first, second] run vs labels; exact_agreement = '
                 'fraction of puzzles whose exact-match (all cells right) is the same in both runs',
            float32_vs_bfloat16=agreement(f32, bf, Y),
            cpu_torch_bf16_vs_bfloat16=agreement(cpu, bf, Y)),
        provenance=dict(
            official_code='SamsungSAILMontreal/TinyRecursiveModels@' + commit,
            torch=torch.__version__ + ' (Debian python3-torch 1.13.1, CPU)',
            semantics='bfloat16 eval_steps: gpu_bf16_semantics.py (PyTorch 2.x CUDA eager, flash SDPA); '
                      'float32_eval_steps: the official float32 code unpatched',
            model=os.path.basename(os.path.dirname(os.path.abspath(a.model))) + '/model.safetensors',
            model_sha256=hashlib.sha256(open(a.model, 'rb').read()).hexdigest(),
            csv=os.path.basename(a.csv), rows=len(rows),
            command='make_bf16_fixtures.py --task %s --rows %d --debug-rows %d --name %s'
                    % (a.task, a.rows, a.debug_rows, a.name)),
    )
    js_path = os.path.join(a.out, a.name + '.json')
    with open(js_path, 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')
    for k, v in doc['agreement'].items():
        if k == 'note':
            continue
        print(a.name, k)
        for r in v:
            print('  step %2d  cells %.4f  exact-agree %.4f  max|dq_halt| %.4g  exact acc %.3f / %.3f'
                  % (r['step'], r['cell_agreement'], r['exact_agreement'], r['max_abs_dq_halt'], *r['exact_accuracy']))
    print(a.name, 'sizes', os.path.getsize(js_path), os.path.getsize(sd_path))


if __name__ == '__main__':
    main()
