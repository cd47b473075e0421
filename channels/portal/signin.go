package portal

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/internal/ratelimit"
)

// start shows the public page of a workspace, where a customer asks for a code.
func (h *Handler) start(c *fiber.Ctx) error {
	ws, err := h.Conversations.WorkspaceBySlug(c.UserContext(), h.Pool, c.Params("slug"))
	if errors.Is(err, conversation.ErrNotFound) {
		return h.errorPage(c, fiber.StatusNotFound, "Not found", "There is no business at this address.")
	}
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "start.html", fiber.Map{"Title": ws.Name, "BusinessName": ws.Name, "Slug": ws.Slug})
}

// issueCode makes and delivers a one-time code; it returns the phone in E.164.
func (h *Handler) issueCode(ctx context.Context, slug, rawPhone, name string) (conversation.Workspace, string, error) {
	ws, err := h.Conversations.WorkspaceBySlug(ctx, h.Pool, slug)
	if err != nil {
		return ws, "", err
	}
	phone, err := channels.NormalizePhone(rawPhone, ws.PhoneRegion)
	if err != nil {
		return ws, "", err
	}
	if ok, wait := h.codePhone.Allow(strconv.FormatInt(ws.ID, 10) + ":" + phone); !ok {
		return ws, "", &tooFastError{wait: wait, msg: "a code was just sent to this number; wait a minute before asking for another"}
	}
	if _, err := h.Conversations.UpsertContact(ctx, h.Pool, ws.ID, phone, strings.TrimSpace(name), channels.Portal); err != nil {
		return ws, "", err
	}
	code, err := h.Store.CreateCode(ctx, h.Pool, ws.ID, phone)
	if err != nil {
		return ws, "", err
	}
	// No SMS channel exists yet: the code goes to the log and to the team's notifications,
	// for the business to read out or send another way. It is good for ten minutes.
	h.Log.Info("portal one-time code", "workspace", ws.Slug, "phone", phone, "code", code)
	if err := h.Conversations.Notify(ctx, ws.ID, "sign_in_code", "Chat sign-in code for "+phone+": "+code+" (valid 10 minutes)", 0); err != nil {
		return ws, "", err
	}
	return ws, phone, nil
}

// signIn checks a code and returns a new session token.
func (h *Handler) signIn(ctx context.Context, slug, rawPhone, code string) (string, error) {
	ws, err := h.Conversations.WorkspaceBySlug(ctx, h.Pool, slug)
	if err != nil {
		return "", err
	}
	phone, err := channels.NormalizePhone(rawPhone, ws.PhoneRegion)
	if err != nil {
		return "", err
	}
	if err := h.Store.CheckCode(ctx, h.Pool, ws.ID, phone, strings.TrimSpace(code)); err != nil {
		return "", err
	}
	contactID, err := h.Conversations.UpsertContact(ctx, h.Pool, ws.ID, phone, "", channels.Portal)
	if err != nil {
		return "", err
	}
	return h.Store.CreateSession(ctx, h.Pool, ws.ID, contactID, h.SessionTTL)
}

func (h *Handler) requestCode(c *fiber.Ctx) error {
	if err := h.limitCodes(c); err != nil {
		return err
	}
	slug, phone := c.Params("slug"), c.FormValue("phone")
	ws, e164, err := h.issueCode(c.UserContext(), slug, phone, c.FormValue("name"))
	if tf, ok := errors.AsType[*tooFastError](err); ok {
		return ratelimit.Refuse(c, tf.wait, tf.msg)
	}
	if errors.Is(err, channels.ErrBadPhone) {
		return h.page(c, fiber.StatusUnprocessableEntity, "start.html", fiber.Map{
			"Title": ws.Name, "BusinessName": ws.Name, "Slug": slug, "Phone": phone,
			"Error": "Please enter a mobile number we can text, with its country code if it is not local.",
		})
	}
	if err != nil {
		return err
	}
	return h.page(c, fiber.StatusOK, "start.html", fiber.Map{
		"Title": ws.Name, "BusinessName": ws.Name, "Slug": slug, "Phone": e164, "AskCode": true,
	})
}

func (h *Handler) verifyCode(c *fiber.Ctx) error {
	if err := h.limitCodes(c); err != nil {
		return err
	}
	slug, phone := c.Params("slug"), c.FormValue("phone")
	token, err := h.signIn(c.UserContext(), slug, phone, c.FormValue("code"))
	if errors.Is(err, ErrBadCode) || errors.Is(err, ErrTooManyTry) {
		ws, _ := h.Conversations.WorkspaceBySlug(c.UserContext(), h.Pool, slug)
		return h.page(c, fiber.StatusUnprocessableEntity, "start.html", fiber.Map{
			"Title": ws.Name, "BusinessName": ws.Name, "Slug": slug, "Phone": phone, "AskCode": true, "Error": err.Error(),
		})
	}
	if err != nil {
		return err
	}
	h.setCookie(c, token)
	return c.Redirect("/c", fiber.StatusSeeOther)
}

type codeBody struct {
	Workspace string `json:"workspace"`
	Phone     string `json:"phone"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	LinkToken string `json:"link_token"`
}

func (h *Handler) apiRequestCode(c *fiber.Ctx) error {
	var b codeBody
	if err := c.BodyParser(&b); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body must be JSON like {\"workspace\": \"slug\", \"phone\": \"+1...\"}")
	}
	if err := h.limitCodes(c); err != nil {
		return err
	}
	if _, _, err := h.issueCode(c.UserContext(), b.Workspace, b.Phone, b.Name); err != nil {
		if tf, ok := errors.AsType[*tooFastError](err); ok {
			return ratelimit.Refuse(c, tf.wait, tf.msg)
		}
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "code sent"})
}

func (h *Handler) apiCreateSession(c *fiber.Ctx) error {
	var b codeBody
	if err := c.BodyParser(&b); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "the body must be JSON with link_token, or workspace, phone and code")
	}
	var token string
	var err error
	switch {
	case b.LinkToken != "":
		token, err = h.Store.OpenLink(c.UserContext(), h.Pool, b.LinkToken, h.SessionTTL)
	case b.Workspace != "" && b.Phone != "" && b.Code != "":
		if err := h.limitCodes(c); err != nil {
			return err
		}
		token, err = h.signIn(c.UserContext(), b.Workspace, b.Phone, b.Code)
	default:
		return fiber.NewError(fiber.StatusBadRequest, "give link_token, or workspace, phone and code")
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"session_token": token})
}

// tooFastError refuses a code to a number that was just sent one.
type tooFastError struct {
	wait time.Duration
	msg  string
}

func (e *tooFastError) Error() string { return e.msg }

// limitCodes refuses, with 429, a client address asking for or checking codes too fast
// (a burst of 20, then one every 10 s): guessing codes for many numbers gets nowhere.
func (h *Handler) limitCodes(c *fiber.Ctx) error {
	if ok, wait := h.codeIP.Allow(c.IP()); !ok {
		return ratelimit.Refuse(c, wait, "too many sign-in codes asked for or tried from here; wait a little and try again")
	}
	return nil
}
