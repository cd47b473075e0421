package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoad(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		t.Setenv("FRONTDESK_ADDR", "127.0.0.1:9999")
		c, err := Load()
		require.NoError(t, err)
		require.Equal(t, "http://127.0.0.1:9999", c.BaseURL, "the base URL follows the address when unset")
		require.False(t, c.SecureCookies())
		require.Equal(t, 20, c.Workers)
	})
	t.Run("HTTPSBaseURLMeansSecureCookies", func(t *testing.T) {
		t.Setenv("FRONTDESK_BASE_URL", "https://desk.example.com/")
		c, err := Load()
		require.NoError(t, err)
		require.Equal(t, "https://desk.example.com", c.BaseURL)
		require.True(t, c.SecureCookies())
	})
	t.Run("BadValues", func(t *testing.T) {
		t.Setenv("FRONTDESK_BASE_URL", "desk.example.com")
		t.Setenv("FRONTDESK_SECRET_KEY", "short")
		t.Setenv("FRONTDESK_LOG_FORMAT", "xml")
		_, err := Load()
		require.ErrorContains(t, err, "FRONTDESK_BASE_URL")
		require.ErrorContains(t, err, "at least 32 characters")
		require.ErrorContains(t, err, "text or json")
	})
	t.Run("NotANumber", func(t *testing.T) {
		t.Setenv("FRONTDESK_WORKERS", "many")
		_, err := Load()
		require.ErrorContains(t, err, "FRONTDESK_WORKERS")
	})
	t.Run("RuleRunRetention", func(t *testing.T) {
		c, err := Load()
		require.NoError(t, err)
		require.Equal(t, 30*24*time.Hour, c.RuleRunRetention)
		t.Setenv("FRONTDESK_RULE_RUN_RETENTION", "-1h")
		_, err = Load()
		require.ErrorContains(t, err, "FRONTDESK_RULE_RUN_RETENTION")
	})
	t.Run("StringRedactsSecrets", func(t *testing.T) {
		t.Setenv("DATABASE_URL", "postgres://app:hunter2@db.example/frontdesk")
		t.Setenv("FRONTDESK_SECRET_KEY", "0123456789abcdef0123456789abcdef-secret")
		c, err := Load()
		require.NoError(t, err)
		require.NotContains(t, c.String(), "hunter2")
		require.NotContains(t, c.String(), "-secret")
		require.Contains(t, c.String(), "FRONTDESK_SECRET_KEY=(set)")
	})
	t.Run("OpenAIOffByDefault", func(t *testing.T) {
		t.Setenv("OPENAI_API_KEY", "")
		t.Setenv("OPENAI_BASE_URL", "")
		c, err := Load()
		require.NoError(t, err)
		require.False(t, c.OpenAI.Enabled())
		require.Contains(t, c.String(), "offline models")
	})
	t.Run("OpenAIModelsDefaultToChat", func(t *testing.T) {
		t.Setenv("OPENAI_API_KEY", "sk-test-hunter2")
		t.Setenv("OPENAI_CHAT_MODEL", "gpt-4.1-mini")
		t.Setenv("OPENAI_EXTRACT_MODEL", "off")
		t.Setenv("OPENAI_EMBEDDING_MODEL", "text-embedding-3-small")
		t.Setenv("OPENAI_EMBEDDING_DIM", "512")
		c, err := Load()
		require.NoError(t, err)
		require.True(t, c.OpenAI.Enabled())
		require.Equal(t, "gpt-4.1-mini", c.OpenAI.ClassifyModel, "classification defaults to the chat model")
		require.Empty(t, c.OpenAI.ExtractModel, "off keeps extraction offline")
		require.Equal(t, "whisper-1", c.OpenAI.TranscribeModel)
		require.Equal(t, 512, c.OpenAI.EmbeddingDim)
		require.NotContains(t, c.String(), "hunter2")
		require.Contains(t, c.String(), "OPENAI_API_KEY=(set)")
		require.Contains(t, c.String(), "OPENAI_EXTRACT_MODEL=off")
	})
	t.Run("OpenAIBadValues", func(t *testing.T) {
		t.Setenv("OPENAI_BASE_URL", "localhost:11434")
		t.Setenv("OPENAI_EMBEDDING_MODEL", "bad'model")
		t.Setenv("OPENAI_MAX_RETRIES", "50")
		_, err := Load()
		require.ErrorContains(t, err, "OPENAI_BASE_URL")
		require.ErrorContains(t, err, "OPENAI_EMBEDDING_MODEL")
		require.ErrorContains(t, err, "OPENAI_MAX_RETRIES")
	})
	t.Run("OpenAINotADuration", func(t *testing.T) {
		t.Setenv("OPENAI_TIMEOUT", "soon")
		_, err := Load()
		require.ErrorContains(t, err, "OPENAI_TIMEOUT")
	})
}
