package tui

import (
	"flag"
	"os"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's keys table from the key map")

// README markers around the keys table, which KeysMarkdown generates from the key map.
const (
	keysStart = "<!-- keys:start (generated from tui.KeyMap.Reference; go test ./tui -run TestREADMEKeysTable -update-readme) -->\n"
	keysEnd   = "<!-- keys:end -->"
)

// TestREADMEKeysTable: the README's keys table is the key map's, exactly. Run with -update-readme after
// changing a key to rewrite the section.
func TestREADMEKeysTable(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	i, j := strings.Index(readme, keysStart), strings.Index(readme, keysEnd)
	if i < 0 || j < i {
		t.Fatalf("the README has no keys section between %q and %q", keysStart, keysEnd)
	}
	want := KeysMarkdown(DefaultKeyMap())
	got := readme[i+len(keysStart) : j]
	if got == want {
		return
	}
	if *updateReadme {
		if err := os.WriteFile("../README.md", []byte(readme[:i+len(keysStart)]+want+readme[j:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("the README's keys table is not the key map's; run go test ./tui -run TestREADMEKeysTable -update-readme\ngot:\n%s\nwant:\n%s", got, want)
}

// TestKeyReferenceCoversTheKeyMap: every binding of the key map is in the reference, so the full help and
// the README list every key.
func TestKeyReferenceCoversTheKeyMap(t *testing.T) {
	k := DefaultKeyMap()
	listed := map[string]bool{}
	for _, g := range k.Reference() {
		if g.Pane == "" || len(g.Keys) == 0 {
			t.Fatalf("empty group %+v", g)
		}
		for _, d := range g.Keys {
			for _, key := range d.Keys {
				listed[key] = true
			}
		}
	}
	for _, b := range k.all() {
		for _, key := range b.Keys() {
			if !listed[key] {
				t.Errorf("the key reference misses %q (%s)", key, b.Help().Desc)
			}
		}
	}
}
