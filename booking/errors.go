package booking

import (
	"errors"

	"github.com/frontdesk/frontdesk/internal/validation"
)

// Errors of the booking store.
var (
	ErrNotFound = errors.New("booking: not found")
	ErrInvalid  = validation.ErrInvalid
	// ErrSlotTaken means another appointment holds the time: a race lost, or a slot
	// offered a moment ago and booked since. See SlotTakenError for alternatives.
	ErrSlotTaken = errors.New("booking: that time is no longer free")
	// ErrNotBookable means the start is not one the calendar offers at all: in the
	// past, too soon, beyond the horizon, outside opening hours or off the slot grid.
	ErrNotBookable = errors.New("booking: that time cannot be booked")
)

// SlotTakenError is ErrSlotTaken with the next free slots of the same service.
type SlotTakenError struct {
	Alternatives []Slot
}

func (e *SlotTakenError) Error() string { return ErrSlotTaken.Error() }

// Unwrap makes SlotTakenError match ErrSlotTaken.
func (e *SlotTakenError) Unwrap() error { return ErrSlotTaken }

// ValidationError says what is wrong with each field of an input, by field name.
type ValidationError = validation.Error
