package record

// Operator identifies who acted: the OS user locally, the SSH user and key over SSH.
type Operator struct {
	// Name is the user name.
	Name string
	// Remote is "local" or the SSH client's address.
	Remote string
	// Fingerprint is the SSH key fingerprint, empty locally.
	Fingerprint string
}

// String renders the operator as stored with attempts: the name, plus a short key fingerprint over SSH.
func (o Operator) String() string {
	name := o.Name
	if name == "" {
		name = "unknown"
	}
	if o.Fingerprint != "" {
		fp := o.Fingerprint
		if len(fp) > 16 {
			fp = fp[:16]
		}
		return name + " (" + fp + ")"
	}
	return name
}
