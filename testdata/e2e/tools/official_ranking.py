# Runs /work/shared/tools/official/official_arc_eval.py unchanged, and in addition dumps the official evaluator's
# full candidate ranking per test input (the p_map that evaluators/arc.py sorts by (votes, mean sigmoid q_halt)),
# read from the evaluator's own state after all batches: RANKING.json = {task: [[{grid, votes, mean_q}, ...], ...]}.
# Usage: official_ranking.py TRM_REPO SHIM MODEL.safetensors BUILD_DIR OUT_DIR RANKING.json
import sys, types, json, runpy
TRM, SHIM, MODEL, BUILD, OUT, RANK = sys.argv[1:7]
sys.path.insert(0, SHIM)
import sitecustomize_trm  # noqa: F401
nb = types.ModuleType('numba'); nb.njit = lambda f=None, **k: f if f is not None else (lambda g: g); sys.modules['numba'] = nb
sys.path.insert(0, TRM)
import evaluators.arc as A
orig = A.ARC.result

def result(self, save_path, rank, world_size, group=None):
    out = {}
    for name, puzzle in self.test_puzzles.items():
        out[name] = []
        for pair in puzzle['test']:
            ih = A.grid_hash(A.arc_grid_to_np(pair['input']))
            p = {}
            for h, q in self._local_preds.get(name, {}).get(ih, []):
                p.setdefault(h, [0, 0]); p[h][0] += 1; p[h][1] += q
            for s in p.values():
                s[1] /= s[0]
            ranked = sorted(p.items(), key=lambda kv: kv[1], reverse=True)
            out[name].append([{'grid': self._local_hmap[h].tolist(), 'votes': s[0], 'mean_q': s[1]} for h, s in ranked])
    json.dump(out, open(RANK, 'w'))
    return orig(self, save_path, rank, world_size, group)

A.ARC.result = result
sys.argv = ['official_arc_eval.py', TRM, SHIM, MODEL, BUILD, OUT]
runpy.run_path('/work/shared/tools/official/official_arc_eval.py', run_name='__main__')
