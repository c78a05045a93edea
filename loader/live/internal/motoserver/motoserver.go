// Package motoserver runs moto_server (the Python AWS emulator) on loopback
// for tests: one process per call, on a free port, stopped by process group
// when the test ends. It never points anything at real AWS.
package motoserver

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Server is a running moto_server.
type Server struct {
	URL string // http://127.0.0.1:PORT
}

// Start runs moto_server with AWS managed policies loaded and waits until it
// answers. Without moto_server on PATH the test is skipped, unless CI=true,
// where a missing emulator must not pass silently.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("moto_server is not on PATH and CI=true: install moto[server] (pip install 'moto[server]')")
		}
		t.Skip("moto_server is not on PATH; install moto[server] to run the live capture tests")
	}
	port, err := freePort()
	if err != nil {
		t.Fatalf("find a free loopback port: %v", err)
	}
	var out lockedBuffer
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	cmd.Stdout, cmd.Stderr = &out, &out
	// Its own process group, so that the pyenv shim and the Python process
	// behind it stop together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start moto_server: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	})

	url := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-exited:
			t.Fatalf("moto_server exited before answering (%v): %s", err, out.String())
		default:
		}
		resp, err := client.Get(url + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return &Server{URL: url}
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s within 60 s: %v; output: %s", url, err, out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("unexpected listener address %v", l.Addr())
	}
	return addr.Port, nil
}

// lockedBuffer collects the server's output for failure messages, capped so
// a chatty server cannot fill memory.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() < 64<<10 {
		b.buf.Write(p)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
