package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadPrefixFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blocked.txt")
	content := "# IRSF ranges\n\n+4490   # UK premium\n  +882 \n+37517\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPrefixFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []BlockedPrefix{{"+4490", path + ":3"}, {"+882", path + ":4"}, {"+37517", path + ":5"}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestReadPrefixFileReportsEveryBadLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blocked.txt")
	content := "+4490\n4470\n# fine\n+44 70\n0044\n+1234567890123456\n+\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ReadPrefixFile(path)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		path + `:2: "4470": start the prefix with + and the country code, e.g. "+4470"`,
		path + `:4: "+44 70" is not an E.164 prefix`,
		path + `:5: "0044": write the prefix in E.164 form, "+44"`,
		path + `:6: "+1234567890123456" is longer than a whole E.164 number`,
		path + `:7: "+" is not an E.164 prefix`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, ":1:") || strings.Contains(msg, ":3:") {
		t.Errorf("good lines reported:\n%s", msg)
	}
	var pe *PrefixFileError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("errors.As first problem = %+v", pe)
	}
}

func TestReadPrefixFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.txt")
	_, err := ReadPrefixFile(path)
	if err == nil || !strings.Contains(err.Error(), path+": cannot read the blocked-prefixes file: no such file") {
		t.Fatalf("err = %v", err)
	}
	r := DefaultRules()
	r.BlockedPrefixesFile = path
	if _, err := New(r); err == nil {
		t.Fatal("New accepted a missing prefixes file")
	}
}
