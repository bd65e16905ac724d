#!/usr/bin/env bash
# Signs a sample Infobip webhook with the secret the service was started with and posts it.
#   samples/webhooks/send.sh [secret] [url] [file]
set -euo pipefail
secret="${1:-dev-secret}"
url="${2:-http://127.0.0.1:5080/webhooks/infobip/tiktok}"
file="${3:-$(dirname "$0")/infobip-text.json}"
# receivedAt = now, so the reply window is open.
body="$(sed "s/\"receivedAt\": \"[^\"]*\"/\"receivedAt\": \"$(date -u +%Y-%m-%dT%H:%M:%S.000+0000)\"/" "$file")"
signature="$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -hex | sed 's/^.* //')"
curl -sS -X POST "$url" -H 'Content-Type: application/json' -H "X-Infobip-Signature: $signature" --data-binary "$body"
echo
