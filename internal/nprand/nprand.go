// Package nprand reproduces, bit for bit, the random stream of numpy's legacy
// RandomState (the global np.random.* functions) for the subset of calls used
// by arceval's data builders: seeding, randint, shuffle, permutation, rand and
// choice without replacement.
//
// The generator is MT19937 with numpy's seeding rules; each method consumes the
// underlying 32-bit draws in exactly the same order and quantity as numpy 1.x
// does, so a sequence of calls made in the same order as a Python script yields
// identical results. The algorithms follow numpy's C sources
// (randomkit/mt19937 and distributions.c); this is an independent Go port.
//
// A RandomState is not safe for concurrent use.
package nprand

import "fmt"

// MT19937 parameters (Matsumoto & Nishimura).
const (
	stateLen  = 624
	shift     = 397
	matrixA   = 0x9908b0df
	upperMask = 0x80000000
	lowerMask = 0x7fffffff
)

// RandomState is numpy's legacy RandomState: an MT19937 generator plus the
// legacy algorithms that map its 32-bit output to integers and floats.
// The zero value is not usable; construct one with New or NewFromArray.
type RandomState struct {
	key [stateLen]uint32
	pos int
}

// State is a snapshot of the generator, laid out like the second and third
// items of numpy's RandomState.get_state(): the 624-word key and the position.
// A State taken from numpy (key array, pos) can be loaded with SetState.
type State struct {
	Key [stateLen]uint32
	Pos int
}

// New returns a generator seeded like np.random.seed(seed) with an integer
// seed, which uses MT19937's init_genrand recurrence.
func New(seed uint32) *RandomState {
	r := &RandomState{}
	r.Seed(seed)
	return r
}

// NewFromArray returns a generator seeded like np.random.seed(key) with a
// 1-D sequence of integers, which uses MT19937's init_by_array. It panics if
// key is empty, as numpy raises ValueError in that case.
func NewFromArray(key []uint32) *RandomState {
	r := &RandomState{}
	r.SeedArray(key)
	return r
}

