# tg-gateway's container image: `docker build -t tg-gateway .`
#
# Two stages: the first installs every dependency and builds src/ into dist/ (tsc's output and the
# command's bundle, dist/command/, which bin/tg-gateway.js runs), then drops the development
# dependencies; the second holds only what the installed command runs (dist/, bin/, package.json
# and the production node_modules), as a user that is not root.
# test/deploy.test.ts reads this file: it assembles the runtime stage's files as the COPY lines
# below name them and runs the ENTRYPOINT as PID 1, so keep those lines plain.

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: `prepare` would build before the sources are copied, and nothing the gateway
# uses needs one (bufferutil ships prebuilt binaries, and ws works without it; esbuild's binary
# comes in its platform's package, its own script only checks it).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.js scripts/
COPY src/ src/
RUN npm run build && rm -f dist/.tsbuildinfo && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the gateway's user: the process writes no files.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules/ node_modules/
COPY --from=build /app/dist/ dist/
COPY bin/ bin/
# The node image's unprivileged user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 8888
# The gateway drains on SIGTERM (and SIGINT); Node as PID 1 has no default action for a signal,
# but the gateway installs its own handlers, so it is PID 1 itself, with no init in between.
STOPSIGNAL SIGTERM
# /healthz on the port the gateway listens on (GATEWAY_PORT; set it in the environment, not as a
# flag, so that this check finds it), over HTTPS when the listener has a certificate.
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["node", "-e", "const tls = Boolean(process.env.GATEWAY_TLS_CERT_FILE); require(tls ? 'node:https' : 'node:http').get({ host: '127.0.0.1', port: process.env.GATEWAY_PORT || 8888, path: '/healthz', rejectUnauthorized: false, timeout: 2000 }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1)).on('timeout', () => process.exit(1))"]
ENTRYPOINT ["node", "bin/tg-gateway.js", "serve"]
