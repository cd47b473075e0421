package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// postReplyFiles approves draft id through the admin inbox's form, with files.
func postReplyFiles(t *testing.T, c *http.Client, u, csrf, content string, files map[string][]byte) response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	require.NoError(t, w.WriteField("_csrf", csrf))
	require.NoError(t, w.WriteField("content", content))
	for name, data := range files {
		f, err := w.CreateFormFile("file", name)
		require.NoError(t, err)
		_, err = f.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	resp, err := c.Post(u, w.FormDataContentType(), &buf)
	return readPage(t, resp, err)
}

// portalMessages waits until the customer's chat holds an outbound message with files.
func portalReplyWithFiles(t *testing.T, customer apiClient) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		status, body := customer.do("GET", "/api/v1/portal/messages", nil)
		require.Equal(t, http.StatusOK, status, body)
		for _, m := range body["messages"].([]any) {
			msg := m.(map[string]any)
			if msg["direction"] == "outbound" && len(anySlice(msg["attachments"])) > 0 {
				return msg
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the customer never saw a reply with files")
	return nil
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func TestReplyWithFiles(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	customer := s.portalSession(t, owner, "+447700900481", "Dee")
	pdf := []byte("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

	// Through the API: the edited reply goes out with the owner's file.
	status, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Can you send me the new patient form?"})
	require.Equal(t, http.StatusCreated, status, msg)
	d := waitDraft(t, owner, msg["id"].(float64))
	status, approved := owner.postFile(fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]),
		map[string]string{"content": "Here it is, Dee."}, "new patient form.pdf", pdf)
	require.Equal(t, http.StatusOK, status, approved)
	require.Equal(t, "edited", approved["status"])
	files := anySlice(approved["files"])
	require.Len(t, files, 1)
	require.Equal(t, "new patient form.pdf", files[0].(map[string]any)["file_name"])

	// The customer sees it in the chat and can open it.
	reply := portalReplyWithFiles(t, customer)
	require.Equal(t, "Here it is, Dee.", reply["text"])
	att := anySlice(reply["attachments"])[0].(map[string]any)
	require.Equal(t, "application/pdf", att["content_type"])
	req, _ := http.NewRequest(http.MethodGet, s.url+"/api/v1/portal/files/"+formatID(att["id"]), nil)
	req.Header.Set("Authorization", "Bearer "+customer.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	got := readAll(t, resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, string(pdf), got)

	// Bad files are refused with a clear error, and the draft stays pending.
	status, msg = customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "And the price list?"})
	require.Equal(t, http.StatusCreated, status, msg)
	d = waitDraft(t, owner, msg["id"].(float64))
	status, body := owner.postFile(fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]), nil, "empty.pdf", nil)
	require.Equal(t, http.StatusUnprocessableEntity, status, body)
	require.Contains(t, body["error"], "empty")
	require.NotEmpty(t, body["request_id"])
	status, body = owner.postFile(fmt.Sprintf("/api/v1/drafts/%v/approve", d["id"]), nil, "huge.bin", bytes.Repeat([]byte{1}, 20<<20+512<<10))
	require.Equal(t, http.StatusRequestEntityTooLarge, status, body)

	// Through the inbox: the draft editor's form takes files too.
	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
	require.Contains(t, page, `enctype="multipart/form-data"`)
	require.Contains(t, page, `type="file" name="file"`)
	csrf := csrfField.FindStringSubmatch(page)[1]
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	r := postReplyFiles(t, c, s.url+fmt.Sprintf("/admin/drafts/%v/approve", d["id"]), csrf, "Here are our prices.", map[string][]byte{"prices.png": png})
	require.Equal(t, http.StatusSeeOther, r.StatusCode, r.Body)
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, page = get(t, c, s.url+"/admin/conversations/"+formatID(d["conversation_id"]))
		if bytes.Contains([]byte(page), []byte("prices.png")) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	require.Contains(t, page, "prices.png", "the inbox shows the file on the sent reply")
	var n int
	require.NoError(t, s.app.pool.QueryRow(context.Background(), `SELECT count(*) FROM attachments a
		JOIN messages m ON m.workspace_id = a.workspace_id AND m.id = a.message_id
		WHERE m.direction = 'outbound' AND a.draft_id IS NOT NULL`).Scan(&n))
	require.Equal(t, 2, n, "both replies' files belong to their sent messages")
}
