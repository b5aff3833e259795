// Package registry is the one list of model families: the command line
// finds a family here by its kind, for presets, configs, import, load,
// training and fresh weights, and never switches on the kind. Adding a
// family is its package plus one line in Families.
package registry

import (
	"fmt"
	"strings"

	"arceval/baselines/direct"
	"arceval/baselines/hrm"
	"arceval/models"
	"arceval/models/trm"
)

// Families are the model families, in the order help texts list them.
var Families = []models.Family{
	trm.Family,
	hrm.Family,
	direct.Family,
	direct.MLPFamily,
}

// aliases are other names the command line accepts for a kind.
var aliases = map[string]string{"direct": direct.Kind}

// Lookup returns the family of a kind (or an alias of one).
func Lookup(kind string) (models.Family, error) {
	if k, ok := aliases[kind]; ok {
		kind = k
	}
	for _, f := range Families {
		if f.Kind() == kind {
			return f, nil
		}
	}
	return nil, fmt.Errorf("model kind %q: want %s", kind, KindList())
}

// Kinds lists the families' kinds, in registry order.
func Kinds() []string {
	var ks []string
	for _, f := range Families {
		ks = append(ks, f.Kind())
	}
	return ks
}

// KindList is Kinds in prose: "trm, hrm, transformer_baseline or
// mlp_baseline".
func KindList() string {
	ks := Kinds()
	if len(ks) < 2 {
		return strings.Join(ks, "")
	}
	return strings.Join(ks[:len(ks)-1], ", ") + " or " + ks[len(ks)-1]
}
