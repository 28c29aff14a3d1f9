#!/usr/bin/env bash
# Starts the local services the integration tests use, when they are not already running.
# Each check is a TCP probe on 127.0.0.1; the start commands are the machine's own.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_if_down() {
  local name=$1 port=$2; shift 2
  if up "$port"; then echo "$name: running on $port"; return 0; fi
  echo "$name: starting"
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do up "$port" && { echo "$name: up on $port"; return 0; }; sleep 0.5; done
  echo "$name: did not come up on $port (tests that need it will fail)"
}

# Only what the suite uses today; connectors add theirs here as they land.
if [ "${SLUICE_SERVICES:-}" = "all" ]; then
  start_if_down redis 6379 redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  start_if_down nats 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  start_if_down postgres 5432 bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
  start_if_down mariadb 3306 start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  start_if_down rabbitmq 5672 rabbitmq-server -detached
  start_if_down mosquitto 1883 mosquitto -d -c /etc/mosquitto/mosquitto.conf
  command -v kcat >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat)
  # Headless Chromium for the Bloblang playground test (driven by playwright-core, no download).
  [ -x /usr/bin/chromium ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
fi
exit 0
