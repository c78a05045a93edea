package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// peer is a running `node driver.mjs`: one scenario line in, one answer
// line out, in order.
type peer struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

type peerAnswer struct {
	ID      int             `json:"id"`
	Result  string          `json:"result"`
	Ignored []string        `json:"ignored"`
	Error   string          `json:"error"`
	Details json.RawMessage `json:"details"`
}

func startPeer(dir string) (*peer, error) {
	cmd := exec.Command("node", "driver.mjs")
	cmd.Dir = dir
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start node driver.mjs: %w", err)
	}
	return &peer{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<20)}, nil
}

// ask runs one scenario.
func (p *peer) ask(id int, s scenario) (peerAnswer, error) {
	ans, err := p.askAll([]scenario{s}, id)
	if err != nil {
		return peerAnswer{}, err
	}
	return ans[0], nil
}

// askAll runs scenarios in order, numbering them from firstID. A writer
// goroutine keeps the pipe from filling up while answers are read.
func (p *peer) askAll(ss []scenario, firstID int) ([]peerAnswer, error) {
	errc := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(p.in)
		for i, s := range ss {
			b, err := json.Marshal(map[string]any{"id": firstID + i, "simulation": forPeer(s)})
			if err != nil {
				errc <- err
				return
			}
			w.Write(b)
			w.WriteByte('\n')
		}
		errc <- w.Flush()
	}()
	out := make([]peerAnswer, 0, len(ss))
	for range ss {
		line, err := p.out.ReadBytes('\n')
		if err != nil {
			return nil, fmt.Errorf("read from node driver: %w", err)
		}
		var a peerAnswer
		if err := json.Unmarshal(line, &a); err != nil {
			return nil, fmt.Errorf("node driver answer %q: %w", line, err)
		}
		out = append(out, a)
	}
	if err := <-errc; err != nil {
		return nil, fmt.Errorf("write to node driver: %w", err)
	}
	return out, nil
}

func (p *peer) close() {
	p.in.Close()
	p.cmd.Wait()
}

// forPeer leaves out the "iamx" member (what only ours reads) of a
// resource scenario.
func forPeer(s scenario) scenario {
	if _, ok := s["iamx"]; !ok {
		return s
	}
	out := make(scenario, len(s))
	for k, v := range s {
		if k != "iamx" {
			out[k] = v
		}
	}
	return out
}
