package config

import (
	"encoding"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/flashcall/flashcall/internal/policy"
)

// keySpec describes one key a configuration file may hold.
type keySpec struct {
	name  string // dotted, e.g. "call.timeout"
	table bool   // a [table] rather than a value
	want  string // what the value must look like, for type errors
}

// keySet is every key Config accepts, in the order the struct declares them.
type keySet struct {
	order []keySpec
	byKey map[string]keySpec
}

// knownKeys derives the accepted keys from Config's toml tags, so the struct stays the single source.
func knownKeys() keySet {
	ks := keySet{byKey: map[string]keySpec{}}
	ks.walk(reflect.TypeFor[Config](), "")
	return ks
}

func (ks *keySet) walk(t reflect.Type, prefix string) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := f.Tag.Lookup("toml")
		if !ok || !f.IsExported() {
			continue
		}
		spec := keySpec{name: prefix + name, want: describeType(f.Type)}
		if f.Type.Kind() == reflect.Struct && !textValue(f.Type) {
			spec.table = true
			spec.want = "a table, written [" + spec.name + "]"
		}
		ks.order = append(ks.order, spec)
		ks.byKey[spec.name] = spec
		if spec.table {
			ks.walk(f.Type, spec.name+".")
		}
	}
}

// textValue reports a struct type written in the file as one string (Duration, Span, policy.Limit): a value,
// not a table, as far as key checking goes.
func textValue(t reflect.Type) bool {
	return reflect.PointerTo(t).Implements(reflect.TypeFor[encoding.TextUnmarshaler]())
}

// describeType says in the user's terms what a value of type t looks like in TOML.
func describeType(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[Duration]():
		return `a duration in double quotes, e.g. "10s" or "1m30s"`
	case t == reflect.TypeFor[Span]():
		return `a length of time in double quotes with the units d, h, m or s, e.g. "30d" or "1h", or "off"`
	case t == reflect.TypeFor[policy.Limit]():
		return `a limit in double quotes, calls/window, e.g. "3/10m", or "off"`
	case t.Kind() == reflect.String:
		return "a string in double quotes"
	case t.Kind() == reflect.Int:
		return "a whole number"
	case t.Kind() == reflect.Float64:
		return "a number, e.g. 1.0"
	case t.Kind() == reflect.Bool:
		return "true or false, without quotes"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return `a list of strings, e.g. ["447418340465"]`
	case t.Kind() == reflect.Map:
		return `a table of lists, e.g. GB = ["+447418340000-+447418349999"]`
	}
	return "a " + t.String()
}

// tomlTypeName turns MetaData.Type's names into words.
func tomlTypeName(t string) string {
	switch t {
	case "String":
		return "a string"
	case "Integer":
		return "a whole number"
	case "Float":
		return "a decimal number"
	case "Bool":
		return "true/false"
	case "Array":
		return "a list"
	case "Hash":
		return "a table"
	case "ArrayHash":
		return "an array of tables"
	case "Datetime":
		return "a date/time"
	case "":
		return ""
	}
	return strings.ToLower(t)
}

// tableOf returns the dotted name of k's table ("" for the top level).
func tableOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i]
	}
	return ""
}

// unknownKeys returns the outermost keys of md that Config does not accept: for an unknown table, the table
// and none of its keys. Keys under a known value (call.timeout.x) are type errors, reported by the decoder.
func (ks keySet) unknownKeys(md toml.MetaData) []toml.Key {
	var out []toml.Key
	for _, k := range md.Keys() {
		if _, ok := ks.byKey[k.String()]; ok {
			continue
		}
		if len(k) > 1 {
			parent, ok := ks.byKey[toml.Key(k[:len(k)-1]).String()]
			if !ok || !parent.table {
				continue
			}
		}
		out = append(out, k)
	}
	return out
}

// unknownKeyError builds the message for one unknown key, with a suggestion when one is close, and its line
// when locate is set.
func (ks keySet) unknownKeyError(path, raw string, md toml.MetaData, k toml.Key, locate bool) *FileError {
	name := k.String()
	what := "key"
	if t := md.Type(k...); t == "Hash" || t == "ArrayHash" {
		what = "table"
	}
	msg := "unknown " + what + " " + strconv.Quote(name)
	if s := ks.suggest(name, what == "table"); s != "" {
		msg += " (did you mean " + strconv.Quote(s) + "?)"
	} else {
		msg += ": " + ks.accepted(tableOf(name))
	}
	line := 0
	if locate && !foldCollides(md.Keys(), k) {
		line = keyLine(raw, k)
	}
	return &FileError{Path: path, Line: line, Key: name, Message: msg}
}

