# Rewrites a Kaggle solutions file so that chosen test inputs expect the official evaluator's candidate of a given
# rank (1-based, from official_ranking.py's RANKING.json); other test outputs stay as they were.
# Usage: pick_solutions.py SOLUTIONS.json RANKING.json OUT.json TASK:TEST:RANK...
import json, sys
sols, ranking, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
for spec in sys.argv[4:]:
    task, test, rank = spec.split(':'); test, rank = int(test), int(rank)
    cand = ranking[task][test][rank - 1]
    assert cand['grid'] and cand['grid'][0], f'{spec}: candidate is an empty grid'
    sols[task][test] = cand['grid']
    print(spec, 'votes', cand['votes'], 'mean_q', round(cand['mean_q'], 5), 'shape', len(cand['grid']), len(cand['grid'][0]))
json.dump(sols, open(out, 'w'))
