// Package gcaltest fakes Google's OAuth token endpoint and the parts of the Calendar
// API that frontdesk uses (freeBusy; events insert, patch, delete and list with sync
// tokens; events.watch and channels.stop with push notifications), on 127.0.0.1, for tests that drive the real client libraries.
package gcaltest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Request is one call the fake received.
type Request struct {
	Method, Path string
	Query        url.Values
	Auth         string
	Body         map[string]any
}

// Event is an event as the fake stores it.
type Event struct {
	ID, Status, Summary string
	Start, End          string // RFC 3339 dateTime
	TimeZone            string
	Updated             time.Time
	version             int
}

// Fake is the fake Google. Its fields may be changed between calls, under no lock: tests
// change them while no request is in flight.
type Fake struct {
	Server *httptest.Server
	// Busy is what freeBusy answers for every calendar: pairs of RFC 3339 times.
	Busy [][2]string
	// BusyOf, when it has a calendar's id, is what freeBusy answers for that calendar
	// instead (FailCalendar makes one answer with an error).
	BusyOf map[string][][2]string
	// Down makes every Calendar API call answer 503.
	Down bool
	// Now stamps events' "updated" time (default time.Now).
	Now func() time.Time
	// ExpiresIn is the lifetime given to access tokens, in seconds (a few seconds means
	// "already expired" to the oauth2 package, which refreshes 10 s early).
	ExpiresIn int
	// ChannelTTL, when set, caps the lifetime granted to push channels.
	ChannelTTL time.Duration

	mu       sync.Mutex
	failing  map[string]string
	channels map[string]*Channel
	requests []Request
	events   map[string]*Event
	version  int
	expired  map[string]bool
	tokens   int
}

// New starts the fake; it stops when the test ends.
func New(t testing.TB) *Fake {
	f := &Fake{events: map[string]*Event{}, failing: map[string]string{}, expired: map[string]bool{}, channels: map[string]*Channel{}, ExpiresIn: 3600, Now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("POST /calendar/v3/freeBusy", f.api(f.freeBusy))
	mux.HandleFunc("POST /calendar/v3/calendars/{cal}/events", f.api(f.insert))
	mux.HandleFunc("PATCH /calendar/v3/calendars/{cal}/events/{id}", f.api(f.patch))
	mux.HandleFunc("DELETE /calendar/v3/calendars/{cal}/events/{id}", f.api(f.delete))
	mux.HandleFunc("GET /calendar/v3/calendars/{cal}/events", f.api(f.list))
	mux.HandleFunc("POST /calendar/v3/calendars/{cal}/events/watch", f.api(f.watch))
	mux.HandleFunc("POST /calendar/v3/channels/stop", f.api(f.stop))
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Server.Close)
	return f
}

// TokenURL is the fake OAuth token endpoint.
func (f *Fake) TokenURL() string { return f.Server.URL + "/token" }

// Endpoint is the Calendar API base path to give option.WithEndpoint.
func (f *Fake) Endpoint() string { return f.Server.URL + "/calendar/v3/" }

// Requests returns the Calendar API calls so far (token calls excepted).
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Event returns a stored event, or nil.
func (f *Fake) Event(id string) *Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.events[id]; ok {
		c := *e
		return &c
	}
	return nil
}

// Events counts the stored events, deleted ones included.
func (f *Fake) Events() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.events)
}

// Move changes an event's times as the owner would in Google Calendar.
func (f *Fake) Move(id, start, end string) {
	f.mu.Lock()
	e := f.events[id]
	f.version++
	e.Start, e.End, e.version, e.Updated = start, end, f.version, f.Now()
	f.mu.Unlock()
	f.push()
}

// Delete deletes an event as the owner would in Google Calendar.
func (f *Fake) Delete(id string) {
	f.mu.Lock()
	f.version++
	f.events[id].Status, f.events[id].version, f.events[id].Updated = "cancelled", f.version, f.Now()
	f.mu.Unlock()
	f.push()
}

// Add adds an event that is not frontdesk's.
func (f *Fake) Add(id, start, end string) {
	f.mu.Lock()
	f.version++
	f.events[id] = &Event{ID: id, Status: "confirmed", Summary: "Dentist's own", Start: start, End: end, version: f.version, Updated: f.Now()}
	f.mu.Unlock()
	f.push()
}

// FailCalendar makes freeBusy answer for calendar id with Google's per-calendar error
// reason ("notFound": not shared with the connected account), until it is called with
// "" again. It may be called while requests are in flight (the server's workers run).
func (f *Fake) FailCalendar(id, reason string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if reason == "" {
		delete(f.failing, id)
	} else {
		f.failing[id] = reason
	}
}

// ExpireSyncTokens makes every sync token handed out so far answer 410 Gone.
func (f *Fake) ExpireSyncTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for v := 0; v <= f.version; v++ {
		f.expired["v"+strconv.Itoa(v)] = true
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, reason string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": reason,
		"errors": []map[string]any{{"reason": reason, "message": reason}}}})
}

// token answers the authorization-code and refresh-token grants.
func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || r.Form.Get("client_id") == "" || r.Form.Get("client_secret") == "" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	f.mu.Lock()
	f.tokens++
	n := f.tokens
	f.mu.Unlock()
	switch r.Form.Get("grant_type") {
	case "authorization_code":
		if r.Form.Get("code") != "good-code" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": fmt.Sprintf("access-%d", n), "refresh_token": "refresh-1",
			"token_type": "Bearer", "expires_in": f.ExpiresIn})
	case "refresh_token":
		if r.Form.Get("refresh_token") != "refresh-1" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"access_token": fmt.Sprintf("refreshed-%d", n), "token_type": "Bearer", "expires_in": 3600})
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
	}
}

