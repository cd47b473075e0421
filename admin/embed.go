package admin

import (
	"embed"
	_ "embed"
)

//go:embed queries.sql
var accountsSQL string

//go:embed team.sql
var teamSQL string

//go:embed templates/*.html
var templateFS embed.FS
