package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"arceval/harness"
	"arceval/models"
	"arceval/models/registry"
	"arceval/models/trm"
)

// ablation is one row of the paper's Table 1 (trm-spec §9.1) that our TRM
// can express: a change to the model config and/or the training recipe,
// applied on top of --preset/--config/--override.
type ablation struct {
	desc  string
	model func(c *trm.Config)
	train func(c *harness.TrainConfig)
}

var ablations = map[string]ablation{
	"act-continue": {"w/ ACT: HRM-style q_continue loss (a second, gradient-free pass)", func(c *trm.Config) { c.NoACTContinue = false }, nil},
	"no-ema":       {"no EMA: evaluate and save the live weights", nil, func(c *harness.TrainConfig) { c.EMA = 0 }},
	"4-layers":     {"w/ 4 layers, n halved", func(c *trm.Config) { c.LLayers, c.LCycles = 4, max(1, c.LCycles/2) }, nil},
	"att":          {"w/ self-attention (TRM-Att)", func(c *trm.Config) { c.MLPT, c.PosEncodings = false, "rope" }, nil},
	"mlp":          {"w/ token-mixing MLP (TRM-MLP)", func(c *trm.Config) { c.MLPT, c.PosEncodings = true, "none" }, nil},
	"no-act":       {"w/o ACT: no Q halting in training, every row runs halt_max_steps steps", nil, func(c *harness.TrainConfig) { c.NoACT = true }},
	// The two parts of "no recursion" the quickstart's variant removes
	// together, each alone (issue 12 item 6).
	"no-recursion": {"w/o recursion: H_cycles 1, L_cycles 1 (one latent and one answer update per supervision step); deep supervision kept",
		func(c *trm.Config) { c.HCycles, c.LCycles = 1, 1 }, nil},
	"no-deep-supervision": {"w/o deep supervision: halt_max_steps 1 (one supervision step per example, in training and evaluation); recursion kept",
		func(c *trm.Config) { c.HaltMaxSteps = 1 }, nil},
}

// recursionAblation matches "T<k>n<m>": H_cycles k, L_cycles m (e.g. T2n2).
var recursionAblation = regexp.MustCompile(`^T(\d+)n(\d+)$`)

// parseAblations parses a comma-separated list of ablations into the
// changes they make to the model config and to the training recipe.
func parseAblations(list string) (model func(*trm.Config), recipe func(*harness.TrainConfig), err error) {
	var ms []func(*trm.Config)
	var rs []func(*harness.TrainConfig)
	for name := range strings.SplitSeq(list, ",") {
		if name == "" {
			continue
		}
		if m := recursionAblation.FindStringSubmatch(name); m != nil {
			h, errH := strconv.Atoi(m[1])
			l, errL := strconv.Atoi(m[2])
			if errH != nil || errL != nil || h < 1 || l < 1 {
				return nil, nil, usageError{fmt.Sprintf("--ablation %q: T<k>n<m> needs whole numbers k, m ≥ 1 (H_cycles, L_cycles)", name)}
			}
			ms = append(ms, func(c *trm.Config) { c.HCycles, c.LCycles = h, l })
			continue
		}
		a, ok := ablations[name]
		if !ok {
			return nil, nil, usageError{fmt.Sprintf("--ablation %q: want %s or T<k>n<m> (the 1-step gradient and separate f_H/f_L rows of Table 1 are not implemented)", name, ablationNames())}
		}
		if a.model != nil {
			ms = append(ms, a.model)
		}
		if a.train != nil {
			rs = append(rs, a.train)
		}
	}
	model = func(c *trm.Config) {
		for _, f := range ms {
			f(c)
		}
	}
	recipe = func(c *harness.TrainConfig) {
		for _, f := range rs {
			f(c)
		}
	}
	return model, recipe, nil
}

// ablationFor parses a new run's --ablation for a model of kind: the
// ablations change a TRM config, so a family whose config is not one
// refuses them.
func ablationFor(kind, list string) (harness.Ablation, error) {
	fam, err := registry.Lookup(kind)
	if err != nil {
		return harness.Ablation{}, usageError{"train: --kind: " + err.Error()}
	}
	if c, err := fam.Config(""); err != nil {
		return harness.Ablation{}, err
	} else if _, ok := c.(*trm.Config); !ok {
		return harness.Ablation{}, usageError{"train: --ablation applies to TRM"}
	}
	model, recipe, err := parseAblations(list)
	if err != nil {
		return harness.Ablation{}, err
	}
	return harness.Ablation{Model: func(c models.Config) {
		if tc, ok := c.(*trm.Config); ok {
			model(tc)
		}
	}, Recipe: recipe}, nil
}

func ablationNames() string {
	names := []string{"act-continue", "no-ema", "4-layers", "att", "mlp", "no-act", "no-recursion", "no-deep-supervision"}
	return strings.Join(names, ", ")
}

// ablationHelp is train --help's list of the named ablations.
func ablationHelp() string {
	var b strings.Builder
	b.WriteString("\nAblations (--ablation, TRM; applied over the preset, config, overrides and recipe):\n")
	for name := range strings.SplitSeq(ablationNames(), ", ") {
		fmt.Fprintf(&b, "  %-20s %s\n", name, ablations[name].desc)
	}
	fmt.Fprintf(&b, "  %-20s %s\n", "T<k>n<m>", "H_cycles k, L_cycles m (e.g. T2n2)")
	return b.String()
}
