// Package cost estimates the monthly cost of a planned stack at no traffic,
// line by line, from a table of on-demand prices (prices-<region>.json,
// with its sources and date). Only us-east-1 is priced; other regions are
// refused rather than guessed.
package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/push-turnkey/push-turnkey/internal/plan"
)

// PricesFile is the price table, relative to the repository.
const PricesFile = "internal/cost/prices-us-east-1.json"

//go:embed prices-us-east-1.json
var pricesJSON []byte

// Prices is the price table: hourly and monthly list prices in USD.
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
	AlarmMetricMonthly        float64            `json:"alarmMetricMonthly"`
	DashboardMonthly          float64            `json:"dashboardMonthly"`
}

// LoadPrices parses the embedded price table.
func LoadPrices() (Prices, error) {
	var p Prices
	if err := json.Unmarshal(pricesJSON, &p); err != nil {
		return p, fmt.Errorf("cost: parse %s: %w", PricesFile, err)
	}
	return p, nil
}

// Line is one priced item of one resource.
type Line struct {
	Resource string  `json:"resource"` // type and logical name
	Item     string  `json:"item"`     // what is priced, with its quantity
	Monthly  float64 `json:"monthlyUsd"`
}

// Estimate is the priced plan: its lines, sorted by resource, and their
// total, in USD per month, with the price table's region and date.
type Estimate struct {
	Region     string  `json:"region"`
	PricesDate string  `json:"pricesDate"`
	PricesFile string  `json:"pricesFile"`
	Lines      []Line  `json:"lines"`
	Total      float64 `json:"totalUsd"`
}

// Of prices the plan p of a stack in region. It fails for another region
// than the table's and for an instance or node type the table lacks.
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
	hours := prices.HoursPerMonth
	templates := map[string]plan.Resource{}
	for _, r := range p.Find("aws:ec2/launchTemplate:LaunchTemplate") {
		templates[r.ID] = r
	}
	add := func(r plan.Resource, item string, monthly float64) {
		e.Lines = append(e.Lines, Line{Resource: r.Type + " " + r.Name, Item: item, Monthly: round(monthly)})
	}
	// instances prices n instances of the launch template lt is.
	instances := func(r plan.Resource, n float64) error {
		lt, ok := templates[str(obj(r.Inputs, "launchTemplate"), "id")]
		if !ok {
			return fmt.Errorf("cost: %s %s: its launch template is not in the plan", r.Type, r.Name)
		}
		typ := str(lt.Inputs, "instanceType")
		hourly, ok := prices.InstanceHourly[typ]
		if !ok {
			return fmt.Errorf("cost: no price for instance type %s in %s", typ, PricesFile)
		}
		add(r, fmt.Sprintf("%g × %s instance", n, typ), n*hourly*hours)
		for _, m := range arr(lt.Inputs, "blockDeviceMappings") {
			if m.IsObject() {
				gib := num(obj(m.ObjectValue(), "ebs"), "volumeSize")
				add(r, fmt.Sprintf("%g × %g GiB gp3 volume", n, gib), n*gib*prices.GP3GBMonth)
			}
		}
		return nil
	}
	for _, r := range p.Resources {
		switch r.Type {
		case "aws:autoscaling/group:Group":
			// Nodes get a public address in the public subnets.
			n := num(r.Inputs, "desiredCapacity")
			if err := instances(r, n); err != nil {
				return nil, err
			}
			add(r, fmt.Sprintf("%g × public IPv4 address", n), n*prices.PublicIPv4Hourly*hours)
		case "aws:ec2/instance:Instance":
			if err := instances(r, 1); err != nil {
				return nil, err
			}
		case "aws:lb/loadBalancer:LoadBalancer":
			add(r, "Network Load Balancer (no LCU at no traffic)", prices.NetworkLoadBalancerHourly*hours)
			zones := float64(len(arr(r.Inputs, "subnets")))
			add(r, fmt.Sprintf("%g × public IPv4 address (one per zone)", zones), zones*prices.PublicIPv4Hourly*hours)
		case "aws:ec2/eip:Eip":
			add(r, "public IPv4 address", prices.PublicIPv4Hourly*hours)
		case "aws:ec2/natGateway:NatGateway":
			add(r, "NAT gateway (no data at no traffic)", prices.NATGatewayHourly*hours)
		case "aws:elasticache/replicationGroup:ReplicationGroup":
			typ, n := str(r.Inputs, "nodeType"), num(r.Inputs, "numCacheClusters")
			hourly, ok := prices.CacheNodeHourly[typ]
			if !ok {
				return nil, fmt.Errorf("cost: no price for ElastiCache node type %s in %s", typ, PricesFile)
			}
			add(r, fmt.Sprintf("%g × %s node", n, typ), n*hourly*hours)
		case "aws:kms/key:Key":
			add(r, "KMS key", prices.KMSKeyMonthly)
		case "aws:cloudwatch/metricAlarm:MetricAlarm":
			// Billed per metric the alarm reads; an expression is free.
			metrics := 0.0
			if str(r.Inputs, "metricName") != "" {
				metrics = 1
			}
			for _, q := range arr(r.Inputs, "metricQueries") {
				if q.IsObject() && q.ObjectValue()["metric"].IsObject() {
					metrics++
				}
			}
			add(r, fmt.Sprintf("alarm on %g metric(s)", metrics), metrics*prices.AlarmMetricMonthly)
		case "aws:cloudwatch/dashboard:Dashboard":
			add(r, "dashboard (an account's first three are free)", prices.DashboardMonthly)
		}
	}
	sort.SliceStable(e.Lines, func(i, j int) bool { return e.Lines[i].Resource < e.Lines[j].Resource })
	for _, l := range e.Lines {
		e.Total += l.Monthly
	}
	e.Total = round(e.Total)
	return e, nil
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
