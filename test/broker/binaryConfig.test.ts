/**
 * PULSAR_URL: set, BROKER=pulsar runs the binary-protocol adapter (producers and consumers on the
 * broker's binary port, the admin API still at PULSAR_HTTP_URL); unset, the WebSocket adapter as
 * before. Settings that cannot work together are named.
 */
import { createServer } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { WebSocketServer } from "ws"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { CommandType } from "../../src/layers/broker/binary/commands.ts"
import { binarySecurityProblem, makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { layerBroker } from "../../src/layers/GatewayLayer.ts"
import { Broker } from "../../src/services/Broker.ts"
import { fakeBroker, selfSignedCertificate } from "../support/binaryBroker.ts"
import { listenLocally } from "../support/localServer.ts"

const topic = "persistent://tg/flow/binary-config"

/** An admin API that is ready and records the paths it is asked. */
const readyAdmin = Effect.gen(function* () {
  const paths: Array<string> = []
  const server = createServer((request, response) => {
    paths.push(request.url ?? "")
    response.writeHead(200, { "content-type": "application/json" })
    response.end("{}")
  })
  const url = yield* listenLocally(server, new WebSocketServer({ noServer: true }))
  return { url, paths }
})

describe("PULSAR_URL", () => {
  it("is unset by default; a value that is not pulsar:// or pulsar+ssl:// is named", () => {
    assert.isUndefined(resolveSettings({}, {}).values.pulsarUrl)
    for (const good of ["pulsar://127.0.0.1:6650", "pulsar+ssl://broker.example:6651/", "pulsar://[::1]:6650"]) {
      const { values, problems } = resolveSettings({ PULSAR_URL: good }, {})
      assert.deepStrictEqual(problems, [], good)
      assert.strictEqual(values.pulsarUrl, good.replace(/\/$/, ""))
    }
    for (const bad of ["http://127.0.0.1:8080", "pulsar://", "127.0.0.1:6650", "pulsar://host:port"]) {
      const { problems } = resolveSettings({ PULSAR_URL: bad }, {})
      assert.deepStrictEqual(
        problems.map((p) => [p.source, p.problem.key]),
        [["PULSAR_URL", "notPulsarUrl"]],
        bad
      )
    }
  })

  it.live("set, BROKER=pulsar opens producers on the binary port; unset, the WebSocket adapter is used", () =>
    Effect.gen(function* () {
      const binary = yield* fakeBroker()
      const withUrl = resolveSettings(
        { BROKER: "pulsar", PULSAR_URL: binary.url, PULSAR_HTTP_URL: "http://127.0.0.1:9" },
        {}
      )
      assert.deepStrictEqual(withUrl.problems, [])
      const broker = yield* Effect.service(Broker).pipe(Effect.provide(layerBroker(withUrl.values)))
      assert.include(broker.description, `${binary.url} (binary protocol`)
      yield* broker.producer(topic)
      assert.isTrue(binary.received.some((r) => r.type === CommandType.PRODUCER))
      const without = resolveSettings({ BROKER: "pulsar", PULSAR_HTTP_URL: "http://127.0.0.1:9" }, {})
      const websocket = yield* Effect.service(Broker).pipe(Effect.provide(layerBroker(without.values)))
      assert.strictEqual(websocket.description, "Pulsar at http://127.0.0.1:9")
    }).pipe(Effect.scoped)
  )

  it("TLS files need a pulsar+ssl:// PULSAR_URL or an https:// PULSAR_HTTP_URL; the other checks are the WebSocket adapter's", () => {
    const base = { httpUrl: "http://127.0.0.1:8080", tls: { caFile: "/ca.pem" } }
    const plain = binarySecurityProblem({ ...base, serviceUrl: "pulsar://127.0.0.1:6650" })
    assert.include(plain, "PULSAR_TLS_* settings apply to a pulsar+ssl:// PULSAR_URL or an https:// PULSAR_HTTP_URL")
    assert.include(plain, "pulsar://127.0.0.1:6650 and http://127.0.0.1:8080")
    assert.isUndefined(binarySecurityProblem({ ...base, serviceUrl: "pulsar+ssl://127.0.0.1:6651" }))
    assert.isUndefined(
      binarySecurityProblem({ ...base, httpUrl: "https://127.0.0.1:8443", serviceUrl: "pulsar://127.0.0.1:6650" })
    )
    assert.include(
      binarySecurityProblem({
        httpUrl: "http://127.0.0.1:8080",
        serviceUrl: "pulsar://127.0.0.1:6650",
        auth: { token: Redacted.make("t"), tokenFile: "/token" }
      }),
      "PULSAR_AUTH_TOKEN and PULSAR_AUTH_TOKEN_FILE are both set"
    )
  })

  it.live("TLS files for a pulsar+ssl:// binary port leave an http:// admin API usable: the broker is ready", () =>
    Effect.gen(function* () {
      const certificate = yield* selfSignedCertificate
      const binary = yield* fakeBroker({ tls: { cert: certificate.cert, key: certificate.key } })
      const admin = yield* readyAdmin
      const broker = makePulsarBinaryBroker({
        serviceUrl: binary.url,
        httpUrl: admin.url,
        tls: { caFile: certificate.certFile }
      })
      yield* broker.ping
      assert.deepStrictEqual(admin.paths, ["/admin/v2/brokers/ready"])
    }).pipe(Effect.scoped)
  )
})
