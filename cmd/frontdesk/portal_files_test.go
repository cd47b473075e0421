package main

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPortalFileUpload(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900471", "Ana")
	stranger := s.portalSession(t, owner, "+447700900472", "Bo")

	pdf := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
	status, msg := customer.postFile("/api/v1/portal/files", map[string]string{"text": "My referral"}, "referral letter.pdf", pdf)
	require.Equal(t, http.StatusCreated, status, msg)
	require.Equal(t, "My referral", msg["text"])
	atts := msg["attachments"].([]any)
	require.Len(t, atts, 1)
	a := atts[0].(map[string]any)
	require.Equal(t, "application/pdf", a["content_type"])
	require.Equal(t, "referral letter.pdf", a["file_name"])
	require.Equal(t, "document", a["kind"])
	id := formatID(a["id"])

	// The customer can open their file; another customer cannot.
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/v1/portal/files/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+customer.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got := readAll(t, resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, string(pdf), got)
	req.Header.Set("Authorization", "Bearer "+stranger.token)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	// The owner sees it in the drafted conversation.
	d := waitDraft(t, owner, msg["id"].(float64))
	status, body := owner.do("GET", "/api/v1/conversations/"+formatID(d["conversation_id"])+"/messages", nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, toJSON(t, body), "referral letter.pdf")

	// A file alone is a message too: a person is asked to look at it.
	status, msg = customer.postFile("/api/v1/portal/files", nil, "photo.png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...))
	require.Equal(t, http.StatusCreated, status, msg)
	d = waitDraft(t, owner, msg["id"].(float64))
	require.Equal(t, true, d["needs_human"])
	require.Contains(t, d["content"], "received your file")

	status, body = customer.postFile("/api/v1/portal/files", map[string]string{"text": ""}, "empty.txt", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	status, body = customer.postFile("/api/v1/portal/files", map[string]string{"text": ""}, "huge.bin", bytes.Repeat([]byte{1}, 20<<20+512<<10))
	require.Equal(t, http.StatusRequestEntityTooLarge, status, body)
	require.Contains(t, body["error"], "too large")

	// The chat page's cookie route takes uploads only from its own script.
	form := strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--x--\r\n")
	req, _ = http.NewRequest(http.MethodPost, s.url+"/c/files", form)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.AddCookie(&http.Cookie{Name: "fd_portal", Value: customer.token})
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestCustomerDocumentToKnowledgeBase(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900473", "Cy")
	status, msg := customer.postFile("/api/v1/portal/files", nil, "aftercare.txt",
		[]byte("Aftercare after an extraction: bite on gauze for thirty minutes, no hot drinks for a day."))
	require.Equal(t, http.StatusCreated, status, msg)
	att := formatID(msg["attachments"].([]any)[0].(map[string]any)["id"])

	c := browserClient(t)
	login(t, s, c)
	d := waitDraft(t, owner, msg["id"].(float64))
	_, page := get(t, c, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
	require.Contains(t, page, "/admin/attachments/"+att+"/knowledge", "the inbox offers the one click")
	csrf := csrfField.FindStringSubmatch(page)[1]
	resp := postForm(t, c, s.url+"/admin/attachments/"+att+"/knowledge", url.Values{"_csrf": {csrf}})
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)

	status, body := owner.do("GET", "/api/v1/knowledge-base/documents", nil)
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, toJSON(t, body), "aftercare")
	doc := waitIngested(t, owner, body["documents"].([]any)[0].(map[string]any)["id"])
	require.Equal(t, "ready", doc["status"], doc)

	// Without the form token, nothing is added.
	resp = postForm(t, c, s.url+"/admin/attachments/"+att+"/knowledge", url.Values{})
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}
