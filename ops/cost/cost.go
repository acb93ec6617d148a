// Package cost estimates the monthly cost of a planned stack at no traffic,
// line by line, from a table of on-demand prices (prices-<region>.json,
// with its sources and date). Only us-east-1 is priced; other regions are
// refused rather than guessed, and so is a resource whose cost the plan
// cannot tell.
package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/ops/plan"
)

// PricesFile is the price table, relative to the repository.
const PricesFile = "ops/cost/prices-us-east-1.json"

//go:embed prices-us-east-1.json
var pricesJSON []byte

// Prices is the price table: list prices in USD, per hour (…Hourly), per
// month (…Monthly) or per GB-month, each from a page the table's sources
// name.
type Prices struct {
	Region                    string             `json:"region"`
	Date                      string             `json:"date"`
	Note                      string             `json:"note"`
	HoursPerMonth             float64            `json:"hoursPerMonth"`
	InstanceHourly            map[string]float64 `json:"instanceHourly"`
	CacheNodeHourly           map[string]float64 `json:"cacheNodeHourly"`
	GP3GBMonth                float64            `json:"gp3GBMonth"`
	NetworkLoadBalancerHourly float64            `json:"networkLoadBalancerHourly"`
	PublicIPv4Hourly          float64            `json:"publicIPv4Hourly"`
	NATGatewayHourly          float64            `json:"natGatewayHourly"`
	KMSKeyMonthly             float64            `json:"kmsKeyMonthly"`
	// KMSRotationMonthly is what each charged rotation of a key's material
	// adds to the key's monthly price; KMSChargedRotations is how many
	// rotations are charged (AWS KMS pricing: the first and the second).
	KMSRotationMonthly  float64 `json:"kmsRotationMonthly"`
	KMSChargedRotations int     `json:"kmsChargedRotations"`
	// AlarmMetricMonthly is the price of one metric of a standard
	// resolution alarm; CustomMetricMonthly of one custom metric (first
	// 10,000 of an account), for a month in which it is published every
	// hour (CloudWatch prorates both by the hour).
	AlarmMetricMonthly  float64  `json:"alarmMetricMonthly"`
	CustomMetricMonthly float64  `json:"customMetricMonthly"`
	DashboardMonthly    float64  `json:"dashboardMonthly"`
	Sources             []Source `json:"sources"`
	// InstanceHourlyNotConfirmed names the instance types whose price no
	// source read here confirmed, and why.
	InstanceHourlyNotConfirmed struct {
		Types []string `json:"types"`
		Added string   `json:"added"`
		Note  string   `json:"note"`
	} `json:"instanceHourlyNotConfirmed"`
}

// Source is a page a price comes from: For names the table's fields it
// gives, Read the date (YYYY-MM-DD) it was read, Says what it says there,
// NotConfirmed what of the price the copy read did not show.
type Source struct {
	For          []string `json:"for"`
	Title        string   `json:"title"`
	URL          string   `json:"url"`
	Read         string   `json:"read"`
	Says         string   `json:"says"`
	NotConfirmed string   `json:"notConfirmed,omitempty"`
}

// LoadPrices parses the embedded price table.
func LoadPrices() (Prices, error) { return parsePrices(pricesJSON) }

// parsePrices parses a price table and refuses one that lacks a price:
// a field left out would price its lines at nothing.
func parsePrices(data []byte) (Prices, error) {
	var p Prices
	if err := json.Unmarshal(data, &p); err != nil {
		return p, fmt.Errorf("cost: parse %s: %w", PricesFile, err)
	}
	for field, v := range map[string]float64{
		"hoursPerMonth": p.HoursPerMonth, "gp3GBMonth": p.GP3GBMonth,
		"networkLoadBalancerHourly": p.NetworkLoadBalancerHourly, "publicIPv4Hourly": p.PublicIPv4Hourly,
		"natGatewayHourly": p.NATGatewayHourly, "kmsKeyMonthly": p.KMSKeyMonthly,
		"kmsRotationMonthly": p.KMSRotationMonthly, "kmsChargedRotations": float64(p.KMSChargedRotations),
		"alarmMetricMonthly": p.AlarmMetricMonthly, "customMetricMonthly": p.CustomMetricMonthly,
		"dashboardMonthly": p.DashboardMonthly,
	} {
		if !(v > 0) {
			return p, fmt.Errorf("cost: %s: %s is missing or not above zero", PricesFile, field)
		}
	}
	return p, nil
}

// Line is one priced item of one resource, in USD per month rounded to
// the cent.
type Line struct {
	Resource string  `json:"resource"` // type and logical name
	Item     string  `json:"item"`     // what is priced, with its quantity
	Monthly  float64 `json:"monthlyUsd"`
}

// Estimate is the priced plan: its lines, sorted by resource, and their
// total, in USD per month, with the price table's region and date. The
// total is the sum of the lines as shown (each rounded to the cent).
type Estimate struct {
	Region     string  `json:"region"`
	PricesDate string  `json:"pricesDate"`
	PricesFile string  `json:"pricesFile"`
	Lines      []Line  `json:"lines"`
	Total      float64 `json:"totalUsd"`
}

