// Command rootcheck is the control of TestFallbackRootsWithoutSystemRoots:
// the same check as the messages-api test binary's checkRoots, in a program
// without the fallback roots import, so it sees only the system's roots.
package main

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		// No Roots: the system's, as crypto/tls verifies a server
		// without RootCAs.
		_, err = cert.Verify(x509.VerifyOptions{})
		if err == nil {
			fmt.Printf("%s\tok\n", cert.Subject.CommonName)
		} else {
			fmt.Printf("%s\t%v\n", cert.Subject.CommonName, err)
		}
	}
}
