package nprand_test

import (
	"fmt"

	"arceval/internal/nprand"
)

// Example mirrors this Python, whose output it reproduces exactly:
//
//	np.random.seed(42)
//	items = list(range(10)); np.random.shuffle(items)
//	np.random.randint(0, 8)
//	np.random.permutation(np.arange(1, 10, dtype=np.uint8))
//	np.random.rand()
//	np.random.choice(10, size=3, replace=False)
func Example() {
	r := nprand.New(42)

	items := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	fmt.Println(items)

	fmt.Println(r.Randint(0, 8))

	p := r.Permutation(9)
	for i := range p {
		p[i]++ // permutation of np.arange(1, 10)
	}
	fmt.Println(p)

	fmt.Println(r.Rand())
	fmt.Println(r.Choice(10, 3))
	// Output:
	// [i b f a h c j e d g]
	// 2
	// [1 2 9 6 4 5 8 3 7]
	// 0.056411579027100256
	// [8 2 9]
}
