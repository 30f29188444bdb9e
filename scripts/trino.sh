#!/usr/bin/env bash
# A single-node Trino 476 on 127.0.0.1 that reads the warehouse through its Delta Lake connector (SPEC §5):
# schema olist.marts holds the base marts (registered, never copied), the admin's but for dim_date, which holds
# nothing of anyone's and which every seed user reads; schema
# olist.secure_<set> holds the rls job's secured copies of one access set (<warehouse>/secure/<set>/), in which
# rows outside the set's states are physically absent. The access rules are the rls job's
# (<warehouse>/secure/_trino_access_rules.json, reloaded every few seconds): each seed user reads only their set's
# schema and olist.marts.dim_date, anybody else nothing.
#   scripts/trino.sh start --warehouse DIR [--port N]   start (or restart), register the tables, print the URL
#   scripts/trino.sh sync                             register new tables and access sets, drop removed ones
#                                                     (run-pipeline.sh calls it after a run on this warehouse)
#   scripts/trino.sh sql [--user NAME] [--format FMT] "SQL"   run one statement as NAME (default: the admin)
#   scripts/trino.sh status                           exit 0 when running
#   scripts/trino.sh stop                             stop the server
# Environment: TRINO_JAVA_HOME (a JDK >= 24; default the newest under /usr/lib/jvm), OLIST_TRINO_CACHE
# (where the server is unpacked; default ~/.cache/olist-marts), OLIST_TRINO_STATE (config, metastore and logs;
# default target/trino), OLIST_TRINO_ADMIN (the admin user; default admin, as olist.rls.trino-admin),
# OLIST_TRINO_HEAP (default 1G).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSION=476
CACHE=${OLIST_TRINO_CACHE:-$HOME/.cache/olist-marts}
SERVER_HOME=$CACHE/trino-server-$VERSION
CLI_JAR=$CACHE/trino-cli-$VERSION-executable.jar
STATE=${OLIST_TRINO_STATE:-$ROOT/target/trino}
ADMIN=${OLIST_TRINO_ADMIN:-admin}
CATALOG=olist

die() { echo "ERROR: $*" >&2; exit 1; }

