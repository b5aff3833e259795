package harness

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"

	"arceval/models"
	"arceval/models/nn"
	"arceval/results"
)

// Provenance is the build that writes a run: the program's version, VCS
// revision and Go version (the command reads them from its build info).
type Provenance struct {
	Version, Revision, GoVersion string
}

// NewHeader starts a run header: provenance (build, kernel, machine), the
// model, the selection of the set that is evaluated (its task and
// test-input counts are the scores' denominators) and the protocol (its
// views and steps are also the header's).
func NewHeader(prov Provenance, info models.Info, cfg json.RawMessage, es *EvalSet, selection []*Item, subset string, seed uint64, p results.Protocol) results.Header {
	nTasks, nInputs := Counts(selection)
	return results.Header{
		Version: prov.Version, Revision: prov.Revision, GoVersion: prov.GoVersion, Kernel: Kernels(p.Precision), Machine: Machine(),
		ModelKind: info.Kind, ModelConfig: cfg, Set: es.Name, Fingerprint: es.Fingerprint, Seed: seed,
		TaskKind: es.Kind.String(), Tasks: nTasks, TestInputs: nInputs, Subset: subset, Views: p.Views, Steps: p.Steps,
		Protocol: &p, NoAnswers: es.Identity.NoAnswers,
	}
}

// Kernels names the GEMM kernels a run in precision (a Protocol.Precision)
// uses: nn.Kernel, and for bf16 also nn.BF16Kernel, whose bits can differ
// from another bf16 kernel's ("avx512, bf16 amx").
func Kernels(precision string) string {
	if precision == results.PrecisionBF16 {
		return nn.Kernel() + ", bf16 " + nn.BF16Kernel()
	}
	return nn.Kernel()
}

// Machine describes where a run ran: OS/arch, CPU model and core count.
func Machine() string {
	cpu := ""
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return strings.TrimSpace(fmt.Sprintf("%s/%s %d cores %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpu))
}
