// Package voice transcribes customers' voice notes on the business's own machine, with
// no audio leaving it: ffmpeg turns whatever a channel delivers (Opus in Ogg from
// WhatsApp and Telegram, WebM from browsers, AMR or MP3 from MMS) into 16 kHz WAV, and
// pocketsphinx recognises it with a trigram language model built here from booking and
// FAQ phrases, so the words a front desk hears ("tuesday at ten thirty", "whitening")
// are the ones it expects.
//
// The model is built once per corpus and kept in a cache directory; WER scores a
// transcript against what was said.
package voice
