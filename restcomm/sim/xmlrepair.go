package sim

import "bytes"

// repairAmpersands escapes every "&" that does not start a character or entity reference ("&amp;", "&#38;",
// "&#x26;", "&name;"), as Restcomm repairs a document before parsing it: "Tom & Jerry" becomes
// "Tom &amp; Jerry".
func repairAmpersands(body []byte) []byte {
	if bytes.IndexByte(body, '&') < 0 {
		return body
	}
	out := make([]byte, 0, len(body)+16)
	for i := 0; i < len(body); i++ {
		if body[i] == '&' && !isReference(body[i+1:]) {
			out = append(out, "&amp;"...)
			continue
		}
		out = append(out, body[i])
	}
	return out
}

// isReference reports whether rest (what follows an "&") is the remainder of a reference: a name, "#" and
// decimal digits, or "#x" and hex digits, then ";".
func isReference(rest []byte) bool {
	end := bytes.IndexByte(rest, ';')
	if end <= 0 {
		return false
	}
	ref := rest[:end]
	switch {
	case ref[0] == '#' && len(ref) > 2 && (ref[1] == 'x' || ref[1] == 'X'):
		return all(ref[2:], isHexDigit)
	case ref[0] == '#':
		return len(ref) > 1 && all(ref[1:], isDigit)
	default:
		return isNameStart(ref[0]) && all(ref[1:], isNameByte)
	}
}

func all(b []byte, ok func(byte) bool) bool {
	for _, c := range b {
		if !ok(c) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= 0x80
}
func isNameByte(c byte) bool { return isNameStart(c) || isDigit(c) || c == '-' || c == '.' }
