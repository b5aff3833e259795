package tensors

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// ReadConfigDict reads the official config dict of a model config file: a
// JSON object (a bare config dict, or an object whose "config" member is
// one, such as a parity fixture) or the official all_config.yaml (its arch
// section).
func ReadConfigDict(path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var dict map[string]any
	if strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml") {
		y, err := parseSimpleYAML(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		arch, ok := y["arch"].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: no arch section", path)
		}
		dict = arch
	} else {
		if err := json.Unmarshal(data, &dict); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if inner, ok := dict["config"].(map[string]any); ok {
			dict = inner
		}
	}
	return dict, nil
}

// ReadConfigFile decodes the official config dict of a config file
// (ReadConfigDict) into cfg, a pointer to a config that holds the values of
// the fields the file does not set (defaults or a preset's).
func ReadConfigFile(path string, cfg any) error {
	dict, err := ReadConfigDict(path)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(dict)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := json.Unmarshal(raw, cfg); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
