package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"
)

// versionInfo is what the binary knows about how it was built, read from
// the build information the Go toolchain embeds (runtime/debug.ReadBuildInfo).
type versionInfo struct {
	Module   string `json:"module"`   // module path
	Version  string `json:"version"`  // module version: a tag, a pseudo-version, or "(devel)"
	Revision string `json:"revision"` // VCS commit, "" when the build did not record one
	Time     string `json:"time"`     // VCS commit time (RFC 3339), "" when unknown
	Modified *bool  `json:"modified"` // the work tree had uncommitted changes; null when unknown
	Tags     string `json:"tags"`     // build tags (-tags), such as "mujoco"; "" for none
	Cgo      bool   `json:"cgo"`      // built with cgo (the mujoco tag needs it)
	Go       string `json:"go"`       // toolchain version
	Platform string `json:"platform"` // GOOS/GOARCH
}

// buildVersion reads the running binary's build information.
func buildVersion() versionInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionInfo{Version: "unknown", Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	}
	return versionFrom(bi)
}

// versionFrom extracts the fields of versionInfo from bi.
func versionFrom(bi *debug.BuildInfo) versionInfo {
	v := versionInfo{Module: bi.Main.Path, Version: bi.Main.Version, Go: bi.GoVersion}
	if v.Version == "" {
		v.Version = "(devel)"
	}
	var goos, goarch string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			m := s.Value == "true"
			v.Modified = &m
		case "-tags":
			v.Tags = s.Value
		case "CGO_ENABLED":
			v.Cgo = s.Value == "1"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	if goos == "" {
		goos, goarch = runtime.GOOS, runtime.GOARCH
	}
	v.Platform = goos + "/" + goarch
	return v
}

// short is the one-line form printed by greeks --version.
func (v versionInfo) short() string {
	var b strings.Builder
	b.WriteString(v.Version)
	if v.Revision != "" {
		fmt.Fprintf(&b, " revision %s", shortRev(v.Revision))
		if v.Modified != nil && *v.Modified {
			b.WriteString(" (modified)")
		}
	}
	fmt.Fprintf(&b, ", build tags: %s, %s %s", v.tags(), v.Go, v.Platform)
	return b.String()
}

func (v versionInfo) tags() string {
	if v.Tags == "" {
		return "none"
	}
	return v.Tags
}

func shortRev(r string) string {
	if len(r) > 12 {
		return r[:12]
	}
	return r
}

func versionCmd() *cli.Command {
	return &cli.Command{
		Name:      "version",
		Usage:     "the module version, VCS revision, build tags and Go toolchain of this binary",
		ArgsUsage: " ",
		Description: "The same one-line summary is printed by greeks --version. Build tags say which optional\n" +
			"parts are in the binary (mujoco: the MuJoCo tasks of greeks rl).\n\n" +
			"Example:\n\n   greeks version --format json",
		OnUsageError: onUsageError,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "table", Category: catOutput, Usage: "output format: table or json"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return usagef("unexpected argument %q: version takes flags only", c.Args().First())
			}
			v := buildVersion()
			switch c.String("format") {
			case "json":
				return json.NewEncoder(c.App.Writer).Encode(v)
			case "table":
				return writeVersion(c.App.Writer, v)
			}
			return usagef("invalid --format %q: want table or json", c.String("format"))
		},
	}
}

func writeVersion(w io.Writer, v versionInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	orUnknown := func(s string) string {
		if s == "" {
			return "unknown (not built from a VCS checkout)"
		}
		return s
	}
	modified := "unknown"
	if v.Modified != nil {
		modified = map[bool]string{true: "yes (uncommitted changes)", false: "no"}[*v.Modified]
	}
	cgo := "no"
	if v.Cgo {
		cgo = "yes"
	}
	fmt.Fprintf(tw, "module\t%s\n", orUnknown(v.Module))
	fmt.Fprintf(tw, "version\t%s\n", v.Version)
	fmt.Fprintf(tw, "revision\t%s\n", orUnknown(v.Revision))
	if v.Time != "" {
		fmt.Fprintf(tw, "commit time\t%s\n", v.Time)
	}
	fmt.Fprintf(tw, "modified\t%s\n", modified)
	fmt.Fprintf(tw, "build tags\t%s\n", v.tags())
	fmt.Fprintf(tw, "cgo\t%s\n", cgo)
	fmt.Fprintf(tw, "go\t%s %s\n", v.Go, v.Platform)
	return tw.Flush()
}
