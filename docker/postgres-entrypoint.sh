#!/bin/sh
# PostgreSQL 15 (Debian) for docker/cluster.yaml. On the first start (an empty volume) it makes the
# cluster, a role and a database both named hybrid_stage with POSTGRES_PASSWORD, and lets password
# logins in from the network; then, every time, it runs the server in the foreground.
set -eu
BIN=/usr/lib/postgresql/15/bin
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"
  echo "postgres-entrypoint: first start, making the database in $PGDATA"
  "$BIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  "$BIN/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  # psql reads the password from the environment (\getenv), so it is on no command line.
  printf '%s\n' '\getenv password POSTGRES_PASSWORD' "CREATE ROLE hybrid_stage LOGIN PASSWORD :'password';" "CREATE DATABASE hybrid_stage OWNER hybrid_stage;" \
    | "$BIN/psql" -v ON_ERROR_STOP=1 -U postgres -d postgres -q
  "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
fi
exec "$BIN/postgres" -D "$PGDATA"
