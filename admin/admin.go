// Package admin is the owner's side of frontdesk: the server-rendered admin UI (inbox,
// drafts, settings, portal links) and the JSON API under /api/v1, both on fiber.
package admin

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/frontdesk/frontdesk/analytics"
	"github.com/frontdesk/frontdesk/booking"
	"github.com/frontdesk/frontdesk/booking/gcal"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/channels/portal"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/conversation/notifymail"
	"github.com/frontdesk/frontdesk/conversation/tracking"
	"github.com/frontdesk/frontdesk/internal/live"
	"github.com/frontdesk/frontdesk/internal/ratelimit"
	"github.com/frontdesk/frontdesk/internal/webui"
	"github.com/frontdesk/frontdesk/knowledge"
	"github.com/frontdesk/frontdesk/rules"
)

// Options are the admin surface's dependencies.
type Options struct {
	Pool          *pgxpool.Pool
	Accounts      *Accounts
	Conversations *conversation.Service
	Portal        *portal.Store
	Knowledge     *knowledge.Store
	Channels      *accounts.Store
	Rules         *rules.Engine
	// Context keeps the context schemas and the values tracked per conversation.
	Context *tracking.Store
	// ConnectChannel runs after an account is added (Telegram sets its webhook); nil skips it.
	ConnectChannel func(ctx context.Context, a accounts.Account) error
	// Pairing links WhatsApp accounts by QR code; nil means WhatsApp is unavailable.
	Pairing Pairer
	Booking *booking.Store
	// Google connects the calendar to Google Calendar; nil hides it.
	Google *gcal.Sync
	// Mail keeps users' e-mail preferences and sends their test e-mails.
	Mail   *notifymail.Mailer
	Hub    *live.Hub
	Assets *webui.Assets
	// InviteMail e-mails an invitation link; nil means the owner sends the link themselves.
	InviteMail    InviteMailer
	Log           *slog.Logger
	BaseURL       string
	SecretKey     []byte
	SessionTTL    time.Duration
	PortalLinkTTL time.Duration
	SecureCookies bool
	Done          <-chan struct{}
}

// Handler serves the admin UI and the owner API.
type Handler struct {
	Options
	pages     *webui.Templates
	analytics *analytics.Store
}

// NewHandler parses the admin templates.
func NewHandler(opts Options) (*Handler, error) {
	pages, err := webui.ParseTemplates(templateFS, "templates", opts.Assets)
	if err != nil {
		return nil, err
	}
	stats, err := analytics.New()
	if err != nil {
		return nil, err
	}
	return &Handler{Options: opts, pages: pages, analytics: stats}, nil
}

