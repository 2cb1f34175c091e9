/**
 * A Pulsar WebSocket proxy that runs apart from the brokers serves the WebSocket API only; the
 * admin API is the brokers' (PULSAR_ADMIN_URL). The adapter must send each request to its own
 * side, with the same credentials, as the secured test broker (scripts/pulsar.sh start-secure)
 * is laid out.
 */
import { createServer } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { WebSocketServer } from "ws"
import { makePulsarBroker } from "../../src/layers/broker/PulsarBroker.ts"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { layerBroker } from "../../src/layers/GatewayLayer.ts"
import { Broker } from "../../src/services/Broker.ts"
import { listenLocally } from "../support/localServer.ts"

interface Seen {
  readonly path: string
  readonly authorization: string | undefined
}

/**
 * A local server recording every request: it accepts WebSocket upgrades when `sockets` is set
 * (a WebSocket proxy) and answers admin requests with 200 when `admin` is set (a broker), and
 * with 404 otherwise, as each of them does.
 */
const stub = (side: { readonly sockets: boolean; readonly admin: boolean }) =>
  Effect.gen(function* () {
    const seen: Array<Seen> = []
    const server = createServer((request, response) => {
      seen.push({ path: (request.url ?? "").split("?")[0] ?? "", authorization: request.headers.authorization })
      response.writeHead(side.admin ? 200 : 404, { "content-type": "application/json" })
      response.end(side.admin ? "{}" : '{"reason":"not found"}')
    })
    const sockets = new WebSocketServer({ noServer: true })
    server.on("upgrade", (request, socket, head) => {
      seen.push({ path: (request.url ?? "").split("?")[0] ?? "", authorization: request.headers.authorization })
      if (side.sockets) sockets.handleUpgrade(request, socket, head, () => {})
      else socket.end("HTTP/1.1 404 Not Found\r\n\r\n")
    })
    return { url: yield* listenLocally(server, sockets), seen }
  })

describe("the admin API apart from the WebSocket API", () => {
  it.live("readiness and the broker's limits are asked at adminUrl, sockets open at httpUrl, both with the token", () =>
    Effect.gen(function* () {
      const proxy = yield* stub({ sockets: true, admin: false })
      const admin = yield* stub({ sockets: false, admin: true })
      const pulsar = makePulsarBroker({
        httpUrl: proxy.url,
        adminUrl: admin.url,
        auth: { token: Redacted.make("secret-1") }
      })
      yield* pulsar.ping
      yield* Effect.scoped(pulsar.producer("persistent://tg/flow/t"))
      assert.deepStrictEqual(
        admin.seen.map((request) => request.path),
        ["/admin/v2/brokers/ready", "/admin/v2/brokers/configuration/runtime"]
      )
      assert.deepStrictEqual(
        proxy.seen.map((request) => request.path),
        ["/ws/v2/producer/persistent/tg/flow/t"]
      )
      assert.deepStrictEqual(
        [...admin.seen, ...proxy.seen].map((request) => request.authorization),
        ["Bearer secret-1", "Bearer secret-1", "Bearer secret-1"]
      )
    }).pipe(Effect.scoped)
  )

  it.live("a refusal of the admin API names the admin URL, not the WebSocket proxy's", () =>
    Effect.gen(function* () {
      const proxy = yield* stub({ sockets: true, admin: false })
      const pulsar = makePulsarBroker({ httpUrl: proxy.url, adminUrl: "http://127.0.0.1:9" })
      const error = yield* Effect.flip(pulsar.ping)
      assert.strictEqual(error._tag, "BrokerUnavailable")
      assert.include(error.message, "http://127.0.0.1:9")
      assert.deepStrictEqual(proxy.seen, [])
    }).pipe(Effect.scoped)
  )

  it.live("PULSAR_ADMIN_URL reaches the adapter: the gateway's readiness is asked there", () =>
    Effect.gen(function* () {
      const proxy = yield* stub({ sockets: true, admin: false })
      const admin = yield* stub({ sockets: false, admin: true })
      const { values, problems } = resolveSettings(
        { BROKER: "pulsar", PULSAR_TRANSPORT: "websocket", PULSAR_HTTP_URL: proxy.url, PULSAR_ADMIN_URL: admin.url },
        {}
      )
      assert.deepStrictEqual(problems, [])
      const broker = yield* Effect.service(Broker).pipe(Effect.provide(layerBroker(values)))
      yield* broker.ping
      assert.deepStrictEqual(
        admin.seen.map((request) => request.path),
        ["/admin/v2/brokers/ready"]
      )
      assert.deepStrictEqual(proxy.seen, [])
    }).pipe(Effect.scoped)
  )

  it("PULSAR_ADMIN_URL is unset by default, and one that is not http(s) is named", () => {
    assert.isUndefined(resolveSettings({}, {}).values.pulsarAdminUrl)
    const { problems } = resolveSettings({ PULSAR_ADMIN_URL: "pulsar://broker:6650" }, {})
    assert.deepStrictEqual(
      problems.map((p) => [p.source, p.problem.key]),
      [["PULSAR_ADMIN_URL", "notHttpUrl"]]
    )
  })
})
