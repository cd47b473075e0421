package telegram_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTelegram is the Bot API on 127.0.0.1, answering the way api.telegram.org does:
// HTTP status and error_code agree, and every answer is {"ok":…} JSON.
type fakeTelegram struct {
	URL   string
	token string

	mu       sync.Mutex
	calls    map[string]int
	sent     []sentMessage
	uploads  []uploadedFile
	failSend []apiError
	files    map[string]fakeFile
	updates  []pendingUpdate
	offsets  []int64 // the offset of each getUpdates call
	webhook  map[string]string
	newWork  chan struct{} // closed when an update is added
	nextID   int
	getMeErr *apiError
}

// uploadedFile is a file a bot sent (sendPhoto, sendDocument, sendVoice…).
type uploadedFile struct {
	Method, ChatID, Caption, Name string
	Body                          []byte
}

// upload records a file sent with sendPhoto, sendDocument, sendVoice and the like,
// multipart as the library sends a new file.
func (f *fakeTelegram) upload(w http.ResponseWriter, r *http.Request, method string) {
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		reply(w, nil, &apiError{Code: 400, Desc: "Bad Request: " + err.Error()})
		return
	}
	field := strings.ToLower(strings.TrimPrefix(method, "send"))
	fhs := r.MultipartForm.File[field]
	if len(fhs) != 1 {
		reply(w, nil, &apiError{Code: 400, Desc: "Bad Request: there is no " + field + " in the request"})
		return
	}
	file, err := fhs[0].Open()
	if err != nil {
		reply(w, nil, &apiError{Code: 400, Desc: "Bad Request: " + err.Error()})
		return
	}
	defer file.Close()
	body, _ := io.ReadAll(file)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	chatID := r.FormValue("chat_id")
	f.uploads = append(f.uploads, uploadedFile{Method: method, ChatID: chatID, Caption: r.FormValue("caption"), Name: fhs[0].Filename, Body: body})
	id, _ := strconv.ParseInt(chatID, 10, 64)
	reply(w, map[string]any{
		"message_id": f.nextID, "date": time.Now().Unix(), "caption": r.FormValue("caption"),
		"chat": map[string]any{"id": id, "type": "private"},
	}, nil)
}

func (f *fakeTelegram) uploaded() []uploadedFile {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]uploadedFile(nil), f.uploads...)
}

type sentMessage struct {
	ChatID string
	Text   string
	ID     int
}

type apiError struct {
	Code       int
	Desc       string
	RetryAfter int
}

type fakeFile struct {
	Path string
	Body []byte
}

type pendingUpdate struct {
	ID   int64
	JSON string
}

func newFake(t *testing.T, token string) *fakeTelegram {
	f := &fakeTelegram{
		token: token, calls: map[string]int{}, files: map[string]fakeFile{},
		newWork: make(chan struct{}), nextID: 500,
	}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

func (f *fakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	if file, ok := strings.CutPrefix(r.URL.Path, "/file/bot"+f.token+"/"); ok {
		f.download(w, file)
		return
	}
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+f.token+"/")
	if !ok || r.Method != http.MethodPost {
		// What Telegram says to a token it does not know.
		reply(w, nil, &apiError{Code: http.StatusUnauthorized, Desc: "Unauthorized"})
		return
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") && strings.HasPrefix(method, "send") && method != "sendMessage" {
		f.mu.Lock()
		f.calls[method]++
		f.mu.Unlock()
		f.upload(w, r, method)
		return
	}
	p := params(r)
	f.mu.Lock()
	f.calls[method]++
	f.mu.Unlock()
	switch method {
	case "getMe":
		f.mu.Lock()
		fail := f.getMeErr
		f.mu.Unlock()
		reply(w, map[string]any{"id": 123456789, "is_bot": true, "first_name": "Acme Dental", "username": "acme_dental_bot"}, fail)
	case "sendMessage":
		f.sendMessage(w, p)
	case "getFile":
		f.mu.Lock()
		file, ok := f.files[p["file_id"]]
		f.mu.Unlock()
		if !ok {
			reply(w, nil, &apiError{Code: 400, Desc: "Bad Request: wrong file_id or the file is temporarily unavailable"})
			return
		}
		reply(w, map[string]any{"file_id": p["file_id"], "file_unique_id": "u" + p["file_id"], "file_size": len(file.Body), "file_path": file.Path}, nil)
	case "getUpdates":
		f.getUpdates(w, r, p)
	case "setWebhook":
		f.mu.Lock()
		f.webhook = p
		f.mu.Unlock()
		reply(w, true, nil)
	case "deleteWebhook":
		reply(w, true, nil)
	default:
		reply(w, nil, &apiError{Code: 404, Desc: "Not Found: method not found"})
	}
}

