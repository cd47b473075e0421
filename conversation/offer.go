package conversation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/frontdesk/frontdesk/ai"
	"github.com/frontdesk/frontdesk/booking"
)

// A reply offers up to offerSize free times, at least offerSpacing apart.
const (
	offerSize    = 5
	offerSpacing = time.Hour
)

// wantsSlots is whether an intent is answered with free times.
func wantsSlots(intent string) bool {
	return intent == ai.IntentBook || intent == ai.IntentAvailability || intent == ai.IntentReschedule
}

// slotOffer finds the free times that answer a booking request: the service the message
// names (or the only one there is) at the time it asks for (or soon). It returns nil when
// the business has no bookable services, so the drafter hands the request to a person.
func (s *Service) slotOffer(ctx context.Context, ws Workspace, text string, now time.Time, moving *booking.Appointment) (*ai.SlotOffer, int64, error) {
	services, err := s.Booking.Services(ctx, s.Pool, ws.ID)
	if err != nil {
		return nil, 0, err
	}
	active := services // Services lists the active ones
	if len(active) == 0 {
		return nil, 0, nil
	}
	offer := &ai.SlotOffer{}
	sv, ok := namedService(active, text)
	if moving != nil {
		// Moving an appointment keeps its service.
		sv, ok = booking.Service{}, false
		for _, a := range active {
			if a.ID == moving.ServiceID {
				sv, ok = a, true
			}
		}
		if !ok {
			return nil, 0, nil
		}
		offer.Current = moving.Start.In(ws.Location())
	}
	if !ok {
		if len(active) > 1 {
			for _, a := range active {
				offer.Choices = append(offer.Choices, a.Name)
			}
			return offer, 0, nil
		}
		sv = active[0]
	}
	offer.Service = sv.Name

	loc := ws.Location()
	// The asked-for span: the first date or time the message names, else the next week.
	want := ai.TimeRange{Start: now, End: now.AddDate(0, 0, 7)}
	ents, err := s.Extractor.Extract(ctx, text, now, ws.PhoneRegion)
	if err != nil {
		return nil, 0, fmt.Errorf("conversation: extract dates: %w", err)
	}
	if dates := ents.Dates; len(dates) > 0 {
		want = dates[0]
		offer.Asked = want.Text
		if !want.End.After(want.Start) {
			// A point in time ("at 3"): offer what starts from then on that day.
			y, m, d := want.Start.Date()
			want.End = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
		}
	}
	slots, err := s.Booking.AvailableSlots(ctx, s.Pool, ws.ID, loc, sv.ID,
		booking.LocalDate(want.Start, loc), booking.LocalDate(want.End.Add(-time.Nanosecond), loc), 0)
	if err != nil {
		return nil, 0, err
	}
	// Spread the offer over the span: neighbouring 15-minute starts are one choice, not five.
	for _, sl := range slots {
		if sl.Start.Before(want.Start) || sl.Start.After(want.End) || len(offer.Slots) == offerSize {
			continue
		}
		if n := len(offer.Slots); n > 0 && sl.Start.Sub(offer.Slots[n-1]) < offerSpacing {
			continue
		}
		offer.Slots = append(offer.Slots, sl.Start.In(loc))
	}
	if len(offer.Slots) > 0 || offer.Asked == "" {
		return offer, sv.ID, nil
	}
	// Nothing free when asked: offer the next free times after it, within two weeks.
	from := booking.LocalDate(want.End, loc)
	later, err := s.Booking.AvailableSlots(ctx, s.Pool, ws.ID, loc, sv.ID, from, from.AddDate(0, 0, 14), offerSize)
	if err != nil {
		return nil, 0, err
	}
	for _, sl := range later {
		offer.Alternatives = append(offer.Alternatives, sl.Start.In(loc))
	}
	return offer, sv.ID, nil
}

// genericWords name no service in particular: "an appointment" asks for any.
var genericWords = map[string]bool{"appointment": true, "session": true, "service": true, "visit": true, //nolint:gochecknoglobals // read-only table
	"booking": true, "consultation": true}

// namedService is the service whose name the message mentions, longest name first, so
// "deep cleaning" wins over "cleaning".
func namedService(services []booking.Service, text string) (booking.Service, bool) {
	lower := strings.ToLower(text)
	var best booking.Service
	found := false
	for _, sv := range services {
		name := strings.ToLower(sv.Name)
		if name != "" && strings.Contains(lower, name) && (!found || len(name) > len(best.Name)) {
			best, found = sv, true
		}
	}
	if found {
		return best, true
	}
	// Then by a distinctive word of the name ("cleaning" for "Check-up and cleaning").
	for _, sv := range services {
		for _, w := range strings.FieldsFunc(strings.ToLower(sv.Name), func(r rune) bool { return r == ' ' || r == '-' || r == '&' }) {
			if len(w) >= 5 && !genericWords[w] && strings.Contains(lower, w) {
				return sv, true
			}
		}
	}
	return booking.Service{}, false
}

// stored is what the conversation keeps of an offer once it is sent: the times in the
// order the reply numbered them, and the appointment they would replace.
func stored(o *ai.SlotOffer, serviceID int64, now time.Time, moving *booking.Appointment) *storedOffer {
	if o == nil || serviceID == 0 {
		return nil
	}
	slots := o.Slots
	if len(slots) == 0 {
		slots = o.Alternatives
	}
	if len(slots) == 0 {
		return nil
	}
	st := &storedOffer{ServiceID: serviceID, Service: o.Service, Slots: slots, ExpiresAt: now.Add(offerTTL)}
	if moving != nil {
		st.RescheduleID = moving.ID
	}
	return st
}
