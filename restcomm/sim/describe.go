package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// Describe returns the text `flashcall sim` prints on start: the base URL a client uses, the account SID and
// auth token the simulator accepts, the speed, the release and time zone imitated, and what each last digit
// of the dialled number makes happen. baseURL may be the HTTP server's root (http://127.0.0.1:8080) or already
// end in /restcomm.
//
// The token is printed on purpose: it is the simulator's own public credential, and a user needs it to point
// flashcall or curl at the simulator. Nothing else the simulator writes (replies, logs) ever contains it.
func (s *Server) Describe(baseURL string) string {
	base := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(base, "/restcomm") {
		base += "/restcomm"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Restcomm simulator (flashcall): dials nobody, answers like a Restcomm Connect server.\n\n")
	fmt.Fprintf(&b, "  base URL     %s\n", base)
	fmt.Fprintf(&b, "  account SID  %s\n", s.accountSID)
	fmt.Fprintf(&b, "  auth token   %s\n", s.authToken)
	fmt.Fprintf(&b, "  speed        %sx (every simulated delay, the ring Timeout included, is divided by it)\n",
		strconv.FormatFloat(s.speed, 'g', -1, 64))
	fmt.Fprintf(&b, "  version      Restcomm %s\n", s.version)
	fmt.Fprintf(&b, "  time zone    %s (every date the server writes)\n\n", s.loc)
	b.WriteString("What happens depends on the LAST DIGIT of the number dialled (To):\n\n")
	for _, row := range s.digitTable() {
		b.WriteString(row)
		b.WriteByte('\n')
	}
	b.WriteString("\nA hang-up through the API while a call is queued or ringing ends it ")
	if s.legacy {
		b.WriteString("CANCELED.\n\n")
	} else {
		b.WriteString("canceled.\n\n")
	}
	b.WriteString("Try it:\n\n")
	fmt.Fprintf(&b, "  curl -u %s:%s --data-urlencode To=+12025550120 -d From=447418340465 \\\n", s.accountSID, s.authToken)
	fmt.Fprintf(&b, "    -d Url=http://127.0.0.1:1/x.xml %s/%s/Accounts/%s/Calls.json\n", base, apiVersion, s.accountSID)
	return b.String()
}

// digitTable is the outcome of each last digit, as Describe prints it, for the release imitated.
func (s *Server) digitTable() []string {
	ringOut := "  0-3  rings until the call's Timeout runs out (default 60 s), ends canceled with a duration of about"
	ringOut2 := "       the ring time and no ring_duration (a missed call: the flash-call success path)"
	notFound := "  9    QUEUED about 1 s, then the carrier answers 404: FAILED without ringing"
	if s.legacy {
		ringOut = "  0-3  rings until the call's Timeout runs out (default 60 s), ends NO_ANSWER with duration 0"
		ringOut2 = "       (a missed call: the flash-call success path)"
		notFound = "  9    QUEUED about 1 s, then the carrier answers 404: NOT_FOUND without ringing"
	}
	return []string{
		ringOut,
		ringOut2,
		"  4    stays QUEUED for ever: a wrong outbound proxy, the INVITE goes nowhere (no callback after",
		"       initiated, never finished)",
		"  5    rings about 3 s, then the callee declines (SIP 603): BUSY",
		"  6    answered after about 2 s: the Url's RCML is fetched and spoken, then completed with the talk",
		"       time as duration (a rejected document ends the call FAILED; a 404 leaves it silent for 5 s;",
		"       a message longer than the Timeout is cut off)",
		"  7    rings about 1 s, then BUSY (SIP 486)",
		"  8    FAILED at once, without ringing",
		notFound,
	}
}
