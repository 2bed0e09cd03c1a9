# syntax=docker/dockerfile:1
# One image for every service; the command picks which: `node packages/cli/dist/main.js start parser`, ...

FROM node:20-bookworm-slim AS build
RUN npm install -g pnpm@10
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
COPY test/e2e/package.json test/e2e/package.json
RUN pnpm install --frozen-lockfile
# Only what the entry point needs (the test helpers are not part of the image).
RUN pnpm exec tsc -b packages/cli
# Keep only what runs: production dependencies, compiled output.
RUN CI=true pnpm install --frozen-lockfile --prod \
  && find packages services -name "*.tsbuildinfo" -delete \
  && rm -rf packages/*/src packages/*/test services/*/src services/*/test

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    METRICS_PORT=9400 \
    PORT=8000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 8000 9400
# The command names the service (`... start parser`); without one, every service runs in one process.
CMD ["node", "packages/cli/dist/main.js", "start"]