// accepted lists what a table accepts, for unknown keys with no close match.
func (ks keySet) accepted(table string) string {
	var names []string
	for _, s := range ks.order {
		if tableOf(s.name) == table {
			names = append(names, s.name[len(table):])
		}
	}
	if table == "" {
		return "the tables are " + strings.Join(names, ", ")
	}
	for i := range names {
		names[i] = strings.TrimPrefix(names[i], ".")
	}
	return "[" + table + "] accepts " + strings.Join(names, ", ")
}

// suggest returns the accepted key closest to name, or "" when none is close: first by edit distance on the
// whole dotted name, then a key of the same table whose name contains it or is contained in it, then a key
// with the same last part in another table (a key written under the wrong table).
func (ks keySet) suggest(name string, table bool) string {
	lower := strings.ToLower(name)
	best, bestDist := "", -1
	for _, s := range ks.order {
		if s.table != table {
			continue
		}
		d := editDistance(lower, s.name)
		if d <= 1+len(s.name)/6 && (bestDist < 0 || d < bestDist) {
			best, bestDist = s.name, d
		}
	}
	if best != "" || table {
		return best
	}
	leaf := lower[strings.LastIndexByte(lower, '.')+1:]
	// A shortened or lengthened name in the same table: "timeout" for "request_timeout", "sid" for
	// "account_sid".
	if len(leaf) >= 3 {
		for _, s := range ks.order {
			sl := s.name[strings.LastIndexByte(s.name, '.')+1:]
			if !s.table && tableOf(s.name) == tableOf(lower) && (strings.Contains(sl, leaf) || strings.Contains(leaf, sl)) {
				return s.name
			}
		}
	}
	for _, s := range ks.order {
		if s.table {
			continue
		}
		sl := s.name[strings.LastIndexByte(s.name, '.')+1:]
		if d := editDistance(leaf, sl); d <= len(sl)/6 && (bestDist < 0 || d < bestDist) {
			best, bestDist = s.name, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
// two neighbours each cost one, so "tiemout" is one edit from "timeout".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// lineProbe fails on purpose wherever it is decoded, so the TOML library reports the position of the key it
// was decoded from: the library keeps key positions private but puts them in its errors.
type lineProbe struct{}

// probeMessage identifies lineProbe's error.
const probeMessage = "flashcall: line probe"

// UnmarshalTOML always fails; see lineProbe.
func (*lineProbe) UnmarshalTOML(any) error { return errors.New(probeMessage) }

// keyLine returns the line on which k is defined in raw, or 0 when it cannot tell. It decodes raw again
// into a struct built to hold only k, with a lineProbe in k's place.
func keyLine(raw string, k toml.Key) int {
	t := reflect.TypeFor[lineProbe]()
	for i := len(k) - 1; i >= 0; i-- {
		part := k[i]
		if part == "" || part == "-" || strings.Contains(part, ",") {
			return 0 // not expressible as a toml struct tag
		}
		t = reflect.StructOf([]reflect.StructField{{
			Name: "F",
			Type: t,
			Tag:  reflect.StructTag("toml:" + strconv.Quote(part)),
		}})
	}
	_, err := toml.Decode(raw, reflect.New(t).Interface())
	var pe toml.ParseError
	if errors.As(err, &pe) && pe.Message == probeMessage {
		return pe.Position.Line
	}
	return 0
}

// foldCollides reports whether some other key differs from k only in letter case at some level: the TOML
// library matches struct fields case-insensitively, so keyLine could then report the other key's line.
func foldCollides(keys []toml.Key, k toml.Key) bool {
	for _, o := range keys {
		for i := 0; i < len(k) && i < len(o); i++ {
			if o[i] != k[i] {
				if strings.EqualFold(o[i], k[i]) {
					return true
				}
				break
			}
		}
	}
	return false
}
