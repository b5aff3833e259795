# Copies an arceval native TRM file with a bias towards copying its input: lm_head.weight = ALPHA x the token
# embedding, and the attention/MLP output projections scaled by BETA. The views of a test input then often
# predict the same grid in the original frame (votes > 1) while the residual noise still splits some of them.
# Usage: copy_bias.py IN OUT ALPHA BETA
import sys, json, struct
import numpy as np
src, dst, alpha, beta = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
b = open(src, 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
hdr = json.loads(b[8:8 + n]); data = bytearray(b[8 + n:])
def get(k):
    s, e = hdr[k]['data_offsets']; assert hdr[k]['dtype'] == 'F32'
    return np.frombuffer(bytes(data[s:e]), dtype=np.float32).reshape(hdr[k]['shape'])
def put(k, a):
    s, e = hdr[k]['data_offsets']; a = np.ascontiguousarray(a, dtype=np.float32)
    assert a.nbytes == e - s; data[s:e] = a.tobytes()
put('lm_head.weight', alpha * get('embed_tokens.embedding_weight'))
for k in hdr:
    if k.endswith('o_proj.weight') or k.endswith('down_proj.weight'):
        put(k, beta * get(k))
open(dst, 'wb').write(b[:8 + n] + bytes(data))
