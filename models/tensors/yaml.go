package tensors

import (
	"fmt"
	"strconv"
	"strings"
)

// parseSimpleYAML reads the block-style YAML that PyYAML's dump writes for
// the official all_config.yaml: nested "key: value" maps by indentation,
// scalars (int, float, bool, null, strings, quoted strings) and "- item"
// lists of scalars. Anything else is an error naming the line.
func parseSimpleYAML(data []byte) (map[string]any, error) {
	type frame struct {
		indent int
		m      map[string]any
	}
	root := map[string]any{}
	stack := []frame{{-1, root}}
	var lastKey string
	var lastMap map[string]any
	for n, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		if strings.HasPrefix(trimmed, "- ") || trimmed == "-" {
			if lastMap == nil {
				return nil, fmt.Errorf("line %d: list item outside a key", n+1)
			}
			list, _ := lastMap[lastKey].([]any)
			lastMap[lastKey] = append(list, yamlScalar(strings.TrimSpace(strings.TrimPrefix(trimmed, "-"))))
			continue
		}
		for len(stack) > 1 && indent <= stack[len(stack)-1].indent {
			stack = stack[:len(stack)-1]
		}
		key, value, ok := strings.Cut(trimmed, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: want \"key: value\"", n+1)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		cur := stack[len(stack)-1].m
		lastKey, lastMap = key, cur
		if value == "" {
			child := map[string]any{}
			cur[key] = child
			stack = append(stack, frame{indent, child})
			continue
		}
		cur[key] = yamlScalar(value)
	}
	// Keys whose block turned out to be a list were created as empty maps.
	return root, nil
}

func yamlScalar(s string) any {
	switch s {
	case "null", "~":
		return nil
	case "true", "True":
		return true
	case "false", "False":
		return false
	case "[]":
		return []any{}
	}
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		return s[1 : len(s)-1]
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return s
}
