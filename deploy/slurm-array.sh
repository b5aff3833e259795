#!/usr/bin/env bash
# Evaluate a model on a benchmark as an array of shards, one task per shard,
# then merge (submit the merge with a dependency on the array):
#
#   jid=$(sbatch --parsable deploy/slurm-array.sh)
#   sbatch --dependency=afterok:$jid --wrap \
#     'arceval merge results/maze/shard-*.jsonl --out results/maze/run.jsonl && arceval score results/maze/run.jsonl'
#
# A requeued or resubmitted task continues its shard (--resume). Set the array
# size and SHARDS together.
#SBATCH --job-name=arceval-maze
#SBATCH --array=1-16
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --requeue
set -euo pipefail
SHARDS=16
mkdir -p results/maze
arceval eval \
  --model models/maze.pt --preset maze-att \
  --set maze-hard/test --data data \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS}" --batch 4 --threads "${SLURM_CPUS_PER_TASK}" \
  --out "results/maze/shard-${SLURM_ARRAY_TASK_ID}.jsonl" --resume
