package harness

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"arceval/results"
)

// TrainOptionsFile holds, in a run folder, the options the run was started
// with, so that a resumed run continues with all of them (evaluation set
// and cadence, logging, checkpoints, data…) and not with the defaults.
const TrainOptionsFile = "options.json"

// TrainOptions are the settings of a training run, named as train's flags
// name them (the keys of options.json). Given says which were set
// explicitly: only those override a recipe value, a new run records its
// model and recipe options only when given (the checkpoint holds what they
// resolved to), and a resumed run takes every option not given from its
// options.json.
type TrainOptions struct {
	// A new run's recipe: a named one ("" the preset's, else the family's
	// for the data's kind) and the values that override it when given.
	Recipe      string
	GlobalBatch int
	LR          float64
	LRMinRatio  float64
	Warmup      int
	WeightDecay float64
	PuzzleLR    float64
	PuzzleWD    float64
	EMA         float64
	Optimizer   string
	Loss        string

	// A new run's model, seed and length.
	Kind, Preset, ConfigFile, Override string
	Ablation                           string // the ablations' names (TrainSpec.Ablation applies them)
	Seed                               uint64
	Steps                              int
	MicroBatch                         int // 0: the global batch
	EpochsPerIter                      int // when given: ≥ 1
	// Precision the network trains and evaluates in (results.Precision…;
	// "" float32; act.SetPrecision).
	Precision string

	// The run's data, evaluation and cadence.
	Data               string // data root ("" $ARCEVAL_DATA, else ./data); per process
	Sets               []string
	NumAug             int    // copies per puzzle; −1: the official build's
	BuildSeed          uint32 // seed of the in-memory build
	AllowEvalTestPairs bool
	EvalSet            string
	EvalLimit          int // the first N tasks of EvalSet (0: all)
	EvalViews          int
	EvalBatch          int // rows per evaluation batch; per process
	LogEvery           int
	EvalEvery          int
	CheckpointEvery    int
	Budget             time.Duration // wall time of this process (0: none); per process

	// Given holds the names of the options set explicitly.
	Given map[string]bool
}

// DefaultTrainOptions are train's defaults.
func DefaultTrainOptions() TrainOptions {
	return TrainOptions{Kind: "trm", Steps: 1000, NumAug: -1, BuildSeed: 42, EvalViews: 1, EvalBatch: 64,
		LogEvery: 10, CheckpointEvery: 100}
}

// Give marks options as set explicitly.
func (o *TrainOptions) Give(names ...string) {
	if o.Given == nil {
		o.Given = map[string]bool{}
	}
	for _, n := range names {
		o.Given[n] = true
	}
}

func (o *TrainOptions) given(name string) bool { return o.Given[name] }

// optionClass is how an option behaves on resume.
type optionClass int

const (
	runOption    optionClass = iota // restored; a given value must be the run's
	perProcess                      // restored unless given: this process's
	newRunOption                    // refused on resume (the checkpoint holds it); saved only when given
	recipeOption                    // as newRunOption, and overrides the recipe when given
)

// trainOption is one option: its name, class and value as text (the text
// is the flag's: options.json keeps it, and it is compared on resume).
type trainOption struct {
	name  string
	class optionClass
	value func(o *TrainOptions) optionValue
	// override sets a recipe value to the option's (recipe values only).
	override func(c *TrainConfig, o *TrainOptions)
}

// optionValue reads and writes one field as text.
type optionValue interface {
	String() string
	Set(string) error
}

