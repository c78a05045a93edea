// iamx completion bash|zsh|fish, and the hidden command the scripts call.

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/iamx/iamx/loader"
	"github.com/iamx/iamx/model"
	"github.com/iamx/iamx/model/actions"
)

// completeCommand is what the completion scripts run: "iamx __complete
// WORD... CURRENT" prints the candidates for CURRENT, one a line, or the
// line ":file" when the shell should complete a file name.
const completeCommand = "__complete"

// fileFlags take a file name (the shell completes those itself).
var fileFlags = map[string]bool{
	"snapshot": true, "scp": true, "o": true, "output": true, "batch": true,
	"baseline": true, "resources": true, "org": true,
}

func runCompletion(e *env, args []string) int {
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(e.stdout, "Usage:\n  iamx completion bash|zsh|fish\n\n"+
			"Print a completion script: source <(iamx completion bash), source <(iamx completion zsh),\n"+
			"or iamx completion fish | source.\n")
		return exitOK
	}
	if len(args) != 1 {
		return fail(e, usagef("completion: expected one of bash, zsh, fish"))
	}
	script, ok := completionScripts[args[0]]
	if !ok {
		return fail(e, usagef("completion: unknown shell %q; expected one of bash, zsh, fish", args[0]))
	}
	fmt.Fprint(e.stdout, script)
	return exitOK
}

// runComplete prints the candidates for the last word of words. It never
// fails: a shell shows nothing rather than an error.
func runComplete(ctx context.Context, e *env, words []string) int {
	if len(words) == 0 {
		words = []string{""}
	}
	cur, prev := words[len(words)-1], hoistCommand(words[:len(words)-1])
	cmd := "explorer"
	if len(prev) > 0 {
		if _, ok := findCommand(prev[0]); ok {
			cmd, prev = prev[0], prev[1:]
		}
	}
	flags := commandFlags(ctx, cmd)
	var out []string
	switch {
	case strings.HasPrefix(cur, "-"):
		for name := range flags {
			out = append(out, "--"+name)
		}
		if cmd == "explorer" && len(prev) == 0 {
			out = append(out, "--version", "--help")
		}
	case len(prev) > 0 && isValueFlag(flags, prev[len(prev)-1]):
		out = flagValues(ctx, strings.TrimLeft(prev[len(prev)-1], "-"), prev)
		if len(out) == 1 && out[0] == ":file" {
			fmt.Fprintln(e.stdout, ":file")
			return exitOK
		}
	default:
		out = positionalValues(ctx, cmd, countPositional(flags, prev), cur, prev)
	}
	sort.Strings(out)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	for _, c := range slices.Compact(out) {
		if strings.HasPrefix(strings.ToLower(c), strings.ToLower(cur)) {
			fmt.Fprintln(w, c)
		}
	}
	return exitOK
}

// commandFlags returns a command's flags, each with whether it takes a
// value, read from its own --help so that it cannot drift from the command.
func commandFlags(ctx context.Context, cmd string) map[string]bool {
	var help bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &help, stderr: io.Discard}
	if c, ok := findCommand(cmd); ok {
		c.run(ctx, e, []string{"--help"})
	} else {
		runExplorer(ctx, e, []string{"--help"})
	}
	flags := map[string]bool{}
	for line := range strings.Lines(help.String()) {
		// flag.PrintDefaults: "  -name" for a boolean, "  -name TYPE" otherwise.
		if !strings.HasPrefix(line, "  -") {
			continue
		}
		f := strings.Fields(line)
		flags[strings.TrimPrefix(f[0], "-")] = len(f) > 1
	}
	return flags
}

func isValueFlag(flags map[string]bool, word string) bool {
	if !strings.HasPrefix(word, "-") || strings.Contains(word, "=") {
		return false
	}
	return flags[strings.TrimLeft(word, "-")]
}

// countPositional counts the positional arguments among words.
func countPositional(flags map[string]bool, words []string) int {
	n := 0
	for i := 0; i < len(words); i++ {
		switch {
		case isValueFlag(flags, words[i]):
			i++
		case strings.HasPrefix(words[i], "-") && words[i] != "-":
		default:
			n++
		}
	}
	return n
}

func flagValues(ctx context.Context, flag string, words []string) []string {
	switch {
	case fileFlags[flag]:
		return []string{":file"}
	case flag == "to":
		return principalNames(ctx, words, true)
	case flag == "service":
		var out []string
		for _, s := range actions.Load().Services() {
			out = append(out, s.Prefix)
		}
		return out
	case flag == "level":
		var out []string
		for _, l := range actions.AccessLevels() {
			out = append(out, l.String())
		}
		return out
	}
	return nil
}

