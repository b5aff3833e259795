// Package results is the run record of arceval: a JSONL file whose first line
// is a header (provenance: arceval version and revision, kernel, model sha256
// and config, data fingerprint, set, seed, flags, machine) and whose other
// lines are one record per evaluated test input. Records are appended and
// flushed as items finish, so a killed run leaves a valid file: a torn last
// line is detected and dropped on reading, and a resumed run skips the items
// already recorded.
package results
