package rules

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"

	"github.com/jackc/pgx/v5"
)

// Replier drafts a rule's reply in the rule's transaction, under the workspace's
// approval policy, so it goes out through the same send job as any reply (once).
// key is unique per rule run and action: a second call with it drafts nothing.
type Replier interface {
	DraftRuleReply(ctx context.Context, tx pgx.Tx, ws, conversationID int64, key, text string) (draftID int64, err error)
}

// maxReply bounds a templated reply, before and after it is filled in.
const maxReply = 2000

// replyFields are the fields a reply template may use, besides context.<field>.
func replyFields() []string {
	return []string{"contact.name", "contact.phone", "conversation.status", "conversation.channel",
		"conversation.intent", "conversation.tags", "message.text"}
}

// replyFuncs are the only functions a reply template may call, with text/template's
// comparisons and logic.
func replyFuncs() template.FuncMap {
	return template.FuncMap{
		// default: {{default "there" contact.name}} when the name may be empty.
		"default": func(def string, v any) any {
			if empty(v) {
				return def
			}
			return v
		},
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
	}
}

func allowedFuncs() []string {
	return []string{"default", "upper", "lower", "and", "or", "not", "eq", "ne", "len"}
}

// bareField lets an owner write {{contact.name}}, as in the examples, for
// {{.contact.name}}: inside actions only, never in the text around them.
var (
	action    = regexp.MustCompile(`\{\{.*?\}\}`)
	bareField = regexp.MustCompile(`(^\{\{-?\s*|\(|\s)(contact|context|conversation|message)\.`)
)

// parseReply parses and checks a reply template: every field it names must exist, and
// it may call only the allowed functions.
func parseReply(src string) (*template.Template, error) {
	src = action.ReplaceAllStringFunc(src, func(a string) string { return bareField.ReplaceAllString(a, "$1.$2.") })
	t, err := template.New("reply").Funcs(replyFuncs()).Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, fmt.Errorf("is not a valid template: %s", strings.TrimPrefix(err.Error(), "template: reply:"))
	}
	if err := checkNode(t.Root); err != nil {
		return nil, err
	}
	return t, nil
}

func checkNode(n parse.Node) error {
	switch x := n.(type) {
	case nil:
		return nil
	case *parse.ListNode:
		if x == nil {
			return nil
		}
		for _, c := range x.Nodes {
			if err := checkNode(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return checkNode(x.Pipe)
	case *parse.IfNode:
		return checkBranch(&x.BranchNode)
	case *parse.PipeNode:
		if x == nil {
			return nil
		}
		if len(x.Decl) > 0 {
			return fmt.Errorf("may not declare variables")
		}
		for _, c := range x.Cmds {
			for _, arg := range c.Args {
				if err := checkNode(arg); err != nil {
					return err
				}
			}
		}
	case *parse.FieldNode:
		path := strings.Join(x.Ident, ".")
		ok := slices.Contains(replyFields(), path) || len(x.Ident) == 2 && x.Ident[0] == "context"
		if !ok {
			return fmt.Errorf("uses unknown field %s: use context.<field> or one of %s", path, strings.Join(replyFields(), ", "))
		}
	case *parse.IdentifierNode:
		if !slices.Contains(allowedFuncs(), x.Ident) {
			return fmt.Errorf("calls %s: only %s are allowed", x.Ident, strings.Join(allowedFuncs(), ", "))
		}
	case *parse.TextNode, *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
	default:
		return fmt.Errorf("uses %q, which reply templates do not allow (fields, if/else and %s only)", n.String(), strings.Join(allowedFuncs(), ", "))
	}
	return nil
}

func checkBranch(b *parse.BranchNode) error {
	if err := checkNode(b.Pipe); err != nil {
		return err
	}
	if err := checkNode(b.List); err != nil {
		return err
	}
	if b.ElseList != nil {
		return checkNode(b.ElseList)
	}
	return nil
}

// render fills a reply template in from the conversation's facts.
func (a Action) render(f Facts) (string, error) {
	t, err := parseReply(a.Template)
	if err != nil {
		return "", err
	}
	ctx := map[string]any{}
	for k, v := range f.Values {
		if name, ok := strings.CutPrefix(k, "context."); ok {
			ctx[name] = v
		}
	}
	data := map[string]any{
		"contact":      map[string]any{"name": f.Values["contact.name"], "phone": f.Values["contact.phone"]},
		"conversation": map[string]any{"status": f.Values["status"], "channel": f.Values["channel"], "intent": f.Values["intent"], "tags": f.Values["tags"]},
		"message":      map[string]any{"text": f.Values["message.text"]},
		"context":      ctx,
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("fill in the reply: %w", err)
	}
	out := strings.TrimSpace(strings.ReplaceAll(b.String(), "<no value>", ""))
	switch {
	case out == "":
		return "", fmt.Errorf("the reply is empty once filled in")
	case len(out) > maxReply:
		return "", fmt.Errorf("the reply is %d characters once filled in; at most %d", len(out), maxReply)
	}
	return out, nil
}
