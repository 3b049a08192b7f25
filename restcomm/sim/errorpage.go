package sim

import (
	"html"
	"net/http"
)

// writeContainerError answers 500 with the servlet container's HTML error page, as Restcomm's container does
// when an exception escapes the API (the permission check of an unknown account, a PageSize of 0). exception
// names the Java exception the page reports; it must not carry anything secret.
func writeContainerError(w http.ResponseWriter, exception string) {
	body := `<html><head><title>JBoss Web/7.0.13.Final - Error report</title></head>` +
		`<body><h1>HTTP Status 500 - </h1><HR size="1" noshade="noshade">` +
		`<p><b>type</b> Exception report</p><p><b>message</b> <u></u></p>` +
		`<p><b>description</b> <u>The server encountered an internal error () that prevented it from fulfilling this request.</u></p>` +
		`<p><b>exception</b> <pre>` + html.EscapeString(exception) + "\n</pre></p>" +
		`<HR size="1" noshade="noshade"><h3>JBoss Web/7.0.13.Final</h3></body></html>`
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(body))
}