trino_java_home() {
  if [[ -n "${TRINO_JAVA_HOME:-}" ]]; then echo "$TRINO_JAVA_HOME"; return; fi
  local jdk best="" best_v=0 v
  for jdk in /usr/lib/jvm/*; do
    [[ -x "$jdk/bin/java" && -f "$jdk/release" ]] || continue
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release")
    [[ -n "$v" && "$v" -gt "$best_v" ]] && { best_v=$v; best=$jdk; }
  done
  echo "$best"
}

check_java() {
  local home v
  home=$(trino_java_home)
  [[ -n "$home" && -x "$home/bin/java" ]] || die "Cannot run Trino: no JDK found; set TRINO_JAVA_HOME to a JDK >= 24"
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null)
  [[ -n "$v" && "$v" -ge 24 ]] || die "Cannot run Trino $VERSION: it needs a JDK >= 24, $home is '${v:-unknown}'; set TRINO_JAVA_HOME"
  JAVA_HOME_TRINO=$home
}

# Fetches the server tarball and the CLI with Maven (so a mirror configured for Maven serves them too) and keeps
# only what a Delta Lake node needs: bin/, lib/ and plugin/delta-lake (~400 MB instead of ~900 MB).
fetch() {
  [[ -x "$SERVER_HOME/bin/launcher" && -d "$SERVER_HOME/plugin/delta-lake" && -s "$CLI_JAR" ]] && return 0
  command -v mvn >/dev/null || die "Cannot fetch Trino: Maven (mvn) is not on the PATH"
  mkdir -p "$CACHE"
  local dl
  dl=$(mktemp -d "$CACHE/download.XXXXXX")
  echo "Fetching io.trino:trino-server:$VERSION and trino-cli with Maven into $CACHE ..." >&2
  if ! mvn -B -q dependency:copy -Dartifact=io.trino:trino-server:$VERSION:tar.gz -DoutputDirectory="$dl" >&2 \
     || ! mvn -B -q dependency:copy -Dartifact=io.trino:trino-cli:$VERSION:jar:executable -DoutputDirectory="$dl" >&2; then
    rm -rf "$dl"; die "Cannot fetch Trino $VERSION with Maven (see the output above)"
  fi
  tar -xzf "$dl/trino-server-$VERSION.tar.gz" -C "$dl" || { rm -rf "$dl"; die "Cannot unpack trino-server-$VERSION.tar.gz"; }
  local unpacked=$dl/trino-server-$VERSION keep
  mkdir -p "$dl/slim/plugin"
  for keep in bin lib; do mv "$unpacked/$keep" "$dl/slim/"; done
  mv "$unpacked/plugin/delta-lake" "$dl/slim/plugin/"
  rm -rf "$SERVER_HOME"
  mv "$dl/slim" "$SERVER_HOME"
  mv "$dl/trino-cli-$VERSION-executable.jar" "$CLI_JAR"
  chmod +x "$CLI_JAR"
  rm -rf "$dl"
}

port() { cat "$STATE/port" 2>/dev/null; }
url() { echo "http://127.0.0.1:$(port)"; }

running() {
  [[ -f "$STATE/data/var/run/launcher.pid" ]] || return 1
  "$SERVER_HOME/bin/launcher" status --data-dir "$STATE/data" --etc-dir "$STATE/etc" >/dev/null 2>&1
}

write_config() {
  local warehouse=$1 port=$2
  rm -rf "$STATE/etc" "$STATE/metastore"
  mkdir -p "$STATE/etc/catalog" "$STATE/metastore" "$STATE/data"
  echo "$port" > "$STATE/port"
  echo "$warehouse" > "$STATE/warehouse"
  cat > "$STATE/etc/node.properties" <<PROPS
node.environment=olist
node.id=olist-marts-local
node.data-dir=$STATE/data
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
PROPS
  cat > "$STATE/etc/config.properties" <<PROPS
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$port
query.max-memory=512MB
query.max-memory-per-node=512MB
PROPS
  cat > "$STATE/etc/jvm.config" <<PROPS
-server
-Xmx${OLIST_TRINO_HEAP:-1G}
-XX:+UseG1GC
-XX:+ExitOnOutOfMemoryError
-Djdk.attach.allowAttachSelf=true
-Dfile.encoding=UTF-8
PROPS
  echo "io.trino=WARN" > "$STATE/etc/log.properties"
  cat > "$STATE/etc/access-control.properties" <<PROPS
access-control.name=file
security.config-file=$STATE/etc/access-rules.json
security.refresh-period=5s
PROPS
  link_rules "$warehouse"
  cat > "$STATE/etc/catalog/$CATALOG.properties" <<PROPS
connector.name=delta_lake
hive.metastore=file
hive.metastore.catalog.dir=local://$STATE/metastore
fs.native-local.enabled=true
local.location=/
delta.register-table-procedure.enabled=true
PROPS
}

wait_ready() {
  local i
  for i in $(seq 1 120); do
    if curl -fsS "$(url)/v1/info" 2>/dev/null | grep -q '"starting":false'; then return 0; fi
    running || break
    sleep 1
  done
  tail -n 40 "$STATE/data/var/log/server.log" >&2 2>/dev/null
  return 1
}

# The CLI's JLine warns on stderr that there is no terminal and about native access; only real errors remain.
cli() {
  "$JAVA_HOME_TRINO/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.jline.terminal.dumb=true \
    -jar "$CLI_JAR" --server "$(url)" --catalog "$CATALOG" "$@" \
    2> >(grep -v -E 'org.jline.utils.Log logr|Unable to create a system terminal|^$' >&2)
}

RULES_FILE=secure/_trino_access_rules.json

# Trino reads the rls job's rules where the job writes them (a link: a later rls run takes effect within the refresh
# period, without a restart). Before the first rls run only the admin may read anything.
link_rules() {
  local warehouse=$1 rules=$STATE/etc/access-rules.json
  if [[ -f "$warehouse/$RULES_FILE" ]]; then
    ln -sfn "$warehouse/$RULES_FILE" "$rules"
  else
    echo "WARNING: $warehouse/$RULES_FILE does not exist yet (run the rls job, then scripts/trino.sh sync):" \
      "until then only the admin ($ADMIN) can read anything" >&2
    rm -f "$rules"
    cat > "$rules" <<JSON
{
  "catalogs": [{ "user": "$(regex_quote "$ADMIN")", "catalog": ".*", "allow": "all" }, { "catalog": ".*", "allow": "none" }],
  "tables": [{ "user": "$(regex_quote "$ADMIN")", "privileges": ["SELECT", "INSERT", "DELETE", "UPDATE", "OWNERSHIP"] }],
  "procedures": [{ "user": "$(regex_quote "$ADMIN")", "catalog": ".*", "schema": ".*", "procedure": ".*", "privileges": ["EXECUTE"] }],
  "queries": [{ "user": "$(regex_quote "$ADMIN")", "allow": ["execute", "kill", "view"] }, { "allow": ["execute"] }]
}
JSON
  fi
}

regex_quote() { printf '%s' "$1" | sed 's/[][\\.^$*+?(){}|]/\\\\&/g'; }

# The Delta tables Trino should know, as "schema.table location" lines: the base marts and each access set's copies.
tables_on_disk() {
  local warehouse=$1 table set
  for table in "$warehouse"/marts/*/; do
    table=${table%/}
    [[ -d "$table/_delta_log" ]] && echo "marts.$(basename "$table") $table"
  done
  for set in "$warehouse"/secure/*/; do
    set=${set%/}
    [[ "$(basename "$set")" == _* ]] && continue
    for table in "$set"/*/; do
      table=${table%/}
      [[ -d "$table/_delta_log" ]] && echo "secure_$(basename "$set").$(basename "$table") $table"
    done
  done
  return 0
}

