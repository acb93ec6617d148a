// Package dashboardtest tries the developer dashboard as a person uses it:
// Debian's Chromium, headless, driven by chromedp, on the page the real
// Messages API serves over redis-server and dynalite, with a proof npm's
// web-push makes and a log object written as autopush 1.58.4 writes it,
// read by the real processor. It takes the README's screenshots.
package dashboardtest