func (f *fakeTelegram) sendMessage(w http.ResponseWriter, p map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.failSend) > 0 {
		fail := f.failSend[0]
		f.failSend = f.failSend[1:]
		reply(w, nil, &fail)
		return
	}
	f.nextID++
	f.sent = append(f.sent, sentMessage{ChatID: p["chat_id"], Text: p["text"], ID: f.nextID})
	chatID, _ := strconv.ParseInt(p["chat_id"], 10, 64)
	reply(w, map[string]any{
		"message_id": f.nextID, "date": time.Now().Unix(), "text": p["text"],
		"chat": map[string]any{"id": chatID, "type": "private"},
	}, nil)
}

// getUpdates confirms the updates before offset and returns the rest, holding the call
// open while there are none, as a long poll does.
func (f *fakeTelegram) getUpdates(w http.ResponseWriter, r *http.Request, p map[string]string) {
	offset, _ := strconv.ParseInt(p["offset"], 10, 64)
	for {
		f.mu.Lock()
		f.offsets = append(f.offsets, offset)
		kept := f.updates[:0]
		for _, u := range f.updates {
			if offset == 0 || u.ID >= offset {
				kept = append(kept, u)
			}
		}
		f.updates = kept
		wait := f.newWork
		var out []json.RawMessage
		for _, u := range f.updates {
			out = append(out, json.RawMessage(u.JSON))
		}
		f.mu.Unlock()
		if len(out) > 0 {
			reply(w, out, nil)
			return
		}
		select {
		case <-wait:
		case <-r.Context().Done():
			return
		}
	}
}

func (f *fakeTelegram) download(w http.ResponseWriter, path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, file := range f.files {
		if file.Path == path {
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(file.Body)
			return
		}
	}
	http.Error(w, "Not Found", http.StatusNotFound)
}

// addUpdate queues an update for getUpdates.
func (f *fakeTelegram) addUpdate(id int64, raw string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, pendingUpdate{ID: id, JSON: raw})
	close(f.newWork)
	f.newWork = make(chan struct{})
}

func (f *fakeTelegram) addFile(id, path string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[id] = fakeFile{Path: path, Body: body}
}

func (f *fakeTelegram) failNextSends(errs ...apiError) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failSend = append(f.failSend, errs...)
}

func (f *fakeTelegram) sentMessages() []sentMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMessage(nil), f.sent...)
}

func (f *fakeTelegram) callCount(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeTelegram) lastOffset() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.offsets) == 0 {
		return -1
	}
	return f.offsets[len(f.offsets)-1]
}

func (f *fakeTelegram) webhookParams() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.webhook
}

func reply(w http.ResponseWriter, result any, fail *apiError) {
	w.Header().Set("Content-Type", "application/json")
	if fail != nil {
		w.WriteHeader(fail.Code)
		body := map[string]any{"ok": false, "error_code": fail.Code, "description": fail.Desc}
		if fail.RetryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": fail.RetryAfter}
		}
		_ = json.NewEncoder(w).Encode(body)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// params reads a call's parameters as the Bot API accepts them: multipart (what the
// client library sends), JSON, or a URL-encoded form.
func params(r *http.Request) map[string]string {
	out := map[string]string{}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "multipart/form-data"):
		if err := r.ParseMultipartForm(1 << 20); err == nil {
			for k, v := range r.MultipartForm.Value {
				out[k] = v[0]
			}
		}
	case strings.HasPrefix(ct, "application/json"):
		var m map[string]any
		_ = json.NewDecoder(r.Body).Decode(&m)
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
				continue
			}
			b, _ := json.Marshal(v)
			out[k] = string(b)
		}
	default:
		_ = r.ParseForm()
		for k, v := range r.Form {
			out[k] = v[0]
		}
	}
	return out
}

// update is a private-chat update from Ann Lee (user and chat 4242) with the message
// fields in fields.
func update(id int64, fields string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,`+
		`"from":{"id":4242,"is_bot":false,"first_name":"Ann","last_name":"Lee","language_code":"en"},`+
		`"chat":{"id":4242,"first_name":"Ann","last_name":"Lee","type":"private"},"date":1767225600,%s}}`, id, id-900, fields)
}
