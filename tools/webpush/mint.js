// Prints a VAPID key pair and the Authorization value web-push makes with
// it: node mint.js <aud> <exp seconds since the epoch>. The tests use it
// as a developer would make a dashboard proof: with the library they send
// pushes with.
const webpush = require('web-push');
const [aud, exp] = process.argv.slice(2);
const keys = webpush.generateVAPIDKeys();
const headers = webpush.getVapidHeaders(aud, 'mailto:dev@example.com', keys.publicKey, keys.privateKey, 'aes128gcm', Number(exp));
console.log(JSON.stringify({ publicKey: keys.publicKey, privateKey: keys.privateKey, authorization: headers.Authorization }));
