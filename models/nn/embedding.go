package nn

// Embed gathers rows of an embedding table: table is (vocab, dim), ids (n),
// out (n, dim) with out[i] = table[ids[i]]. The caller checks the ids.
func Embed(out, table []float32, ids []int32, dim int) {
	for i, id := range ids {
		copy(out[i*dim:(i+1)*dim], table[int(id)*dim:(int(id)+1)*dim])
	}
}

// EmbedBackward is the backward pass of Embed: it adds each row of dout
// (n, dim) to the row of dTable (vocab, dim) its id selected, in order of i
// (so the sums do not depend on anything but the ids).
func EmbedBackward(dTable, dout []float32, ids []int32, dim int) {
	for i, id := range ids {
		AddInto(dTable[int(id)*dim:(int(id)+1)*dim], dout[i*dim:(i+1)*dim])
	}
}
