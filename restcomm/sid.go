package restcomm

// sidBodyLen is the number of alphanumerics after a SID's two-letter prefix.
const sidBodyLen = 32

// ValidCallSID reports whether s has the shape of a Restcomm call SID: "CA"
// followed by 32 letters or digits, or the instance-prefixed form
// "ID"+32+"-CA"+32 that newer servers issue.
func ValidCallSID(s string) bool {
	switch len(s) {
	case 2 + sidBodyLen:
		return prefixedAlnum(s, "CA")
	case 2*(2+sidBodyLen) + 1:
		head, tail := s[:2+sidBodyLen], s[2+sidBodyLen+1:]
		return s[2+sidBodyLen] == '-' && prefixedAlnum(head, "ID") && prefixedAlnum(tail, "CA")
	}
	return false
}

// prefixedAlnum reports whether s is prefix followed only by ASCII letters
// and digits.
func prefixedAlnum(s, prefix string) bool {
	if len(s) <= len(prefix) || s[:len(prefix)] != prefix {
		return false
	}
	for i := len(prefix); i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}
