package tasks_test

import (
	"fmt"

	"arceval/tasks"
)

// ExampleParseARCName splits the official augmented puzzle names of the TRM
// ARC builder and undoes the augmentation of a predicted grid.
func ExampleParseARCName() {
	for _, name := range []string{"0a1d4ef5", "0a1d4ef5|||t1|||0213456789"} {
		id, aug, err := tasks.ParseARCName(name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: task %s, transform %d, colours %v, identity %v\n", name, id, aug.Trans, aug.Colours, aug.IsIdentity())
	}

	// A prediction made on the augmented view maps back to the original.
	_, aug, _ := tasks.ParseARCName("0a1d4ef5|||t1|||0213456789")
	orig := tasks.Grid{H: 2, W: 3, Cells: []uint8{1, 2, 3, 0, 0, 0}}
	view := aug.Apply(orig)
	fmt.Println(view)
	fmt.Println(aug.Invert(view).Equal(orig))

	_, _, err := tasks.ParseARCName("0a1d4ef5|||t9|||0213456789")
	fmt.Println(err)
	// Output:
	// 0a1d4ef5: task 0a1d4ef5, transform 0, colours [0 1 2 3 4 5 6 7 8 9], identity true
	// 0a1d4ef5|||t1|||0213456789: task 0a1d4ef5, transform 1, colours [0 2 1 3 4 5 6 7 8 9], identity false
	// 30
	// 10
	// 20
	// true
	// puzzle name "0a1d4ef5|||t9|||0213456789": transform "t9", want t0..t7
}

// ExampleCropARC encodes a grid into the 30×30 token canvas of the official
// builder and crops it back as the TRM evaluator does. The crop starts at the
// top-left corner: a grid placed at another offset crops to nothing.
func ExampleCropARC() {
	g := tasks.Grid{H: 2, W: 3, Cells: []uint8{1, 2, 3, 4, 5, 6}}
	canvas := make([]uint8, tasks.ARCSeqLen)

	tasks.EncodeARC(g, 0, 0, canvas)
	fmt.Println(canvas[0:5], canvas[30:35], canvas[60:65]) // rows 0-2, columns 0-4
	crop := tasks.CropARC(canvas)
	fmt.Printf("%d×%d\n%v\n", crop.H, crop.W, crop)

	tasks.EncodeARC(g, 1, 2, canvas) // a translated copy, as in training rows
	crop = tasks.CropARC(canvas)
	fmt.Printf("%d×%d\n", crop.H, crop.W)
	// Output:
	// [3 4 5 1 0] [6 7 8 1 0] [1 1 1 0 0]
	// 2×3
	// 123
	// 456
	// 0×0
}
