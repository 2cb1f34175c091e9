#!/usr/bin/env bash
# Runs a real Apache Pulsar standalone broker for tests and benchmarks, with no Docker: the
# server distribution comes from Maven Central and is cached outside the repository.
#
#   scripts/pulsar.sh start    download if needed, start on 127.0.0.1, wait until ready,
#                              create tenant tg and namespace tg/flow
#   scripts/pulsar.sh stop     stop the broker and delete its data
#   scripts/pulsar.sh status   exit 0 when a broker answers at PULSAR_HTTP_URL
#
# Environment: PULSAR_VERSION (4.0.6), TG_CACHE_DIR (~/.cache/tg-gateway),
# PULSAR_HTTP_URL (http://127.0.0.1:8080), PULSAR_BROKER_PORT (6650), PULSAR_READY_TIMEOUT
# seconds (180), TG_PULSAR_STATE (the run's state dir, default $TG_CACHE_DIR/pulsar-run),
# PULSAR_WS_IDLE_TIMEOUT_MS (Pulsar's webSocketSessionIdleTimeoutMillis, 300000 as shipped: the
# broker closes a WebSocket session that has been idle this long).
set -euo pipefail

version="${PULSAR_VERSION:-4.0.6}"
cache="${TG_CACHE_DIR:-$HOME/.cache/tg-gateway}/pulsar"
http_url="${PULSAR_HTTP_URL:-http://127.0.0.1:8080}"
state="${TG_PULSAR_STATE:-${TG_CACHE_DIR:-$HOME/.cache/tg-gateway}/pulsar-run}"
home="$cache/apache-pulsar-$version"
web_port="${http_url##*:}"; web_port="${web_port%%/*}"

log() { echo "pulsar.sh: $*" >&2; }

answers() { curl -fsS --max-time 2 "$http_url/admin/v2/namespaces/public" 2>/dev/null | grep -q 'public/default'; }

fetch() {
  [ -x "$home/bin/pulsar" ] && return 0
  local tarball="$cache/pulsar-server-distribution-$version-bin.tar.gz"
  mkdir -p "$cache"
  if [ ! -s "$tarball" ]; then
    log "downloading org.apache.pulsar:pulsar-server-distribution:$version from Maven Central"
    mvn -q -B dependency:copy \
      "-Dartifact=org.apache.pulsar:pulsar-server-distribution:$version:tar.gz:bin" \
      "-DoutputDirectory=$cache" >&2
  fi
  tar xzf "$tarball" -C "$cache"
}

# Edits a key of standalone.conf in place: bookkeeper turns a repeated key into a list.
set_key() {
  local file=$1 key=$2 value=$3
  if grep -q "^$key=" "$file"; then
    sed -i "s|^$key=.*|$key=$value|" "$file"
  else
    # the shipped file does not end with a newline
    [ -z "$(tail -c1 "$file")" ] || echo >>"$file"
    echo "$key=$value" >>"$file"
  fi
}

write_conf() {
  local conf=$1
  cp "$home/conf/standalone.conf" "$conf"
  set_key "$conf" bindAddress 127.0.0.1
  set_key "$conf" advertisedAddress 127.0.0.1
  set_key "$conf" webServicePort "$web_port"
  set_key "$conf" brokerServicePort "${PULSAR_BROKER_PORT:-6650}"
  set_key "$conf" webSocketServiceEnabled true
  set_key "$conf" brokerDeleteInactiveTopicsEnabled false
  set_key "$conf" brokerShutdownTimeoutMs 3000
  set_key "$conf" webSocketNumIoThreads 2
  set_key "$conf" webSocketConnectionsPerBroker 2
  set_key "$conf" webSocketSessionIdleTimeoutMillis "${PULSAR_WS_IDLE_TIMEOUT_MS:-300000}"
  # The gateway's largest frame (50 MiB) base64-encoded, plus the JSON around it.
  set_key "$conf" webSocketMaxTextFrameSize 73400320
  set_key "$conf" transactionCoordinatorEnabled false
}

start() {
  if answers; then log "a broker already answers at $http_url"; return 0; fi
  command -v java >/dev/null || { log "java not found: install a Java 17 runtime"; exit 1; }
  fetch
  rm -rf "$state"; mkdir -p "$state"
  write_conf "$state/standalone.conf"
  local started=$SECONDS
  (
    export PULSAR_STANDALONE_CONF="$state/standalone.conf" PULSAR_LOG_DIR="$state/logs"
    export PULSAR_MEM="${PULSAR_MEM:--Xms256m -Xmx512m -XX:MaxDirectMemorySize=512m}"
    export PULSAR_GC="-XX:+UseG1GC -XX:MaxGCPauseMillis=10"
    exec setsid "$home/bin/pulsar" standalone -nfw -nss -a 127.0.0.1 \
      --metadata-dir "$state/meta" --bookkeeper-dir "$state/bk" >"$state/pulsar.out" 2>&1
  ) &
  echo $! >"$state/pid"
  local deadline=$((SECONDS + ${PULSAR_READY_TIMEOUT:-180}))
  until answers; do
    if ! kill -0 "$(cat "$state/pid")" 2>/dev/null; then
      log "the broker exited during start-up; last lines of $state/pulsar.out:"; tail -30 "$state/pulsar.out" >&2; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "not ready after ${PULSAR_READY_TIMEOUT:-180}s; last lines of $state/pulsar.out:"; tail -30 "$state/pulsar.out" >&2; stop; exit 1
    fi
    sleep 1
  done
  curl -fsS -X PUT -H 'Content-Type: application/json' -d '{"allowedClusters":["standalone"]}' \
    "$http_url/admin/v2/tenants/tg" >/dev/null 2>&1 || true
  curl -fsS -X PUT "$http_url/admin/v2/namespaces/tg/flow" >/dev/null 2>&1 || true
  curl -fsS "$http_url/admin/v2/namespaces/tg" | grep -q 'tg/flow' || { log "could not create namespace tg/flow"; exit 1; }
  log "Apache Pulsar $(curl -fsS "$http_url/admin/v2/brokers/version" 2>/dev/null || echo "$version") ready at $http_url in $((SECONDS - started))s ($(java -version 2>&1 | head -1))"
}

stop() {
  [ -f "$state/pid" ] || { log "no broker started by this script"; return 0; }
  local pid; pid=$(cat "$state/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    # brokerShutdownTimeoutMs is 3 s; give the JVM twice that plus margin, then force it.
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -rf "$state"
  log "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