// api records the call and refuses it when the fake is down or the caller has no token.
func (f *Fake) api(h func(http.ResponseWriter, *http.Request, map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		if raw, _ := io.ReadAll(r.Body); len(raw) > 0 {
			_ = json.Unmarshal(raw, &body)
		}
		f.mu.Lock()
		f.requests = append(f.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Auth: r.Header.Get("Authorization"), Body: body})
		down := f.Down
		f.mu.Unlock()
		switch {
		case down:
			apiError(w, http.StatusServiceUnavailable, "backendError")
		case !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "):
			apiError(w, http.StatusUnauthorized, "authError")
		default:
			h(w, r, body)
		}
	}
}

func (f *Fake) freeBusy(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	cals := map[string]any{}
	items, _ := body["items"].([]any)
	for _, it := range items {
		id, _ := it.(map[string]any)["id"].(string)
		f.mu.Lock()
		reason := f.failing[id]
		f.mu.Unlock()
		if reason != "" {
			cals[id] = map[string]any{"busy": []any{}, "errors": []any{map[string]any{"domain": "global", "reason": reason}}}
			continue
		}
		periods, own := f.BusyOf[id]
		if !own {
			periods = f.Busy
		}
		busy := []map[string]string{}
		for _, b := range periods {
			busy = append(busy, map[string]string{"start": b[0], "end": b[1]})
		}
		cals[id] = map[string]any{"busy": busy}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "calendar#freeBusy", "timeMin": body["timeMin"], "timeMax": body["timeMax"], "calendars": cals})
}

func dateTime(v any) (string, string) {
	m, _ := v.(map[string]any)
	dt, _ := m["dateTime"].(string)
	tz, _ := m["timeZone"].(string)
	return dt, tz
}

func (e *Event) json() map[string]any {
	return map[string]any{"id": e.ID, "status": e.Status, "summary": e.Summary, "updated": e.Updated.UTC().Format(time.RFC3339Nano),
		"start": map[string]string{"dateTime": e.Start, "timeZone": e.TimeZone},
		"end":   map[string]string{"dateTime": e.End, "timeZone": e.TimeZone}}
}

func (f *Fake) insert(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	id, _ := body["id"].(string)
	f.mu.Lock()
	defer f.mu.Unlock()
	if id == "" {
		id = fmt.Sprintf("google%d", len(f.events)+1)
	}
	if _, ok := f.events[id]; ok {
		apiError(w, http.StatusConflict, "duplicate")
		return
	}
	f.version++
	e := &Event{ID: id, Status: "confirmed", version: f.version, Updated: f.Now()}
	e.Summary, _ = body["summary"].(string)
	e.Start, e.TimeZone = dateTime(body["start"])
	e.End, _ = dateTime(body["end"])
	f.events[id] = e
	writeJSON(w, http.StatusOK, e.json())
}

func (f *Fake) patch(w http.ResponseWriter, r *http.Request, body map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.events[r.PathValue("id")]
	if !ok {
		apiError(w, http.StatusNotFound, "notFound")
		return
	}
	f.version++
	e.version, e.Updated = f.version, f.Now()
	if s, ok := body["summary"].(string); ok {
		e.Summary = s
	}
	if _, ok := body["start"]; ok {
		e.Start, e.TimeZone = dateTime(body["start"])
	}
	if _, ok := body["end"]; ok {
		e.End, _ = dateTime(body["end"])
	}
	writeJSON(w, http.StatusOK, e.json())
}

func (f *Fake) delete(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.events[r.PathValue("id")]
	switch {
	case !ok:
		apiError(w, http.StatusNotFound, "notFound")
	case e.Status == "cancelled":
		apiError(w, http.StatusGone, "deleted")
	default:
		f.version++
		e.Status, e.version, e.Updated = "cancelled", f.version, f.Now()
		w.WriteHeader(http.StatusNoContent)
	}
}

// list answers a full list (no syncToken) or the changes since a sync token, two
// events a page, so paging is exercised.
func (f *Fake) list(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := r.URL.Query()
	since := 0
	if tok := q.Get("syncToken"); tok != "" {
		if f.expired[tok] {
			apiError(w, http.StatusGone, "fullSyncRequired")
			return
		}
		since, _ = strconv.Atoi(strings.TrimPrefix(tok, "v"))
	}
	var changed []*Event
	for _, e := range f.events {
		if e.version > since && (since > 0 || e.Status != "cancelled" || q.Get("showDeleted") == "true") {
			changed = append(changed, e)
		}
	}
	// Stable order: by version.
	for i := 1; i < len(changed); i++ {
		for j := i; j > 0 && changed[j].version < changed[j-1].version; j-- {
			changed[j], changed[j-1] = changed[j-1], changed[j]
		}
	}
	offset, _ := strconv.Atoi(q.Get("pageToken"))
	end := min(offset+2, len(changed))
	items := []map[string]any{}
	for _, e := range changed[offset:end] {
		items = append(items, e.json())
	}
	out := map[string]any{"kind": "calendar#events", "items": items}
	if end < len(changed) {
		out["nextPageToken"] = strconv.Itoa(end)
	} else {
		out["nextSyncToken"] = "v" + strconv.Itoa(f.version)
	}
	writeJSON(w, http.StatusOK, out)
}
