package main

import (
	"arceval/models/nn"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// buildInfo is the provenance printed by `arceval version` (and, later,
// recorded in every run file).
type buildInfo struct {
	Module, Version, Revision, Time string
	Modified                        bool
	GoVersion                       string
}

func readBuildInfo() buildInfo {
	bi := buildInfo{Module: "arceval", Version: "(devel)", GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	bi.Module, bi.Version = info.Main.Path, info.Main.Version
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Revision = s.Value
		case "vcs.time":
			bi.Time = s.Value
		case "vcs.modified":
			bi.Modified = s.Value == "true"
		}
	}
	return bi
}

func runVersion(c *cli, args []string) error {
	fs := c.newFlags("version", "version")
	if err := parse(fs, args); err != nil {
		return err
	}
	bi := readBuildInfo()
	rev := bi.Revision
	if rev == "" {
		rev = "unknown (built without VCS stamping: go run, or -buildvcs=false)"
	} else if bi.Modified {
		rev += " (modified)"
	}
	fmt.Fprintf(c.stdout, "arceval %s\n", bi.Version)
	fmt.Fprintf(c.stdout, "module    %s\n", bi.Module)
	fmt.Fprintf(c.stdout, "revision  %s\n", rev)
	if bi.Time != "" {
		fmt.Fprintf(c.stdout, "committed %s\n", bi.Time)
	}
	fmt.Fprintf(c.stdout, "go        %s %s/%s\n", bi.GoVersion, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(c.stdout, "kernel    %s (GEMM, %d threads)\n", nn.Kernel(), nn.Threads())
	fmt.Fprintf(c.stdout, "bf16      %s (--precision bf16 GEMM; of %s)\n", nn.BF16Kernel(), strings.Join(nn.BF16Kernels(), ", "))
	return nil
}