// trainOptionTable lists every option: the recipe's (in the order their
// overrides apply, and --resume lists them when refused), a new run's
// model options, then the run's.
var trainOptionTable = []trainOption{
	{"recipe", recipeOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Recipe) }, nil},
	{"batch", recipeOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.GlobalBatch) },
		func(c *TrainConfig, o *TrainOptions) { c.GlobalBatch = o.GlobalBatch }},
	{"lr", recipeOption, func(o *TrainOptions) optionValue { return (*floatValue)(&o.LR) },
		func(c *TrainConfig, o *TrainOptions) { c.LR = o.LR }},
	{"lr-min-ratio", recipeOption, func(o *TrainOptions) optionValue { return (*floatValue)(&o.LRMinRatio) },
		func(c *TrainConfig, o *TrainOptions) { c.LRMinRatio = o.LRMinRatio }},
	{"warmup", recipeOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.Warmup) },
		func(c *TrainConfig, o *TrainOptions) { c.Warmup = o.Warmup }},
	{"weight-decay", recipeOption, func(o *TrainOptions) optionValue { return (*floatValue)(&o.WeightDecay) },
		func(c *TrainConfig, o *TrainOptions) { c.WeightDecay = o.WeightDecay }},
	{"puzzle-emb-lr", recipeOption, func(o *TrainOptions) optionValue { return (*floatValue)(&o.PuzzleLR) },
		func(c *TrainConfig, o *TrainOptions) { c.PuzzleLR = o.PuzzleLR }},
	{"puzzle-emb-weight-decay", recipeOption, func(o *TrainOptions) optionValue { return (*floatValue)(&o.PuzzleWD) },
		func(c *TrainConfig, o *TrainOptions) { c.PuzzleWD = o.PuzzleWD }},
	{"ema", recipeOption, func(o *TrainOptions) optionValue { return (*floatValue)(&o.EMA) },
		func(c *TrainConfig, o *TrainOptions) { c.EMA = o.EMA }},
	{"optimizer", recipeOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Optimizer) },
		func(c *TrainConfig, o *TrainOptions) { c.Optimizer = o.Optimizer }},
	{"loss", recipeOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Loss) },
		func(c *TrainConfig, o *TrainOptions) { c.Loss = o.Loss }},

	{"kind", newRunOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Kind) }, nil},
	{"preset", newRunOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Preset) }, nil},
	{"config", newRunOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.ConfigFile) }, nil},
	{"override", newRunOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Override) }, nil},
	{"ablation", newRunOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.Ablation) }, nil},
	{"seed", newRunOption, func(o *TrainOptions) optionValue { return (*uint64Value)(&o.Seed) }, nil},
	{"steps", newRunOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.Steps) }, nil},
	{"micro-batch", newRunOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.MicroBatch) }, nil},
	{"precision", newRunOption, func(o *TrainOptions) optionValue { return (*precisionValue)(&o.Precision) }, nil},
	{"epochs-per-iter", newRunOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.EpochsPerIter) }, nil},

	{"data", perProcess, func(o *TrainOptions) optionValue { return (*textValue)(&o.Data) }, nil},
	{"set", runOption, func(o *TrainOptions) optionValue { return (*listValue)(&o.Sets) }, nil},
	{"num-aug", runOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.NumAug) }, nil},
	{"build-seed", runOption, func(o *TrainOptions) optionValue { return (*uint32Value)(&o.BuildSeed) }, nil},
	{"allow-eval-test-pairs", runOption, func(o *TrainOptions) optionValue { return (*boolValue)(&o.AllowEvalTestPairs) }, nil},
	{"eval-set", runOption, func(o *TrainOptions) optionValue { return (*textValue)(&o.EvalSet) }, nil},
	{"eval-limit", runOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.EvalLimit) }, nil},
	{"eval-views", runOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.EvalViews) }, nil},
	{"eval-batch", perProcess, func(o *TrainOptions) optionValue { return (*intValue)(&o.EvalBatch) }, nil},
	{"log-every", runOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.LogEvery) }, nil},
	{"eval-every", runOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.EvalEvery) }, nil},
	{"checkpoint-every", runOption, func(o *TrainOptions) optionValue { return (*intValue)(&o.CheckpointEvery) }, nil},
	{"budget", perProcess, func(o *TrainOptions) optionValue { return (*durationValue)(&o.Budget) }, nil},
}

// lookupOption returns the option of a name.
func lookupOption(name string) (trainOption, bool) {
	i := slices.IndexFunc(trainOptionTable, func(t trainOption) bool { return t.name == name })
	if i < 0 {
		return trainOption{}, false
	}
	return trainOptionTable[i], true
}

// optionNames lists the options of some classes, in table order.
func optionNames(classes ...optionClass) []string {
	var names []string
	for _, t := range trainOptionTable {
		if slices.Contains(classes, t.class) {
			names = append(names, t.name)
		}
	}
	return names
}

// Text returns an option's value as text, as options.json keeps it; ok is
// false for a name that is no option.
func (o *TrainOptions) Text(name string) (text string, ok bool) {
	t, ok := lookupOption(name)
	if !ok {
		return "", false
	}
	return t.value(o).String(), true
}

// textValue and the types below give a field the text form of the flag
// that sets it (pflag's: decimal or base-prefixed integers, shortest
// floats, Go durations, comma-separated lists), so that options.json is
// the same whichever way the options were set.
type (
	textValue      string
	intValue       int
	floatValue     float64
	boolValue      bool
	uint32Value    uint32
	uint64Value    uint64
	durationValue  time.Duration
	listValue      []string
	precisionValue string // results.PrecisionFloat32 or results.PrecisionBF16 ("" the default)
)

func (v *precisionValue) String() string { return string(*v) }
func (v *precisionValue) Set(s string) error {
	if s != "" && s != results.PrecisionFloat32 && s != results.PrecisionBF16 {
		return fmt.Errorf("%q is not a precision (want %q or %q)", s, results.PrecisionFloat32, results.PrecisionBF16)
	}
	*v = precisionValue(s)
	return nil
}

func (v *textValue) String() string     { return string(*v) }
func (v *textValue) Set(s string) error { *v = textValue(s); return nil }

func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 0)
	if err == nil {
		*v = intValue(n)
	}
	return err
}

func (v *floatValue) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }
func (v *floatValue) Set(s string) error {
	x, err := strconv.ParseFloat(s, 64)
	if err == nil {
		*v = floatValue(x)
	}
	return err
}

func (v *boolValue) String() string { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err == nil {
		*v = boolValue(b)
	}
	return err
}

func (v *uint32Value) String() string { return strconv.FormatUint(uint64(*v), 10) }
func (v *uint32Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 0, 32)
	if err == nil {
		*v = uint32Value(n)
	}
	return err
}

func (v *uint64Value) String() string { return strconv.FormatUint(uint64(*v), 10) }
func (v *uint64Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 0, 64)
	if err == nil {
		*v = uint64Value(n)
	}
	return err
}

func (v *durationValue) String() string { return time.Duration(*v).String() }
func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err == nil {
		*v = durationValue(d)
	}
	return err
}

func (v *listValue) String() string     { return strings.Join(*v, ",") }
func (v *listValue) Set(s string) error { *v = splitList(s); return nil }

// splitList splits a comma-separated list; "" is no element.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
