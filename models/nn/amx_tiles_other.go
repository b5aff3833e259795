//go:build amd64 && !purego && !linux

package nn

import "fmt"

// amxRequestTiles: the AMX kernel asks Linux for the tile state; other
// systems run the AVX512-BF16 kernel.
func amxRequestTiles() error { return fmt.Errorf("AMX tiles are only requested on Linux") }
