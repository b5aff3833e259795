package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// Gradient checks for the backward passes. A layer's output y is reduced to
// the scalar L = Σ y⊙R with a fixed random R, so ∂L/∂y = R: the float32
// backward pass is run with dy = R, and its gradients are compared with
// central differences of L computed by a float64 reference of the forward
// pass (the plain loops below, straight from the formulas). In float64 the
// differences are accurate to ~1e-8, so the comparison measures the float32
// backward pass itself.

// fdTensor is a float32 tensor whose entries are perturbed (the float64
// reference reads it), and the analytic gradient ∂L/∂v of the backward pass.
type fdTensor struct {
	name string
	v, g []float32
}

// checkGrads compares, at up to samples entries of each tensor (all when
// fewer), the analytic gradient with (L(v+h) − L(v−h)) / (2h), where h is
// 1e-3·max(|v|, rms of the tensor) (the difference of the float32 values
// v±h is the denominator). An entry passes when
// |analytic − numeric| ≤ 1e-4·max|analytic| + 1e-3·|numeric|; the largest
// error relative to the tensor's largest gradient is logged.
func checkGrads(t *testing.T, loss func() float64, tensors []fdTensor, samples int, r *rand.Rand) {
	t.Helper()
	const eps, rtol, atol = 1e-3, 1e-3, 1e-4
	for _, ft := range tensors {
		gmax, ss := 0.0, 0.0
		for i, g := range ft.g {
			gmax = math.Max(gmax, math.Abs(float64(g)))
			ss += float64(ft.v[i]) * float64(ft.v[i])
		}
		rms := math.Sqrt(ss / float64(len(ft.v)))
		idx := make([]int, len(ft.v))
		for i := range idx {
			idx[i] = i
		}
		if len(idx) > samples {
			r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:samples]
		}
		worst, bad := 0.0, 0
		for _, i := range idx {
			x := ft.v[i]
			h := eps * math.Max(rms, math.Abs(float64(x)))
			xp, xm := float32(float64(x)+h), float32(float64(x)-h)
			ft.v[i] = xp
			lp := loss()
			ft.v[i] = xm
			lm := loss()
			ft.v[i] = x
			num := (lp - lm) / (float64(xp) - float64(xm))
			ana := float64(ft.g[i])
			err := math.Abs(num - ana)
			worst = math.Max(worst, err/math.Max(gmax, 1e-30))
			if err > atol*gmax+rtol*math.Abs(num) {
				if bad++; bad <= 3 {
					t.Errorf("%s[%d]: analytic %.6g, numeric %.6g (|err| %.3g, largest gradient %.3g)", ft.name, i, ana, num, err, gmax)
				}
			}
		}
		if bad > 3 {
			t.Errorf("%s: %d of %d entries out of tolerance", ft.name, bad, len(idx))
		}
		t.Logf("%s: %d entries OK, max |analytic − numeric| / max|grad| = %.2g", ft.name, len(idx), worst)
	}
}

// randSlice returns n normal values times scale.
func randSlice(r *rand.Rand, n int, scale float64) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64() * scale)
	}
	return s
}

// ---- float64 references of the forward passes ----

func f64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}

// dot64 is Σ y[i]·r[i].
func dot64(y []float64, r []float32) float64 {
	var s float64
	for i, v := range y {
		s += v * float64(r[i])
	}
	return s
}

// linear64: y (rows, out) = x·Wᵀ + b from the layer's Weight and Bias.
func linear64(x []float64, l *Linear, rows int) []float64 {
	y := make([]float64, rows*l.Out)
	for r := 0; r < rows; r++ {
		for o := 0; o < l.Out; o++ {
			var s float64
			if l.Bias != nil {
				s = float64(l.Bias[o])
			}
			for i := 0; i < l.In; i++ {
				s += x[r*l.In+i] * float64(l.Weight[o*l.In+i])
			}
			y[r*l.Out+o] = s
		}
	}
	return y
}

// rmsnorm64 normalises the rows of x (rows, dim) in place.
func rmsnorm64(x []float64, rows, dim int, eps float64) {
	for r := 0; r < rows; r++ {
		row := x[r*dim : (r+1)*dim]
		var ss float64
		for _, v := range row {
			ss += v * v
		}
		f := 1 / math.Sqrt(ss/float64(dim)+eps)
		for i := range row {
			row[i] *= f
		}
	}
}

