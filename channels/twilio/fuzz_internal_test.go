package twilio

import (
	"net/url"
	"testing"
	"unicode/utf8"

	"github.com/frontdesk/frontdesk/channels/accounts"
)

// FuzzInbound feeds webhook bodies of any shape to the parser: it must never panic, and
// what it accepts has the message id and a sender.
func FuzzInbound(f *testing.F) {
	f.Add("MessageSid=SM1&From=%2B447700900123&To=%2B15550001111&Body=hello&NumMedia=0")
	f.Add("SmsMessageSid=SM2&From=whatsapp%3A%2B447700900123&To=whatsapp%3A%2B15550001111&Body=&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm&MediaContentType0=image%2Fjpeg")
	f.Add("NumMedia=99999999999999999999&MessageSid=SM3&From=x")
	f.Add("%zz&&==")
	acc := accounts.Account{ID: 7, WorkspaceID: 3, Kind: accounts.Twilio}
	f.Fuzz(func(t *testing.T, body string) {
		form, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		p := map[string]string{}
		for k, v := range form {
			p[k] = v[0]
		}
		in, err := inbound(acc, p)
		if err != nil {
			return
		}
		if in.ExternalID == "" || in.Address == "" && in.Phone == "" {
			t.Fatalf("accepted a message without an id or a sender: %+v", in)
		}
		if in.WorkspaceID != acc.WorkspaceID || in.AccountID != acc.ID {
			t.Fatalf("the message names another workspace or account: %+v", in)
		}
		_ = utf8.ValidString(in.Text)
	})
}
