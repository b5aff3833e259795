"""Prints, per bf16 fixture and supervision step, how far the official float32 run is from the
official bfloat16 run (the yardstick a Go bf16 mode must beat) as a Markdown table.

Usage: python3 testdata/parity/tools/bf16_agreement.py testdata/parity/bf16/*.json
Columns: cells = argmax cells equal; boards = puzzles whose whole argmax board is equal;
exact-agree = puzzles whose exact match (all cells right) is the same; max |Δq_halt|;
cell acc and exact acc of each run against the labels (float32 / bfloat16); ties = bf16
cells whose top two logits are equal.
"""
import json
import os
import sys


def rows(doc, a_key='float32_eval_steps', b_key='eval_steps'):
    y = doc['labels']
    for a, b in zip(doc[a_key], doc[b_key]):
        cells = same = boards = ex_same = 0
        acc = [0, 0]
        ex = [0, 0]
        for ra, rb, ry in zip(a['argmax'], b['argmax'], y):
            cells += len(ry)
            same += sum(p == q for p, q in zip(ra, rb))
            boards += ra == rb
            ex_same += (ra == ry) == (rb == ry)
            for i, r in enumerate((ra, rb)):
                acc[i] += sum(p == q for p, q in zip(r, ry))
                ex[i] += r == ry
        n = len(y)
        dq = max(abs(p - q) for p, q in zip(a['q_halt'], b['q_halt']))
        yield (b['step'], same / cells, boards / n, ex_same / n, dq, acc[0] / cells, acc[1] / cells,
               ex[0] / n, ex[1] / n, b.get('ties', ''))


def main():
    for path in sys.argv[1:]:
        doc = json.load(open(path))
        c = doc['config']
        print('### %s (B=%d, seq %d, hidden %d, heads %d, mlp_t %s, T=%d, n=%d)\n' % (
            os.path.basename(path)[:-5], len(doc['labels']), c['seq_len'], c['hidden_size'], c['num_heads'],
            c['mlp_t'], c['H_cycles'], c['L_cycles']))
        print('| step | cells | boards | exact-agree | max abs dq_halt | cell acc f32 / bf16 | exact acc f32 / bf16 | bf16 ties |')
        print('|---|---|---|---|---|---|---|---|')
        for r in rows(doc):
            print('| %d | %.4f | %.4f | %.4f | %.4g | %.4f / %.4f | %.3f / %.3f | %s |' % r)
        print()


if __name__ == '__main__':
    main()
