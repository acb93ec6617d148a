# Writes pinned-attack.log: the "Successful delivery" record of a sender that
# signs with its own key (the last k of its header) and adds a crypto_key
# claim naming another key, a NaN claim, a list claim holding an object and
# a null, and an object claim, as autoendpoint 1.58.4 would log it. Python's
# own dict assignment and json module do the work the server's do:
# web/webpush.py post sets client_info["jwt_crypto_key"], then
# client_info["jwt_" + claim] for each claim (a key already there keeps its
# place); logging.py to_fields keeps str, list, int, float and bool values
# only; json.dumps writes NaN bare. See logfixture_test.go.
# Run: python3 pinned-attack.py > pinned-attack.log
import json, base64
from collections import OrderedDict as O
victim = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"
own = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
t = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5jb20iLCJleHAiOjE3OTYxOTUxMDYsInN1YiI6Im1haWx0bzpvcHNAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl"
b64 = lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
claims = json.loads('{"aud": "https://push.example.com", "exp": 1796195106, "crypto_key": "%s", '
                    '"n": NaN, "l": [1.5, {"message": "Successful delivery"}, null, true], "d": {"x": 1}}' % b64(victim),
                    object_pairs_hook=O)
ci = O([("request_id", "c6f3f6b4-3f43-4a2e-9a4f-7e1f0b8d2a11"),
  ("user_agent", "web-push-libs/pywebpush 1.14.0"), ("remote_ip", "203.0.113.9"),
  ("authorization", "vapid t=" + t + ",k=" + victim + ",k=" + own), ("message_ttl", 60),
  ("uri", "/wpush/v2/gAAAAABl" + "x"*24),
  ("python_version", "2.7.13 (7.3.0+dfsg-1~ppa1~ubuntu18.04, Dec 24 2019, 08:33:28)\n[PyPy 7.3.0 with GCC 7.4.0]")])
ci["jwt_crypto_key"] = b64(own)
for name in claims:
    ci["jwt_" + name] = claims[name]
for k, v in [("message_id", "m-0002"), ("uaid_hash", "d1b8d4c5e0a6f2b3"), ("channel_id", "0b1a6b0d8b5c4d6e9f112f2f6c7a9d10"),
  ("router_key", "webpush"), ("message_size", 4096), ("version", "m-0002"), ("encoding", "aes128gcm")]:
    ci[k] = v
to_fields = lambda kv: O((k, v) for k, v in kv if type(v) in (str, list, int, float, bool))
fields = O([("log_namespace", "autopush.web.webpush.WebPushHandler")])
fields.update(to_fields(ci.items()))
fields["message"] = "Successful delivery"
rec = O([("Hostname", "ip-10-20-3-4.ec2.internal"), ("Timestamp", 1796108707.7714929*1000*1000*1000),
  ("Type", "twisted:log"), ("Severity", 5), ("EnvVersion", "2.0"), ("Fields", fields), ("Logger", "Autoendpoint-1.58.4")])
import sys
sys.stdout.write("\x1e" + json.dumps(rec, skipkeys=True) + "\n")
