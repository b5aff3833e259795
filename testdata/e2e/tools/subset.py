# Writes a Kaggle combined challenges/solutions pair holding only the named tasks of one subset.
# Usage: subset.py SUBSET OUT_PREFIX ID...
import json, sys
subset, out, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
src = '/work/shared/data/trm-kaggle-combined/arc-agi_'
c = json.load(open(src + subset + '_challenges.json')); s = json.load(open(src + subset + '_solutions.json'))
json.dump({k: c[k] for k in ids}, open(out + '_' + subset + '_challenges.json', 'w'))
json.dump({k: s[k] for k in ids}, open(out + '_' + subset + '_solutions.json', 'w'))
