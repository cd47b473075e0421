// Package portal is the web chat channel: a customer opens a link from the business (or
// the business's public page and a one-time code sent to their phone), chats on a
// mobile-friendly page, and sees replies arrive live.
package portal

import (
	"embed"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/media"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/ratelimit"
	"github.com/frontdesk/frontdesk/internal/tenant"
	"github.com/frontdesk/frontdesk/internal/webui"
)

//go:embed templates/*.html
var templateFS embed.FS

// CookieName holds the portal session token.
const CookieName = "fd_portal"

// Options are the handler's dependencies.
type Options struct {
	Pool          *pgxpool.Pool
	Store         *Store
	Conversations *conversation.Service
	// Media stores files customers upload; nil refuses uploads.
	Media         *media.Store
	Hub           *live.Hub
	Assets        *webui.Assets
	Log           *slog.Logger
	SessionTTL    time.Duration
	SecureCookies bool
	// Done closes on shutdown, ending live streams.
	Done <-chan struct{}
	// PostEvery and PostBurst limit how fast one customer may post (default: a burst
	// of 10, then one every 2 s).
	PostEvery time.Duration
	PostBurst int
}

// Handler serves the portal's pages and its JSON API.
type Handler struct {
	Options
	pages *webui.Templates
	limit *ratelimit.Limiter
	// codeIP limits one-time code requests and checks per client address; codePhone
	// limits the codes sent to one number, so nobody floods a person or the team.
	codeIP, codePhone *ratelimit.Limiter
}

// NewHandler parses the portal's templates.
func NewHandler(opts Options) (*Handler, error) {
	pages, err := webui.ParseTemplates(templateFS, "templates", opts.Assets)
	if err != nil {
		return nil, err
	}
	if opts.PostEvery == 0 {
		opts.PostEvery, opts.PostBurst = 2*time.Second, 10
	}
	return &Handler{
		Options: opts, pages: pages, limit: ratelimit.New(opts.PostEvery, opts.PostBurst),
		codeIP: ratelimit.New(10*time.Second, 20), codePhone: ratelimit.New(time.Minute, 3),
	}, nil
}

// Register adds the portal's routes.
func (h *Handler) Register(app *fiber.App) {
	// One customer may not flood the inbox: a burst, then one message every few seconds.
	limitPosts := h.limit.Middleware(func(c *fiber.Ctx) string {
		return strconv.FormatInt(session(c).ContactID, 10)
	}, "you are sending messages very fast; please wait a moment")
	// Pages (cookie session).
	app.Get("/p/:token", h.openLink)
	app.Get("/w/:slug", h.start)
	app.Post("/w/:slug/code", h.requestCode)
	app.Post("/w/:slug/verify", h.verifyCode)
	app.Get("/c", h.chat)
	app.Get("/c/messages", h.cookieSession, h.listMessages)
	app.Post("/c/messages", h.cookieSession, h.requireJSON, limitPosts, h.postMessage)
	app.Get("/c/events", h.cookieSession, h.events)
	app.Post("/c/files", h.cookieSession, h.requireFetch, limitPosts, h.postFile)
	app.Get("/c/files/:id", h.cookieSession, h.file)

	// JSON API (bearer session token).
	api := app.Group("/api/v1/portal")
	api.Post("/codes", h.apiRequestCode)
	api.Post("/sessions", h.apiCreateSession)
	api.Get("/messages", h.bearerSession, h.listMessages)
	api.Post("/messages", h.bearerSession, limitPosts, h.postMessage)
	api.Post("/files", h.bearerSession, limitPosts, h.postFile)
	api.Get("/files/:id", h.bearerSession, h.file)
}

func (h *Handler) setCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: CookieName, Value: token, Path: "/", HTTPOnly: true, Secure: h.SecureCookies,
		SameSite: fiber.CookieSameSiteLaxMode, Expires: time.Now().Add(h.SessionTTL),
	})
}

func (h *Handler) page(c *fiber.Ctx, status int, name string, data fiber.Map) error {
	c.Status(status)
	return h.pages.Render(c, name, data)
}

func (h *Handler) errorPage(c *fiber.Ctx, status int, title, msg string) error {
	return h.page(c, status, "error.html", fiber.Map{"Title": title, "Message": msg})
}

