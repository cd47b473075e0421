// Package twiliotest is a fake of Twilio's REST API on 127.0.0.1, for tests and the
// webhook benchmark to point twilio-go at: it creates messages and serves media the
// way Twilio does (media redirects to storage that must not see the credentials).
package twiliotest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Fake is Twilio's REST API as frontdesk uses it.
type Fake struct {
	*httptest.Server
	sid, token string

	mu      sync.Mutex
	sent    []map[string]string // accepted messages' forms
	tries   int                 // create calls, accepted or not
	fail    []int               // statuses to answer the next creates with
	media   map[string][]byte   // media id -> bytes
	authBad int                 // media requests without the right credentials
	// OnCreate, when set, runs after a message is accepted and before the API answers,
	// as Twilio may call a status callback before the sender hears back.
	onCreate func(sid string, form map[string]string)
}

// OnCreate sets what runs after a message is accepted and before the API answers.
func (f *Fake) OnCreate(fn func(sid string, form map[string]string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.onCreate = fn
}

// FailNext makes the next creates fail with these HTTP statuses (429 carries
// Retry-After: 1; 400 is Twilio's error 21211, an invalid number).
func (f *Fake) FailNext(statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail = append(f.fail, statuses...)
}

// AddMedia serves b as media id.
func (f *Fake) AddMedia(id string, b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.media[id] = b
}

// Tries is how many creates were asked for, accepted or not.
func (f *Fake) Tries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.tries
}

// AuthFailures is how many media requests came without the account's credentials.
func (f *Fake) AuthFailures() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.authBad
}

// New starts a fake serving account sid with auth token token.
func New(t testing.TB, sid, token string) *Fake {
	f := &Fake{sid: sid, token: token, media: map[string][]byte{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{sid}/Messages.json", f.create)
	mux.HandleFunc("GET /2010-04-01/Accounts/{sid}/Messages/{msg}/Media/{media}", f.mediaRedirect)
	mux.HandleFunc("GET /storage/{media}", f.storage)
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func (f *Fake) authorised(r *http.Request) bool {
	u, p, ok := r.BasicAuth()
	return ok && u == f.sid && p == f.token && r.PathValue("sid") == f.sid
}

func apiError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg, "status": status})
}

func (f *Fake) create(w http.ResponseWriter, r *http.Request) {
	if !f.authorised(r) {
		apiError(w, 401, 20003, "Authenticate")
		return
	}
	_ = r.ParseForm()
	f.mu.Lock()
	f.tries++
	if len(f.fail) > 0 {
		status := f.fail[0]
		f.fail = f.fail[1:]
		switch status {
		case 429:
			w.Header().Set("Retry-After", "1")
			apiError(w, 429, 20429, "Too Many Requests")
		case 400:
			apiError(w, 400, 21211, "The 'To' number is not a valid phone number.")
		default:
			apiError(w, status, 20500, "Internal Server Error")
		}
		f.mu.Unlock()
		return
	}
	form := map[string]string{}
	for k, v := range r.PostForm {
		form[k] = strings.Join(v, ",")
	}
	f.sent = append(f.sent, form)
	sid := fmt.Sprintf("SMf%031d", len(f.sent))
	hook := f.onCreate
	f.mu.Unlock()
	if hook != nil {
		hook(sid, form)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"sid": sid, "account_sid": f.sid, "to": form["To"], "from": form["From"], "body": form["Body"], "status": "queued",
	})
}

func (f *Fake) mediaRedirect(w http.ResponseWriter, r *http.Request) {
	if !f.authorised(r) {
		f.mu.Lock()
		f.authBad++
		f.mu.Unlock()
		apiError(w, 401, 20003, "Authenticate")
		return
	}
	http.Redirect(w, r, f.URL+"/storage/"+r.PathValue("media"), http.StatusTemporaryRedirect)
}

func (f *Fake) storage(w http.ResponseWriter, r *http.Request) {
	if _, _, ok := r.BasicAuth(); ok {
		http.Error(w, "storage must not see Twilio credentials", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	b, ok := f.media[r.PathValue("media")]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(b)
}

// Sent returns the forms of the messages accepted so far.
func (f *Fake) Sent() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.sent...)
}
