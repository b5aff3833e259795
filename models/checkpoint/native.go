package checkpoint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Metadata keys of a native arceval checkpoint.
const (
	MetaFormat = "arceval.format" // NativeFormatVersion
	MetaKind   = "arceval.kind"   // model family: "trm", "hrm", ...
	MetaConfig = "arceval.config" // model configuration, JSON
)

// NativeFormatVersion is the value of "arceval.format" this package writes
// and reads. A reader that meets another value refuses the file rather than
// guess.
const NativeFormatVersion = "1"

// Native is an opened native arceval checkpoint: a safetensors File plus
// the model kind and configuration stored in its metadata.
type Native struct {
	*File
	Kind   string
	Config json.RawMessage   // as written; interpreted by the model package
	Meta   map[string]string // the other metadata entries (not arceval.format/kind/config)
}

// WriteNative writes a native checkpoint atomically: tensors as safetensors,
// with metadata arceval.format = "1", arceval.kind = kind, arceval.config =
// config (valid JSON, stored compacted) and the extra entries of meta,
// whose keys may not use the reserved "arceval.format", "arceval.kind" or
// "arceval.config".
func WriteNative(path, kind string, config json.RawMessage, tensors []NamedTensor, meta map[string]string) error {
	if kind == "" {
		return fmt.Errorf("%s: native checkpoint needs a model kind", path)
	}
	var cfg bytes.Buffer
	if err := json.Compact(&cfg, config); err != nil {
		return fmt.Errorf("%s: model config is not valid JSON: %w", path, err)
	}
	all := make(map[string]string, len(meta)+3)
	for k, v := range meta {
		if k == MetaFormat || k == MetaKind || k == MetaConfig {
			return fmt.Errorf("%s: metadata key %q is reserved", path, k)
		}
		all[k] = v
	}
	all[MetaFormat] = NativeFormatVersion
	all[MetaKind] = kind
	all[MetaConfig] = cfg.String()
	return WriteSafetensors(path, tensors, all)
}

// IsNative reports whether a file's metadata claim a native arceval
// checkpoint (an arceval.format or arceval.kind entry); AsNative then
// checks the claim.
func IsNative(md map[string]string) bool {
	_, format := md[MetaFormat]
	_, kind := md[MetaKind]
	return format || kind
}

// OpenNative opens a native arceval checkpoint.
func OpenNative(path string) (*Native, error) {
	f, err := OpenSafetensors(path)
	if err != nil {
		return nil, err
	}
	n, err := AsNative(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return n, nil
}

// AsNative interprets an opened safetensors File as a native checkpoint,
// checking its format version, kind and config.
func AsNative(f *File) (*Native, error) {
	where := "__metadata__"
	if f.Format != FormatSafetensors {
		return nil, errf(f.Path, "", ErrFormat, "%s file, not a native arceval checkpoint (safetensors)", f.Format)
	}
	md := f.metadata
	ver, ok := md[MetaFormat]
	if !ok {
		return nil, errf(f.Path, where, ErrFormat, "no %q entry: a safetensors file but not a native arceval checkpoint", MetaFormat)
	}
	if ver != NativeFormatVersion {
		return nil, errf(f.Path, where, ErrFormat, "%s is %q, this build reads %q", MetaFormat, ver, NativeFormatVersion)
	}
	kind := md[MetaKind]
	if strings.TrimSpace(kind) == "" {
		return nil, errf(f.Path, where, ErrFormat, "%s is missing or empty", MetaKind)
	}
	cfg, ok := md[MetaConfig]
	if !ok || !json.Valid([]byte(cfg)) {
		return nil, errf(f.Path, where, ErrFormat, "%s is missing or not valid JSON", MetaConfig)
	}
	extra := map[string]string{}
	for k, v := range md {
		if k != MetaFormat && k != MetaKind && k != MetaConfig {
			extra[k] = v
		}
	}
	return &Native{File: f, Kind: kind, Config: json.RawMessage(cfg), Meta: extra}, nil
}
