package voice_test

import (
	"context"
	"fmt"
	"os"

	"github.com/frontdesk/frontdesk/channels/voice"
)

// A transcriber for one business: its services and knowledge texts join the built-in
// booking phrases in the language model. Offline satisfies conversation.Transcriber.
func ExampleNewOffline() {
	opts := voice.Options{
		Services: []string{"Check-up and cleaning", "Teeth whitening"},
		Corpus:   []string{"A routine check-up and cleaning costs £65 and takes 30 minutes."},
	}
	if err := voice.Available(opts); err != nil {
		fmt.Println("voice notes stay untranscribed:", err)
		return
	}
	v, err := voice.NewOffline(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open("note.ogg")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	text, err := v.Transcribe(context.Background(), f, "audio/ogg; codecs=opus")
	fmt.Println(text, err)
}

func ExampleWER() {
	fmt.Printf("%.2f\n", voice.WER("Can I book a cleaning on Tuesday?", "can i book a cleaning on thursday"))
	// Output: 0.14
}
