package tui

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestEndToEndTmux builds the real binary and drives it in a detached tmux
// session over the demo account, as a user at a 120×40 terminal would:
// start, list users, filter, drill into a role, search in it, back,
// :roles, help, quit.
// It skips when tmux is missing, unless CI=true.
//
// With -update it also writes the README's text captures to
// testdata/screens/.
func TestEndToEndTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped with -short")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI for the end-to-end test")
		}
		t.Skip("tmux not installed")
	}
	bin := filepath.Join(t.TempDir(), "iamx")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build iamx: %v\n%s", err, out)
	}

	s := &tmuxSession{t: t, tmux: tmux, socket: fmt.Sprintf("iamx-e2e-%d", os.Getpid())}
	t.Cleanup(s.kill)
	s.run("new-session", "-d", "-x", "120", "-y", "40", "-s", "iamx", "env", "TERM=xterm-256color", bin, "--demo")

	// Start: the users list of the demo account.
	s.waitFor("users list", func(sc string) bool {
		return strings.Contains(sc, "111122223333") && strings.Contains(sc, "NAME") && strings.Contains(sc, "alice")
	})
	s.capture("users")

	// Filter live: only matching rows stay.
	s.keys("/", "bob")
	s.waitFor("filtered list", func(sc string) bool {
		return strings.Contains(sc, "\nbob") && !strings.Contains(sc, "\nalice")
	})
	s.keys("Escape")
	s.waitFor("filter cleared", func(sc string) bool { return strings.Contains(sc, "\nalice") })

	// :roles, narrow to DeployRole, drill in.
	s.keys(":", "roles", "Enter")
	s.waitFor("roles list", func(sc string) bool { return crumbLine(sc) != "" && strings.HasPrefix(crumbLine(sc), "Roles") })
	s.capture("roles")
	s.keys("/", "DeployRole", "Enter", "Enter")
	s.waitFor("role detail", func(sc string) bool {
		c := crumbLine(sc)
		return strings.HasPrefix(c, "Roles › ") && strings.Contains(c, "DeployRole")
	})
	s.capture("role_detail")

	// / inside the detail searches its text: q typed there is text, not
	// quit; enter keeps the search, n steps, esc clears it and stays.
	s.keys("/", "qz", "Enter")
	s.waitFor("no match", func(sc string) bool { return strings.Contains(sc, "no match for /qz") })
	s.keys("Escape")
	s.keys("/", "ProdAdmin", "Enter")
	s.waitFor("search kept", func(sc string) bool {
		return strings.Contains(sc, "match 1/") && strings.Contains(sc, "for /ProdAdmin")
	})
	s.keys("n")
	s.waitFor("search stays after n", func(sc string) bool { return strings.Contains(sc, "for /ProdAdmin") })
	s.keys("Escape")
	s.waitFor("search cleared", func(sc string) bool {
		return !strings.Contains(sc, "for /ProdAdmin") && strings.Contains(crumbLine(sc), "DeployRole")
	})

	// Back to the list, filter still shown.
	s.keys("Escape")
	s.waitFor("back on roles", func(sc string) bool {
		c := crumbLine(sc)
		return strings.HasPrefix(c, "Roles") && !strings.Contains(c, "›")
	})

	// Who can read objects in S3.
	s.keys(":", "whocan s3:GetObject", "Enter")
	s.waitFor("who-can page", func(sc string) bool { return strings.Contains(crumbLine(sc), "s3:GetObject") })
	s.capture("whocan")
	s.keys("Escape")

	// Tab with several candidates lists them; tab again cycles.
	s.keys(":", "whocan s3:GetObjectA", "Tab")
	s.waitFor("candidates listed", func(sc string) bool {
		return strings.Contains(sc, "s3:GetObjectAcl") && strings.Contains(sc, "s3:GetObjectAttributes")
	})
	s.keys("Tab")
	s.waitFor("first candidate in the line", func(sc string) bool { return strings.Contains(sc, ":whocan s3:GetObjectAcl") })
	s.keys("Escape")

	// :findings, most severe first; filter to mallory and open her: her
	// Overview shows the same finding.
	s.keys(":", "findings", "Enter")
	s.waitFor("findings list", func(sc string) bool {
		return strings.HasPrefix(crumbLine(sc), "Findings") && strings.Contains(sc, "critical") && strings.Contains(sc, "escalation-to-admin")
	})
	s.capture("findings")
	s.keys("/", "mallory escalation", "Enter", "Enter")
	s.waitFor("mallory's overview", func(sc string) bool {
		return strings.Contains(crumbLine(sc), "mallory") && strings.Contains(sc, "critical: can reach admin-equivalent access")
	})
	s.keys("Escape")

	// Help.
	s.keys("?")
	s.waitFor("help", func(sc string) bool { return strings.Contains(sc, "Commands") && strings.Contains(sc, ":whocan") })
	s.keys("Escape")
	s.waitFor("help closed", func(sc string) bool { return !strings.Contains(sc, "Commands (") })

	// :changes without a baseline says how to get one.
	s.keys(":", "changes", "Enter")
	s.waitFor("no baseline", func(sc string) bool { return strings.Contains(sc, "--baseline OLD") })

	s.quit()

	// --baseline: yesterday's snapshot had no mallory; :changes says she is
	// new and what she can reach, and enter opens her.
	old := baselineWithoutMallory(t, bin)
	s.run("new-session", "-d", "-x", "120", "-y", "40", "-s", "iamx", "env", "TERM=xterm-256color", bin, "--demo", "--baseline", old)
	s.waitFor("users list", func(sc string) bool { return strings.Contains(sc, "NAME") && strings.Contains(sc, "alice") })
	s.keys(":", "changes", "Enter")
	s.waitFor("changes list", func(sc string) bool {
		return strings.HasPrefix(crumbLine(sc), "Changes since") && strings.Contains(sc, "new-escalation-path") && strings.Contains(sc, "added")
	})
	s.capture("changes")
	s.keys("/", "added user", "Enter", "Enter")
	s.waitFor("mallory opened from the changes", func(sc string) bool { return strings.Contains(crumbLine(sc), "mallory") })
	s.quit()
}

