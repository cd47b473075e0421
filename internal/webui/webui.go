// Package webui serves what the admin UI and the customer portal share: embedded static
// files under content-hashed URLs, and server-sent event streams of live events.
package webui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

//go:embed static
var staticFS embed.FS

// Assets are the embedded static files, each served at /static/<hash>/<name>.
type Assets struct {
	files map[string][]byte
	paths map[string]string
}

// NewAssets hashes the embedded files once.
func NewAssets() (*Assets, error) {
	a := &Assets{files: map[string][]byte{}, paths: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := path.Base(p)
		sum := sha256.Sum256(b)
		a.files[name] = b
		a.paths[name] = "/static/" + hex.EncodeToString(sum[:])[:12] + "/" + name
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("webui: load assets: %w", err)
	}
	return a, nil
}

// Path is the URL of a static file, for templates. An unknown name fails template
// execution, so a typo shows up in tests.
func (a *Assets) Path(name string) (string, error) {
	p, ok := a.paths[name]
	if !ok {
		return "", fmt.Errorf("webui: no static file %q", name)
	}
	return p, nil
}

// Serve answers /static/:hash/:name. The hash is in the URL, so the file is cacheable forever.
func (a *Assets) Serve(c *fiber.Ctx) error {
	name := c.Params("name")
	b, ok := a.files[name]
	if !ok || a.paths[name] != c.Path() {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, mime.TypeByExtension(path.Ext(name)))
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(b)
}
