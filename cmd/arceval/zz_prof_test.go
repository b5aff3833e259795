package main

import (
	"os"
	"strings"
	"testing"
)

func TestZZProf(t *testing.T) {
	run(strings.Fields(os.Getenv("ZZ_ARGS")), os.Stdout, os.Stderr)
}
