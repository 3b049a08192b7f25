package record

import (
	"strings"
	"testing"
)

func TestCheckOperatorName(t *testing.T) {
	for _, good := range []string{"alice", "alice@example.com", "o'brien", "zoë", strings.Repeat("a", MaxOperatorName)} {
		if err := CheckOperatorName(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for _, bad := range []string{"", "alice smith", "alice\tsmith", "\x1b[31mred", "bob\u202e", "a\u00a0b",
		strings.Repeat("a", MaxOperatorName+1), "\xff"} {
		if err := CheckOperatorName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestZeroRoleIsOperator(t *testing.T) {
	if (Operator{Name: "x"}).IsSupervisor() || Role("").String() != "operator" || Role("root").String() != "operator" {
		t.Fatal("a role not set on purpose must read as operator")
	}
	if !(Operator{Role: RoleSupervisor}).IsSupervisor() || RoleSupervisor.String() != "supervisor" {
		t.Fatal("supervisor")
	}
}
