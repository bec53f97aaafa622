#!/usr/bin/env bash
# Debian packages the real-server tests need: PgBouncer and Redis (PostgreSQL 15's server binaries
# come from postgresql-15). Installs only what is missing; run as root (CI is).
set -euo pipefail
need=()
command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql-15)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# The Debian packages start their own services; the tests start private ones on free ports instead.
for svc in pgbouncer redis-server; do service "$svc" stop >/dev/null 2>&1 || true; done
