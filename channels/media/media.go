// Package media stores the files customers send (photos, voice notes, documents)
// through gocloud.dev/blob: a local directory by default, S3 or a compatible store by
// URL. Each file's type is sniffed from its bytes, not trusted from the sender, and
// its size is bounded per kind of file.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/memblob"  // mem:// buckets, for benchmarks that keep nothing
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets, and S3-compatible stores by endpoint
	"gocloud.dev/gcerrors"

	"github.com/frontdesk/frontdesk/internal/secret"
)

// Errors of bad files.
var (
	ErrEmpty    = errors.New("the file is empty")
	ErrTooLarge = errors.New("the file is too large")
	ErrNotFound = errors.New("file not found")
)

// Kind is how a file is shown: a picture, a player, or a download.
type Kind string

// The kinds of file.
const (
	Image    Kind = "image"
	Audio    Kind = "audio"
	Video    Kind = "video"
	Document Kind = "document"
)

// Limits bound file sizes by kind, in bytes.
type Limits struct {
	Image, Audio, Video, Document int64
}

// DefaultLimits follow the providers' own: Twilio MMS takes 5 MB, Telegram bots may
// download 20 MB, WhatsApp voice notes and videos stay under 16 MB.
func DefaultLimits() Limits {
	return Limits{Image: 5 << 20, Audio: 16 << 20, Video: 16 << 20, Document: 20 << 20}
}

func (l Limits) of(k Kind) int64 {
	switch k {
	case Image:
		return l.Image
	case Audio:
		return l.Audio
	case Video:
		return l.Video
	default:
		return l.Document
	}
}

// Max is the largest file of any kind.
func (l Limits) Max() int64 { return max(l.Image, l.Audio, l.Video, l.Document) }

// File is a stored file.
type File struct {
	Key         string
	Name        string
	ContentType string
	Kind        Kind
	Size        int64
}

// Store keeps files in one bucket.
type Store struct {
	bucket *blob.Bucket
	Limits Limits
}

// Open opens the bucket at url (file:///var/lib/frontdesk/media, s3://bucket?region=…).
func Open(ctx context.Context, url string) (*Store, error) {
	b, err := blob.OpenBucket(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", url, err)
	}
	return &Store{bucket: b, Limits: DefaultLimits()}, nil
}

// Close releases the bucket.
func (s *Store) Close() error { return s.bucket.Close() }

// sniffLen is how much of a file mimetype reads to tell its type.
const sniffLen = 3072

// Put stores what r yields for workspace ws. name is the sender's file name, kept for
// showing and downloading; declared is the sender's content type, used only when the
// bytes say nothing more precise.
func (s *Store) Put(ctx context.Context, ws int64, name, declared string, r io.Reader) (File, error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return File{}, fmt.Errorf("media: read: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return File{}, ErrEmpty
	}
	ctype := sniff(head, declared)
	f := File{Name: cleanName(name, ctype), ContentType: ctype, Kind: kindOf(ctype)}
	limit := s.Limits.of(f.Kind)
	f.Key = "ws/" + strconv.FormatInt(ws, 10) + "/" + secret.New("")

	// A write is abandoned, not committed, when its context ends before Close.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.bucket.NewWriter(wctx, f.Key, &blob.WriterOptions{
		ContentType:        ctype,
		ContentDisposition: mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}),
	})
	if err != nil {
		return File{}, fmt.Errorf("media: open writer: %w", err)
	}
	size, err := io.Copy(w, io.LimitReader(io.MultiReader(bytes.NewReader(head), r), limit+1))
	if err == nil && size > limit {
		err = fmt.Errorf("%w: a %s may be at most %s", ErrTooLarge, f.Kind, human(limit))
	}
	if err != nil {
		cancel()
		_ = w.Close()
		return File{}, err
	}
	if err := w.Close(); err != nil {
		return File{}, fmt.Errorf("media: write: %w", err)
	}
	f.Size = size
	return f, nil
}

// Reader opens a stored file.
func (s *Store) Reader(ctx context.Context, key string) (io.ReadCloser, error) {
	r, err := s.bucket.NewReader(ctx, key, nil)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("media: read %s: %w", key, err)
	}
	return r, nil
}

// Stat describes the stored file under key: its content type and size.
func (s *Store) Stat(ctx context.Context, key string) (File, error) {
	a, err := s.bucket.Attributes(ctx, key)
	if gcerrors.Code(err) == gcerrors.NotFound {
		return File{}, ErrNotFound
	}
	if err != nil {
		return File{}, fmt.Errorf("media: stat %s: %w", key, err)
	}
	return File{Key: key, ContentType: a.ContentType, Kind: kindOf(a.ContentType), Size: a.Size}, nil
}

// Delete removes a stored file; a missing one is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	err := s.bucket.Delete(ctx, key)
	if err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("media: delete %s: %w", key, err)
	}
	return nil
}

// sniff names a file's type from its first bytes. Generic answers (plain text, a zip,
// raw bytes) give way to what the sender declared, when that is more precise within
// the same family.
func sniff(head []byte, declared string) string {
	m := mimetype.Detect(head)
	ctype := m.String()
	declared, _, _ = mime.ParseMediaType(declared)
	generic := m.Is("application/octet-stream") || m.Is("text/plain") || m.Is("application/zip")
	if generic && declared != "" && declared != "application/octet-stream" {
		if strings.HasPrefix(ctype, "text/") == strings.HasPrefix(declared, "text/") {
			return declared
		}
	}
	// mimetype adds "; charset=utf-8" to text; browsers want it, stores do too.
	return ctype
}

func kindOf(ctype string) Kind {
	base, _, _ := strings.Cut(ctype, ";")
	switch {
	case strings.HasPrefix(base, "image/"):
		return Image
	case strings.HasPrefix(base, "audio/"), base == "application/ogg":
		return Audio
	case strings.HasPrefix(base, "video/"):
		return Video
	default:
		return Document
	}
}

// cleanName keeps the base of a sender's file name, or makes one from the type.
func cleanName(name, ctype string) string {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" || name == "" || !utf8.ValidString(name) {
		name = "file"
		if m := mimetype.Lookup(strings.TrimSpace(strings.Split(ctype, ";")[0])); m != nil {
			name += m.Extension()
		}
	}
	if len(name) > 200 {
		name = name[len(name)-200:]
	}
	return name
}

func human(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatInt(n>>20, 10) + " MB"
	}
	return strconv.FormatInt(n>>10, 10) + " KB"
}
