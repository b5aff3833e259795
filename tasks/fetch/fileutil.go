package fetch

import (
	"arceval/internal/atomicfile"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
)

// hashFile returns the size and hex sha256 of the file at name.
func hashFile(name string) (int64, string, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// commitRename renames an already synced file into place and syncs the
// directory (best effort) so the rename is durable.
func commitRename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	atomicfile.SyncDir(filepath.Dir(to))
	return nil
}

// native converts a slash-separated path under root to a native path.
func native(root, slashPath string) string {
	return filepath.Join(root, filepath.FromSlash(slashPath))
}