# Says which of the tables a reader expects are not built yet; Trino starts without them.
report_missing() {
  local warehouse=$1 table
  for table in meta_project_status dim_security_rls dim_rls_bridge; do
    [[ -d "$warehouse/marts/$table/_delta_log" ]] || \
      echo "WARNING: marts/$table is not built yet (run the $([[ $table == meta_project_status ]] && echo status || echo rls) job, then scripts/trino.sh sync)" >&2
  done
  if ! compgen -G "$warehouse/secure/*/fct_order_items/_delta_log" >/dev/null; then
    echo "WARNING: no secured copies under $warehouse/secure (run the marts and rls jobs, then scripts/trino.sh sync): only the admin can read the marts" >&2
  fi
}

# Registers the tables on disk that Trino does not know yet and unregisters those gone from disk (a removed access
# set), so that Trino's schemas follow the warehouse. Registration stores a pointer: later commits (the fact's
# MERGE, a copy's refresh) are read without registering again.
register() {
  local warehouse=$1 setup=$STATE/setup.sql known name location schema
  known=$(cli --user "$ADMIN" --output-format CSV_UNQUOTED --execute "SELECT table_schema || '.' || table_name
    FROM $CATALOG.information_schema.tables WHERE table_schema = 'marts' OR table_schema LIKE 'secure\_%' ESCAPE '\\'") || return 1
  local on_disk
  on_disk=$(tables_on_disk "$warehouse")
  {
    echo "CREATE SCHEMA IF NOT EXISTS $CATALOG.marts;"
    while read -r name location; do
      [[ -n "$name" ]] || continue
      schema=${name%%.*}
      grep -qxF "$name" <<<"$known" && continue
      echo "CREATE SCHEMA IF NOT EXISTS $CATALOG.$schema;"
      echo "CALL $CATALOG.system.register_table(schema_name => '$schema', table_name => '${name#*.}', table_location => 'local://$location');"
    done <<<"$on_disk"
    while read -r name; do
      [[ -n "$name" ]] || continue
      grep -q "^$name " <<<"$on_disk" && continue
      echo "CALL $CATALOG.system.unregister_table(schema_name => '${name%%.*}', table_name => '${name#*.}');"
    done <<<"$known"
    for schema in $(cut -d. -f1 <<<"$known" | sort -u); do
      [[ "$schema" == secure_* ]] || continue
      grep -q "^$schema\." <<<"$on_disk" || echo "DROP SCHEMA IF EXISTS $CATALOG.$schema;"
    done
  } > "$setup"
  cli --user "$ADMIN" --file "$setup" > "$STATE/setup.log" 2>&1 || {
    cat "$STATE/setup.log" >&2; return 1; }
}

cmd_sync() {
  check_java
  running || die "Cannot sync: Trino is not running (scripts/trino.sh start --warehouse DIR)"
  local warehouse
  warehouse=$(cat "$STATE/warehouse")
  link_rules "$warehouse"
  report_missing "$warehouse"
  register "$warehouse" || die "Cannot register the warehouse's tables in Trino (see $STATE/setup.log)"
  echo "Trino knows $(tables_on_disk "$warehouse" | wc -l) tables of $warehouse"
}

cmd_start() {
  local warehouse="" port=${OLIST_TRINO_PORT:-18080}
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --warehouse) warehouse=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      *) die "unknown option for start: '$1'" ;;
    esac
  done
  [[ -n "$warehouse" ]] || die "Cannot start Trino: --warehouse DIR is required"
  [[ -d "$warehouse/marts" ]] || die "Cannot start Trino: $warehouse/marts does not exist (run the pipeline first)"
  warehouse=$(cd "$warehouse" && pwd)
  check_java
  fetch || exit 1
  mkdir -p "$STATE"
  if running; then cmd_stop; fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "Cannot start Trino: port $port on 127.0.0.1 is in use (choose another with --port or OLIST_TRINO_PORT)"
  fi
  write_config "$warehouse" "$port"
  JAVA_HOME="$JAVA_HOME_TRINO" "$SERVER_HOME/bin/launcher" start --etc-dir "$STATE/etc" --data-dir "$STATE/data" \
    >"$STATE/launcher.out" 2>&1 || { cat "$STATE/launcher.out" >&2; die "Cannot start Trino (see $STATE/data/var/log)"; }
  wait_ready || { cmd_stop >/dev/null 2>&1; die "Cannot start Trino: the server did not become ready (log above)"; }
  report_missing "$warehouse"
  register "$warehouse" || { cmd_stop >/dev/null 2>&1; die "Cannot register the marts in Trino (see $STATE/setup.log)"; }
  echo "$(url)"
}

