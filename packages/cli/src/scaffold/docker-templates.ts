/** Files `faramesh init-docker` writes. */

export function dockerfile(version: string): string {
  return `# Faramesh server image. Build: docker build -t faramesh .
FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \\
  && apt-get install -y --no-install-recommends python3 make g++ \\
  && rm -rf /var/lib/apt/lists/*
RUN npm install --global --omit=dev faramesh@${version}

FROM node:20-bookworm-slim
COPY --from=build /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/faramesh/dist/bin.js /usr/local/bin/faramesh \\
  && mkdir -p /app/data /app/policies && chown -R node:node /app
WORKDIR /app
COPY --chown=node:node policies ./policies
USER node
ENV FARAMESH_HOST=0.0.0.0 \\
    FARAMESH_PORT=8000 \\
    FARA_POLICY_FILE=/app/policies/default.yaml \\
    FARA_SQLITE_PATH=/app/data/actions.db
EXPOSE 8000
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \\
  CMD node -e "fetch('http://127.0.0.1:8000/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["faramesh", "serve"]
`;
}

export const COMPOSE = `# docker compose up  →  http://localhost:8000
services:
  faramesh:
    build: .
    ports:
      - "8000:8000"
    environment:
      - FARAMESH_DEMO=1
      - FARAMESH_ENABLE_CORS=1
      - FARA_POLICY_FILE=/app/policies/default.yaml
      # - FARAMESH_TOKEN=change-me
    volumes:
      - ./data:/app/data
      - ./policies:/app/policies
    restart: unless-stopped
`;

export const DOCKERIGNORE = `node_modules
data
.env
.git
*.log
`;
