package stackconfig

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
)

// The names AWS has, from dated copies of AWS's own lists (awslists/*.json,
// each naming its page, the copy it was taken from and its date). A value
// not in them is refused before any resource, with the nearest names.

//go:embed awslists/*.json
var awsListFiles embed.FS

// AWSList says where a list of names comes from: the page that states it,
// the copy it was taken from, and the copy's date (YYYY-MM-DD).
type AWSList struct {
	File       string `json:"-"` // the file in the repository
	What       string `json:"what"`
	Source     string `json:"source"`
	URL        string `json:"url"`
	CopiedFrom string `json:"copiedFrom"`
	Date       string `json:"date"`
	Read       string `json:"read"`
	Update     string `json:"update"`
}

// cite is "<page> of <date> (<file>)", for messages.
func (l AWSList) cite() string {
	return fmt.Sprintf("%s of %s (%s)", l.URL, l.Date, l.File)
}

// Region is an AWS Region as AWS's partition metadata names it.
type Region struct {
	Name        string `json:"name"`        // "us-east-1"
	Partition   string `json:"partition"`   // "aws", "aws-cn", "aws-us-gov", ...
	Description string `json:"description"` // "US East (N. Virginia)"
}

// The lists, read once from the embedded files.
var (
	// EC2InstanceTypes are the EC2 instance type names, current and
	// previous generation, and their source.
	EC2InstanceTypes, ec2InstanceTypesList = mustReadNames("ec2-instance-types.json")
	// CacheNodeTypes are the ElastiCache node types that new clusters can
	// use (the current generation), PreviousCacheNodeTypes those AWS no
	// longer creates clusters of, and their source.
	CacheNodeTypes, PreviousCacheNodeTypes, cacheNodeTypesList = mustReadCacheNodeTypes()
	// Regions are every AWS Region, and their source.
	Regions, regionsList = mustReadRegions()
)

// EC2InstanceTypesSource is where EC2InstanceTypes come from.
func EC2InstanceTypesSource() AWSList { return ec2InstanceTypesList }

// CacheNodeTypesSource is where CacheNodeTypes come from.
func CacheNodeTypesSource() AWSList { return cacheNodeTypesList }

// RegionsSource is where Regions come from.
func RegionsSource() AWSList { return regionsList }

// IsEC2InstanceType reports whether name is an EC2 instance type of
// EC2InstanceTypes.
func IsEC2InstanceType(name string) bool { return slices.Contains(EC2InstanceTypes, name) }

// awsListPath is where the embedded lists are in the repository.
const awsListPath = "program/stackconfig/awslists/"

// readList decodes an embedded list file into out and returns its source.
// The files are part of the build, so a broken one is a bug of the
// repository, caught by every test of the package (the lists are read when
// it loads).
func readList(file string, out any) AWSList {
	data, err := awsListFiles.ReadFile("awslists/" + file)
	if err != nil {
		panic(fmt.Sprintf("stackconfig: %s%s: %v", awsListPath, file, err))
	}
	var l AWSList
	if err := json.Unmarshal(data, &l); err != nil {
		panic(fmt.Sprintf("stackconfig: %s%s: %v", awsListPath, file, err))
	}
	if err := json.Unmarshal(data, out); err != nil {
		panic(fmt.Sprintf("stackconfig: %s%s: %v", awsListPath, file, err))
	}
	l.File = awsListPath + file
	return l
}

func mustReadNames(file string) ([]string, AWSList) {
	var v struct {
		Names []string `json:"names"`
	}
	l := readList(file, &v)
	return v.Names, l
}

func mustReadCacheNodeTypes() (current, previous []string, l AWSList) {
	var v struct {
		Current  []string `json:"current"`
		Previous []string `json:"previous"`
	}
	l = readList("elasticache-node-types.json", &v)
	return v.Current, v.Previous, l
}

func mustReadRegions() ([]Region, AWSList) {
	var v struct {
		Regions []Region `json:"regions"`
	}
	l := readList("regions.json", &v)
	return v.Regions, l
}

// regionNames are the names of Regions.
func regionNames() []string {
	names := make([]string, len(Regions))
	for i, r := range Regions {
		names[i] = r.Name
	}
	return names
}
