// Package rules will hold the business-rule engine: triggers, condition trees, actions
// and the execution log (see the "Conversation context and the business-rule engine"
// issue). Nothing in it runs yet; the directory is here so the layout is the
// architecture's from the start.
package rules
