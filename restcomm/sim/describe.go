package sim

import (
	"fmt"
	"strconv"
	"strings"
)

// Describe returns the text `flashcall sim` prints on start: the base URL a client uses, the account SID and
// auth token the simulator accepts, the speed, and what each last digit of the dialled number makes happen.
// baseURL may be the HTTP server's root (http://127.0.0.1:8080) or already end in /restcomm.
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
	fmt.Fprintf(&b, "  speed        %sx (every simulated delay, the ring Timeout included, is divided by it)\n\n",
		strconv.FormatFloat(s.speed, 'g', -1, 64))
	b.WriteString("What happens depends on the LAST DIGIT of the number dialled (To):\n\n")
	b.WriteString("  0-4  rings until the call's Timeout runs out (default 60 s), ends NO_ANSWER\n")
	b.WriteString("       (a missed call: the flash-call success path)\n")
	b.WriteString("  5    rings until the Timeout runs out, ends CANCELED\n")
	b.WriteString("  6    answered after about 2 s: the Url's RCML is fetched and spoken, then completed\n")
	b.WriteString("       with a duration (a bad document ends the call FAILED)\n")
	b.WriteString("  7    rings about 1 s, then BUSY\n")
	b.WriteString("  8    FAILED without ringing\n")
	b.WriteString("  9    NOT_FOUND\n\n")
	b.WriteString("Try it:\n\n")
	fmt.Fprintf(&b, "  curl -u %s:%s --data-urlencode To=+12025550120 -d From=447418340465 \\\n", s.accountSID, s.authToken)
	fmt.Fprintf(&b, "    -d Url=http://127.0.0.1:1/x.xml %s/%s/Accounts/%s/Calls.json\n", base, apiVersion, s.accountSID)
	return b.String()
}
