//go:build amd64 && !purego && linux

package nn

import (
	"fmt"
	"syscall"
)

// amxRequestTiles asks Linux for the AMX tile-data state (arch_prctl
// ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA): without it the first tile
// instruction faults. The permission holds for every thread of the process.
func amxRequestTiles() error {
	const archReqXcompPerm, xfeatureXTileData = 0x1023, 18
	if _, _, e := syscall.RawSyscall(syscall.SYS_ARCH_PRCTL, archReqXcompPerm, xfeatureXTileData, 0); e != 0 {
		return fmt.Errorf("Linux refused the AMX tile state (arch_prctl: %v)", e)
	}
	return nil
}
