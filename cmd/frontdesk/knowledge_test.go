package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// multipartBody builds a form with fields and one file under "file" (none if name is "").
func multipartBody(t *testing.T, fields map[string]string, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	if name != "" {
		f, err := w.CreateFormFile("file", name)
		require.NoError(t, err)
		_, err = f.Write(data)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return &buf, w.FormDataContentType()
}

// upload sends a file to the knowledge base API.
func (c apiClient) upload(name, title string, data []byte) (int, map[string]any) {
	c.t.Helper()
	fields := map[string]string{}
	if title != "" {
		fields["title"] = title
	}
	return c.postFile("/api/v1/knowledge-base/upload", fields, name, data)
}

// postFile sends a multipart form with a file and fields to path.
func (c apiClient) postFile(path string, fields map[string]string, name string, data []byte) (int, map[string]any) {
	c.t.Helper()
	return c.sendFile("POST", path, fields, name, data)
}

// sendFile sends a multipart form with a file and fields to path with method.
func (c apiClient) sendFile(method, path string, fields map[string]string, name string, data []byte) (int, map[string]any) {
	c.t.Helper()
	body, ctype := multipartBody(c.t, fields, name, data)
	req, err := http.NewRequest(method, c.base+path, body)
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	out := map[string]any{}
	raw := readAll(c.t, resp.Body)
	require.NoError(c.t, json.Unmarshal([]byte(raw), &out), "response is not JSON: %s", raw)
	return resp.StatusCode, out
}

// waitIngested polls a document until it is ready or failed.
func waitIngested(t *testing.T, owner apiClient, id any) map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		status, doc := owner.do("GET", fmt.Sprintf("/api/v1/knowledge-base/documents/%v", id), nil)
		require.Equal(t, http.StatusOK, status, doc)
		if doc["status"] == "ready" || doc["status"] == "failed" {
			return doc
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatalf("document %v was not ingested in time", id)
	return nil
}

const aftercareMD = "# Aftercare\n\n## After whitening\n\nAvoid coffee, tea and red wine for 48 hours after teeth whitening.\n\n" +
	"## After an extraction\n\nBite gently on the gauze for 30 minutes and do not rinse until the next day.\n"

func TestAPIKnowledgeBase(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)

	status, doc := owner.upload("aftercare.md", "Aftercare guide", []byte(aftercareMD))
	require.Equal(t, http.StatusCreated, status, doc)
	require.Equal(t, "Aftercare guide", doc["title"])
	require.Equal(t, "markdown", doc["kind"])
	require.Equal(t, "queued", doc["status"])
	id := doc["id"]

	done := waitIngested(t, owner, id)
	require.Equal(t, "ready", done["status"], done)
	require.EqualValues(t, 100, done["progress"])
	require.EqualValues(t, 2, done["chunks"])
	require.Contains(t, done["content"], "Bite gently on the gauze")

	t.Run("ListsDocuments", func(t *testing.T) {
		status, body := owner.do("GET", "/api/v1/knowledge-base/documents", nil)
		require.Equal(t, http.StatusOK, status)
		docs := body["documents"].([]any)
		require.Len(t, docs, len(demoDocuments)+1)
		require.Equal(t, id, docs[0].(map[string]any)["id"], "newest first")
		require.Nil(t, docs[0].(map[string]any)["content"], "the list leaves the text out")
	})
	t.Run("Search", func(t *testing.T) {
		status, body := owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "can I drink coffee after whitening?", "limit": 3})
		require.Equal(t, http.StatusOK, status, body)
		results := body["results"].([]any)
		require.NotEmpty(t, results)
		top := results[0].(map[string]any)
		require.Equal(t, id, top["document_id"])
		require.Equal(t, "Aftercare guide", top["title"])
		require.Equal(t, "Aftercare › After whitening", top["heading"])
		require.Contains(t, top["snippet"], "<b>coffee</b>")
		require.NotZero(t, top["chunk_id"])
		require.Greater(t, top["score"].(float64), 0.0)
		require.LessOrEqual(t, len(results), 3)
	})
	t.Run("SearchFindsMisspeltWordsByVector", func(t *testing.T) {
		status, body := owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "extracion gauze"})
		require.Equal(t, http.StatusOK, status, body)
		require.NotEmpty(t, body["results"])
		require.Contains(t, body["results"].([]any)[0].(map[string]any)["content"], "gauze")
	})
	t.Run("DraftsAnswerFromUploadedDocuments", func(t *testing.T) {
		customer := s.portalSession(t, owner, "+447700900470", "Ann")
		_, msg := customer.do("POST", "/api/v1/portal/messages", map[string]string{"text": "Can I drink coffee after teeth whitening?"})
		d := waitDraft(t, owner, msg["id"].(float64))
		var titles []string
		for _, src := range d["sources"].([]any) {
			titles = append(titles, src.(map[string]any)["title"].(string))
		}
		require.Contains(t, titles, "Aftercare guide")
	})
	t.Run("RefusesBadInput", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			file   string
			data   []byte
			status int
			msg    string
		}{
			{"OverTheLimit", "big.txt", bytes.Repeat([]byte("a"), 10<<20+1), http.StatusRequestEntityTooLarge, "the limit is 10 MB"},
			{"Unsupported", "photo.png", []byte("\x89PNG\r\n\x1a\n0000"), http.StatusUnsupportedMediaType, "unsupported file type"},
			{"BrokenDocx", "letter.docx", []byte("not a zip"), http.StatusUnprocessableEntity, "not a DOCX file"},
			{"Empty", "empty.txt", []byte("  "), http.StatusUnprocessableEntity, "empty"},
			{"NoFile", "", nil, http.StatusBadRequest, `field "file"`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				owner.t = t
				status, body := owner.upload(tc.file, "", tc.data)
				require.Equal(t, tc.status, status, body)
				require.Contains(t, body["error"], tc.msg)
				require.NotContains(t, body["error"], "knowledge:")
			})
		}
		owner.t = t
		status, body := owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "  "})
		require.Equal(t, http.StatusUnprocessableEntity, status, body)
		status, body = owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "x", "limit": 500})
		require.Equal(t, http.StatusBadRequest, status, body)
	})
	t.Run("BrokenPDFFailsWithAReason", func(t *testing.T) {
		status, doc := owner.upload("menu.pdf", "", []byte("%PDF-1.7\ntruncated"))
		require.Equal(t, http.StatusCreated, status, doc)
		done := waitIngested(t, owner, doc["id"])
		require.Equal(t, "failed", done["status"])
		require.Contains(t, done["error"], "PDF")
	})
	t.Run("OtherWorkspacesSeeNothing", func(t *testing.T) {
		other, err := s.app.conv.CreateWorkspace(t.Context(), s.app.pool, "other-biz", "Other", "UTC", "US")
		require.NoError(t, err)
		stranger := s.ownerAPI(t, other.ID)
		status, body := stranger.do("GET", fmt.Sprintf("/api/v1/knowledge-base/documents/%v", id), nil)
		require.Equal(t, http.StatusNotFound, status, body)
		status, body = stranger.do("DELETE", fmt.Sprintf("/api/v1/knowledge-base/documents/%v", id), nil)
		require.Equal(t, http.StatusNotFound, status, body)
		_, body = stranger.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "coffee after whitening"})
		require.Empty(t, body["results"])
	})
	t.Run("Replace", func(t *testing.T) {
		owner.t = t
		path := fmt.Sprintf("/api/v1/knowledge-base/documents/%v", id)
		status, body := owner.sendFile("PUT", path, nil, "aftercare-2027.txt",
			[]byte("After whitening, wait 24 hours before coffee or tea."))
		require.Equal(t, http.StatusAccepted, status, body)
		require.EqualValues(t, 1, body["revision"])
		require.Equal(t, "Aftercare guide", body["title"])
		done := waitIngested(t, owner, id)
		require.Equal(t, "ready", done["status"], done)
		require.Contains(t, done["content"], "wait 24 hours")
		require.NotContains(t, done["content"], "gauze")
		_, body = owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "coffee after whitening"})
		require.Contains(t, body["results"].([]any)[0].(map[string]any)["content"], "24 hours")

		status, body = owner.sendFile("PUT", "/api/v1/knowledge-base/documents/999999", nil, "x.txt", []byte("x"))
		require.Equal(t, http.StatusNotFound, status, body)
		status, body = owner.do("POST", path+"/refetch", nil)
		require.Equal(t, http.StatusUnprocessableEntity, status, body)
		require.Contains(t, body["error"], "not a web page")
	})
	t.Run("AddURLRefusesPrivateAddresses", func(t *testing.T) {
		owner.t = t
		status, body := owner.do("POST", "/api/v1/knowledge-base/documents", map[string]any{"url": s.url + "/admin/login"})
		require.Equal(t, http.StatusUnprocessableEntity, status, body)
		require.Contains(t, body["error"], "private address")
		status, body = owner.do("POST", "/api/v1/knowledge-base/documents", map[string]any{"url": "ftp://example.com/faq"})
		require.Equal(t, http.StatusUnprocessableEntity, status, body)
		status, body = owner.do("POST", "/api/v1/knowledge-base/documents", map[string]any{"title": "no url"})
		require.Equal(t, http.StatusBadRequest, status, body)
	})
	t.Run("Delete", func(t *testing.T) {
		owner.t = t
		status, body := owner.do("DELETE", fmt.Sprintf("/api/v1/knowledge-base/documents/%v", id), nil)
		require.Equal(t, http.StatusOK, status, body)
		status, _ = owner.do("GET", fmt.Sprintf("/api/v1/knowledge-base/documents/%v", id), nil)
		require.Equal(t, http.StatusNotFound, status)
		_, body = owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "coffee after whitening"})
		for _, r := range body["results"].([]any) {
			require.NotEqual(t, id, r.(map[string]any)["document_id"])
		}
	})
}

