//go:build linux

package nn

import "golang.org/x/sys/unix"

// threadCPUSeconds is the CPU time the calling OS thread has used
// (CLOCK_THREAD_CPUTIME_ID, nanosecond resolution). On a shared machine it
// counts only the time this thread ran, so single-threaded benchmarks (run
// under runtime.LockOSThread) compare kernels by the work they did, not by
// how long the neighbours held the core.
func threadCPUSeconds() float64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return nowSeconds()
	}
	return float64(ts.Sec) + float64(ts.Nsec)/1e9
}
