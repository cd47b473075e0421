package channels

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizePhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		raw, region, want string
		bad               bool
	}{
		{raw: "+44 7700 900123", region: "US", want: "+447700900123"},
		{raw: "07700 900123", region: "GB", want: "+447700900123"},
		{raw: "whatsapp:+14155550100", region: "GB", want: "+14155550100"},
		{raw: "(415) 555-0100", region: "US", want: "+14155550100"},
		{raw: "", region: "US", bad: true},
		{raw: "hello", region: "US", bad: true},
		{raw: "+44 12", region: "GB", bad: true},
	} {
		got, err := NormalizePhone(tc.raw, tc.region)
		if tc.bad {
			require.ErrorIs(t, err, ErrBadPhone, tc.raw)
			continue
		}
		require.NoError(t, err, tc.raw)
		require.Equal(t, tc.want, got, tc.raw)
	}
}
