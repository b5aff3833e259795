package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"arceval/harness"
	"arceval/internal/atomicfile"
	"arceval/models"
	"arceval/models/nn"
	"arceval/results"
)

// forwardStep is one supervision step of the output, in the fixtures' shape.
type forwardStep struct {
	Step      int           `json:"step"`
	FirstRow  int           `json:"first_row"` // index of the batch's first input row`
	Logits    [][][]float32 `json:"logits,omitempty"`
	Argmax    [][]int32     `json:"argmax"`
	QHalt     []float32     `json:"q_halt"`
	QContinue []float32     `json:"q_continue"`
	Halted    []bool        `json:"halted"`
}

func runForward(c *cli, args []string) error {
	fs := c.newFlags("forward", `forward --model FILE|NAME [--kind KIND] [--preset NAME|--config FILE] --inputs batch.json [--steps N] [--out out.json]

Runs input rows through a model of any family and writes every supervision step's
logits, argmax, q_halt, q_continue and halted flags as JSON ({"eval_steps":
[...]}, the parity fixtures' layout). The inputs file holds "inputs" (B×seq_len
tokens) and "puzzle_identifiers" (B); a parity fixture's JSON works as is.
The rows run --batch at a time: each eval_steps entry holds one step of one
batch, whose first row is first_row (batches in order, steps in order within
a batch; with B ≤ --batch, one entry per step as in the fixtures).`)
	mf := addModelFlags(fs)
	inputsPath := fs.String("inputs", "", "batch JSON with inputs and puzzle_identifiers")
	steps := fs.Int("steps", 0, "supervision steps (default: the model's halt_max_steps)")
	halt := fs.Bool("halt", false, "stop rows early by the model's halting rule on Q (TRM: q_halt > 0; HRM, transformer baseline: q_halt > q_continue)")
	noLogits := fs.Bool("no-logits", false, "leave logits out of the output")
	out := fs.String("out", "-", "output JSON file (- for stdout)")
	batchRows := fs.Int("batch", 64, "rows per model call")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *inputsPath == "" {
		return usageError{"forward: --inputs is required"}
	}
	if _, err := mf.resolve(c); err != nil {
		return err
	}
	if *batchRows < 1 {
		return usageError{fmt.Sprintf("forward: --batch %d: want ≥ 1 rows", *batchRows)}
	}
	if *steps < 0 || *steps > models.MaxHaltSteps {
		return usageError{fmt.Sprintf("forward: --steps %d: want 0 (the model's) to %d", *steps, models.MaxHaltSteps)}
	}
	m, err := mf.loadAny(c.stderr)
	if err != nil {
		return err
	}
	defer m.Close()
	info := m.Info()
	in, err := harness.OpenForwardInputs(*inputsPath, info.SeqLen, info.Vocab, info.PuzzleIDs)
	if err != nil {
		return err
	}
	n := *steps
	if n <= 0 {
		n = info.MaxSteps
	}
	write := func(w io.Writer) error {
		prec, _ := mf.precisionName()
		if prec == results.PrecisionFloat32 {
			prec = "" // float32 outputs keep their layout
		}
		head, err := json.Marshal(struct {
			Model     string          `json:"model"`
			Config    json.RawMessage `json:"config"`
			Precision string          `json:"precision,omitempty"`
		}{*mf.model, m.Config, prec})
		if err != nil {
			return err
		}
		io.WriteString(w, string(head[:len(head)-1])+`,"eval_steps":[`)
		sep := "\n"
		err = in.Batches(*batchRows, func(first int, tokens, ids []int32) error {
			return forwardBatch(m.Model, first, tokens, ids, n, *halt, !*noLogits, func(st forwardStep) error {
				b, err := json.Marshal(st)
				if err != nil {
					return err
				}
				io.WriteString(w, sep)
				sep = ",\n"
				_, err = w.Write(b)
				return err
			})
		})
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, "\n]}\n")
		return err
	}
	if *out == "-" {
		bw := bufio.NewWriterSize(c.stdout, 1<<20)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	if err := atomicfile.Write(*out, write); err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "wrote %d steps for %d rows to %s\n", n, in.Rows(), *out)
	return nil
}

// forwardBatch runs n supervision steps on one batch of rows and hands
// each step's outputs to emit.
func forwardBatch(m models.Model, first int, tokens, ids []int32, n int, halt, logits bool, emit func(forwardStep) error) error {
	info := m.Info()
	B, S, V := len(ids), info.SeqLen, info.Vocab
	batch := models.Batch{Inputs: tokens, PuzzleIDs: ids}
	run, so := m.NewRun(B), models.NewStepOutput(info, B)
	carrier, ok := run.(interface{ Carry() *models.Carry })
	if !ok {
		return fmt.Errorf("forward: a %s run does not show its carry", info.Kind)
	}
	state := carrier.Carry()
	argmax := make([]int32, B*S)
	for k := 1; k <= n; k++ {
		if err := run.Step(batch, so, models.StepOptions{HaltOnQ: halt}); err != nil {
			return err
		}
		nn.Argmax(argmax, so.Logits, B*S, V)
		st := forwardStep{Step: k, FirstRow: first, QHalt: so.QHalt, QContinue: so.QContinue, Halted: state.Halted}
		for b := 0; b < B; b++ {
			st.Argmax = append(st.Argmax, argmax[b*S:(b+1)*S])
			if logits {
				var rows [][]float32
				for s := 0; s < S; s++ {
					rows = append(rows, so.Logits[(b*S+s)*V:(b*S+s+1)*V])
				}
				st.Logits = append(st.Logits, rows)
			}
		}
		if err := emit(st); err != nil {
			return err
		}
	}
	return nil
}
