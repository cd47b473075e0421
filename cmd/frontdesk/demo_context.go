package main

import (
	"context"
	"errors"

	"github.com/frontdesk/frontdesk/channels"
	"github.com/frontdesk/frontdesk/conversation"
	"github.com/frontdesk/frontdesk/conversation/schema"
	"github.com/frontdesk/frontdesk/rules"
)

// demoRules are the clinic's example rules: one on what the assistant extracts, one on
// the customer's words, each using actions the sidebar and inbox show.
var demoRules = []string{ //nolint:gochecknoglobals // read-only seed data
	`{"name": "Patients in pain first", "trigger": "context_changed", "priority": 10,
	  "conditions": {"any": [{"field": "context.reason", "op": "changed_to", "value": "pain"},
	                         {"field": "context.reason", "op": "changed_to", "value": "emergency"}]},
	  "actions": [{"type": "add_tag", "tag": "urgent"},
	              {"type": "notify", "message": "A patient in pain is waiting for a reply"}]}`,
	`{"name": "Insured patients", "trigger": "new_message",
	  "conditions": {"any": [{"field": "message.text", "op": "contains", "value": "bupa"},
	                         {"field": "message.text", "op": "contains", "value": "axa"},
	                         {"field": "message.text", "op": "contains", "value": "denplan"}]},
	  "actions": [{"type": "set_field", "field": "insurance", "value": true},
	              {"type": "add_tag", "tag": "insured"}]}`,
}

// demoWorkflow is the default workflow, with a conversation qualified once the reason
// for the visit is known.
func demoWorkflow() rules.Workflow {
	w := rules.DefaultWorkflow()
	w.Automatic = append(w.Automatic, rules.AutoTransition{When: rules.FieldFilled, Field: "reason", From: []string{"new"}, To: "qualified"})
	return w
}

// seedDemoContext gives the demo clinic what a person trying frontdesk should see at
// work: the dental context fields, the workflow, the example rules, and one waiting
// message from the demo customer. It runs once: a clinic with a schema is left alone,
// and a restart costs one query.
func seedDemoContext(ctx context.Context, a *app, ws conversation.Workspace, contactID int64) error {
	cur, err := a.context.Current(ctx, a.pool, ws.ID)
	if err != nil || cur.Number > 0 {
		return err
	}
	tpl, ok := schema.TemplateByID("dental")
	if !ok {
		return errors.New("the dental template is missing")
	}
	if _, err := a.context.Save(ctx, a.pool, ws.ID, 0, tpl.Schema, nil, ws.PhoneRegion); err != nil {
		return err
	}
	if err := a.rules.SaveWorkflow(ctx, ws.ID, demoWorkflow()); err != nil {
		return err
	}
	for _, def := range demoRules {
		r, err := rules.Parse([]byte(def))
		if err != nil {
			return err
		}
		if _, err := a.rules.Create(ctx, a.pool, ws.ID, r); err != nil {
			return err
		}
	}
	// Processed once the workers start: extraction fills the sidebar, the rules tag it,
	// the workflow qualifies it, and a draft waits in the inbox.
	_, err = a.conv.Ingest(ctx, channels.Inbound{WorkspaceID: ws.ID, Channel: channels.Portal, ContactID: contactID,
		Address: conversation.PortalAddress(contactID), ExternalID: "demo:welcome",
		Text: "Hi, I have a bad toothache since yesterday. I'm with Bupa - can you see me this week?"})
	return err
}
