package sim

import (
	"net/url"
	"strings"
)

// param is one parameter of a request the server makes (an RCML fetch or a status callback).
type param struct {
	name, value string
	// bare sends the name alone, without "=", when the value is empty: Restcomm writes an empty
	// ForwardedFrom that way.
	bare bool
}

// params are a request's parameters in the order Restcomm sends them.
type params []param

// get returns the value of the first parameter called name, or "".
func (ps params) get(name string) string {
	for _, p := range ps {
		if p.name == name {
			return p.value
		}
	}
	return ""
}

// encode writes ps as a query string or form body, in order.
func (ps params) encode() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.name))
		if p.bare && p.value == "" {
			continue
		}
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
	}
	return b.String()
}
