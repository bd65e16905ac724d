#!/usr/bin/env bash
# Signs a sample Infobip webhook with the secret the service was started with and posts it.
#
#   samples/webhooks/send.sh [secret] [url] [file]
#     secret  the service's Webhooks:Infobip:Secret (default dev-secret)
#     url     where to post (default http://127.0.0.1:5080/webhooks/infobip/tiktok)
#     file    the webhook body (default infobip-text.json beside this script)
#
# Each run is a new customer message: its messageId is made fresh (sample-msg-<UTC time>-<random>) and its
# receivedAt is now, so the reply window is open and the service never takes a second run for a redelivery of the
# first (a redelivery is acknowledged and ignored). The id is printed before the service's answer.
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,12s/^# \{0,1\}//p' "$0"
  exit 0
fi
secret="${1:-dev-secret}"
url="${2:-http://127.0.0.1:5080/webhooks/infobip/tiktok}"
file="${3:-$(dirname "$0")/infobip-text.json}"
message_id="sample-msg-$(date -u +%Y%m%dT%H%M%S)-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
body="$(sed -e "s/\"receivedAt\": \"[^\"]*\"/\"receivedAt\": \"$(date -u +%Y-%m-%dT%H:%M:%S.000+0000)\"/" \
            -e "s/\"messageId\": \"[^\"]*\"/\"messageId\": \"$message_id\"/" "$file")"
signature="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.* //')"
echo "posting messageId $message_id to $url"
curl -sS -X POST "$url" -H 'Content-Type: application/json' -H "X-Infobip-Signature: $signature" --data-binary "$body"
echo
