# Faramesh, built from this repository with the scripts CI runs (npm install, node scripts/build.mjs).
#   docker build -t faramesh .                                   the server (the last stage)
#   docker build -t faramesh-demo-agent --target demo-agent .    the demo agent of docker-compose.yaml
# `faramesh init-docker` copies this file as is. tests/deploy/ checks it against the repository, and
# CI builds both targets with buildah and runs them (docs/deployment.md says what is verified).

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
# better-sqlite3 compiles from source when no prebuilt binary matches; node-gyp uses the image's headers.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# The README's toolchain: npm 11 (the node:20 image ships npm 10).
RUN npm install --global npm@11
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY . .
RUN npm install
RUN node scripts/build.mjs
RUN npm prune --omit=dev

# The built application without compilers or dev dependencies. Files stay owned by root, so the
# unprivileged process can read but not change them.
FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY --from=build /app/integrations ./integrations
COPY --from=build /app/policies ./policies

# examples/demo-agent on the built SDK: a few simulated agents that keep the dashboard busy.
FROM app AS demo-agent
COPY --from=build /app/examples/demo-agent ./examples/demo-agent
USER node
ENV FARAMESH_BASE_URL=http://faramesh:8000
CMD ["node", "examples/demo-agent/agent.mjs"]

# The server: the default target.
FROM app AS server
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# SQLite's temporary files (statement journals, large sorts) default to /var/tmp, outside the
# volumes: on a read-only root file system they belong next to the database.
ENV FARAMESH_HOST=0.0.0.0 \
    FARAMESH_PORT=8000 \
    FARA_POLICY_FILE=/app/policies/default.yaml \
    FARA_SQLITE_PATH=/app/data/actions.db \
    SQLITE_TMPDIR=/app/data
EXPOSE 8000
VOLUME ["/app/policies", "/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.FARAMESH_PORT}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "packages/cli/dist/bin.js", "serve"]