// Seed re-seeds r in place like np.random.seed(seed) for an integer seed.
func (r *RandomState) Seed(seed uint32) {
	r.key[0] = seed
	for i := 1; i < stateLen; i++ {
		prev := r.key[i-1]
		r.key[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	r.pos = stateLen
}

// SeedArray re-seeds r in place like np.random.seed(key) for a sequence seed
// (MT19937 init_by_array). It panics if key is empty.
func (r *RandomState) SeedArray(key []uint32) {
	if len(key) == 0 {
		panic("nprand: seed array must be non-empty")
	}
	r.Seed(19650218)
	mt := &r.key
	i, j := 1, 0
	for k := max(stateLen, len(key)); k > 0; k-- {
		prev := mt[i-1]
		mt[i] = (mt[i] ^ ((prev ^ (prev >> 30)) * 1664525)) + key[j] + uint32(j)
		i++
		j++
		if i >= stateLen {
			mt[0] = mt[stateLen-1]
			i = 1
		}
		if j >= len(key) {
			j = 0
		}
	}
	for k := stateLen - 1; k > 0; k-- {
		prev := mt[i-1]
		mt[i] = (mt[i] ^ ((prev ^ (prev >> 30)) * 1566083941)) - uint32(i)
		i++
		if i >= stateLen {
			mt[0] = mt[stateLen-1]
			i = 1
		}
	}
	mt[0] = 0x80000000 // guarantees a non-zero state
	r.pos = stateLen
}

// State returns a snapshot of the generator that SetState can restore.
func (r *RandomState) State() State {
	return State{Key: r.key, Pos: r.pos}
}

// SetState restores a snapshot taken by State or numpy's get_state(). It
// panics if Pos is outside [0, 624].
func (r *RandomState) SetState(s State) {
	if s.Pos < 0 || s.Pos > stateLen {
		panic(fmt.Sprintf("nprand: state position %d out of range [0, %d]", s.Pos, stateLen))
	}
	r.key = s.Key
	r.pos = s.Pos
}

// Clone returns an independent copy of r that continues the same stream.
func (r *RandomState) Clone() *RandomState {
	c := *r
	return &c
}

// regenerate refills the key with the next 624 untempered words.
func (r *RandomState) regenerate() {
	mt := &r.key
	twist := func(cur, next, far uint32) uint32 {
		y := (cur & upperMask) | (next & lowerMask)
		return far ^ (y >> 1) ^ (-(y & 1) & matrixA)
	}
	i := 0
	for ; i < stateLen-shift; i++ {
		mt[i] = twist(mt[i], mt[i+1], mt[i+shift])
	}
	for ; i < stateLen-1; i++ {
		mt[i] = twist(mt[i], mt[i+1], mt[i+shift-stateLen])
	}
	mt[stateLen-1] = twist(mt[stateLen-1], mt[0], mt[shift-1])
	r.pos = 0
}

// Uint32 returns the next raw MT19937 output (genrand_int32 with tempering).
// It matches np.random.randint(0, 2**32, dtype=np.uint32).
func (r *RandomState) Uint32() uint32 {
	if r.pos >= stateLen {
		r.regenerate()
	}
	y := r.key[r.pos]
	r.pos++
	y ^= y >> 11
	y ^= (y << 7) & 0x9d2c5680
	y ^= (y << 15) & 0xefc60000
	y ^= y >> 18
	return y
}

// Uint64 returns two successive Uint32 draws combined, first draw in the high
// half, as numpy's MT19937 next_uint64 does.
func (r *RandomState) Uint64() uint64 {
	hi := uint64(r.Uint32())
	return hi<<32 | uint64(r.Uint32())
}

// mask returns the smallest value of the form 2**k-1 that is >= v.
func mask(v uint64) uint64 {
	v |= v >> 1
	v |= v >> 2
	v |= v >> 4
	v |= v >> 8
	v |= v >> 16
	v |= v >> 32
	return v
}

// bounded returns a uniform value in [0, rng] by masked rejection, using
// 32-bit draws when rng fits in 32 bits and 64-bit draws otherwise. rng == 0
// consumes nothing. This is both numpy's random_interval and the legacy
// (masked) path of random_bounded_uint64_fill, which agree draw for draw.
func (r *RandomState) bounded(rng uint64) uint64 {
	if rng == 0 {
		return 0
	}
	m := mask(rng)
	if rng <= 0xffffffff {
		m32, rng32 := uint32(m), uint32(rng)
		for {
			if v := r.Uint32() & m32; v <= rng32 {
				return uint64(v)
			}
		}
	}
	for {
		if v := r.Uint64() & m; v <= rng {
			return v
		}
	}
}

// Interval returns a uniform integer in [0, limit] (inclusive), matching
// numpy's random_interval(max), which legacy shuffle and permutation use.
// Interval(0) returns 0 without consuming a draw.
func (r *RandomState) Interval(limit uint64) uint64 {
	return r.bounded(limit)
}

// Randint returns a uniform integer in [low, high), matching the scalar
// np.random.randint(low, high) with the default int64 dtype. When
// high == low+1 it returns low without consuming a draw, like numpy.
// It panics if low >= high (numpy raises ValueError).
func (r *RandomState) Randint(low, high int64) int64 {
	if low >= high {
		panic(fmt.Sprintf("nprand: Randint low >= high (%d >= %d)", low, high))
	}
	// Two's-complement wrap gives the exact width even when it exceeds int64.
	rng := uint64(high-1) - uint64(low)
	return int64(uint64(low) + r.bounded(rng))
}

// Shuffle permutes n items in place like np.random.shuffle on a 1-D list or
// array: for i from n-1 down to 1 it swaps items i and Interval(i). swap may
// be called with i == j, as numpy does.
func (r *RandomState) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, int(r.Interval(uint64(i))))
	}
}

// Permutation returns np.random.permutation(n): a shuffled copy of
// 0, 1, ..., n-1. Permuting an existing 1-D array (e.g. np.arange(1, 10))
// consumes the same draws, so element k of that result is a[Permutation(n)[k]].
func (r *RandomState) Permutation(n int) []int {
	p := make([]int, max(n, 0))
	for i := range p {
		p[i] = i
	}
	r.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

// Rand returns a float64 in [0, 1) like np.random.rand() / random_sample():
// 53 bits built from two draws as ((a>>5)*2**26 + (b>>6)) / 2**53.
func (r *RandomState) Rand() float64 {
	a := r.Uint32() >> 5
	b := r.Uint32() >> 6
	return (float64(a)*67108864.0 + float64(b)) / 9007199254740992.0
}

// Choice returns np.random.choice(n, size=k, replace=False) without
// probabilities, which legacy numpy computes as permutation(n)[:k]; it thus
// consumes n-1 interval draws regardless of k. It panics if k < 0 or k > n
// (numpy raises ValueError).
func (r *RandomState) Choice(n, k int) []int {
	if k < 0 || k > n {
		panic(fmt.Sprintf("nprand: Choice sample size %d outside [0, %d]", k, n))
	}
	return r.Permutation(n)[:k]
}