cmd_stop() {
  [[ -x "$SERVER_HOME/bin/launcher" && -d "$STATE/data" ]] || return 0
  JAVA_HOME="$(trino_java_home)" "$SERVER_HOME/bin/launcher" stop --etc-dir "$STATE/etc" --data-dir "$STATE/data" >/dev/null 2>&1
  local i
  for i in $(seq 1 30); do running || return 0; sleep 1; done
  JAVA_HOME="$(trino_java_home)" "$SERVER_HOME/bin/launcher" kill --etc-dir "$STATE/etc" --data-dir "$STATE/data" >/dev/null 2>&1
  return 0
}

cmd_sql() {
  local user=$ADMIN format=CSV_HEADER
  while [[ $# -gt 1 ]]; do
    case "$1" in
      --user) user=$2; shift 2 ;;
      --format) format=$2; shift 2 ;;
      *) break ;;
    esac
  done
  [[ $# -eq 1 ]] || die "usage: scripts/trino.sh sql [--user NAME] [--format FMT] \"SQL\""
  check_java
  running || die "Cannot run SQL: Trino is not running (scripts/trino.sh start --warehouse DIR)"
  cli --user "$user" --output-format "$format" --execute "$1"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop; echo "Trino stopped" ;;
  sql) shift; cmd_sql "$@" ;;
  sync) shift; cmd_sync ;;
  status) if running; then echo "running at $(url), warehouse $(cat "$STATE/warehouse")"; else echo "not running"; exit 3; fi ;;
  -h|--help|"") sed -n '2,20p' "$0"; [[ -n "${1:-}" ]] ;;
  *) die "unknown command '$1' (start|stop|sql|sync|status)" ;;
esac
