package ai_test

import (
	"fmt"
	"time"

	"github.com/frontdesk/frontdesk/ai"
)

func ExampleExtractEntities() {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	// Thursday 26 March 2026; the clocks go forward on Sunday.
	now := time.Date(2026, 3, 26, 11, 0, 0, 0, london)
	e := ai.ExtractEntities("Hi, this is Sam Lee. Can I come in next Tuesday after 3? It's 07700 900123.", now, "GB")
	for _, d := range e.Dates {
		fmt.Printf("%q: %s to %s\n", d.Text, d.Start.Format(time.RFC3339), d.End.Format(time.RFC3339))
	}
	fmt.Println(e.Name, e.Phone)
	// Output:
	// "next tuesday after 3": 2026-03-31T15:00:00+01:00 to 2026-04-01T00:00:00+01:00
	// Sam Lee +447700900123
}
