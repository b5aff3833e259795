# Copies an arceval native safetensors file with the puzzle-embedding table drawn at random (normal, std 0.1;
# row 0, the blank identifier, stays zero), so that a wrong puzzle identifier changes the predictions.
# Usage: randomize_puzzle_emb.py IN OUT SEED
import sys, json, struct
import numpy as np
src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
b = open(src, 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
hdr = json.loads(b[8:8 + n]); data = bytearray(b[8 + n:])
k = 'puzzle_emb.weights'
assert hdr[k]['dtype'] == 'F32'
rows, cols = hdr[k]['shape']
w = np.random.default_rng(seed).normal(0, 0.1, (rows, cols)).astype(np.float32)
w[0] = 0
s, e = hdr[k]['data_offsets']
assert e - s == w.nbytes
data[s:e] = w.tobytes()
open(dst, 'wb').write(b[:8 + n] + bytes(data))
