# Writes pinned-delivery.log: one "Successful delivery" record, its fields
# and their order as we read them in the autopush 1.58.4 source, formatted by
# Python's own json module (see logfixture_test.go).
# Run: python3 pinned-delivery.py > pinned-delivery.log
import json, base64
from collections import OrderedDict as O
k = "BA1Hxzyi1RUM1b5wjxsn7nGxAszw2u61m164i3MrAIxHF6YK5h4SDYic-dRuU_RCPCfA5aq9ojSwk5Y2EmClBPs"
t = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJodHRwczovL3B1c2guZXhhbXBsZS5jb20iLCJleHAiOjE3OTYxOTUxMDYsInN1YiI6Im1haWx0bzpvcHNAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl"
fields = O([("log_namespace", "autopush.web.webpush.WebPushHandler"),
  ("request_id", "c6f3f6b4-3f43-4a2e-9a4f-7e1f0b8d2a11"),
  ("user_agent", "web-push-libs/pywebpush 1.14.0"), ("remote_ip", "203.0.113.9"),
  ("authorization", "vapid t=" + t + ",k=" + k), ("message_ttl", 60),
  ("uri", "/wpush/v2/gAAAAABl" + "x"*24),
  ("python_version", "2.7.13 (7.3.0+dfsg-1~ppa1~ubuntu18.04, Dec 24 2019, 08:33:28)\n[PyPy 7.3.0 with GCC 7.4.0]"),
  ("jwt_crypto_key", base64.urlsafe_b64encode(k.encode()).decode().rstrip("=")),
  ("jwt_aud", "https://push.example.com"), ("jwt_exp", 1796195106), ("jwt_sub", "mailto:ops@example.com"),
  ("message_id", "m-0001"), ("uaid_hash", "d1b8d4c5e0a6f2b3"), ("channel_id", "0b1a6b0d8b5c4d6e9f112f2f6c7a9d10"),
  ("router_key", "webpush"), ("message_size", 4096), ("version", "m-0001"), ("encoding", "aes128gcm"),
  ("message", "Successful delivery")])
rec = O([("Hostname", "ip-10-20-3-4.ec2.internal"), ("Timestamp", 1796108707.7714929*1000*1000*1000),
  ("Type", "twisted:log"), ("Severity", 5), ("EnvVersion", "2.0"), ("Fields", fields), ("Logger", "Autoendpoint-1.58.4")])
import sys
sys.stdout.write("\x1e" + json.dumps(rec, skipkeys=True) + "\n")
