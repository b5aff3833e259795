# Compares arceval's output for an e2e case with the official evaluator's: per test input the distinct non-empty
# attempts in order (the official writes a 0x0 winner as [] and pads a single candidate with itself), and pass@K.
# Usage: compare.py OFFICIAL_SUBMISSION.json OFFICIAL_PASS_AT_K.json ARCEVAL_SUBMISSION.json ARCEVAL_SCORE.json RUN.jsonl
import json, sys
off, offk, ours, score = (json.load(open(p)) for p in sys.argv[1:5])
run = {}
if len(sys.argv) > 5:
    for line in open(sys.argv[5]):
        r = json.loads(line)
        if 'task' in r:
            run[(r['task'], r['test'])] = [a['grid'] for a in r['attempts']]

def distinct(atts):
    out = []
    for g in atts:
        if g and g[0] and g not in out:
            out.append(g)
    return out

bad = 0; n = 0
assert set(off) == set(ours), ('task sets differ', set(off) ^ set(ours))
for task in sorted(off):
    assert len(off[task]) == len(ours[task]), (task, 'test count')
    for i, (a, b) in enumerate(zip(off[task], ours[task])):
        n += 1
        da = distinct([a['attempt_1'], a['attempt_2']])
        # our submission writes an ARC Prize placeholder for an empty attempt: take the run file's grids
        ra = run[(task, i)] if run else [b['attempt_1'], b['attempt_2']]
        for j, g in enumerate(ra):
            sg = b[f'attempt_{j + 1}']
            if sg != g and not (not g or not g[0]):
                print(f'{task} test {i}: run file attempt {j + 1} differs from our submission'); bad += 1
        db = distinct(ra)
        if da != db:
            bad += 1
            print(f'MISMATCH {task} test {i}:\n  official {json.dumps(da)}\n  arceval  {json.dumps(db)}')
print(f'{n} test inputs compared, {bad} mismatches')
for k, v in offk.items():
    ours_v = score['pass_at_k'][k.split('@')[1]]
    flag = 'ok' if abs(ours_v - v) < 1e-12 else 'MISMATCH'
    print(f'{k}: official {v} arceval {ours_v} {flag}')