// quit presses q and waits for the session to end with the program.
func (s *tmuxSession) quit() {
	s.t.Helper()
	s.keys("q")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if exec.Command(s.tmux, "-L", s.socket, "has-session", "-t", "iamx").Run() != nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("iamx did not exit after q; screen:\n%s", s.screen())
}

// baselineWithoutMallory writes the demo as a snapshot with mallory left
// out: the baseline of a day before she appeared.
func baselineWithoutMallory(t *testing.T, bin string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.json")
	if out, err := exec.Command(bin, "snapshot", "--demo", "-o", path).CombinedOutput(); err != nil {
		t.Fatalf("iamx snapshot: %v\n%s", err, out)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var snap map[string]any
	if err := json.Unmarshal(data, &snap); err != nil {
		t.Fatal(err)
	}
	gaad := snap["authorization_details"].(map[string]any)
	var users []any
	for _, u := range gaad["UserDetailList"].([]any) {
		if u.(map[string]any)["UserName"] != "mallory" {
			users = append(users, u)
		}
	}
	gaad["UserDetailList"] = users
	if data, err = json.Marshal(snap); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// crumbLine is the breadcrumb line of a captured screen (the third line).
func crumbLine(screen string) string {
	lines := strings.Split(screen, "\n")
	if len(lines) < 3 {
		return ""
	}
	return strings.TrimSpace(lines[2])
}

type tmuxSession struct {
	t      *testing.T
	tmux   string
	socket string
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command(s.tmux, append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) kill() {
	_ = exec.Command(s.tmux, "-L", s.socket, "kill-server").Run()
}

// keys sends tmux key names ("Enter", "Escape") or literal text.
func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		switch k {
		case "Enter", "Escape", "Tab", "BTab", "Up", "Down":
			s.run("send-keys", "-t", "iamx", k)
		default:
			s.run("send-keys", "-t", "iamx", "-l", k)
		}
		// Let a lone ESC be read as the escape key, not the start of a sequence.
		if k == "Escape" {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

func (s *tmuxSession) screen() string {
	out, err := exec.Command(s.tmux, "-L", s.socket, "capture-pane", "-p", "-t", "iamx").CombinedOutput()
	if err != nil {
		return "(capture failed: " + err.Error() + ")"
	}
	return string(out)
}

func (s *tmuxSession) waitFor(what string, ok func(string) bool) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var sc string
	for time.Now().Before(deadline) {
		sc = s.screen()
		if ok(sc) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("waiting for %s: timed out; screen:\n%s", what, sc)
}

// capture writes the current screen to testdata/screens/NAME.txt with
// -update, for the README.
func (s *tmuxSession) capture(name string) {
	s.t.Helper()
	if !*update {
		return
	}
	lines := strings.Split(strings.TrimRight(s.screen(), "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	if err := os.MkdirAll(filepath.Join("testdata", "screens"), 0o755); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("testdata", "screens", name+".txt"), []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		s.t.Fatal(err)
	}
}
