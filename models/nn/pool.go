package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// The helper pool: goroutines started on demand (at most maxHelpers), never
// stopped, shared by every parallel kernel (GEMM products, attention heads).
// A job is shared by its caller and the idle helpers it reserves; the caller
// works on it too, so a job finishes even when no helper is free, and
// nothing ever waits for a helper that is busy elsewhere (no deadlock when
// jobs nest, as a head's GEMMs inside a head job do).

// poolJob is work that several goroutines take tasks from until none is
// left. run must return only when every task has been taken (results are
// the caller's to order: each task writes its own outputs).
type poolJob interface {
	run()
	joinState() *joiner
}

// joiner is a job's completion: the caller holds one token and each helper
// the job was handed to one more; whoever drops the last token after the
// caller signals done.
type joiner struct {
	tokens atomic.Int64
	done   chan struct{}
}

func newJoiner() joiner { return joiner{done: make(chan struct{}, 1)} }

func (js *joiner) joinState() *joiner { return js }

// shareJob runs j on the caller and on up to helpers idle pool helpers, and
// returns when all of them are done.
func shareJob(j poolJob, helpers int) {
	js := j.joinState()
	js.tokens.Store(1)
	ch := startWorkers(helpers)
	for range helpers {
		// Hand the job only to idle helpers: when jobs run on several
		// goroutines at once (attention heads), a busy helper would make a
		// caller wait for someone else's job.
		if !reserveWorker() {
			break
		}
		js.tokens.Add(1)
		ch <- j // never blocks: at most one queued job per idle helper
	}
	j.run()
	// Every task is taken; helpers are finishing their last one. Wait for
	// them spinning for a while, since parking and waking cost more than a
	// task on a virtual machine, then block.
	for spin := 0; js.tokens.Load() > 1 && spin < joinSpins; spin++ {
		runtime.Gosched()
	}
	if js.tokens.Add(-1) != 0 {
		<-js.done
	}
}

// joinSpins and workerSpins bound how long (in scheduler yields, about
// 0.1–0.5 µs each when nothing else is runnable) a caller waits for helpers
// before blocking, and an idle helper looks for the next job before
// parking. Between the GEMMs of a forward pass there is only a little
// element-wise work, so a helper that stays awake saves a wake-up per GEMM.
const (
	joinSpins   = 1 << 11
	workerSpins = 1 << 10
)

var workers struct {
	mu   sync.Mutex
	n    atomic.Int64 // started
	idle atomic.Int64 // waiting for a job and not reserved by a caller
	ch   chan poolJob
}

const maxHelpers = 255

// startWorkers makes sure that n helpers exist (n ≤ maxHelpers) and returns
// their job channel.
func startWorkers(n int) chan poolJob {
	n = min(n, maxHelpers)
	if int(workers.n.Load()) >= n {
		return workers.ch
	}
	workers.mu.Lock()
	defer workers.mu.Unlock()
	if workers.ch == nil {
		workers.ch = make(chan poolJob, maxHelpers+1)
	}
	for int(workers.n.Load()) < n {
		workers.idle.Add(1)
		go poolWorker(workers.ch)
		workers.n.Add(1)
	}
	return workers.ch
}

// reserveWorker claims an idle helper for one job, if there is one.
func reserveWorker() bool {
	for {
		idle := workers.idle.Load()
		if idle <= 0 {
			return false
		}
		if workers.idle.CompareAndSwap(idle, idle-1) {
			return true
		}
	}
}

func poolWorker(ch chan poolJob) {
	for j := range ch {
		for j != nil {
			j.run()
			js := j.joinState()
			done := js.tokens.Add(-1) == 0
			workers.idle.Add(1) // before signalling, so the caller's next job finds it
			if done {
				js.done <- struct{}{}
			}
			j = nil
			for spin := 0; j == nil && spin < workerSpins; spin++ {
				select {
				case j = <-ch:
				default:
					runtime.Gosched()
				}
			}
		}
	}
}
