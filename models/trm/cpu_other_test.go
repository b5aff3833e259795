//go:build !unix

package trm

import "time"

// processCPU is 0 where it cannot be read (x_fp32_cpu is then not reported).
func processCPU() time.Duration { return 0 }
