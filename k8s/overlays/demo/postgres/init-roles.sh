#!/bin/sh
# Creates one login role per service, each owning only its own schema (where Flyway then creates
# the tables at the service's start). The roles cannot create databases, roles or schemas
# elsewhere, and nobody but them (and the superuser) may connect to the database.
#
# The official postgres image runs this once, on an empty data directory, from
# /docker-entrypoint-initdb.d. docker-compose.yml and the k8s demo overlay both use this file.
# Each service's role name and password come from <SERVICE>_DB_USER and <SERVICE>_DB_PASSWORD.
set -eu

create_service_role() { # environment prefix, schema
  user=$(printenv "$1_DB_USER" || true)
  password=$(printenv "$1_DB_PASSWORD" || true)
  if [ -z "$user" ] || [ -z "$password" ]; then
    echo "init-roles: $1_DB_USER and $1_DB_PASSWORD must both be set" >&2
    exit 1
  fi
  # psql variables (:"name" quotes an identifier, :'name' a literal) keep the values out of the SQL text.
  psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v role="$user" -v password="$password" -v schema="$2" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
GRANT CONNECT, TEMPORARY ON DATABASE :"DBNAME" TO :"role";
CREATE SCHEMA :"schema" AUTHORIZATION :"role";
SQL
  echo "init-roles: role $user owns schema $2"
}

psql --no-psqlrc -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
REVOKE ALL ON DATABASE :"DBNAME" FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL

create_service_role TOOL_REGISTRY tool_registry
create_service_role SANDBOX sandbox
create_service_role MEMORY_GUILD memory_guild
create_service_role GUARDIAN guardian