func positionalValues(ctx context.Context, cmd string, index int, cur string, words []string) []string {
	switch {
	case cmd == "explorer" && index == 0:
		out := []string{"help", "completion"}
		for _, c := range commands() {
			out = append(out, c.name)
		}
		return out
	case cmd == "can" && index == 0, cmd == "perms" && index == 0, cmd == "chains" && index == 0:
		return principalNames(ctx, words, false)
	case cmd == "can" && index == 1, cmd == "who-can" && index == 0:
		return actionNames(cur)
	}
	return nil
}

// actionNames lists the catalogue's service prefixes ("s3:") until the word
// has a colon, then that service's actions.
func actionNames(cur string) []string {
	cat := actions.Load()
	svc, _, hasColon := strings.Cut(cur, ":")
	var out []string
	if !hasColon {
		for _, s := range cat.Services() {
			out = append(out, s.Prefix+":")
		}
		return out
	}
	for id := range cat.Len() {
		a := cat.Action(id).String()
		if len(a) > len(svc) && strings.EqualFold(a[:len(svc)+1], svc+":") {
			out = append(out, a)
		}
	}
	return out
}

// principalNames lists the users and roles (only roles) of the snapshots
// named on the line: --demo or --snapshot FILE. A live account is never
// called to complete a word.
func principalNames(ctx context.Context, words []string, rolesOnly bool) []string {
	var snaps []*model.Snapshot
	for i, w := range words {
		name := strings.TrimLeft(w, "-")
		switch {
		case w != name && name == "demo":
			if s, err := loader.Demo(); err == nil {
				snaps = append(snaps, s)
			}
		case w != name && strings.HasPrefix(name, "snapshot="):
			if s, err := loader.ReadFileContext(ctx, strings.TrimPrefix(name, "snapshot=")); err == nil {
				snaps = append(snaps, s)
			}
		case w != name && name == "snapshot" && i+1 < len(words) && words[i+1] != "-":
			if s, err := loader.ReadFileContext(ctx, words[i+1]); err == nil {
				snaps = append(snaps, s)
			}
		}
	}
	var out []string
	for _, s := range snaps {
		if !rolesOnly {
			for _, u := range s.Users {
				out = append(out, u.Name)
			}
		}
		for _, r := range s.Roles {
			out = append(out, r.Name)
		}
	}
	return out
}

var completionScripts = map[string]string{
	"bash": `# iamx bash completion: source <(iamx completion bash)
_iamx() {
	local line=${COMP_LINE:0:COMP_POINT}
	local -a words
	read -ra words <<<"$line"
	[[ $line == *[[:space:]] ]] && words+=("")
	local cur=${words[${#words[@]}-1]}
	local IFS=$'\n'
	local -a out
	out=($(iamx __complete "${words[@]:1}" 2>/dev/null))
	if [[ ${out[0]} == ":file" ]]; then
		COMPREPLY=($(compgen -f -- "${COMP_WORDS[COMP_CWORD]}"))
		return
	fi
	# bash splits words at ":" (COMP_WORDBREAKS): replace only the part after it.
	if [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then
		local colon=${cur%"${cur##*:}"}
		local i
		for i in "${!out[@]}"; do out[i]=${out[i]#"$colon"}; done
	fi
	COMPREPLY=("${out[@]}")
	if [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *: ]]; then compopt -o nospace 2>/dev/null; fi
}
complete -o default -F _iamx iamx
`,
	"zsh": `#compdef iamx
# iamx zsh completion: source <(iamx completion zsh)
_iamx() {
	local -a out
	out=("${(@f)$(iamx __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
	if [[ ${out[1]} == ":file" ]]; then
		_files
		return
	fi
	local -a withcolon plain
	withcolon=(${(M)out:#*:})
	plain=(${out:#*:})
	(( ${#plain} )) && compadd -Q -- "${plain[@]}"
	(( ${#withcolon} )) && compadd -Q -S '' -- "${withcolon[@]}"
}
if (( $+functions[compdef] )); then compdef _iamx iamx; fi
`,
	"fish": `# iamx fish completion: iamx completion fish | source
function __iamx_complete
	set -l words (commandline -opc) (commandline -ct)
	set -l out (iamx __complete $words[2..-1] 2>/dev/null)
	if test "$out[1]" = ":file"
		__fish_complete_path (commandline -ct)
		return
	end
	printf '%s\n' $out
end
complete -c iamx -f -a '(__iamx_complete)'
`,
}