// Register adds the admin UI and API routes.
func (h *Handler) Register(app *fiber.App) {
	app.Get("/admin/login", h.loginPage)
	// Password guessing is slowed per client address: 10 tries, then one every 6 s.
	loginLimit := ratelimit.New(6*time.Second, 10).Middleware(func(c *fiber.Ctx) string { return c.IP() },
		"too many sign-in attempts; wait a minute and try again")
	app.Post("/admin/login", loginLimit, h.login)
	// Invitation links are public (the token is the credential) and rate-limited like sign-in.
	inviteLimit := ratelimit.New(6*time.Second, 10).Middleware(func(c *fiber.Ctx) string { return c.IP() },
		"too many tries of invitation links; wait a minute and try again")
	app.Get("/admin/invite/:token", inviteLimit, h.invitePage)
	app.Post("/admin/invite/:token", inviteLimit, h.acceptInvite)

	ui := app.Group("/admin", h.requireUser, h.checkCSRF)
	ui.Post("/logout", h.logout)
	ui.Get("/", h.inbox)
	ui.Get("/conversations/:id<int>", h.inbox)
	ui.Get("/partials/conversations", h.conversationListPartial)
	ui.Get("/partials/conversations/:id<int>", h.threadPartial)
	ui.Post("/conversations/:id<int>/assign", h.assignUI)
	ui.Post("/drafts/:id<int>/approve", h.approveDraft)
	ui.Post("/drafts/:id<int>/reject", h.rejectDraft)
	ui.Get("/settings", h.settingsPage)
	ui.Post("/settings", h.saveSettings)
	ui.Post("/settings/preview", h.previewReply)
	ui.Get("/portal-links", h.portalLinksPage)
	ui.Post("/portal-links", h.createPortalLinkUI)
	ui.Get("/knowledge", h.knowledgePage)
	ui.Post("/knowledge/upload", h.knowledgeUploadUI)
	ui.Post("/knowledge/documents/:id<int>/delete", h.knowledgeDeleteUI)
	ui.Post("/knowledge/url", h.knowledgeURLUI)
	ui.Post("/knowledge/documents/:id<int>/replace", h.knowledgeReplaceUI)
	ui.Post("/knowledge/documents/:id<int>/refetch", h.knowledgeRefetchUI)
	ui.Get("/partials/knowledge/documents", h.knowledgeDocumentsPartial)
	ui.Get("/calendar", h.calendarPage)
	ui.Post("/calendar/services", h.addServiceUI)
	ui.Post("/calendar/hours", h.saveHoursUI)
	ui.Post("/calendar/settings", h.saveBookingSettingsUI)
	ui.Post("/calendar/resources", h.addResourceUI)
	ui.Get("/calendar/resources/:id<int>", h.resourcePage)
	ui.Post("/calendar/resources/:id<int>", h.saveResourceUI)
	ui.Post("/calendar/exceptions", h.addExceptionUI)
	ui.Post("/calendar/exceptions/:id<int>/delete", h.deleteExceptionUI)
	ui.Get("/calendar/appointments/:id<int>", h.appointmentPage)
	ui.Post("/calendar/appointments/:id<int>/reschedule", h.rescheduleAppointmentUI)
	ui.Post("/calendar/appointments/:id<int>/cancel", h.cancelAppointmentUI)
	ui.Post("/calendar/google/connect", h.googleConnect)
	ui.Get("/calendar/google/callback", h.googleCallback)
	ui.Post("/calendar/google/calendar", h.googleSetCalendar)
	ui.Post("/calendar/google/disconnect", h.googleDisconnect)
	ui.Get("/channels", h.channelsPage)
	ui.Post("/channels", h.addChannelUI)
	ui.Post("/channels/:id<int>/delete", h.deleteChannelUI)
	ui.Get("/channels/:id<int>/pairing", h.pairingPage)
	ui.Get("/channels/:id<int>/pairing.json", h.apiPairing)
	ui.Post("/channels/:id<int>/pair", h.pairAgain)
	ui.Get("/attachments/:id<int>", h.attachment)
	ui.Post("/attachments/:id<int>/knowledge", h.attachmentToKnowledge)
	ui.Get("/rules", h.rulesPage)
	ui.Post("/rules", h.addRuleUI)
	ui.Get("/rules/:id<int>", h.rulePage)
	ui.Post("/rules/:id<int>", h.updateRuleUI)
	ui.Post("/rules/:id<int>/toggle", h.toggleRuleUI)
	ui.Post("/rules/:id<int>/delete", h.deleteRuleUI)
	ui.Get("/workflow", h.workflowPage)
	ui.Post("/workflow", h.saveWorkflowUI)
	ui.Post("/conversations/:id<int>/status", h.changeStatusUI)
	ui.Get("/events", h.events)
	ui.Get("/notifications", h.notificationsPage)
	ui.Get("/partials/notifications/count", h.unreadCount)
	ui.Post("/notifications/read", h.markRead)
	ui.Get("/settings/notifications", h.notificationPrefsPage)
	ui.Post("/settings/notifications", h.saveNotificationPrefs)
	ui.Post("/settings/notifications/test", h.testNotificationEmail)
	h.registerContactsUI(ui)
	h.registerTeam(app, ui)
	ui.Get("/settings/audit", h.auditPage)
	ui.Get("/settings/audit.csv", h.auditCSV)
	app.Get("/api/v1/audit", h.requireToken, h.apiAudit)
	h.registerContextUI(ui)

	// The token check is per route: a group middleware would also guard the portal's
	// routes under /api/v1/portal, which use customer sessions instead.
	app.Post("/api/v1/portal-links", h.requireToken, h.apiCreatePortalLink)
	app.Post("/api/v1/channels", h.requireToken, h.apiCreateChannel)
	app.Get("/api/v1/channels", h.requireToken, h.apiChannels)
	app.Delete("/api/v1/channels/:id<int>", h.requireToken, h.apiDeleteChannel)
	app.Get("/api/v1/channels/:id<int>/pairing", h.requireToken, h.apiPairing)
	h.registerRulesAPI(app)
	h.registerWorkflowAPI(app)
	h.registerContextAPI(app)
	h.registerContactsAPI(app)
	app.Get("/api/v1/notifications", h.requireToken, h.apiNotifications)
	app.Post("/api/v1/notifications/read", h.requireToken, h.apiMarkAllRead)
	app.Post("/api/v1/notifications/:id<int>/read", h.requireToken, h.apiMarkRead)
	app.Get("/api/v1/notification-preferences", h.requireToken, h.apiNotificationPrefs)
	app.Put("/api/v1/notification-preferences", h.requireToken, h.apiSaveNotificationPrefs)
	app.Get("/api/v1/conversations", h.requireToken, h.apiConversations)
	app.Get("/api/v1/conversations/:id<int>/messages", h.requireToken, h.apiMessages)
	app.Post("/api/v1/conversations/:id<int>/assign", h.requireToken, h.apiAssign)
	app.Get("/api/v1/drafts", h.requireToken, h.apiDrafts)
	app.Post("/api/v1/drafts/:id<int>/approve", h.requireToken, h.apiApprove)
	app.Post("/api/v1/drafts/:id<int>/reject", h.requireToken, h.apiReject)
	app.Post("/api/v1/knowledge-base/upload", h.requireToken, h.apiKnowledgeUpload)
	app.Get("/api/v1/knowledge-base/documents", h.requireToken, h.apiKnowledgeDocuments)
	app.Get("/api/v1/knowledge-base/documents/:id<int>", h.requireToken, h.apiKnowledgeDocument)
	app.Delete("/api/v1/knowledge-base/documents/:id<int>", h.requireToken, h.apiKnowledgeDelete)
	app.Post("/api/v1/knowledge-base/documents", h.requireToken, h.apiKnowledgeAddURL)
	app.Put("/api/v1/knowledge-base/documents/:id<int>", h.requireToken, h.apiKnowledgeReplace)
	app.Post("/api/v1/knowledge-base/documents/:id<int>/refetch", h.requireToken, h.apiKnowledgeRefetch)
	app.Post("/api/v1/knowledge-base/search", h.requireToken, h.apiKnowledgeSearch)
	app.Post("/api/v1/calendar/services", h.requireToken, h.apiCreateService)
	app.Get("/api/v1/calendar/services", h.requireToken, h.apiServices)
	app.Get("/api/v1/calendar/availability", h.requireToken, h.apiAvailability)
	app.Put("/api/v1/calendar/availability", h.requireToken, h.apiSetAvailability)
	app.Get("/api/v1/calendar/resources", h.requireToken, h.apiResources)
	app.Post("/api/v1/calendar/resources", h.requireToken, h.apiCreateResource)
	app.Put("/api/v1/calendar/resources/:id<int>", h.requireToken, h.apiUpdateResource)
	app.Put("/api/v1/calendar/settings", h.requireToken, h.apiSetSettings)
	app.Get("/api/v1/calendar/available-slots", h.requireToken, h.apiAvailableSlots)
	app.Get("/api/v1/calendar/appointments", h.requireToken, h.apiAppointments)
	app.Post("/api/v1/calendar/appointments", h.requireToken, h.apiBook)
	app.Get("/api/v1/calendar/appointments/:id<int>.ics", h.requireToken, h.apiAppointmentICS)
	app.Patch("/api/v1/calendar/appointments/:id<int>", h.requireToken, h.apiReschedule)
	app.Post("/api/v1/calendar/appointments/:id<int>/cancel", h.requireToken, h.apiCancelAppointment)
}

// csrfToken binds a form to the session that rendered it.
func (h *Handler) csrfToken(sessionToken string) string {
	m := hmac.New(sha256.New, h.SecretKey)
	m.Write([]byte("csrf:" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}
