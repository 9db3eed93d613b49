package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// The completion scripts ask the binary itself what may follow: urfave/cli
// answers a command line that ends in --generate-bash-completion with the
// commands, or (when the word being completed starts with "-") the flags,
// valid at that point (App.EnableBashCompletion). Fish uses the cli's own
// generated completion (App.ToFishCompletion).

// bashCompletion is sourced by bash: source <(greeks completion bash).
const bashCompletion = `# bash completion for greeks; load with: source <(greeks completion bash)
_greeks_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local -a req=("${COMP_WORDS[@]:0:COMP_CWORD}")
  if [[ "$cur" == -* ]]; then
    req+=("$cur")
  fi
  local IFS=$'\n'
  COMPREPLY=($(compgen -W "$("${req[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur"))
}
complete -o bashdefault -o default -F _greeks_complete greeks
`

// zshCompletion is sourced by zsh: source <(greeks completion zsh).
const zshCompletion = `#compdef greeks
# zsh completion for greeks; load with: source <(greeks completion zsh)
_greeks() {
  local cur="${words[CURRENT]}"
  local -a req opts
  req=("${(@)words[1,CURRENT-1]}")
  if [[ "$cur" == -* ]]; then
    req+=("$cur")
  fi
  opts=("${(@f)$("${(@)req}" --generate-bash-completion 2>/dev/null)}")
  if [[ -n "${opts[1]}" ]]; then
    _describe 'greeks' opts
  else
    _files
  fi
}
compdef _greeks greeks
`

func completionCmd() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Completes commands, subcommands and flags by asking the greeks binary on the PATH.\n\n" +
			"Examples:\n\n" +
			"   source <(greeks completion bash)                          # this shell; add it to ~/.bashrc to keep it\n" +
			"   greeks completion zsh > \"${fpath[1]}/_greeks\"             # zsh, then restart the shell\n" +
			"   greeks completion fish > ~/.config/fish/completions/greeks.fish",
		OnUsageError: onUsageError,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usagef("completion needs one argument, bash, zsh or fish (got %d)", c.NArg())
			}
			w := c.App.Writer
			switch shell := c.Args().First(); shell {
			case "bash":
				_, err := fmt.Fprint(w, bashCompletion)
				return err
			case "zsh":
				_, err := fmt.Fprint(w, zshCompletion)
				return err
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				_, err = fmt.Fprint(w, s)
				return err
			default:
				return usagef("invalid shell %q: want bash, zsh or fish", shell)
			}
		},
	}
}
