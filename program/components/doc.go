// Package components holds the Pulumi component resources the push stack
// is built of: Network, PrivateNetwork, LogKey, CryptoKey, PushTables,
// Certificate, DomainAlias, PushService, FirehoseLogging, ProcessorTier,
// Alarms and Dashboard. Each takes its decisions as arguments (it never
// reads config) and exposes what its callers need. The instances' start
// scripts and units are files in boot/, rendered from NodeBoot and APIBoot.
package components
