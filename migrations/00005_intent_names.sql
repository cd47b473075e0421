-- +goose Up
-- The classifier's intents were renamed to the names the API documents; workspaces that
-- chose auto-send intents keep their choice.
UPDATE workspaces SET auto_intents = (
    SELECT coalesce(array_agg(CASE i
        WHEN 'opening_hours' THEN 'ask_hours'
        WHEN 'location' THEN 'ask_location'
        WHEN 'pricing' THEN 'ask_price'
        WHEN 'thanks' THEN 'thanks_goodbye'
        WHEN 'general_question' THEN 'faq_question'
        WHEN 'unknown' THEN 'out_of_scope'
        ELSE i END ORDER BY n), '{}')
    FROM unnest(auto_intents) WITH ORDINALITY AS t(i, n)
)
WHERE auto_intents && ARRAY['opening_hours', 'location', 'pricing', 'thanks', 'general_question', 'unknown'];

UPDATE drafts SET intent = CASE intent
    WHEN 'opening_hours' THEN 'ask_hours'
    WHEN 'location' THEN 'ask_location'
    WHEN 'pricing' THEN 'ask_price'
    WHEN 'thanks' THEN 'thanks_goodbye'
    WHEN 'general_question' THEN 'faq_question'
    WHEN 'unknown' THEN 'out_of_scope'
    ELSE intent END
WHERE intent IN ('opening_hours', 'location', 'pricing', 'thanks', 'general_question', 'unknown');

-- +goose Down
SELECT 1;
