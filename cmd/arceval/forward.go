package main

import (
	"arceval/internal/atomicfile"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"arceval/models/nn"
	"arceval/models/trm"
)

// forwardInputs is the batch file of `arceval forward` (a parity fixture's
// JSON works as is).
type forwardInputs struct {
	Inputs            [][]int32 `json:"inputs"`
	PuzzleIdentifiers []int32   `json:"puzzle_identifiers"`
}

// forwardStep is one supervision step of the output, in the fixtures' shape.
type forwardStep struct {
	Step      int           `json:"step"`
	Logits    [][][]float32 `json:"logits,omitempty"`
	Argmax    [][]int32     `json:"argmax"`
	QHalt     []float32     `json:"q_halt"`
	QContinue []float32     `json:"q_continue"`
	Halted    []bool        `json:"halted"`
}

func runForward(c *cli, args []string) error {
	fs := c.newFlags("forward", `forward --model FILE [--preset NAME|--config FILE] --inputs batch.json [--steps N] [--out out.json]

Runs a batch through the model and writes every supervision step's logits,
argmax, q_halt, q_continue and halted flags as JSON ({"eval_steps": [...]},
the parity fixtures' layout). The inputs file holds "inputs" (B×seq_len
tokens) and "puzzle_identifiers" (B).`)
	mf := addModelFlags(fs)
	inputsPath := fs.String("inputs", "", "batch JSON with inputs and puzzle_identifiers")
	steps := fs.Int("steps", 0, "supervision steps (default: the model's halt_max_steps)")
	halt := fs.Bool("halt", false, "stop rows early when q_halt > 0")
	noLogits := fs.Bool("no-logits", false, "leave logits out of the output")
	out := fs.String("out", "-", "output JSON file (- for stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *inputsPath == "" {
		return usageError{"forward: --inputs is required"}
	}
	m, done, err := mf.load()
	if err != nil {
		return err
	}
	defer done()
	data, err := os.ReadFile(*inputsPath)
	if err != nil {
		return err
	}
	var in forwardInputs
	if err := json.Unmarshal(data, &in); err != nil {
		return fmt.Errorf("%s: %w", *inputsPath, err)
	}
	B, S, V := len(in.Inputs), m.Cfg.SeqLen, m.Cfg.VocabSize
	if B == 0 || len(in.PuzzleIdentifiers) != B {
		return fmt.Errorf("%s: %d input rows and %d puzzle_identifiers (want the same, ≥ 1)", *inputsPath, B, len(in.PuzzleIdentifiers))
	}
	batch := trm.Batch{PuzzleIDs: in.PuzzleIdentifiers}
	for i, row := range in.Inputs {
		if len(row) != S {
			return fmt.Errorf("%s: inputs[%d] has %d tokens, the model's seq_len is %d", *inputsPath, i, len(row), S)
		}
		for j, v := range row {
			if v < 0 || int(v) >= V {
				return fmt.Errorf("%s: inputs[%d][%d]: token %d outside the model's vocabulary 0..%d", *inputsPath, i, j, v, V-1)
			}
		}
		if id := in.PuzzleIdentifiers[i]; m.Cfg.PuzzleEmbNdim > 0 && (id < 0 || int(id) >= m.Cfg.NumPuzzleIdentifiers) {
			return fmt.Errorf("%s: puzzle_identifiers[%d]: %d outside the model's identifiers 0..%d", *inputsPath, i, id, m.Cfg.NumPuzzleIdentifiers-1)
		}
		batch.Inputs = append(batch.Inputs, row...)
	}
	n := *steps
	if n <= 0 {
		n = m.Cfg.HaltMaxSteps
	}
	state, so, ar := m.NewState(B), m.NewStepOutput(B), &nn.Arena{}
	argmax := make([]int32, B*S)
	var result struct {
		Model     string        `json:"model"`
		Config    trm.Config    `json:"config"`
		EvalSteps []forwardStep `json:"eval_steps"`
	}
	result.Model, result.Config = *mf.model, m.Cfg
	for k := 1; k <= n; k++ {
		if err := m.Step(state, batch, so, trm.StepOptions{HaltOnQ: *halt}, ar); err != nil {
			return err
		}
		nn.Argmax(argmax, so.Logits, B*S, V)
		st := forwardStep{Step: k, QHalt: append([]float32(nil), so.QHalt...), QContinue: append([]float32(nil), so.QContinue...),
			Halted: append([]bool(nil), state.Halted...)}
		for b := 0; b < B; b++ {
			st.Argmax = append(st.Argmax, append([]int32(nil), argmax[b*S:(b+1)*S]...))
			if !*noLogits {
				var rows [][]float32
				for s := 0; s < S; s++ {
					rows = append(rows, append([]float32(nil), so.Logits[(b*S+s)*V:(b*S+s+1)*V]...))
				}
				st.Logits = append(st.Logits, rows)
			}
		}
		result.EvalSteps = append(result.EvalSteps, st)
	}
	write := func(w io.Writer) error {
		enc := json.NewEncoder(w)
		return enc.Encode(result)
	}
	if *out == "-" {
		return write(c.stdout)
	}
	if err := atomicfile.Write(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "wrote %d steps for %d rows to %s\n", n, B, *out)
	return nil
}
