package greeks

import (
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

// TestDocListsNames: the package comment (what go doc shows without -all)
// names every Greek, method and λ mode by the name the parsers accept, so a
// new one cannot be added without documenting it.
func TestDocListsNames(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	doc := f.Doc.Text()
	var names []string
	for _, g := range append(AllGreeks, CrossGamma, Rho, Theta) {
		names = append(names, g.String())
	}
	for _, m := range AllMethods {
		names = append(names, m.String())
	}
	for _, l := range []LambdaMode{Crossfit, Plugin, Pilot} {
		names = append(names, l.String())
	}
	for _, n := range names {
		if !strings.Contains(doc, strconv.Quote(n)) {
			t.Errorf("the package comment does not name %q", n)
		}
	}
}
