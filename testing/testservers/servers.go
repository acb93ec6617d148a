// Package testservers starts the real servers the tests talk to: Debian's
// redis-server and dynalite (the DynamoDB API, installed from npm into
// tools/dynalite by scripts/test.sh). Each runs on a free loopback port and
// keeps its data in memory.
package testservers

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/push-turnkey/push-turnkey/program/artifact"
)

// Server is a started server process.
type Server struct {
	// Addr is "127.0.0.1:<port>".
	Addr string
	cmd  *exec.Cmd
}

// Stop kills the server and waits for it.
func (s *Server) Stop() {
	if s != nil && s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

// Redis starts redis-server without persistence.
func Redis() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found (scripts/test.sh installs it): %w", err)
	}
	return start(func(port int) *exec.Cmd {
		return exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--loglevel", "warning")
	})
}

// Dynalite starts dynalite with an in-memory store.
func Dynalite() (*Server, error) {
	root, err := artifact.ModuleRoot(".")
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(root, "tools", "dynalite", "node_modules", ".bin", "dynalite")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("dynalite not installed (scripts/test.sh runs npm ci in tools/dynalite): %w", err)
	}
	return start(func(port int) *exec.Cmd {
		// Tables become ACTIVE at once instead of after half a second.
		return exec.Command(bin, "--port", strconv.Itoa(port), "--host", "127.0.0.1",
			"--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0")
	})
}

func start(command func(port int) *exec.Cmd) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := command(port)
	cmd.Stderr = os.Stderr // stdout only announces the port
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), cmd: cmd}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if conn, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			conn.Close()
			return s, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("%s did not listen on %s within 20s", cmd.Path, s.Addr)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
