//go:build unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// iamxProcess starts this test binary as iamx with args; stdin is a pipe
// that stays open, as a slow producer's would.
func iamxProcess(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "IAMX_TEST_MAIN=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close() })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

// SIGINT and SIGTERM stop every command, wherever it waits, with the exit
// status a shell reports for the signal (128 + its number), and leave no
// partial output file.
//
// https://www.gnu.org/software/bash/manual/html_node/Exit-Status.html
func TestSignalsStopEveryCommand(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "no-writer")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	noReader := filepath.Join(dir, "no-reader.json")
	if err := syscall.Mkfifo(noReader, 0o600); err != nil {
		t.Skip(err)
	}
	out := filepath.Join(dir, "out.json")
	tests := []struct {
		name   string
		args   []string
		sig    syscall.Signal
		status int
	}{
		{"who-can waiting for a FIFO's writer, SIGINT", []string{"who-can", "s3:GetObject", "--snapshot", fifo}, syscall.SIGINT, 130},
		{"who-can waiting for a FIFO's writer, SIGTERM", []string{"who-can", "s3:GetObject", "--snapshot", fifo}, syscall.SIGTERM, 143},
		{"can reading a standard input that never ends", []string{"can", "alice", "s3:GetObject", "--snapshot", "-"}, syscall.SIGINT, 130},
		{"snapshot waiting for its input, output not started", []string{"snapshot", "--snapshot", "-", "-o", out}, syscall.SIGTERM, 143},
		{"snapshot waiting for a FIFO's reader", []string{"snapshot", "--demo", "-o", noReader}, syscall.SIGINT, 130},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, stderr := iamxProcess(t, tt.args...)
			waitBlocked(cmd.Process.Pid) // let it reach the wait
			start := time.Now()
			if err := cmd.Process.Signal(tt.sig); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var err error
			select {
			case err = <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("still running 10 s after %v", tt.sig)
			}
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.status {
				t.Fatalf("exit %v after %v, want status %d; stderr %q", err, time.Since(start), tt.status, stderr.String())
			}
			if lines := strings.Count(stderr.String(), "\n"); lines != 1 || !strings.Contains(stderr.String(), "stopped by SIG") {
				t.Errorf("stderr %q, want one line saying it was stopped", stderr.String())
			}
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "no-writer" && e.Name() != "no-reader.json" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

// waitBlocked waits until process pid has stopped using CPU (it waits on
// something), judged from /proc where there is one, else for a while: a
// signal sent before the process installs its handlers would kill it
// before iamx could answer it. On a loaded machine a process that waits for
// a CPU uses none either, so "quiet" also needs every thread asleep (no
// thread in state R).
func waitBlocked(pid int) {
	dir := filepath.Join("/proc", strconv.Itoa(pid))
	cpu := func() (string, bool) {
		data, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			return "", false
		}
		f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
		if len(f) < 13 {
			return "", false
		}
		return f[11] + " " + f[12], !anyThreadRunning(dir) // utime, stime
	}
	time.Sleep(200 * time.Millisecond)
	if now, _ := cpu(); now == "" {
		time.Sleep(800 * time.Millisecond)
		return
	}
	last, _ := cpu()
	same := 0
	for deadline := time.Now().Add(20 * time.Second); same < 3 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
		if now, asleep := cpu(); now == last && asleep {
			same++
		} else {
			last, same = now, 0
		}
	}
}

// anyThreadRunning reports whether a thread of the process in dir (a
// /proc/PID directory) is running or waiting for a CPU (state R).
func anyThreadRunning(dir string) bool {
	tasks, err := os.ReadDir(filepath.Join(dir, "task"))
	if err != nil {
		return false
	}
	for _, t := range tasks {
		data, err := os.ReadFile(filepath.Join(dir, "task", t.Name(), "stat"))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:])); len(f) > 0 && f[0] == "R" {
			return true
		}
	}
	return false
}
