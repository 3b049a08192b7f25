package config

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

const examplePath = "../../config.example.toml"

// TestExampleLoadsAndValidates: the shipped example is a working configuration whose values are the defaults.
func TestExampleLoadsAndValidates(t *testing.T) {
	c, err := Load(examplePath, nil)
	if err != nil {
		t.Fatalf("Load(%s): %v", examplePath, err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	c.source, c.sourceMode, c.tokenInFile = "", 0, false
	if d := Default(); !reflect.DeepEqual(c, d) {
		t.Errorf("the example's values differ from Default():\nexample %+v\ndefault %+v", c, d)
	}
}

// TestExampleDocumentsEveryKey: every key Config accepts is in the example, with a comment right above it.
func TestExampleDocumentsEveryKey(t *testing.T) {
	var m map[string]any
	md, err := toml.DecodeFile(examplePath, &m)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, k := range md.Keys() {
		have[k.String()] = true
	}
	for _, s := range knownKeys().order {
		if !have[s.name] {
			t.Errorf("config.example.toml lacks %q", s.name)
		}
	}

	f, err := os.Open(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	prev := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		isKey := line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "[")
		if isKey && !strings.HasPrefix(prev, "#") {
			t.Errorf("line %d %q has no comment above it", n, line)
		}
		prev = line
	}
}
