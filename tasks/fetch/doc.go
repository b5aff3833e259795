// Package fetch downloads the official benchmark sources into a data root and
// verifies them.
//
// GitHub sources are fetched as one codeload archive of a pinned commit; only
// the files listed in the embedded manifest are extracted, each checked
// against its recorded size and sha256. Hugging Face files have no published
// hash: the first download records its sha256 in fetch.lock.json in the data
// root and later fetches must match it (trust on first use). Downloads resume
// from <dest>.part with HTTP Range requests, retry transient failures with
// backoff, and every final file is written to a temporary file, synced and
// renamed, so an interrupted run never leaves a half-written file behind.
//
// The embedded manifest (manifest.tsv.gz) is generated from the data root's
// MANIFEST.txt; see manifest.go and run go generate after changing sources.
package fetch
