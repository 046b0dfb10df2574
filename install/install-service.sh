#!/usr/bin/env bash
# Installs EdgeRuntime as a systemd service after install/install.sh has built it:
#   sudo install/install-service.sh [user]
# Writes /etc/systemd/system/edgeruntime.service and a starting configuration (edgeruntime.json) beside the
# binaries, which an admin edits: inbox folder, results folder, broker (empty Host = embedded broker on
# 127.0.0.1), user and password for the broker.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
home=${EDGERT_HOME:-$repo/artifacts}
user=${1:-${SUDO_USER:-$(id -un)}}
[ "$(id -u)" -eq 0 ] || { echo "install-service: run as root (sudo)" >&2; exit 1; }
[ -x "$home/bin/edgert" ] || { echo "install-service: $home/bin/edgert missing; run install/install.sh first" >&2; exit 1; }

config="$home/edgeruntime.json"
if [ ! -f "$config" ]; then
  cat > "$config" <<JSON
{
  "EdgeRuntime": {
    "Inbox": { "Path": "$home/inbox" },
    "Journal": { "DatabasePath": "$home/state/journal.db" },
    "Processing": { "ResultsDirectory": "$home/results", "TaskStateDirectory": "$home/state/tasks" },
    "Plugins": { "ActiveFile": "$home/state/active-plugins.json" },
    "Mqtt": { "Host": "", "Port": 1883 }
  }
}
JSON
  chown "$user" "$config"
fi

sed -e "s|@REPO@|$repo|g" -e "s|@HOME@|$home|g" -e "s|@USER@|$user|g" "$repo/install/edgeruntime.service" > /etc/systemd/system/edgeruntime.service
systemctl daemon-reload
systemctl enable --now edgeruntime.service
systemctl --no-pager status edgeruntime.service | head -5
echo "Configuration: $config (restart the service after editing it: systemctl restart edgeruntime)"
