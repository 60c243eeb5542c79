# syntax=docker/dockerfile:1.7
# Bosun's image: the operator (`bosun run`, the default) and the CLI. Multi-stage:
# the TypeScript is compiled in one stage, production dependencies are installed
# in another (with their SBOM), and the last holds only those, the compiled code
# and tini, which runs as PID 1 and passes SIGTERM on to Node, whose handler
# stops the operator gracefully. It runs as a non-root user on a read-only root
# filesystem (the manifests mount an emptyDir at /tmp).
#
#   docker buildx build --sbom=true --provenance=true -t ghcr.io/bosun-dev/bosun:0.1.0 .
#   docker buildx build --target runner -t ghcr.io/bosun-dev/bosun-runner:0.1.0 .

ARG NODE_IMAGE=node:20.19-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY hack/sbom.sh /usr/local/bin/bosun-sbom
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && bosun-sbom /app >/app/sbom.cdx.json

FROM ${NODE_IMAGE} AS operator
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/sbom.cdx.json /usr/share/doc/bosun/sbom.cdx.json
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
ENV NODE_ENV=production
USER 65532:65532
EXPOSE 8080 9443
HEALTHCHECK NONE
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/bosun.js"]
CMD ["run"]

# The stage agents' tools, as hack/build-stage-tools.sh builds them (crane and Trivy from the Go module proxy).
FROM golang:1.26-bookworm AS stage-tools
WORKDIR /src/hack/tools/stage
COPY hack/tools/stage/ ./
RUN CGO_ENABLED=0 GOEXPERIMENT=jsonv2 go build -trimpath -ldflags "-s -w" -o /out/bin/ \
  github.com/google/go-containerregistry/cmd/crane github.com/aquasecurity/trivy/cmd/trivy

# ESLint for the lint agent, the version package-lock.json pins, in its own folder
FROM ${NODE_IMAGE} AS eslint
ARG ESLINT_VERSION=9.39.5
RUN npm install --no-audit --no-fund --ignore-scripts --prefix /out/eslint eslint@${ESLINT_VERSION}

# A pipeline runner: the same image with bubblewrap, git and the stage tools.
FROM operator AS runner
USER root
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap util-linux git \
  && rm -rf /var/lib/apt/lists/*
COPY --from=stage-tools /out/bin/ /opt/bosun/stage-tools/bin/
COPY --from=eslint /out/eslint /opt/bosun/stage-tools/eslint
RUN ln -s ../eslint/node_modules/.bin/eslint /opt/bosun/stage-tools/bin/eslint
USER 65532:65532
CMD ["runner"]

FROM operator
