package knowledge_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk/frontdesk/internal/dbtest"
	"github.com/frontdesk/frontdesk/knowledge"
)

var benchWords = strings.Fields(`appointment booking cancel reschedule price cost fee deposit payment card cash insurance
	parking street bus train station lift wheelchair children patient dentist hygienist whitening filling crown implant
	extraction root canal emergency pain swelling sedation nervous anxious opening hours weekend saturday sunday holiday
	address map directions email phone reception manager complaint records privacy consent form medical history allergy
	haircut colour stylist nails massage facial wax lawyer contract lease tenant deposit survey valuation mortgage viewing`)

// BenchmarkSearch measures one hybrid search among 20,000 chunks of 20 businesses:
// go test ./knowledge -run '^$' -bench Search -benchtime 500x
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	pool := dbtest.New(b)
	kb, err := knowledge.NewStore()
	require.NoError(b, err)
	rng := rand.New(rand.NewPCG(1, 2))
	sentence := func() string {
		n := 12 + rng.IntN(20)
		w := make([]string, n)
		for i := range w {
			w[i] = benchWords[rng.IntN(len(benchWords))]
		}
		return strings.Join(w, " ") + "."
	}
	start := time.Now()
	// Build the HNSW index once at the end, as a restore would, rather than row by row.
	_, err = pool.Exec(ctx, "DROP INDEX kb_chunks_offline_hash_v1_idx")
	require.NoError(b, err)
	var workspaces []int64
	for i := range 20 {
		var ws int64
		require.NoError(b, pool.QueryRow(ctx, "INSERT INTO workspaces (slug, name) VALUES ($1, $1) RETURNING id", fmt.Sprintf("biz-%d", i)).Scan(&ws))
		workspaces = append(workspaces, ws)
		for d := range 50 {
			paras := make([]string, 20)
			for p := range paras {
				paras[p] = sentence() + " " + sentence()
			}
			_, err := kb.AddText(ctx, pool, ws, fmt.Sprintf("Document %d", d), strings.Join(paras, "\n\n"))
			require.NoError(b, err)
		}
	}
	_, err = pool.Exec(ctx, `CREATE INDEX kb_chunks_offline_hash_v1_idx ON kb_chunks
		USING hnsw ((embedding::halfvec(512)) halfvec_cosine_ops) WHERE embedding_model = 'offline-hash-v1'`)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, "ANALYZE kb_chunks")
	require.NoError(b, err)
	b.Logf("seeded 20,000 chunks in %s", time.Since(start).Round(time.Second))
	queries := make([]string, 200)
	for i := range queries {
		queries[i] = strings.Join(strings.Fields(sentence())[:4], " ") + "?"
	}
	textOnly, err := knowledge.New(knowledge.Options{TextOnly: true})
	require.NoError(b, err)
	for _, run := range []struct {
		name  string
		store *knowledge.Store
	}{{"Hybrid", kb}, {"TextOnly", textOnly}} {
		b.Run(run.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				res, err := run.store.Search(ctx, pool, workspaces[i%len(workspaces)], queries[i%len(queries)], 5)
				if err != nil || len(res) == 0 {
					b.Fatalf("search: %v, %d results", err, len(res))
				}
			}
		})
	}
}
