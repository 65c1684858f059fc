#!/bin/sh
# Copies the JWT key pair from the host (bin/prometheus creates it in .prometheus/keys on first
# use) into the volumes the services mount, owned by the services' user: the host's private key
# file is readable by its owner only, which is not the services' user. The public key goes to
# every service; the private key, with which the registry and the sandbox sign their own tokens
# for calling each other, to those two; the secrets master key (the registry encrypts tool secrets
# with it) only to the registry.
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
if [ ! -s /host-keys/secrets.key ]; then
  echo "install-keys: no secrets master key (secrets.key) in the keys folder; create it with: bin/prometheus token --sub admin" >&2
  exit 1
fi
cp /host-keys/secrets.key /secrets-key/secrets.key
chmod 0400 /secrets-key/secrets.key
chown 10001:10001 /secrets-key/secrets.key
echo "install-keys: installed the public key for every service, the private key and the secrets master key"
