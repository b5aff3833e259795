package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync"

	"arceval/internal/atomicfile"
	"arceval/tasks"
	"arceval/tasks/gen"
)

func runDataGen(c *cli, args []string) error {
	fs := c.newFlags("data gen", `data gen sudoku|maze --n N --seed S --out FILE.csv [flags]

Generates puzzles with arceval's own generators and writes them in the official
CSV format (source,question,answer,rating), then validates the file and prints
its statistics. Puzzle i depends only on (seed, i): the output does not depend
on --threads.
  sudoku: 9×9, unique solution; rating = solver guesses (tdoku-like difficulty)
  maze:   N×N "# SGo" maze, shortest S→G path of at least --min-path moves`)
	n := fs.Int("n", 1000, "number of puzzles")
	seed := fs.Uint64("seed", 1, "root seed")
	out := fs.String("out", "", "output CSV (written atomically); - for stdout")
	threads := fs.Int("threads", runtime.GOMAXPROCS(0), "worker goroutines")
	clues := fs.Int("clues", 0, "sudoku: exact number of givens (0 = minimal puzzles)")
	minRating := fs.Int("min-rating", 0, "sudoku: minimum rating")
	maxRating := fs.Int("max-rating", 0, "sudoku: maximum rating (0 = none)")
	side := fs.Int("size", 30, "maze: side length")
	minPath := fs.Int("min-path", 109, "maze: minimum shortest-path length in moves (Maze-Hard: 109, i.e. > 110 cells incl. S and G)")
	walls := fs.Float64("wall-density", 0, "maze: wall probability (0 = drawn per maze from [0.30, 0.50] as Maze-Hard)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageError{"data gen: name one of sudoku, maze"}
	}
	if *out == "" {
		return usageError{"data gen: --out is required (- for stdout)"}
	}
	if *n < 1 || *threads < 1 {
		return usageError{"data gen: --n and --threads must be ≥ 1"}
	}
	return genPuzzles(c, fs.Arg(0), genSpec{N: *n, Seed: *seed, Out: *out, Threads: *threads,
		Sudoku: gen.SudokuOptions{Clues: *clues, MinRating: *minRating, MaxRating: *maxRating},
		Maze:   gen.MazeOptions{N: *side, MinPathLen: *minPath, WallDensity: *walls}})
}

// genSpec is what data gen generates: n puzzles from the root seed, on
// Threads workers, into the CSV Out ("-": stdout), with the options of the
// kind generated.
type genSpec struct {
	N       int
	Seed    uint64
	Out     string
	Threads int
	Sudoku  gen.SudokuOptions
	Maze    gen.MazeOptions
}

// genPuzzles generates g's puzzles of kindName (sudoku or maze), writes
// them validated and prints their statistics.
func genPuzzles(c *cli, kindName string, g genSpec) error {
	var one func(rng *rand.Rand, i int) ([]string, error)
	var kind tasks.Kind
	switch kindName {
	case "sudoku":
		kind = tasks.Sudoku
		opt := g.Sudoku
		one = func(rng *rand.Rand, i int) ([]string, error) {
			p, s, r, err := gen.GenerateSudoku(rng, opt)
			if err != nil {
				return nil, err
			}
			return []string{fmt.Sprintf("arceval-gen-sudoku-seed%d-%d", g.Seed, i), gen.FormatSudoku(p), gen.FormatSudoku(s), strconv.Itoa(r)}, nil
		}
	case "maze":
		kind = tasks.Maze
		opt := g.Maze
		one = func(rng *rand.Rand, i int) ([]string, error) {
			q, a, l, err := gen.GenerateMaze(rng, opt)
			if err != nil {
				return nil, err
			}
			return []string{fmt.Sprintf("arceval-gen-maze-seed%d-%d", g.Seed, i), string(q), string(a), strconv.Itoa(l)}, nil
		}
	default:
		return usageError{fmt.Sprintf("data gen: unknown kind %q (want sudoku or maze)", kindName)}
	}
	rows, err := generateRows(g.N, g.Seed, g.Threads, one, newProgress(c.stderr))
	if err != nil {
		return err
	}
	if g.Out == "-" {
		return writeCSV(c.stdout, rows)
	}
	set, err := writeValidated(g.Out, kind, rows)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "wrote %d puzzles to %s (validated)\n\n", len(rows), g.Out)
	printStats(c.stdout, tasks.Stats(set))
	return nil
}

// writeValidated writes rows as a board CSV of kind at out, atomically:
// the temporary file is read back with that kind's loader (never by
// guessing the format) and takes the name out only when it validates, so
// a failure leaves no file, neither half-written nor invalid.
func writeValidated(out string, kind tasks.Kind, rows [][]string) (*tasks.Set, error) {
	f, err := atomicfile.Create(out)
	if err != nil {
		return nil, err
	}
	defer f.Abort()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := writeCSV(bw, rows); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	list, err := tasks.ReadBoardCSV(out, bufio.NewReader(f), kind)
	if err != nil {
		return nil, fmt.Errorf("generated file does not validate (not written): %w", err)
	}
	if err := f.Commit(); err != nil {
		return nil, err
	}
	return &tasks.Set{Name: out, Kind: kind, Path: out, Tasks: list}, nil
}

// generateRows runs one(i) for i in [0, n) on workers; puzzle i draws from
// its own PCG stream seeded by (seed, i), so the result is independent of
// scheduling.
func generateRows(n int, seed uint64, threads int, one func(*rand.Rand, int) ([]string, error), p *progress) ([][]string, error) {
	rows := make([][]string, n)
	errs := make([]error, n)
	next := make(chan int)
	var done sync.WaitGroup
	var mu sync.Mutex
	finished := 0
	for range threads {
		done.Add(1)
		go func() {
			defer done.Done()
			for i := range next {
				rows[i], errs[i] = one(rand.New(rand.NewPCG(seed, uint64(i))), i)
				mu.Lock()
				finished++
				p.update("generate", finished, n)
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	done.Wait()
	p.done()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("puzzle %d: %w", i, err)
		}
	}
	return rows, nil
}

func writeCSV(w io.Writer, rows [][]string) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"source", "question", "answer", "rating"})
	cw.WriteAll(rows)
	return cw.Error()
}
