// Package browsertest proves the browser path with a real browser:
// Firefox, headless, subscribes through the Push API at the push service
// stand-in (testing/pushstandin), an application server sends to that
// subscription as the README says (webpush-go: RFC 8291 aes128gcm, RFC
// 8292 VAPID), and the page's service worker reports the text it read.
//
// Its tests need Firefox (Debian's firefox-esr) and fail without it. The
// page is served from http://127.0.0.1, a secure context, so service
// workers need no testing pref; the push prefs are in pushPrefs.
package browsertest
