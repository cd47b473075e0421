package sqlset

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	t.Parallel()
	src := "-- name: GetA\nSELECT 1;\n\n-- name: GetB\nSELECT\n  2;\n"

	t.Run("FillsFields", func(t *testing.T) {
		t.Parallel()
		var q struct{ GetA, GetB string }
		require.NoError(t, Load(&q, src))
		require.Equal(t, "SELECT 1;", q.GetA)
		require.Equal(t, "SELECT\n  2;", q.GetB)
	})
	t.Run("MissingQuery", func(t *testing.T) {
		t.Parallel()
		var q struct{ GetA, GetB, GetC string }
		require.ErrorContains(t, Load(&q, src), "no query named GetC")
	})
	t.Run("UnusedQuery", func(t *testing.T) {
		t.Parallel()
		var q struct{ GetA string }
		require.ErrorContains(t, Load(&q, src), "GetB has no field")
	})
	t.Run("Duplicate", func(t *testing.T) {
		t.Parallel()
		_, err := Parse("-- name: A\nSELECT 1;\n-- name: A\nSELECT 2;")
		require.ErrorContains(t, err, "defined twice")
	})
}
