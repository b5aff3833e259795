//go:build amd64 && !purego

package nn

//go:noescape
func gateBackwardAVX512(h, dg, du, gate, u, dy *float32, n int)

// gateBackward runs gateBackwardGo's loop with the AVX-512 kernel when the
// AVX-512 vector kernels are in use (the same bits).
func gateBackward(h, dg, du, g, u, dh []float32) {
	n := len(g)
	if vecImpl != vecAVX512 || n == 0 {
		gateBackwardGo(h, dg, du, g, u, dh)
		return
	}
	_, _, _, _, _ = h[n-1], dg[n-1], du[n-1], u[n-1], dh[n-1]
	gateBackwardAVX512(&h[0], &dg[0], &du[0], &g[0], &u[0], &dh[0], n)
}
