# Redis 7, PostgreSQL 15 and nginx for docker/cluster.yaml, from Debian bookworm's own packages: the
# same versions the tests start (test/support/redis.ts, postgres.ts, originProxy.ts), and no
# registry but Debian's mirror needed, so the cluster comes up where Docker Hub cannot be reached.
# One stage per service:
#
#   docker build -f docker/cluster-services.Dockerfile --target redis docker/
#   docker build -f docker/cluster-services.Dockerfile --target postgres docker/
#   docker build -f docker/cluster-services.Dockerfile --target origin-proxy docker/
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS redis
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
USER redis
EXPOSE 6379
HEALTHCHECK --interval=5s --timeout=5s --retries=5 CMD ["redis-cli", "ping"]
# Redis holds nothing that must last (docs/operations.md#cluster-redis): no snapshots, no
# append-only file. It listens on the compose network only: the compose file publishes no port.
CMD ["redis-server", "--bind", "* -::*", "--protected-mode", "no", "--save", "", "--appendonly", "no"]

FROM ${BASE_IMAGE} AS postgres
ENV DEBIAN_FRONTEND=noninteractive
# No cluster made at install time: the entry point makes one in the volume on the first start.
RUN mkdir -p /etc/postgresql-common \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.conf \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
 && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
ENV PGDATA=/var/lib/postgresql/data
VOLUME /var/lib/postgresql/data
EXPOSE 5432
HEALTHCHECK --interval=5s --timeout=5s --retries=10 CMD ["/usr/lib/postgresql/15/bin/pg_isready", "-h", "127.0.0.1", "-U", "hybrid_stage", "-d", "hybrid_stage"]
STOPSIGNAL SIGINT
ENTRYPOINT ["sh", "/usr/local/bin/postgres-entrypoint.sh"]

FROM ${BASE_IMAGE} AS origin-proxy
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
COPY origin-proxy.conf /etc/nginx/conf.d/origin-proxy.conf
EXPOSE 3000
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
