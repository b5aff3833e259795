package catalog

// The sources of the table below (see also trm-spec §4.3):
//
//   - HRM's README, "Trained Checkpoints": the three Hugging Face
//     repositories sapientinc/HRM-checkpoint-{ARC-2,sudoku-extreme,
//     maze-30x30-hard}. Their weights file is named "checkpoint" (a plain
//     torch.save state_dict, no extension). Their sizes and hashes were not
//     available here: the sizes shown are estimates from the parameter
//     counts (27.3 M fp32 parameters ≈ 109 MB; ARC-2 adds 1,045,829 puzzle
//     rows × 2,048 B), the hash is recorded on the first download.
//   - HRM issue #2: the ARC-2 checkpoint's puzzle table has 1,045,829 rows
//     (a fresh run of HRM's builder gives 1,921,253).
//   - The ARC Prize Foundation's re-training of TRM with the official code
//     and recipe, arcprize/trm_arc_prize_verification: sizes from trm-spec
//     §4.3 (they equal the fp32 parameters + bf16 init vectors + the seed-42
//     build's puzzle rows × 2,048 B + 7,490 B of container). The sha256
//     values are the Hugging Face LFS object ids as reported by two
//     independent third-party records; they could not be re-hashed here, so
//     they are unverified: the download is checked by size and its hash is
//     compared with them (a difference is a warning).

// hrmSource is who trained the HRM checkpoints.
const hrmSource = "Sapient (HRM authors), official release"

// arcprizeSource is who trained the TRM checkpoints.
const arcprizeSource = "ARC Prize Foundation, re-trained with the official TRM code and recipe (the TRM authors released no weights)"

const arcprizeOrigin = "size: trm-spec §4.3; sha256: the HF LFS oid as reported by two third-party records, not re-hashed here"

const hrmOrigin = "not available here: the size is an estimate from the parameter count; the sha256 is recorded on first download"

// Entries returns the catalog, a fresh copy the caller may modify.
func Entries() []Entry {
	return []Entry{
		{
			Name: "hrm-sudoku-extreme", Desc: "HRM trained on Sudoku-Extreme 1k (paper: 55.0 % exact)",
			Family: "hrm", Preset: "sudoku-extreme", Benchmark: "sudoku", Trainer: hrmSource,
			Weights: File{Repo: "sapientinc/HRM-checkpoint-sudoku-extreme", Path: "checkpoint",
				Approx: "≈ 109 MB", Origin: hrmOrigin},
			Build: Build{
				Desc: "HRM's sudoku-extreme-1k-aug-1000 (1,000 training puzzles × 1,000 augmentations); evaluated on the Sudoku-Extreme test set",
				Sets: []string{"sudoku-extreme/test", "sudoku-extreme/test-sample-1200"},
			},
		},
		{
			Name: "hrm-maze-30x30-hard", Desc: "HRM trained on Maze-Hard 30×30 1k (paper: 74.5 % exact)",
			Family: "hrm", Preset: "maze-30x30-hard", Benchmark: "maze", Trainer: hrmSource,
			Weights: File{Repo: "sapientinc/HRM-checkpoint-maze-30x30-hard", Path: "checkpoint",
				Approx: "≈ 109 MB", Origin: hrmOrigin},
			Build: Build{
				Desc: "HRM's maze-30x30-hard-1k (1,000 training mazes, no augmentation); evaluated on the 1,000 test mazes",
				Sets: []string{"maze-hard/test"},
			},
		},
		{
			Name: "hrm-arc2", Desc: "HRM trained on ARC-AGI-2 (paper: 5.0 % pass@2, all-or-nothing per task)",
			Family: "hrm", Preset: "arc-2", Benchmark: "arc2", Trainer: hrmSource,
			Weights: File{Repo: "sapientinc/HRM-checkpoint-ARC-2", Path: "checkpoint",
				Approx: "≈ 2.25 GB", Origin: hrmOrigin},
			Build: Build{
				Desc: "HRM's own ARC-2 build (its build_arc_dataset.py over ARC-AGI-2's 1,120 tasks, 1,000 augmentations); " +
					"arceval reproduces TRM's ARC builder, not HRM's, and a fresh run of HRM's builder gives 1,921,253 identifiers (HRM issue #2)",
				Identifiers: 1_045_829,
			},
		},
		{
			Name: "trm-arc1-arcprize", Desc: "TRM-Att on ARC-AGI-1 (ARC Prize verification: 40 % semi-private; paper: 44.6 % public)",
			Family: "trm", Preset: "arc1-att", Benchmark: "arc1", Trainer: arcprizeSource,
			Weights: File{Repo: "arcprize/trm_arc_prize_verification", Path: "arc_v1_public/step_518071",
				Size: 1_822_205_258, SHA256: "53689643ad1606d7c22c758f8af0a71b3b66275dea074f214d2f1048d9a01fb0", Origin: arcprizeOrigin},
			Build: Build{
				Desc:        "TRM's ARC-AGI-1 build: training, evaluation, concept; 1,000 augmentations, seed 42; test set evaluation",
				Command:     "arceval data build arc --out build-arc1",
				Identifiers: 876_406,
			},
		},
		{
			Name: "trm-arc2-arcprize", Desc: "TRM-Att on ARC-AGI-2 (ARC Prize verification: 6.2 % semi-private; paper: 7.8 % public)",
			Family: "trm", Preset: "arc2-att", Benchmark: "arc2", Trainer: arcprizeSource,
			Weights: File{Repo: "arcprize/trm_arc_prize_verification", Path: "arc_v2_public/step_723914",
				Size: 2_467_988_810, SHA256: "8d7036b97e7ea38c7dd29d01216bfcfc4e212af3024d5233fe40dd3059e8f4a9", Origin: arcprizeOrigin},
			Build: Build{
				Desc:        "TRM's ARC-AGI-2 build: training2, evaluation2, concept; 1,000 augmentations, seed 42; test set evaluation2 (172 test inputs)",
				Command:     "arceval data build arc --subsets training2,evaluation2,concept --test-set evaluation2 --out build-arc2",
				Identifiers: 1_191_730,
			},
		},
	}
}