// Of prices the plan p of a stack in region. It fails for another region
// than the table's, for an instance or node type the table lacks, and for
// a resource whose cost the plan cannot tell (see each resource's pricer).
func Of(p *plan.Plan, region string) (*Estimate, error) {
	prices, err := LoadPrices()
	if err != nil {
		return nil, err
	}
	if region != prices.Region {
		return nil, fmt.Errorf("cost: no prices for %s: %s holds %s only; see the plan of a %s stack with -config aws:region=%s",
			region, PricesFile, prices.Region, prices.Region, prices.Region)
	}
	e := &Estimate{Region: prices.Region, PricesDate: prices.Date, PricesFile: PricesFile}
	c := newPricer(p, prices, e)
	for _, r := range p.Resources {
		if err := c.price(r); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(e.Lines, func(i, j int) bool { return e.Lines[i].Resource < e.Lines[j].Resource })
	e.Total = total(e.Lines)
	return e, nil
}

// pricer prices the resources of one plan into its estimate.
type pricer struct {
	prices    Prices
	e         *Estimate
	byURN     map[string]plan.Resource
	templates map[string]plan.Resource // launch templates by ID
	// metrics holds each custom metric counted so far (see metricKey) and
	// the resource whose line pays for it.
	metrics map[string]string
}

func newPricer(p *plan.Plan, prices Prices, e *Estimate) *pricer {
	c := &pricer{prices: prices, e: e, byURN: map[string]plan.Resource{},
		templates: map[string]plan.Resource{}, metrics: map[string]string{}}
	for _, r := range p.Resources {
		c.byURN[r.URN] = r
		if r.Type == "aws:ec2/launchTemplate:LaunchTemplate" {
			c.templates[r.ID] = r
		}
	}
	return c
}

// price adds the lines of r, if it costs anything at no traffic.
func (c *pricer) price(r plan.Resource) error {
	switch r.Type {
	case "aws:autoscaling/group:Group":
		return c.autoScalingGroup(r)
	case "aws:ec2/instance:Instance":
		return c.instances(r, 1)
	case "aws:lb/loadBalancer:LoadBalancer":
		c.loadBalancer(r)
	case "aws:ec2/eip:Eip":
		c.add(r, "public IPv4 address", c.month(c.prices.PublicIPv4Hourly))
	case "aws:ec2/natGateway:NatGateway":
		c.add(r, "NAT gateway (no data at no traffic)", c.month(c.prices.NATGatewayHourly))
	case "aws:elasticache/replicationGroup:ReplicationGroup":
		return c.cacheNodes(r)
	case "aws:kms/key:Key":
		c.kmsKey(r)
	case "aws:cloudwatch/metricAlarm:MetricAlarm":
		c.alarm(r)
	case "aws:autoscaling/policy:Policy":
		return c.targetTrackingAlarms(r)
	case "aws:cloudwatch/logMetricFilter:LogMetricFilter":
		return c.metricFilter(r)
	case "aws:lambda/function:Function":
		c.processorMetrics(r)
	case "aws:cloudwatch/dashboard:Dashboard":
		c.add(r, "dashboard (an account's first three are free)", c.prices.DashboardMonthly)
	default:
		if _, free := freeAtNoTraffic[r.Type]; !free && r.Custom && !strings.HasPrefix(r.Type, "pulumi:providers:") {
			return fmt.Errorf("cost: no price for resource type %s (%s): price it in ops/cost/cost.go, or list it in freeAtNoTraffic (ops/cost/free.go) with the pricing page that says why", r.Type, r.Name)
		}
	}
	return nil
}

// add adds a line of r, rounded to the cent.
func (c *pricer) add(r plan.Resource, item string, monthly float64) {
	c.e.Lines = append(c.e.Lines, Line{Resource: r.Type + " " + r.Name, Item: item, Monthly: round(monthly)})
}

// month is an hourly price for the table's month.
func (c *pricer) month(hourly float64) float64 { return hourly * c.prices.HoursPerMonth }

// total sums the lines in whole cents, so the total is exactly the sum of
// the amounts shown.
func total(lines []Line) float64 {
	var cents int64
	for _, l := range lines {
		cents += int64(math.Round(l.Monthly * 100))
	}
	return float64(cents) / 100
}

func round(usd float64) float64 { return math.Round(usd*100) / 100 }

func obj(m resource.PropertyMap, key string) resource.PropertyMap {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsObject() {
		return v.ObjectValue()
	}
	return resource.PropertyMap{}
}

func arr(m resource.PropertyMap, key string) []resource.PropertyValue {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsArray() {
		return v.ArrayValue()
	}
	return nil
}

func str(m resource.PropertyMap, key string) string {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

func num(m resource.PropertyMap, key string) float64 {
	if v, ok := m[resource.PropertyKey(key)]; ok && v.IsNumber() {
		return v.NumberValue()
	}
	return 0
}

func boolean(m resource.PropertyMap, key string) bool {
	v, ok := m[resource.PropertyKey(key)]
	return ok && v.IsBool() && v.BoolValue()
}
