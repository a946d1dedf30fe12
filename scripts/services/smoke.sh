#!/usr/bin/env bash
# End-to-end check of the running local services (after up.sh): a SQL query,
# a Redis PING, a Kafka topic create/produce/consume/delete, a MongoDB-wire
# ping, and nginx's health endpoint. Prints "N passed, N failed".
#   scripts/services/smoke.sh
set -uo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pass=0 fail=0
check() {
  local name=$1
  shift
  if out=$("$@" 2>&1); then
    printf 'ok    %s\n' "$name"
    pass=$((pass + 1))
  else
    printf 'FAIL  %s\n%s\n' "$name" "$(tail -n 5 <<<"$out")"
    fail=$((fail + 1))
  fi
}

pg_check() {
  local bin
  bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  [[ $("$bin/psql" -X -tA "postgresql://booking:booking@127.0.0.1:$PG_PORT/booking" -c 'SELECT 40 + 2') == 42 ]]
}
redis_check() { [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping) == PONG ]]; }
kafka_check() {
  local k="$SERVICES_DIR/kafka-cli.sh" topic="smoke-$$-$RANDOM" got
  "$k" topics --create --topic "$topic" --partitions 1 >/dev/null || return 1
  echo "hello-$topic" | "$k" console-producer --topic "$topic" || return 1
  got=$("$k" console-consumer --topic "$topic" --from-beginning --max-messages 1 --timeout-ms 20000 2>/dev/null)
  "$k" topics --delete --topic "$topic" >/dev/null
  [[ $got == "hello-$topic" ]]
}
mongo_check() { python3 "$SERVICES_DIR/mongo-ping.py" 127.0.0.1 "$MONGO_PORT"; }
nginx_check() { [[ $(curl -fsS --max-time 3 "http://127.0.0.1:$NGINX_PORT/nginx-health") == ok ]]; }

check "postgres query" pg_check
check "redis ping" redis_check
check "kafka produce/consume" kafka_check
check "mongo (FerretDB) ping" mongo_check
check "nginx health" nginx_check

printf '%s passed, %s failed\n' "$pass" "$fail"
((fail == 0))
