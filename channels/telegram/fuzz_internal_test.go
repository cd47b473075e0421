package telegram

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/frontdesk/frontdesk/channels/accounts"
)

// FuzzInbound feeds update bodies of any shape to the parser: it must never panic, and
// what it takes for a message has an id and a sender.
func FuzzInbound(f *testing.F) {
	f.Add([]byte(`{"update_id": 5, "message": {"message_id": 9, "date": 1700000000, "chat": {"id": 42, "type": "private"},
		"from": {"id": 42, "first_name": "Jane"}, "text": "hello"}}`))
	f.Add([]byte(`{"update_id": 6, "message": {"message_id": 10, "chat": {"id": -5, "type": "group"}, "text": "hi all"}}`))
	f.Add([]byte(`{"update_id": 7, "message": {"message_id": 11, "chat": {"id": 42, "type": "private"},
		"photo": [{"file_id": "a", "width": 1, "height": 1}, {"file_id": "b", "width": 9, "height": 9}], "voice": {"file_id": "v", "duration": 3}}}`))
	f.Add([]byte(`{"update_id": 8, "edited_message": {"message_id": 1}}`))
	acc := accounts.Account{ID: 7, WorkspaceID: 3, Kind: accounts.Telegram}
	f.Fuzz(func(t *testing.T, body []byte) {
		var u models.Update
		if json.Unmarshal(body, &u) != nil {
			return
		}
		in, skip := inbound(acc, &u)
		if skip != "" {
			return
		}
		if in.ExternalID == "" || in.Address == "" {
			t.Fatalf("took a message without an id or a sender: %+v", in)
		}
		if in.WorkspaceID != acc.WorkspaceID {
			t.Fatalf("the message names another workspace: %+v", in)
		}
	})
}
