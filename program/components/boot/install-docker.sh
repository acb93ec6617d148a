# A mirror can fail once: retry before giving up on the boot.
for attempt in 1 2 3 4 5; do
  dnf install -y docker && break
  if [ "$attempt" -eq 5 ]; then
    echo "push-turnkey: installing docker failed 5 times" >&2
    exit 1
  fi
  sleep $((attempt * 15))
done
systemctl enable --now docker
