package greeks

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// readmeProgram is the library example as the README shows it: the file
// example_digital_test.go made a program (package main, func main, no
// Output comment).
func readmeProgram(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("example_digital_test.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	s = strings.Replace(s, "package greeks_test\n", "package main\n", 1)
	s = strings.Replace(s, "func Example_digital() {\n", "func main() {\n", 1)
	i := strings.Index(s, "\t// Output:\n")
	j := strings.LastIndex(s, "}\n")
	if i < 0 || j < i {
		t.Fatal("example_digital_test.go: no Output comment before the closing brace")
	}
	return s[:i] + s[j:]
}

// TestReadmeQuotesExample: the README's library example is, character for
// character, the tested Example_digital (so it compiles and prints what its
// Output comment says).
func TestReadmeQuotesExample(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- example: greeks/example_digital_test.go -->\n```go\n(.*?)```\n").FindSubmatch(b)
	if m == nil {
		t.Fatal("README.md has no ```go block after <!-- example: greeks/example_digital_test.go -->")
	}
	if got, want := string(m[1]), readmeProgram(t); got != want {
		t.Errorf("README.md's library example differs from example_digital_test.go; paste this:\n%s", want)
	}
}
