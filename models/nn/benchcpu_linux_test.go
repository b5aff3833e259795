//go:build linux

package nn

import "golang.org/x/sys/unix"

// threadCPUSeconds is the CPU time the calling OS thread has used (user +
// system). On a shared machine it counts only the time this thread ran, so
// single-threaded benchmarks (run under runtime.LockOSThread) compare
// kernels by the work they did, not by how long the neighbours held the
// core.
func threadCPUSeconds() float64 {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return nowSeconds()
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
