package record

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxOperatorName bounds an operator's name in bytes: it is drawn on other operators' screens, written to
// every log line and stored with every attempt.
const MaxOperatorName = 64

// Role is what an operator may do. The zero value is RoleOperator: a role is only ever widened on purpose.
type Role string

const (
	// RoleOperator places and follows calls, checks codes, hangs up, retries and cancels. Numbers stay masked.
	RoleOperator Role = "operator"
	// RoleSupervisor may also reveal a full number, read the audit log and supersede a verification.
	RoleSupervisor Role = "supervisor"
)

// String names the role; "" reads as "operator".
func (r Role) String() string {
	if r == RoleSupervisor {
		return string(RoleSupervisor)
	}
	return string(RoleOperator)
}

// Operator identifies who acted: the OS user (or console.operator) locally; over SSH the name the
// authorized_keys line gives the key, and that key's fingerprint. The name never comes from what a client
// claims.
type Operator struct {
	// Name is the operator's name.
	Name string
	// Remote is "local" or the SSH client's address.
	Remote string
	// Fingerprint is the SSH key fingerprint, empty locally.
	Fingerprint string
	// Role is what the operator may do; the zero value is RoleOperator.
	Role Role
}

// IsSupervisor reports whether the operator may take the supervisor-only actions.
func (o Operator) IsSupervisor() bool { return o.Role == RoleSupervisor }

// Who is the person: the name, or "unknown" when there is none. Limits count per person, whichever key
// they used.
func (o Operator) Who() string {
	if o.Name == "" {
		return "unknown"
	}
	return o.Name
}

// String renders the operator as stored with attempts: the name, plus a short key fingerprint over SSH.
func (o Operator) String() string {
	name := o.Who()
	if o.Fingerprint != "" {
		fp := o.Fingerprint
		if len(fp) > 16 {
			fp = fp[:16]
		}
		return name + " (" + fp + ")"
	}
	return name
}

// CheckOperatorName reports why name cannot name an operator: it must be one word of printable characters
// (no spaces, no control or formatting characters), at most MaxOperatorName bytes, e.g. "alice" or
// "alice@example.com". The error says what is wrong without repeating the name.
func CheckOperatorName(name string) error {
	switch {
	case name == "":
		return errors.New("no name")
	case !utf8.ValidString(name):
		return errors.New("the name is not valid UTF-8")
	case len(name) > MaxOperatorName:
		return fmt.Errorf("the name is %d bytes long, more than %d", len(name), MaxOperatorName)
	}
	for _, r := range name {
		if unicode.IsSpace(r) {
			return errors.New("the name must be one word, without spaces (e.g. alice or alice@example.com)")
		}
		if !unicode.IsPrint(r) {
			return fmt.Errorf("the name holds the unprintable character %U", r)
		}
	}
	return nil
}
