package components

import (
	"bytes"
	"embed"
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

// The scripts an instance runs and the unit files they write, as files
// (boot/): node-user-data.sh writes node-start.sh and node.service,
// messages-api-user-data.sh writes messages-api-prepare.sh,
// messages-api-start.sh and messages-api.service. They share
// install-docker.sh (Docker from the distribution, the install retried:
// a mirror can fail once), instance-metadata.sh (an IMDSv2 token, meta to
// read a metadata path, the instance's region and ID) and
// awslogs-options.tmpl (the log options of every container). Each file
// is a text/template named by its file name; the data is a NodeBoot or
// an APIBoot.
//
//go:embed boot
var bootFiles embed.FS

var bootTemplates = template.Must(template.New("boot").Funcs(template.FuncMap{
	"loadBalancerTagKey":   func() string { return LoadBalancerTagKey },
	"messagesAPIPort":      func() int { return MessagesAPIPort },
	"binaryDigestMetadata": func() string { return APIBinaryDigestMetadata },
	"join":                 strings.Join,
}).ParseFS(bootFiles, "boot/*"))

// bootRoot is a Root the scripts can carry unquoted: absolute, no "."
// or ".." step, no character the shell would split or expand.
var bootRoot = regexp.MustCompile(`^(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$`)

// renderBoot renders the boot file name (a file of boot/) with data,
// whose Root must be one bootRoot takes.
func renderBoot(name, root string, data any) (string, error) {
	if !bootRoot.MatchString(root) {
		return "", fmt.Errorf("%s: root %q is not an absolute path of plain names", name, root)
	}
	var out bytes.Buffer
	if err := bootTemplates.ExecuteTemplate(&out, name, data); err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return out.String(), nil
}
