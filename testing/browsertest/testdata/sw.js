// Reports each push message's text, as Firefox decrypted it, to the test.
self.addEventListener("push", event => {
  const text = event.data ? event.data.text() : "";
  event.waitUntil(fetch("/pushed", { method: "POST", body: text }));
});
