# syntax=docker/dockerfile:1
# One image for every service; the command picks which: `start` (all), `start parser`, ...

FROM node:20-bookworm-slim AS build
RUN npm install -g pnpm@10
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
COPY test/e2e/package.json test/e2e/package.json
RUN pnpm install --frozen-lockfile
RUN pnpm build
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
ENTRYPOINT ["node", "packages/cli/dist/main.js"]
CMD ["start"]
