//go:build !unix

package harness

import "time"

// ProcessCPU is the CPU time this process has used so far; 0 where the
// platform offers no getrusage (CPU-seconds are then not recorded).
func ProcessCPU() time.Duration { return 0 }
