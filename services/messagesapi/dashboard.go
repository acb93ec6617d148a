package messagesapi

import (
	"embed"
	"net/http"
)

// dashboard is the developer dashboard's page, script and style, served
// by the API itself from its binary (no other server, no CDN, no build
// at deploy time), from the API's origin, so the page and the JSON API
// share one.
//
//go:embed dashboard/index.html dashboard/app.js dashboard/style.css
var dashboard embed.FS

// dashboardFiles maps each path to its file and media type.
var dashboardFiles = map[string][2]string{
	"/":          {"dashboard/index.html", "text/html; charset=utf-8"},
	"/app.js":    {"dashboard/app.js", "text/javascript; charset=utf-8"},
	"/style.css": {"dashboard/style.css", "text/css; charset=utf-8"},
}

// contentSecurityPolicy lets the page load and call only its own origin
// and never be framed: no inline script, no third party.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// page serves one of the dashboard's files, with headers that keep it to
// its origin.
func page(path string) http.HandlerFunc {
	file := dashboardFiles[path]
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := dashboard.ReadFile(file[0])
		if err != nil {
			writeError(w, http.StatusInternalServerError, "the dashboard is missing from this build")
			return
		}
		h := w.Header()
		h.Set("Content-Type", file[1])
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// frame-ancestors for browsers that predate it.
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(data)
	}
}
