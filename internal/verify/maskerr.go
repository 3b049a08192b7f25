package verify

import "github.com/flashcall/flashcall/internal/record"

// maskedError is a Restcomm (or gateway) error whose text quoted the call's numbers: the same error, its
// text with the caller ID's code hidden and the customer's number masked, so that storing, logging, auditing
// or printing it leaks neither. errors.Is and errors.As still reach the original.
type maskedError struct {
	err  error
	text string
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

// masked returns err with from's code and number masked in its text, or err itself when its text quotes
// neither (and nil for nil).
func (s *Service) masked(err error, from, number string) error {
	if err == nil {
		return nil
	}
	text := record.MaskIn(record.MaskCodeIn(err.Error(), from, s.set.CodeDigits), number)
	if text == err.Error() {
		return err
	}
	return &maskedError{err: err, text: text}
}
