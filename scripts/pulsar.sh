#!/usr/bin/env bash
# Runs a real Apache Pulsar standalone broker for tests and benchmarks, with no Docker: the
# server distribution comes from Maven Central and is cached outside the repository.
#
#   scripts/pulsar.sh start    download if needed, start on 127.0.0.1, wait until ready (the
#                              admin API answers and a new topic can be stored), create tenant
#                              tg and namespace tg/flow
#   scripts/pulsar.sh start-secure
#                              the same with token authentication, authorization and TLS (and
#                              client certificates) on the web port; PULSAR_SECURE=1 start too
#   scripts/pulsar.sh stop     stop the broker and delete its data
#   scripts/pulsar.sh status   exit 0 when a broker answers at PULSAR_HTTP_URL
#   scripts/pulsar.sh kill     SIGKILL the broker, as a crash would, keeping its data
#   scripts/pulsar.sh restart  start again on the data a kill left (the fault-injection tests)
#
# A secured broker takes PULSAR_HTTP_URL as https://127.0.0.1:PORT (default 8443): its admin API.
# Its WebSocket API is a separate Pulsar WebSocket proxy (`pulsar websocket`) on
# https://127.0.0.1:PULSAR_WS_PORT (default PORT + 2), because the WebSocket service inside a
# standalone broker cannot open producers and consumers once authorization is on (see
# docs/design.md, "Broker authentication and TLS"). Its throwaway CA, certificates, token key and
# tokens are generated into $TG_PULSAR_STATE/secrets with openssl and the distribution's
# `pulsar tokens`, and $TG_PULSAR_STATE/secure.env names them with the gateway's settings:
# PULSAR_HTTP_URL (the WebSocket proxy), PULSAR_ADMIN_URL (the broker's admin API),
# PULSAR_AUTH_TOKEN_FILE (role tg-gateway, allowed to produce and consume on tg/flow and nothing
# else), PULSAR_TLS_CA_FILE, PULSAR_TLS_CERT_FILE, PULSAR_TLS_KEY_FILE, and for tests
# TG_PULSAR_ADMIN_TOKEN_FILE (the super-user), TG_PULSAR_UNGRANTED_TOKEN_FILE (a valid token
# whose role has no permission anywhere), TG_PULSAR_BINARY_URL (the broker's binary port, plain,
# where tokens are checked as on the web port) and TG_PULSAR_BINARY_TLS_URL (its binary port over
# TLS, PULSAR_BROKER_TLS_PORT). Clients of the web port and the TLS binary port must present a
# certificate the CA signed.
#
# Environment: PULSAR_VERSION (4.0.6), TG_CACHE_DIR (~/.cache/tg-gateway),
# PULSAR_HTTP_URL (http://127.0.0.1:8080), PULSAR_BROKER_PORT (6650), PULSAR_PLAIN_WEB_PORT (the
# secured broker's plain web port for its own clients, default the TLS port + 1), PULSAR_WS_PORT
# (the secured broker's WebSocket proxy, default the TLS port + 2), PULSAR_ZK_PORT and
# PULSAR_BOOKIE_PORT (the secured broker's ZooKeeper and bookie, default the broker port + 1 and
# + 2), PULSAR_BROKER_TLS_PORT (the secured broker's binary port over TLS, default the broker port
# + 3), PULSAR_READY_TIMEOUT
# seconds (180), TG_PULSAR_STATE (the run's state dir, default $TG_CACHE_DIR/pulsar-run),
# PULSAR_WS_IDLE_TIMEOUT_MS (Pulsar's webSocketSessionIdleTimeoutMillis, 300000 as shipped: the
# broker closes a WebSocket session that has been idle this long).
set -euo pipefail