func (h *Handler) openLink(c *fiber.Ctx) error {
	token, err := h.Store.OpenLink(c.UserContext(), h.Pool, c.Params("token"), h.SessionTTL)
	if errors.Is(err, ErrBadLink) {
		return h.errorPage(c, fiber.StatusNotFound, "Link expired", ErrBadLink.Error())
	}
	if err != nil {
		return err
	}
	h.setCookie(c, token)
	return c.Redirect("/c", fiber.StatusSeeOther)
}

func (h *Handler) chat(c *fiber.Ctx) error {
	s, err := h.Store.Session(c.UserContext(), h.Pool, c.Cookies(CookieName))
	if errors.Is(err, ErrNoSession) {
		return h.errorPage(c, fiber.StatusUnauthorized, "Chat session ended", ErrNoSession.Error())
	}
	if err != nil {
		return err
	}
	c.SetUserContext(tenant.With(c.UserContext(), s.WorkspaceID))
	msgs, err := h.Conversations.ContactMessages(c.UserContext(), h.Pool, s.WorkspaceID, s.ContactID, channels.Portal, 0, 200)
	if err != nil {
		return err
	}
	var last int64
	if len(msgs) > 0 {
		last = msgs[len(msgs)-1].ID
	}
	return h.page(c, fiber.StatusOK, "chat.html", fiber.Map{
		"Title": "Chat with " + s.BusinessName, "Session": s, "Messages": msgs, "LastID": last,
	})
}

func (h *Handler) cookieSession(c *fiber.Ctx) error {
	return h.withSession(c, c.Cookies(CookieName))
}

func (h *Handler) bearerSession(c *fiber.Ctx) error {
	token, _ := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
	return h.withSession(c, strings.TrimSpace(token))
}

func (h *Handler) withSession(c *fiber.Ctx, token string) error {
	s, err := h.Store.Session(c.UserContext(), h.Pool, token)
	if err != nil {
		return err
	}
	c.Locals("portal", s)
	c.SetUserContext(tenant.With(c.UserContext(), s.WorkspaceID))
	return c.Next()
}

// requireJSON refuses form posts to the cookie-authenticated API: a cross-site page
// cannot send JSON without a CORS preflight, which this server never grants.
func (h *Handler) requireJSON(c *fiber.Ctx) error {
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return fiber.NewError(fiber.StatusUnsupportedMediaType, "send the message as application/json")
	}
	return c.Next()
}

func session(c *fiber.Ctx) Session { return c.Locals("portal").(Session) } //nolint:forcetypeassert // set by withSession

func (h *Handler) listMessages(c *fiber.Ctx) error {
	s := session(c)
	after, err := strconv.ParseInt(c.Query("after", "0"), 10, 64)
	if err != nil || after < 0 {
		return fiber.NewError(fiber.StatusBadRequest, "after must be a message id")
	}
	msgs, err := h.Conversations.ContactMessages(c.UserContext(), h.Pool, s.WorkspaceID, s.ContactID, channels.Portal, after, 500)
	if err != nil {
		return err
	}
	if msgs == nil {
		msgs = []conversation.Message{}
	}
	return c.JSON(fiber.Map{"messages": msgs})
}

type postMessageBody struct {
	Text string `json:"text"`
	// ClientID makes a retried post idempotent.
	ClientID string `json:"client_id"`
}

func (h *Handler) postMessage(c *fiber.Ctx) error {
	s := session(c)
	var body postMessageBody
	if err := c.BodyParser(&body); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body must be JSON like {\"text\": \"...\"}")
	}
	if len(body.ClientID) > 64 {
		return fiber.NewError(fiber.StatusBadRequest, "client_id must be at most 64 characters")
	}
	in := channels.Inbound{
		WorkspaceID: s.WorkspaceID, Channel: channels.Portal, ContactID: s.ContactID,
		Address: conversation.PortalAddress(s.ContactID), Text: body.Text,
	}
	if body.ClientID != "" {
		in.ExternalID = "client:" + strconv.FormatInt(s.ContactID, 10) + ":" + body.ClientID
	}
	res, err := h.Conversations.Ingest(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(res.Message)
}

func (h *Handler) events(c *fiber.Ctx) error {
	s := session(c)
	return webui.Stream(c, h.Hub, s.WorkspaceID, func(e live.Event) bool {
		return e.ContactID == s.ContactID && e.Kind == "message"
	}, h.Done)
}