// rope64 rotates x in place like RoPE.Apply (with its float32 tables).
func rope64(x []float64, rp *RoPE, stride int) {
	half := rp.Dim / 2
	for t := 0; t < rp.T; t++ {
		v := x[t*stride:]
		for i := 0; i < half; i++ {
			c1, s1 := float64(rp.Cos[t*rp.Dim+i]), float64(rp.Sin[t*rp.Dim+i])
			c2, s2 := float64(rp.Cos[t*rp.Dim+half+i]), float64(rp.Sin[t*rp.Dim+half+i])
			x1, x2 := v[i], v[i+half]
			v[i], v[i+half] = x1*c1-x2*s1, x2*c2+x1*s2
		}
	}
}

// swiglu64: down(silu(g)·u) with [g, u] = gate_up(x).
func swiglu64(x []float64, s *SwiGLU, rows int) []float64 {
	gu := linear64(x, s.GateUp, rows)
	I := s.Inter
	h := make([]float64, rows*I)
	for r := 0; r < rows; r++ {
		for i := 0; i < I; i++ {
			g, u := gu[r*2*I+i], gu[r*2*I+I+i]
			h[r*I+i] = g / (1 + math.Exp(-g)) * u
		}
	}
	return linear64(h, s.Down, rows)
}

// attention64: x (B, T, hidden) → (B, T, hidden).
func attention64(x []float64, a *Attention, B, T int) []float64 {
	hd, w := a.HeadDim, a.Heads*a.HeadDim
	qkv := linear64(x, a.QKV, B*T)
	heads := make([]float64, B*T*w)
	q, k := make([]float64, T*hd), make([]float64, T*hd)
	p := make([]float64, T)
	for b := 0; b < B; b++ {
		for h := 0; h < a.Heads; h++ {
			for t := 0; t < T; t++ {
				row := qkv[(b*T+t)*3*w:]
				copy(q[t*hd:(t+1)*hd], row[h*hd:(h+1)*hd])
				copy(k[t*hd:(t+1)*hd], row[w+h*hd:w+(h+1)*hd])
			}
			if a.Rope != nil {
				rope64(q, a.Rope, hd)
				rope64(k, a.Rope, hd)
			}
			for i := 0; i < T; i++ {
				m := math.Inf(-1)
				for j := 0; j < T; j++ {
					var s float64
					for d := 0; d < hd; d++ {
						s += q[i*hd+d] * k[j*hd+d]
					}
					p[j] = s / math.Sqrt(float64(hd))
					m = math.Max(m, p[j])
				}
				var z float64
				for j := range p {
					p[j] = math.Exp(p[j] - m)
					z += p[j]
				}
				for d := 0; d < hd; d++ {
					var s float64
					for j := 0; j < T; j++ {
						s += p[j] / z * qkv[(b*T+j)*3*w+2*w+h*hd+d]
					}
					heads[(b*T+i)*w+h*hd+d] = s
				}
			}
		}
	}
	return linear64(heads, a.O, B*T)
}

// block64 applies the block to h (B, T, D) in place.
func block64(h []float64, k *Block, B, T int) {
	D := k.MLP.Hidden
	eps := float64(k.Eps)
	if k.MixT != nil {
		ht := make([]float64, B*D*T)
		for b := 0; b < B; b++ {
			for t := 0; t < T; t++ {
				for d := 0; d < D; d++ {
					ht[(b*D+d)*T+t] = h[(b*T+t)*D+d]
				}
			}
		}
		mix := swiglu64(ht, k.MixT, B*D)
		for i := range ht {
			ht[i] += mix[i]
		}
		rmsnorm64(ht, B*D, T, eps)
		for b := 0; b < B; b++ {
			for t := 0; t < T; t++ {
				for d := 0; d < D; d++ {
					h[(b*T+t)*D+d] = ht[(b*D+d)*T+t]
				}
			}
		}
	} else {
		a := attention64(h, k.Attn, B, T)
		for i := range a {
			h[i] += a[i]
		}
		rmsnorm64(h, B*T, D, eps)
	}
	m := swiglu64(h, k.MLP, B*T)
	for i := range m {
		h[i] += m[i]
	}
	rmsnorm64(h, B*T, D, eps)
}
