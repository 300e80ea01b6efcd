# The platform image: every service's bundle (dist/bundles/<service>.mjs), its migrations and the
# few packages the bundles leave external. One image for all ten services; each Deployment
# picks its bundle with `command` (manifests/base). `alphintra up --target k3d` builds it as
# ghcr.io/alphintra/platform:<package version> and imports it into the cluster.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/services ./services
# The uid the manifests' securityContext runs as (runAsNonRoot, runAsUser 10001).
USER 10001:10001
EXPOSE 4000
CMD ["node", "dist/bundles/gateway.mjs"]
