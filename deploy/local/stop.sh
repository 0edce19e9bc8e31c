#!/usr/bin/env bash
# Stops what deploy/local/run.sh --keep-running left up: the services, then Kafka and PostgreSQL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/services.sh" stop
"$here/infra.sh" stop
