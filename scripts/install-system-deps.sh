#!/usr/bin/env bash
# Debian packages the real-server tests need: PostgreSQL 15's server binaries, PgBouncer, Redis and
# openssl. Installs only what is missing; run as root (CI is).
set -euo pipefail
need=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
# The migration test turns TLS on for a test server with a throwaway certificate.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian packages start their own services; the tests start private ones on free ports instead.
for svc in pgbouncer redis-server; do service "$svc" stop >/dev/null 2>&1 || true; done
