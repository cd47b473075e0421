package gcaltest

import (
	"net/http"
	"strconv"
	"time"
)

// Channel is a push-notification channel opened with events.watch.
type Channel struct {
	ID, Token, Address, ResourceID, Calendar string
	Expiration                               time.Time
	Stopped                                  bool
	// Deliveries are the HTTP statuses the address answered, one per notification.
	Deliveries []int
	messages   int
}

// watch opens a channel: Google grants at most about a week, or the fake's ChannelTTL.
func (f *Fake) watch(w http.ResponseWriter, r *http.Request, body map[string]any) {
	id, _ := body["id"].(string)
	address, _ := body["address"].(string)
	if id == "" || address == "" || body["type"] != "web_hook" {
		apiError(w, http.StatusBadRequest, "invalid")
		return
	}
	token, _ := body["token"].(string)
	exp := f.Now().Add(7 * 24 * time.Hour)
	if raw, ok := body["expiration"].(string); ok {
		if ms, err := strconv.ParseInt(raw, 10, 64); err == nil && time.UnixMilli(ms).Before(exp) {
			exp = time.UnixMilli(ms)
		}
	}
	f.mu.Lock()
	if f.ChannelTTL > 0 && f.Now().Add(f.ChannelTTL).Before(exp) {
		exp = f.Now().Add(f.ChannelTTL)
	}
	if _, dup := f.channels[id]; dup {
		f.mu.Unlock()
		apiError(w, http.StatusBadRequest, "channelIdNotUnique")
		return
	}
	ch := &Channel{ID: id, Token: token, Address: address, ResourceID: "resource-" + r.PathValue("cal"), Calendar: r.PathValue("cal"), Expiration: exp}
	f.channels[id] = ch
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"kind": "api#channel", "id": id, "resourceId": ch.ResourceID,
		"resourceUri": f.Server.URL + "/calendar/v3/calendars/" + ch.Calendar + "/events", "token": token,
		"expiration": strconv.FormatInt(exp.UnixMilli(), 10)})
}

func (f *Fake) stop(w http.ResponseWriter, _ *http.Request, body map[string]any) {
	id, _ := body["id"].(string)
	resource, _ := body["resourceId"].(string)
	f.mu.Lock()
	ch, ok := f.channels[id]
	if ok && ch.ResourceID == resource {
		ch.Stopped = true
	}
	f.mu.Unlock()
	if !ok || ch.ResourceID != resource {
		apiError(w, http.StatusNotFound, "notFound")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Channels returns copies of the channels opened so far, stopped ones included.
func (f *Fake) Channels() []Channel {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Channel, 0, len(f.channels))
	for _, ch := range f.channels {
		c := *ch
		c.Deliveries = append([]int(nil), ch.Deliveries...)
		out = append(out, c)
	}
	return out
}

// push sends an "exists" notification on every open channel, as Google does when an
// event of the watched calendar changes, and records what each address answered.
func (f *Fake) push() {
	f.mu.Lock()
	var open []*Channel
	for _, ch := range f.channels {
		if !ch.Stopped && ch.Expiration.After(f.Now()) {
			ch.messages++
			open = append(open, ch)
		}
	}
	f.mu.Unlock()
	client := &http.Client{Timeout: 10 * time.Second}
	for _, ch := range open {
		status := 0
		req, err := http.NewRequest(http.MethodPost, ch.Address, http.NoBody)
		if err == nil {
			req.Header.Set("X-Goog-Channel-ID", ch.ID)
			req.Header.Set("X-Goog-Channel-Token", ch.Token)
			req.Header.Set("X-Goog-Resource-ID", ch.ResourceID)
			req.Header.Set("X-Goog-Resource-State", "exists")
			req.Header.Set("X-Goog-Message-Number", strconv.Itoa(ch.messages))
			if resp, err := client.Do(req); err == nil {
				status = resp.StatusCode
				_ = resp.Body.Close()
			}
		}
		f.mu.Lock()
		ch.Deliveries = append(ch.Deliveries, status)
		f.mu.Unlock()
	}
}