version="${PULSAR_VERSION:-4.0.6}"
cache="${TG_CACHE_DIR:-$HOME/.cache/tg-gateway}/pulsar"
state="${TG_PULSAR_STATE:-${TG_CACHE_DIR:-$HOME/.cache/tg-gateway}/pulsar-run}"
secure="${PULSAR_SECURE:-0}"
# status and stop find out from the state dir whether the broker started there is a secured one.
if [ "${1:-}" = start-secure ] || { [ "${1:-}" != start ] && [ -f "$state/secure.env" ]; }; then secure=1; fi
if [ "$secure" = 1 ]; then http_url="${PULSAR_HTTP_URL:-https://127.0.0.1:8443}"; else http_url="${PULSAR_HTTP_URL:-http://127.0.0.1:8080}"; fi
home="$cache/apache-pulsar-$version"
web_port="${http_url##*:}"; web_port="${web_port%%/*}"
broker_port="${PULSAR_BROKER_PORT:-6650}"
plain_web_port="${PULSAR_PLAIN_WEB_PORT:-$((web_port + 1))}"
ws_port="${PULSAR_WS_PORT:-$((web_port + 2))}"
zk_port="${PULSAR_ZK_PORT:-$((broker_port + 1))}"
bookie_port="${PULSAR_BOOKIE_PORT:-$((broker_port + 2))}"
broker_tls_port="${PULSAR_BROKER_TLS_PORT:-$((broker_port + 3))}"

log() { echo "pulsar.sh: $*" >&2; }

secrets="$state/secrets"

# curl as the super-user of a secured broker (its CA, a client certificate and the admin token).
admin_curl() {
  if [ "$secure" = 1 ]; then
    curl --cacert "$secrets/ca.pem" --cert "$secrets/client.pem" --key "$secrets/client.key" \
      -H "Authorization: Bearer $(cat "$secrets/admin.token")" "$@"
  else
    curl "$@"
  fi
}

answers() { admin_curl -fsS --max-time 2 "$http_url/admin/v2/namespaces/public" 2>/dev/null | grep -q 'public/default'; }

# Whether a new topic can be stored: creating one opens a ledger on the bookie. The admin API
# answers before that works (after a crash, the bookie recovers its journal first), and a
# producer created meanwhile is refused ("Not enough non-faulty bookies available"). The topic
# is created afresh each time and deleted again.
stores() {
  local topic="$http_url/admin/v2/persistent/public/default/tg-ready-check"
  admin_curl -sS -o /dev/null --max-time 10 -X DELETE "$topic?force=true" 2>/dev/null || true
  admin_curl -fsS -o /dev/null --max-time 10 -X PUT "$topic" 2>/dev/null || return 1
  admin_curl -sS -o /dev/null --max-time 10 -X DELETE "$topic?force=true" 2>/dev/null || true
}

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
  set_key "$conf" brokerServicePort "$broker_port"
  set_key "$conf" webSocketServiceEnabled true
  set_key "$conf" brokerDeleteInactiveTopicsEnabled false
  set_key "$conf" brokerShutdownTimeoutMs 3000
  set_key "$conf" webSocketNumIoThreads 2
  set_key "$conf" webSocketConnectionsPerBroker 2
  set_key "$conf" webSocketSessionIdleTimeoutMillis "${PULSAR_WS_IDLE_TIMEOUT_MS:-300000}"
  # The gateway's largest frame (50 MiB) base64-encoded, plus the JSON around it.
  set_key "$conf" webSocketMaxTextFrameSize 73400320
  set_key "$conf" transactionCoordinatorEnabled false
  # A benchmark writes about a gigabyte a minute: rolled journals (2 GiB each) are not kept, and
  # entry logs whose ledgers are gone are reclaimed every minute, so that the disk does not fill
  # (the bookie turns read-only at 99 %, and every producer is then refused).
  set_key "$conf" journalMaxBackups 0
  set_key "$conf" gcWaitTime 60000
}

