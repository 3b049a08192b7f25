package restcomm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/flashcall/flashcall/restcomm"
)

// A flash call: ring the number for a few seconds and let it go unanswered.
// A stand-in server replies as Restcomm does.
func ExampleClient_CreateCall() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"sid":"CA0123456789abcdef0123456789abcdef","status":"QUEUED",`+
			`"to":"+447700900123","from":"+15551230000","date_created":"Sat, 1 Jul 2017 08:05:09 +0000"}`)
	}))
	defer srv.Close()

	c, err := restcomm.New(srv.URL+"/restcomm", "ACae6e420f425248d6a26948c17a9e2acf", "77f8c12cc7b8f8423e5c38b035249166")
	if err != nil {
		fmt.Println(err)
		return
	}
	calls, err := c.CreateCall(context.Background(), restcomm.CallParams{
		From:    "+15551230000",
		To:      "+447700900123",
		URL:     "https://rcml.example.com/flash.xml",
		Method:  "GET",
		Timeout: 8,
	})
	switch {
	case errors.Is(err, restcomm.ErrOutcomeUnknown):
		fmt.Println("the call may be ringing: look it up before dialling again")
		return
	case err != nil:
		fmt.Println("not placed:", err)
		return
	}
	for _, call := range calls {
		fmt.Println(call.SID, call.Status, call.Status.Live(), call.DateCreated.Format("2006-01-02 15:04"))
	}
	// Output:
	// CA0123456789abcdef0123456789abcdef queued true 2017-07-01 08:05
}
