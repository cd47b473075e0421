package ai

// FieldSpec is one field a model is asked to fill from a message: the workspace's
// context schema, reduced to what a model needs.
type FieldSpec struct {
	Key   string
	Label string
	// Kind is how the value is written: "text", "number", "boolean", "date"
	// (YYYY-MM-DD), "time" (HH:MM), "datetime" (YYYY-MM-DDTHH:MM), "duration"
	// (minutes), "list" (comma-separated) or "choice" (one of Options).
	Kind    string
	Options []string
	Hint    string
}

// FieldValue is what a model read for a field: Value is "" when the message does not say.
type FieldValue struct {
	Value      string
	Confidence float64
}
