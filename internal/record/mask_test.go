package record

import "testing"

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"+447400123456": "+44*******456",
		"+12025550123":  "+1*******123",
		"+80012345678":  "+800*****678",
		"+390612345678": "+39*******678",
		"+35312345678":  "+353*****678", // Ireland: a three-digit code
		"":              "",
		"+44":           "+44",
		"+4412":         "+44**",
		"447400123456":  "*********456",
		"hello":         "**llo",
	} {
		if got := MaskNumber(in); got != want {
			t.Errorf("MaskNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
