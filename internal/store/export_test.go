package store

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flashcall/flashcall/internal/record"
)

func TestExportCSV(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v, _ := seedHistory(t, s)

	var buf bytes.Buffer
	hide := func(f string) string { return f[:len(f)-4] + "••••" }
	if err := s.Export(ctx, &buf, ExportOptions{Format: "csv", MaskCode: hide}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("export is not CSV: %v", err)
	}
	if len(recs) != 5 {
		t.Fatalf("CSV has %d records, want header + 4", len(recs))
	}
	if !reflect.DeepEqual(recs[0], ExportColumns()) {
		t.Errorf("header = %q", recs[0])
	}
	// The verification is open: the caller ID's last digits are its code and never leave.
	want := []string{at(0).Format(time.RFC3339Nano), "+447700900001", "GB", "mobile", "44741834••••",
		"CA0123456789abcdef0123456789abcdef", string(record.StateEnded), "no-answer", string(record.OutcomeDelivered), string(v.Status), "1", "3", "alice",
		"poll: timeout"}
	if !reflect.DeepEqual(recs[1], want) {
		t.Errorf("first row = %q,\nwant        %q", recs[1], want)
	}
	if recs[1][0] != "2025-03-14T15:09:26.535897932Z" {
		t.Errorf("time = %q, want RFC 3339 UTC with nanoseconds", recs[1][0])
	}
	var numbers []string
	for _, r := range recs[1:] {
		numbers = append(numbers, r[1])
	}
	if want := []string{"+447700900001", "+447700900002", "+447700900003", "+447700900004"}; !reflect.DeepEqual(numbers, want) {
		t.Errorf("numbers = %q, want oldest first %q", numbers, want)
	}
	if recs[2][9] != "" || recs[2][10] != "0" {
		t.Errorf("attempt without verification exported status %q checks %q", recs[2][9], recs[2][10])
	}
}

func TestExportJSON(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	v, _ := seedHistory(t, s)

	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, ExportOptions{Format: "json", Since: at(10 * time.Second)}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("export is not a JSON array: %v\n%s", err, buf.String())
	}
	if len(got) != 3 {
		t.Fatalf("JSON has %d objects, want 3 since 10s", len(got))
	}
	for _, obj := range got {
		var keys []string
		for k := range obj {
			keys = append(keys, k)
		}
		if len(keys) != len(ExportColumns()) {
			t.Errorf("object keys = %v, want %v", keys, ExportColumns())
		}
		for _, k := range ExportColumns() {
			if _, ok := obj[k]; !ok {
				t.Errorf("object lacks %q", k)
			}
		}
	}
	first := got[0]
	if first["number"] != "+447700900002" || first["time"] != at(10*time.Second).Format(time.RFC3339Nano) {
		t.Errorf("first object = %v", first)
	}
	if first["checks"] != float64(0) || first["duration"] != float64(3) {
		t.Errorf("checks, duration = %v, %v; want JSON numbers 0, 3", first["checks"], first["duration"])
	}
	if got[1]["verification_status"] != string(v.Status) || got[1]["checks"] != float64(v.Checks) {
		t.Errorf("second object = %v", got[1])
	}
	// Field order follows ExportColumns, one object per line.
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 5 || lines[0] != "[" || lines[4] != "]" || !strings.HasPrefix(lines[1], `{"time":`) {
		t.Errorf("layout:\n%s", buf.String())
	}
}

func TestExportMaskAndDefaults(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	seedHistory(t, s)

	var buf bytes.Buffer
	mask := func(n string) string { return n[:3] + strings.Repeat("*", len(n)-6) + n[len(n)-3:] }
	if err := s.Export(ctx, &buf, ExportOptions{Mask: mask}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 || recs[1][1] != "+44*******001" {
		t.Errorf("masked default-format export = %q", recs)
	}
	if strings.Contains(buf.String(), "+447700900001") {
		t.Error("masked export still holds the full number")
	}
	if recs[1][4] != "" {
		t.Errorf("From = %q: without a MaskCode an open verification's caller ID must be left out", recs[1][4])
	}
	if strings.Contains(buf.String(), "0465") {
		t.Error("the export holds an open verification's code")
	}

	if err := s.Export(ctx, &buf, ExportOptions{Format: "xml"}); err == nil || !strings.Contains(err.Error(), `"xml"`) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestExportEmpty(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var buf bytes.Buffer
	if err := s.Export(ctx, &buf, ExportOptions{Format: "json"}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil || got == nil || len(got) != 0 {
		t.Errorf("empty JSON export %q = %v, %v; want []", buf.String(), got, err)
	}
	buf.Reset()
	if err := s.Export(ctx, &buf, ExportOptions{Format: "csv"}); err != nil {
		t.Fatal(err)
	}
	if want := strings.Join(ExportColumns(), ",") + "\n"; buf.String() != want {
		t.Errorf("empty CSV export = %q, want the header only", buf.String())
	}
}
