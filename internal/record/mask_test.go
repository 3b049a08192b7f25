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

func TestMaskCodeIn(t *testing.T) {
	const from = "+447418340465"
	for in, want := range map[string]string{
		"502: could not relay From=+447418340465 To=+447400123450": "502: could not relay From=+44741834•••• To=+447400123450",
		"from 447418340465 refused":                                "from 44741834•••• refused",
		"From=%2B447418340465":                                     "From=%2B44741834••••",
		"nothing here":                                             "nothing here",
	} {
		if got := MaskCodeIn(in, from, 4); got != want {
			t.Errorf("MaskCodeIn(%q) = %q, want %q", in, got, want)
		}
	}
	if got := MaskCodeIn("x 447418340465", "447418340465", 0); got != "x 447418340465" {
		t.Errorf("no code digits: %q", got)
	}
}
