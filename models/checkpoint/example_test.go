package checkpoint_test

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"arceval/models/checkpoint"
)

// Open a PyTorch checkpoint, list its tensors and read one row lazily.
func ExampleOpen() {
	f, err := checkpoint.Open("testdata/module.pt")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fmt.Println(f.Format)
	for _, t := range f.Tensors() {
		fmt.Println(t.Name, t.DType, t.Shape)
	}
	w, _ := f.Tensor("0.weight")
	row, err := w.Row(1) // reads 3 float32 values from the file, nothing else
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(row))
	// Output:
	// pytorch-zip
	// 0.weight F32 [2 3]
	// 0.bias F32 [2]
	// 1.weight F32 [2]
	// 1.bias F32 [2]
	// 3
}

// Convert a PyTorch checkpoint to a native arceval checkpoint and read its
// header back.
func ExampleWriteNative() {
	dir, err := os.MkdirTemp("", "native")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	src, err := checkpoint.Open("testdata/module.pt")
	if err != nil {
		log.Fatal(err)
	}
	defer src.Close()
	var tensors []checkpoint.NamedTensor
	for _, t := range src.Tensors() {
		tensors = append(tensors, checkpoint.FromTensor(t)) // copied in chunks when written
	}
	path := filepath.Join(dir, "model.safetensors")
	cfg := json.RawMessage(`{"hidden_size": 3}`)
	if err := checkpoint.WriteNative(path, "trm", cfg, tensors, map[string]string{"source": "module.pt"}); err != nil {
		log.Fatal(err)
	}

	n, err := checkpoint.OpenNative(path)
	if err != nil {
		log.Fatal(err)
	}
	defer n.Close()
	fmt.Println(n.Kind, string(n.Config), n.Meta["source"], len(n.Keys()))
	// Output: trm {"hidden_size":3} module.pt 4
}
