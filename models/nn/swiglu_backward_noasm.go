//go:build !amd64 || purego

package nn

// gateBackward is gateBackwardGo: no assembly in this build.
func gateBackward(h, dg, du, g, u, dh []float32) { gateBackwardGo(h, dg, du, g, u, dh) }
