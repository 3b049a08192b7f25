// Package rcml builds, encodes, parses, validates and serves RCML, the XML dialect Restcomm fetches when an
// outbound call is answered.
//
// A document is a [Response] holding an ordered list of verbs ([Say], [Play], [Pause], [Hangup], [Reject],
// [Redirect], [Gather], [Sms]). [Encode] writes it with the XML declaration first and deterministic attribute
// order; [Parse] reads one the way Restcomm does (known verbs in order, unknown elements skipped) and refuses
// what Restcomm refuses (anything before the XML declaration, XML that is not well formed); [Validate] reports
// the mistakes Restcomm would silently paper over, such as an upper-case language key.
//
// Optional integer attributes (loop, length, timeout, numDigits) are *int: nil leaves the attribute out so
// Restcomm applies its default. Note that loop="0" means "repeat forever" to Restcomm, not "do not play".
//
// [FlashDocument] and [NewHandler] produce and serve the document played when a flash call is answered (a
// flash call is normally not answered at all: the code travels in the caller ID).
package rcml
