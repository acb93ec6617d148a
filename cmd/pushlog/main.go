// Command pushlog reads Firehose log objects of the autopush servers (GZIP
// or plain, detected) and prints one JSON object per distinct delivery
// signed with a VAPID key on standard output:
//
//	{"key": "<VAPID public key, canonical>", "id": "...", "timestamp": 1796108707.771493, "size": 4096, "ttl": 60}
//
// and a summary per object on standard error: records, deliveries,
// unattributed (accepted messages whose records cannot show the signing
// key), unreadable and malformed (records 1.58.4 does not write so), with
// the first few reasons. It is what to run on an
// object copied from the log bucket when the dashboard shows nothing; the
// processor Lambda reads objects with the same code (pushlog.Scan). It
// never prints anything else of a record (the log bucket holds each
// sender's Authorization header).
//
// Usage:
//
//	go run ./cmd/pushlog FILE...    (- reads standard input)
//
// It exits 1 when an object cannot be read (a cut GZIP stream, a missing
// file), 2 on bad usage; malformed records only show in the summary.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/push-turnkey/push-turnkey/services/pushlog"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// line is one delivery as printed.
type line struct {
	Key string `json:"key"`
	pushlog.Entry
}

// usage is the command's help.
const usage = `usage: go run ./cmd/pushlog FILE...   (- reads standard input)

Reads Firehose log objects of the autopush servers (GZIP or plain) and
prints one JSON line per message signed with a VAPID key:
  {"key": ..., "id": ..., "timestamp": ..., "size": ..., "ttl": ...}
and a summary per object on standard error. Try it on the sample object:
  go run ./cmd/pushlog cmd/pushlog/testdata/sample.log.gz
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fmt.Fprint(stdout, usage)
			return 0
		}
		if len(a) > 1 && a[0] == '-' {
			fmt.Fprintf(stderr, "pushlog: unknown flag %s\n%s", a, usage)
			return 2
		}
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	status := 0
	for _, name := range args {
		if err := scanFile(name, stdin, enc, stderr); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", name, err)
			status = 1
		}
	}
	return status
}

func scanFile(name string, stdin io.Reader, enc *json.Encoder, stderr io.Writer) error {
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	c, err := pushlog.Scan(in, func(d pushlog.Delivery) error {
		return enc.Encode(line{Key: d.Key, Entry: d.Entry})
	})
	fmt.Fprintf(stderr, "%s: %d records, %d deliveries, %d unattributed, %d unreadable, %d malformed\n",
		name, c.Records, c.Deliveries, c.Unattributed, c.Unreadable, c.Malformed)
	for _, r := range c.Reasons {
		fmt.Fprintf(stderr, "%s:   %s\n", name, r)
	}
	return err
}
