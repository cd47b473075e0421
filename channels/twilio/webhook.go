package twilio

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	twclient "github.com/twilio/twilio-go/client"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/channels/accounts"
	"github.com/frontdesk/frontdesk/conversation"
)

// emptyTwiML tells Twilio the message was taken and nothing is to be said back now:
// replies are drafted, reviewed and sent later through the API.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// maxMedia bounds the files of one message (Twilio sends at most ten).
const maxMedia = 10

// Register adds the webhooks: incoming messages and status callbacks.
func (ch *Channel) Register(app *fiber.App) {
	app.Post("/webhooks/twilio/:id", ch.incoming)
	app.Post("/webhooks/twilio/:id/status", ch.status)
	app.Get("/webhooks/twilio/media/:token/:name", ch.file)
}

// verified loads the account the URL names and checks Twilio signed the request with
// its auth token. Anything else gets 403 before a byte is stored.
func (ch *Channel) verified(c *fiber.Ctx) (accounts.Account, map[string]string, error) {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return accounts.Account{}, nil, fiber.NewError(fiber.StatusNotFound, "no such channel account")
	}
	a, cred, err := ch.Accounts.Cached(c.UserContext(), ch.Pool, id)
	if errors.Is(err, accounts.ErrNotFound) || (err == nil && a.Kind != accounts.Twilio) {
		return a, nil, fiber.NewError(fiber.StatusNotFound, "no such channel account")
	}
	if err != nil {
		return a, nil, err
	}
	params := map[string]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) { params[string(k)] = string(v) })
	sig := c.Get("X-Twilio-Signature")
	v := twclient.NewRequestValidator(cred.AuthToken)
	if sig == "" || !v.Validate(ch.BaseURL+c.OriginalURL(), params, sig) {
		ch.Log.Warn("twilio webhook with a bad signature", "account_id", id, "ip", c.IP())
		return a, nil, fiber.NewError(fiber.StatusForbidden, "invalid Twilio signature")
	}
	return a, params, nil
}

func (ch *Channel) incoming(c *fiber.Ctx) error {
	a, p, err := ch.verified(c)
	if err != nil {
		return err
	}
	in, err := inbound(a, p)
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, err.Error())
	}
	if _, err := ch.Pipeline.Ingest(c.UserContext(), in); err != nil {
		if errors.Is(err, conversation.ErrInvalid) || errors.Is(err, conversation.ErrTooLong) || errors.Is(err, conversation.ErrEmptyMessage) {
			return fiber.NewError(fiber.StatusBadRequest, err.Error())
		}
		return err
	}
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.SendString(emptyTwiML)
}

// inbound reads a signed webhook's form into a message.
func inbound(a accounts.Account, p map[string]string) (channels.Inbound, error) {
	sid := p["MessageSid"]
	if sid == "" {
		sid = p["SmsMessageSid"]
	}
	if sid == "" {
		return channels.Inbound{}, errors.New("MessageSid is missing")
	}
	from := p["From"]
	kind := channels.SMS
	if strings.HasPrefix(from, "whatsapp:") {
		kind = channels.TwilioWhats
	}
	// Twilio writes numbers in E.164, so no region is needed to read them.
	phone, err := channels.NormalizePhone(from, "US")
	if err != nil {
		return channels.Inbound{}, errors.New("From is not a phone number: " + err.Error())
	}
	in := channels.Inbound{
		WorkspaceID: a.WorkspaceID, AccountID: a.ID, Channel: kind, ExternalID: sid,
		Address: phone, Phone: phone, Name: p["ProfileName"], Text: p["Body"],
	}
	n, _ := strconv.Atoi(p["NumMedia"])
	for i := range min(n, maxMedia) {
		u := p["MediaUrl"+strconv.Itoa(i)]
		if u == "" {
			continue
		}
		in.Attachments = append(in.Attachments, channels.Attachment{
			Source: u, ContentType: p["MediaContentType"+strconv.Itoa(i)],
		})
	}
	return in, nil
}

// status records a delivery report on the message frontdesk sent.
func (ch *Channel) status(c *fiber.Ctx) error {
	a, p, err := ch.verified(c)
	if err != nil {
		return err
	}
	sid, status := p["MessageSid"], p["MessageStatus"]
	if sid == "" || status == "" {
		return fiber.NewError(fiber.StatusBadRequest, "MessageSid and MessageStatus are required")
	}
	kind := channels.SMS
	if strings.HasPrefix(p["To"], "whatsapp:") || strings.HasPrefix(p["From"], "whatsapp:") {
		kind = channels.TwilioWhats
	}
	reason := ""
	if code := p["ErrorCode"]; code != "" {
		reason = "Twilio error " + code
		if why := explain(code); why != "" {
			reason += ": " + why
		}
	}
	if _, err := ch.Pipeline.UpdateDelivery(c.UserContext(), a.WorkspaceID, kind, sid, status, reason); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// explain says what a delivery error code means, for the codes an owner can act on.
func explain(code string) string {
	switch code {
	case "30003":
		return "the phone is unreachable or switched off"
	case "30004":
		return "the customer has blocked messages from this number"
	case "30005":
		return "the number does not exist"
	case "30006":
		return "the number cannot receive text messages (a landline?)"
	case "30007":
		return "the carrier filtered the message as spam"
	case "30008":
		return "the carrier could not deliver it"
	case "21610":
		return "the customer replied STOP and has unsubscribed"
	case "63016":
		return "the WhatsApp 24-hour window has closed: a template message is needed"
	}
	return ""
}
