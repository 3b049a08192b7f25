// Package restcomm is a client for the Restcomm Connect Calls API
// (/2012-04-24/Accounts/{AccountSid}/Calls.json), the part of Restcomm a
// flash-call console needs: place a call, fetch it, list calls, cancel or hang
// it up, and read the status callbacks Restcomm sends.
//
// The client reads like the standard library: every call takes a
// context.Context first, the *http.Client can be replaced, and failures are
// typed. It follows what a real Restcomm server sends rather than what its
// documentation says:
//
//   - status values arrive in mixed spellings (QUEUED, in-progress, NO_ANSWER,
//     canceled, CANCELED...); ParseStatus normalises them;
//   - dates arrive as RFC 1123 with a one- or two-digit day or as ISO 8601;
//   - call SIDs are CA+32 or the instance-prefixed ID<32>-CA<32>;
//   - null fields are left out of the JSON, a create may reply with an array,
//     and list envelopes carry start/end as strings and "null" links;
//   - error bodies are empty, plain text or {"message": ...} whatever the
//     Content-Type says.
//
// # Calls dial people: no hidden retries
//
// Only GET requests are retried (bounded, with jittered backoff). A create
// POST is never retried: when it may have reached the server (the connection
// dropped after the request was written, or the deadline passed while waiting
// for the reply) CreateCall returns an *OutcomeUnknownError, matched by
// errors.Is(err, ErrOutcomeUnknown), and the caller must look the call up
// (ListCalls with To/From) before dialling again. A request that provably
// never left (connection refused, DNS failure) fails with an error matching
// ErrNotSent, which is safe to try again.
//
// # Credentials
//
// The account SID and auth token travel only in the Authorization header
// (HTTP Basic). The token never appears in an error string, a log line, or
// the formatted Client.
package restcomm
