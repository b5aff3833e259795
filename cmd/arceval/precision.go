package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"arceval/models"
	"arceval/models/nn"
	"arceval/results"
)

// The --precision flag of the commands that run a model for inference
// (eval, forward, reproduce, bench): fp32, the engine's default (its
// parity fixtures' bits), or bf16, the bfloat16 forward pass the released
// checkpoints were trained and evaluated with (weights and activations in
// bf16, float32 accumulation: AMX's TDPBF16PS on CPUs with AMX-BF16,
// AVX512-BF16's VDPBF16PS on others; $ARCEVAL_BF16_KERNEL picks another).

const precisionHelp = "forward-pass precision: fp32 (default, float32) or bf16 (bfloat16 weights and activations with float32 accumulation, as the official forward_dtype bfloat16; fast on CPUs with AVX512-BF16 or AMX)"

// addPrecisionFlag registers --precision on fs.
func addPrecisionFlag(fs *pflag.FlagSet) *string {
	return fs.String("precision", "fp32", precisionHelp)
}

// parsePrecision maps a --precision value (fp32|float32, bf16|bfloat16) to
// its run-record name (results.Precision…); cmd ("" for none) prefixes
// the error.
func parsePrecision(cmd, s string) (string, error) {
	switch strings.ToLower(s) {
	case "fp32", "float32", "":
		return results.PrecisionFloat32, nil
	case "bf16", "bfloat16":
		return results.PrecisionBF16, nil
	}
	msg := fmt.Sprintf("--precision %q: want fp32 or bf16", s)
	if cmd != "" {
		msg = cmd + ": " + msg
	}
	return "", usageError{msg}
}

// shortPrecision is a record name's flag spelling (fp32, bf16).
func shortPrecision(p string) string {
	if p == results.PrecisionBF16 {
		return "bf16"
	}
	return "fp32"
}

// precisionSetter is a model whose forward precision can be chosen (the
// ACT core's SetPrecision).
type precisionSetter interface{ SetPrecision(string) error }

// setPrecision switches a loaded model to precision p (a record name).
// float32 changes nothing. For bf16 on a CPU without AVX512-BF16 it writes
// one line to stderr: the pure-Go bf16 kernel gives the same bits, slowly.
func setPrecision(stderr io.Writer, m models.Model, p string) error {
	if p == results.PrecisionFloat32 {
		return nil
	}
	ps, ok := m.(precisionSetter)
	if !ok {
		return fmt.Errorf("a %s model cannot run in %s", m.Info().Kind, p)
	}
	if err := ps.SetPrecision(p); err != nil {
		return err
	}
	if err := nn.BF16Accelerated(); err != nil && stderr != nil {
		fmt.Fprintf(stderr, "warning: --precision bf16 runs on the pure-Go bf16 kernel (same bits, many times slower than fp32): %v\n", err)
	}
	return nil
}

// bf16KernelEnv names the bf16 kernel to use instead of the fastest one
// (nn.BF16Kernels): "avx512bf16" on a CPU with AMX, say, for the bits of the
// VDPBF16PS chain that CPUs without AMX compute.
const bf16KernelEnv = "ARCEVAL_BF16_KERNEL"

// selectBF16Kernel applies $ARCEVAL_BF16_KERNEL, if set. It runs before any
// command, so a misspelt name stops every command with a usage error rather
// than running bf16 on a kernel nobody chose.
func selectBF16Kernel() error {
	name := os.Getenv(bf16KernelEnv)
	if name == "" {
		return nil
	}
	if err := nn.SetBF16Kernel(name); err != nil {
		return usageError{fmt.Sprintf("$%s=%q: no such bf16 kernel on this machine (have %s)", bf16KernelEnv, name, strings.Join(nn.BF16Kernels(), ", "))}
	}
	return nil
}