func TestAdminKnowledgePage(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	c := browserClient(t)
	login(t, s, c)

	resp, body := get(t, c, s.url+"/admin/knowledge")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "Knowledge base")
	require.Contains(t, body, `href="/admin/knowledge" aria-current="page"`)
	require.Contains(t, body, "Location and parking", "the demo's documents are listed")
	require.Contains(t, body, "knowledge.js")
	csrf := csrfField.FindStringSubmatch(body)[1]

	// Watch the live stream as a browser on this page does.
	req, err := http.NewRequest("GET", s.url+"/admin/events", nil)
	require.NoError(t, err)
	stream, err := c.Do(req) //nolint:bodyclose // closed below; the stream is read in a goroutine
	require.NoError(t, err)
	defer stream.Body.Close()
	events := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stream.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- data
			}
		}
	}()

	postFile := func(fields map[string]string, name string, data []byte) response {
		t.Helper()
		b, ctype := multipartBody(t, fields, name, data)
		resp, err := c.Post(s.url+"/admin/knowledge/upload", ctype, b)
		return readPage(t, resp, err)
	}

	t.Run("UploadNeedsTheFormsToken", func(t *testing.T) {
		resp := postFile(map[string]string{}, "faq.csv", []byte("q,a\nx,y\n"))
		require.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("UploadShowsProgressLive", func(t *testing.T) {
		faq := "question,answer\nDo you treat nervous patients?,Yes: we offer sedation and extra-long appointments.\n" +
			"Can I pay in instalments?,Treatments over £500 can be paid over 12 months.\n"
		resp := postFile(map[string]string{"_csrf": csrf, "title": "Patient FAQ"}, "faq.csv", []byte(faq))
		require.Equal(t, http.StatusSeeOther, resp.StatusCode, resp.Body)
		require.Equal(t, "/admin/knowledge", resp.Header.Get("Location"))
		var statuses []string
		timeout := time.After(20 * time.Second)
		for !contains(statuses, "ready") {
			select {
			case data := <-events:
				var e struct {
					Kind       string `json:"kind"`
					DocumentID int64  `json:"document_id"`
				}
				require.NoError(t, json.Unmarshal([]byte(data), &e))
				if e.Kind != "document" {
					continue
				}
				var st string
				require.NoError(t, s.app.pool.QueryRow(t.Context(), "SELECT status FROM kb_documents WHERE id = $1", e.DocumentID).Scan(&st))
				statuses = append(statuses, st)
			case <-timeout:
				t.Fatalf("no document events saying it is ready; saw %v", statuses)
			}
		}
		_, part := get(t, c, s.url+"/admin/partials/knowledge/documents")
		require.Contains(t, part, "Patient FAQ")
		require.Contains(t, part, `data-status="ready"`)
	})
	t.Run("SearchShowsHighlightedSnippets", func(t *testing.T) {
		resp, body := get(t, c, s.url+"/admin/knowledge?q="+url.QueryEscape("can I pay over 12 months?"))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Contains(t, body, `id="kb-results"`)
		require.Contains(t, body, "Patient FAQ")
		require.Contains(t, body, "Can I pay in instalments?", "the FAQ row's question is its heading")
		require.Contains(t, body, "<b>months</b>")
		require.Contains(t, body, "score 0.0")
	})
	t.Run("PreviewShowsTheExtractedText", func(t *testing.T) {
		var id int64
		require.NoError(t, s.app.pool.QueryRow(t.Context(), "SELECT id FROM kb_documents WHERE title = 'Patient FAQ'").Scan(&id))
		_, body := get(t, c, fmt.Sprintf("%s/admin/knowledge?doc=%d", s.url, id))
		require.Contains(t, body, `id="kb-preview"`)
		require.Contains(t, body, "Q: Do you treat nervous patients?")
	})
	t.Run("BadFileIsExplainedOnThePage", func(t *testing.T) {
		resp := postFile(map[string]string{"_csrf": csrf}, "scan.png", []byte("\x89PNG\r\n\x1a\n0000"))
		require.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode)
		require.Contains(t, resp.Body, "unsupported file type")
		require.Contains(t, resp.Body, "Knowledge base", "the page, not a bare error")
	})
	t.Run("Delete", func(t *testing.T) {
		var id int64
		require.NoError(t, s.app.pool.QueryRow(t.Context(), "SELECT id FROM kb_documents WHERE title = 'Patient FAQ'").Scan(&id))
		resp := postForm(t, c, fmt.Sprintf("%s/admin/knowledge/documents/%d/delete", s.url, id), url.Values{"_csrf": {csrf}})
		require.Equal(t, http.StatusSeeOther, resp.StatusCode)
		_, body := get(t, c, s.url+"/admin/knowledge")
		require.NotContains(t, body, "Patient FAQ")
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestKnowledgeReindexShown: a workspace indexed by a model this server no longer has
// searches by full text, the owner sees the re-index's progress, and the periodic job
// moves it onto the configured model.
func TestKnowledgeReindexShown(t *testing.T) {
	t.Parallel()
	s := startServer(t)
	owner := s.ownerAPI(t, s.ws.ID)
	ctx := context.Background()
	_, err := s.app.pool.Exec(ctx, `UPDATE kb_index_models SET model = 'retired-model/8' WHERE workspace_id = $1`, s.ws.ID)
	require.NoError(t, err)

	status, body := owner.do("GET", "/api/v1/knowledge-base/documents", nil)
	require.Equal(t, http.StatusOK, status)
	index := body["index"].(map[string]any)
	require.Equal(t, "retired-model/8", index["searching_model"])
	require.Equal(t, "offline-hash-v1", index["model"])
	require.Equal(t, index["chunks"], index["embedded"], "every chunk already has the configured model's vector")

	status, body = owner.do("POST", "/api/v1/knowledge-base/search", map[string]any{"query": "extracion gauze parking"})
	require.Equal(t, http.StatusOK, status, body)
	for _, r := range body["results"].([]any) {
		require.Equal(t, "text", r.(map[string]any)["matched"], "no vectors of an unknown model are searched")
	}

	c := browserClient(t)
	login(t, s, c)
	_, page := get(t, c, s.url+"/admin/knowledge")
	require.Contains(t, page, "Re-indexing for offline-hash-v1")
	require.Contains(t, page, "search uses retired-model/8 until it is done")

	_, err = s.app.knowledge.EmbedMissing(ctx, s.app.pool)
	require.NoError(t, err)
	_, body = owner.do("GET", "/api/v1/knowledge-base/documents", nil)
	require.Equal(t, "offline-hash-v1", body["index"].(map[string]any)["searching_model"])
	_, page = get(t, c, s.url+"/admin/knowledge")
	require.NotContains(t, page, "Re-indexing")
}
