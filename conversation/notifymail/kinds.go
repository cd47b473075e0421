package notifymail

// Kind is a kind of notification a user may have e-mailed.
type Kind struct {
	Key   string `json:"kind"`
	Label string `json:"label"`
	// Owner and Staff are the defaults until a user chooses.
	Owner bool `json:"-"`
	Staff bool `json:"-"`
}

// Kinds are the notifications that can go out by e-mail, in the order the settings
// page shows them. Every notification shows in the bell; others (a portal sign-in
// code) never leave it.
func Kinds() []Kind {
	return []Kind{
		{Key: "draft", Label: "Drafts awaiting approval"},
		{Key: "handoff", Label: "Hand-offs to a person", Owner: true, Staff: true},
		{Key: "complaint", Label: "Complaints", Owner: true, Staff: true},
		{Key: "booking", Label: "Bookings", Owner: true},
		{Key: "cancellation", Label: "Cancellations"},
		{Key: "delivery_failed", Label: "Failed deliveries", Owner: true},
		{Key: "rule", Label: "Rule notifications"},
		{Key: "assigned", Label: "Conversations assigned to you", Owner: true, Staff: true},
	}
}

func kindByKey(key string) (Kind, bool) {
	for _, k := range Kinds() {
		if k.Key == key {
			return k, true
		}
	}
	return Kind{}, false
}

// byDefault is whether a user of role gets kind by e-mail before choosing.
func (k Kind) byDefault(role string) bool {
	if role == "owner" {
		return k.Owner
	}
	return k.Staff
}