# A throwaway CA, a certificate for the broker (127.0.0.1 and localhost) and one for its clients,
# a token signing key, and tokens for the super-user, the gateway and a role granted nothing.
make_secrets() {
  command -v openssl >/dev/null || { log "openssl not found: it makes the secured broker's certificates"; exit 1; }
  mkdir -p "$secrets"
  (
    cd "$secrets"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=tg-gateway test CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    for name in broker client; do
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key" 2>/dev/null
      openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr" 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >"$name.ext"
      openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile "$name.ext" -out "$name.pem" 2>/dev/null
    done
    chmod 600 ./*.key
  )
  "$home/bin/pulsar" tokens create-secret-key --output "$secrets/secret.key" >/dev/null 2>&1
  # One JVM each, started together: one after the other they take most of a minute on two cores.
  local role pids=()
  for role in admin tg-gateway nobody websocket; do
    "$home/bin/pulsar" tokens create --secret-key "file://$secrets/secret.key" --subject "$role" \
      >"$secrets/$role.token" 2>"$secrets/$role.err" &
    pids+=($!)
  done
  for role in "${pids[@]}"; do wait "$role" || { log "could not create the tokens: $(cat "$secrets"/*.err)"; exit 1; }; done
  rm -f "$secrets"/*.err
  cat >"$state/secure.env" <<ENV
PULSAR_HTTP_URL=https://127.0.0.1:$ws_port
PULSAR_ADMIN_URL=$http_url
PULSAR_AUTH_TOKEN_FILE=$secrets/tg-gateway.token
PULSAR_TLS_CA_FILE=$secrets/ca.pem
PULSAR_TLS_CERT_FILE=$secrets/client.pem
PULSAR_TLS_KEY_FILE=$secrets/client.key
TG_PULSAR_ADMIN_TOKEN_FILE=$secrets/admin.token
TG_PULSAR_UNGRANTED_TOKEN_FILE=$secrets/nobody.token
TG_PULSAR_BINARY_URL=pulsar://127.0.0.1:$broker_port
TG_PULSAR_BINARY_TLS_URL=pulsar+ssl://127.0.0.1:$broker_tls_port
ENV
}

# The TLS, token authentication and authorization keys that the broker and the WebSocket proxy
# read alike.
security_keys() {
  local conf=$1
  set_key "$conf" tlsCertificateFilePath "$secrets/broker.pem"
  set_key "$conf" tlsKeyFilePath "$secrets/broker.key"
  set_key "$conf" tlsTrustCertsFilePath "$secrets/ca.pem"
  set_key "$conf" tlsRequireTrustedClientCertOnConnect true
  set_key "$conf" tlsAllowInsecureConnection false
  set_key "$conf" authenticationEnabled true
  set_key "$conf" authenticationProviders org.apache.pulsar.broker.authentication.AuthenticationProviderToken
  set_key "$conf" tokenSecretKey "file://$secrets/secret.key"
  set_key "$conf" authorizationEnabled true
}

# Token authentication and authorization for the broker and its admin API, and TLS with client
# certificates on the web port. Its own WebSocket service is off: inside a broker it connects with
# the broker's client role and a stand-in originalPrincipal, which the broker refuses unless that
# role is in proxyRoles, and a role in proxyRoles cannot connect on its own, as the standalone
# broker's admin client does at start-up. The WebSocket proxy runs apart (websocket_conf).
secure_conf() {
  local conf=$1
  set_key "$conf" webServicePortTls "$web_port"
  set_key "$conf" webSocketServiceEnabled false
  # The broker's own clients and the WebSocket proxy's cannot all present a client certificate
  # (the proxy's client has no setting for one), so they keep the plain ports on 127.0.0.1: the
  # binary port and a web port of their own, which require the token too.
  set_key "$conf" webServicePort "$plain_web_port"
  set_key "$conf" brokerServicePortTls "$broker_tls_port"
  security_keys "$conf"
  # The WebSocket proxy's role may act for others: the broker then checks that role only, for a
  # proxy's stand-in originalPrincipal, and the proxy checks the socket's own role itself.
  set_key "$conf" superUserRoles admin,websocket
  set_key "$conf" proxyRoles websocket
  # The broker's own client authenticates as the super-user.
  set_key "$conf" brokerClientAuthenticationPlugin org.apache.pulsar.client.impl.auth.AuthenticationToken
  set_key "$conf" brokerClientAuthenticationParameters "file://$secrets/admin.token"
  set_key "$conf" brokerClientTrustCertsFilePath "$secrets/ca.pem"
  set_key "$conf" brokerClientCertificateFilePath "$secrets/client.pem"
  set_key "$conf" brokerClientKeyFilePath "$secrets/client.key"
}

# The WebSocket proxy of a secured broker: TLS with client certificates on its own port, token
# authentication, and authorization of each socket's role against the policies it reads from the
# broker's ZooKeeper; it reaches the broker on the plain binary port as role websocket.
websocket_conf() {
  local conf=$1
  cp "$home/conf/websocket.conf" "$conf"
  set_key "$conf" configurationMetadataStoreUrl "zk:127.0.0.1:$zk_port"
  set_key "$conf" brokerServiceUrl "pulsar://127.0.0.1:$broker_port"
  set_key "$conf" serviceUrl "http://127.0.0.1:$plain_web_port"
  set_key "$conf" clusterName standalone
  set_key "$conf" bindAddress 127.0.0.1
  set_key "$conf" webServicePort ""
  set_key "$conf" webServicePortTls "$ws_port"
  set_key "$conf" webSocketNumIoThreads 2
  set_key "$conf" webSocketConnectionsPerBroker 2
  set_key "$conf" webSocketSessionIdleTimeoutMillis "${PULSAR_WS_IDLE_TIMEOUT_MS:-300000}"
  set_key "$conf" webSocketMaxTextFrameSize 73400320
  security_keys "$conf"
  set_key "$conf" superUserRoles admin
  set_key "$conf" brokerClientAuthenticationPlugin org.apache.pulsar.client.impl.auth.AuthenticationToken
  set_key "$conf" brokerClientAuthenticationParameters "file://$secrets/websocket.token"
}

# The WebSocket proxy answers once its TLS port does: a request without a token is refused there.
ws_answers() {
  local code
  code=$(admin_curl -sS -o /dev/null -w '%{http_code}' --max-time 2 "https://127.0.0.1:$ws_port/ws/v2/consumer/persistent/tg/flow/ready/ready" 2>/dev/null) || true
  [ -n "$code" ] && [ "$code" != 000 ]
}

start_websocket() {
  websocket_conf "$state/websocket.conf"
  (
    export PULSAR_WEBSOCKET_CONF="$state/websocket.conf" PULSAR_LOG_DIR="$state/logs"
    export PULSAR_MEM="-Xms64m -Xmx256m -XX:MaxDirectMemorySize=256m"
    exec setsid "$home/bin/pulsar" websocket >"$state/websocket.out" 2>&1
  ) &
  echo $! >"$state/websocket.pid"
  local deadline=$((SECONDS + ${PULSAR_READY_TIMEOUT:-180}))
  until ws_answers; do
    if ! kill -0 "$(cat "$state/websocket.pid")" 2>/dev/null; then
      log "the WebSocket proxy exited during start-up; last lines of $state/websocket.out:"; tail -30 "$state/websocket.out" >&2; stop; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      log "the WebSocket proxy is not ready after ${PULSAR_READY_TIMEOUT:-180}s; last lines of $state/websocket.out:"; tail -30 "$state/websocket.out" >&2; stop; exit 1
    fi
    sleep 1
  done
}

start() {
  if answers; then log "a broker already answers at $http_url"; return 0; fi
  command -v java >/dev/null || { log "java not found: install a Java 17 runtime"; exit 1; }
  fetch
  [ "${keep_data:-0}" = 1 ] || rm -rf "$state"
  mkdir -p "$state"
  write_conf "$state/standalone.conf"
  if [ "$secure" = 1 ]; then
    case "$http_url" in https://*) ;; *) log "a secured broker needs an https:// PULSAR_HTTP_URL, not $http_url"; exit 2 ;; esac
    make_secrets
    secure_conf "$state/standalone.conf"
  fi
  local started=$SECONDS
  (
    export PULSAR_STANDALONE_CONF="$state/standalone.conf" PULSAR_LOG_DIR="$state/logs"
    export PULSAR_MEM="${PULSAR_MEM:--Xms256m -Xmx512m -XX:MaxDirectMemorySize=512m}"
    export PULSAR_GC="-XX:+UseG1GC -XX:MaxGCPauseMillis=10"
    local metadata=(--metadata-dir "$state/meta")
    # The WebSocket proxy reads the policies from the broker's metadata store, which a standalone
    # broker keeps in a RocksDB of its own unless told to run ZooKeeper.
    if [ "$secure" = 1 ]; then
      export PULSAR_STANDALONE_USE_ZOOKEEPER=1
      metadata=(--zookeeper-dir "$state/zk" --zookeeper-port "$zk_port" --bookkeeper-port "$bookie_port")
    fi
    exec setsid "$home/bin/pulsar" standalone -nfw -nss -a 127.0.0.1 \
      "${metadata[@]}" --bookkeeper-dir "$state/bk" >"$state/pulsar.out" 2>&1
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
  until stores; do
    if [ $SECONDS -ge $deadline ]; then
      log "the broker answers but cannot store a new topic after ${PULSAR_READY_TIMEOUT:-180}s; last lines of $state/pulsar.out:"
      tail -30 "$state/pulsar.out" >&2; stop; exit 1
    fi
    sleep 1
  done
  # Secured, the gateway's role administers tenant tg: reading a namespace's deduplication policy
  # (for ?producer= imports) is a tenant administrator's right in Pulsar's authorization.
  local tenant='{"allowedClusters":["standalone"]}'
  [ "$secure" != 1 ] || tenant='{"allowedClusters":["standalone"],"adminRoles":["tg-gateway"]}'
  # Created, or (kept from an earlier start) updated to the same.
  admin_curl -fsS -X PUT -H 'Content-Type: application/json' -d "$tenant" \
    "$http_url/admin/v2/tenants/tg" >/dev/null 2>&1 ||
    admin_curl -fsS -X POST -H 'Content-Type: application/json' -d "$tenant" \
      "$http_url/admin/v2/tenants/tg" >/dev/null 2>&1 || true
  admin_curl -fsS -X PUT "$http_url/admin/v2/namespaces/tg/flow" >/dev/null 2>&1 || true
  admin_curl -fsS "$http_url/admin/v2/namespaces/tg" | grep -q 'tg/flow' || { log "could not create namespace tg/flow"; exit 1; }
  if [ "$secure" = 1 ]; then
    admin_curl -fsS -X POST -H 'Content-Type: application/json' -d '["produce","consume"]' \
      "$http_url/admin/v2/namespaces/tg/flow/permissions/tg-gateway" >/dev/null ||
      { log "could not grant role tg-gateway on tg/flow"; exit 1; }
    start_websocket
  fi
  log "Apache Pulsar $(admin_curl -fsS "$http_url/admin/v2/brokers/version" 2>/dev/null || echo "$version") ready at $http_url$([ "$secure" != 1 ] || echo " (token authentication, TLS; WebSocket proxy at https://127.0.0.1:$ws_port; settings in $state/secure.env)") in $((SECONDS - started))s ($(java -version 2>&1 | head -1))"
}

# Ends the process group started with the pid in file $1: SIGTERM, then SIGKILL after 10 s.
end_group() {
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    # brokerShutdownTimeoutMs is 3 s; give the JVM twice that plus margin, then force it.
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
}

stop() {
  [ -f "$state/pid" ] || { log "no broker started by this script"; return 0; }
  end_group "$state/websocket.pid"
  end_group "$state/pid"
  rm -rf "$state"
  log "stopped"
}

# SIGKILL to the broker's process group, and waits until it is gone: no shutdown, no flush.
crash() {
  [ -f "$state/pid" ] || { log "no broker started by this script"; return 0; }
  local pid; pid=$(cat "$state/pid")
  kill -KILL -- "-$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  log "killed with SIGKILL; its data stays in $state for restart"
}

case "${1:-}" in
  start | start-secure) start ;;
  restart) keep_data=1 start ;;
  stop) stop ;;
  kill) crash ;;
  status) answers ;;
  *) echo "usage: $0 start|start-secure|stop|status|kill|restart" >&2; exit 2 ;;
esac
