package nn

// Param is one trainable tensor as optimisers see it: its official name
// (e.g. "L_level.layers.0.mlp.down_proj.weight"), its shape, and live
// slices of its values W and its gradient G (same length, row-major). An
// optimiser updates W in place from G; the model owning the parameter must
// then be told to refresh derived copies (packed GEMM weights).
type Param struct {
	Name  string
	Shape []int
	W, G  []float32
}

// SparseParam is an embedding table trained row by row, like the official
// CastedSparseEmbedding (the TRM puzzle embedding): W is the whole table
// (Shape[0] rows of Shape[1] values) and each training step yields one
// gradient row per batch row — G (len(IDs), Shape[1]) is the gradient of
// the official puzzle_emb.local_weights, and IDs says which table row each
// batch row read. Rows may repeat; the official sparse SignSGD sums the
// gradients of equal ids before taking the sign.
type SparseParam struct {
	Name  string
	Shape []int
	W     []float32
	IDs   []int32
	G     []float32
}
