#!/bin/sh
# Copies the JWT key pair from the host (bin/prometheus creates it in .prometheus/keys on first
# use) into the volumes the services mount, owned by the services' user: the host's private key
# file is readable by its owner only, which is not the services' user. The public key goes to
# every service; the private key, with which the registry signs its own tokens for calling the
# sandbox, only to the registry.
set -eu
if [ ! -s /host-keys/public.pem ] || [ ! -s /host-keys/private.pem ]; then
  echo "install-keys: no key pair in the keys folder (PROMETHEUS_KEYS_DIR, default .prometheus/keys)." >&2
  echo "install-keys: create it with: bin/prometheus token --sub admin --groups admin" >&2
  exit 1
fi
cp /host-keys/public.pem /jwt/public.pem
chmod 0444 /jwt/public.pem
cp /host-keys/private.pem /service-key/private.pem
chmod 0400 /service-key/private.pem
chown 10001:10001 /service-key/private.pem
echo "install-keys: installed the public key for every service and the private key for the registry"
