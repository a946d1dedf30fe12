#!/usr/bin/env bash
# Connection settings for the local services started by up.sh.
#
#   source scripts/services/env.sh      # exports them into the current shell
#   scripts/services/env.sh             # prints KEY=value lines (dotenv style)
#   eval "$(scripts/services/env.sh --export)"
#
# Port overrides (PG_PORT, REDIS_PORT, KAFKA_PORT, MONGO_PORT, NGINX_PORT)
# are honoured. Safe to source: it does not change shell options.

__services_env() {
  local pg=${PG_PORT:-55432} redis=${REDIS_PORT:-56379} kafka=${KAFKA_PORT:-59092}
  local mongo=${MONGO_PORT:-57017} nginx=${NGINX_PORT:-8080}
  printf '%s\n' \
    "DATABASE_URL=postgresql://booking:booking@127.0.0.1:$pg/booking" \
    "REDIS_URL=redis://127.0.0.1:$redis" \
    "KAFKA_BROKERS=127.0.0.1:$kafka" \
    "MONGO_URL=mongodb://127.0.0.1:$mongo" \
    "NGINX_PORT=$nginx"
}

if [[ ${BASH_SOURCE[0]} != "$0" ]]; then
  while IFS= read -r __line; do
    export "${__line?}"
  done < <(__services_env)
  unset __line
  unset -f __services_env
else
  if [[ ${1:-} == --export ]]; then
    __services_env | sed 's/^/export /'
  else
    __services_env
  fi
fi
