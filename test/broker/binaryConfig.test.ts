/**
 * PULSAR_TRANSPORT and PULSAR_URL: BROKER=pulsar runs the binary-protocol adapter by default
 * (producers and consumers on the broker's binary port, PULSAR_URL or the admin API's host on
 * 6650, the admin API still at PULSAR_HTTP_URL); PULSAR_TRANSPORT=websocket runs the WebSocket
 * adapter. Settings that cannot work together are named.
 */
import { createServer } from "node:http"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { WebSocketServer } from "ws"
import { resolveSettings } from "../../src/domain/Settings.ts"
import { CommandType } from "../../src/layers/broker/binary/commands.ts"
import { binarySecurityProblem, makePulsarBinaryBroker } from "../../src/layers/broker/binary/PulsarBinaryBroker.ts"
import { layerBroker, layerConfiguredBroker, pulsarServiceUrlOf } from "../../src/layers/GatewayLayer.ts"
import { GatewaySettings } from "../../src/services/GatewaySettings.ts"
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

describe("PULSAR_TRANSPORT and PULSAR_URL", () => {
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

  it.live(
    "BROKER=pulsar opens producers on the binary port; PULSAR_TRANSPORT=websocket uses the WebSocket adapter",
    () =>
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
        const websocketSettings = resolveSettings(
          { BROKER: "pulsar", PULSAR_TRANSPORT: "websocket", PULSAR_HTTP_URL: "http://127.0.0.1:9" },
          {}
        )
        const websocket = yield* Effect.service(Broker).pipe(Effect.provide(layerBroker(websocketSettings.values)))
        assert.strictEqual(websocket.description, "Pulsar at http://127.0.0.1:9")
      }).pipe(Effect.scoped)
  )

  it("unset, the binary port is the admin API's host on Pulsar's standard port; none with PULSAR_TRANSPORT=websocket", () => {
    const serviceUrl = (env: Record<string, string>) => {
      const { values, problems } = resolveSettings(env, {})
      assert.deepStrictEqual(problems, [], JSON.stringify(env))
      return pulsarServiceUrlOf(values)
    }
    assert.strictEqual(resolveSettings({}, {}).values.pulsarTransport, "binary")
    assert.strictEqual(serviceUrl({}), "pulsar://127.0.0.1:6650")
    assert.strictEqual(serviceUrl({ PULSAR_HTTP_URL: "http://pulsar:8080" }), "pulsar://pulsar:6650")
    assert.strictEqual(
      serviceUrl({ PULSAR_HTTP_URL: "https://pulsar.example:8443" }),
      "pulsar+ssl://pulsar.example:6651"
    )
    // Behind a WebSocket proxy the broker is the admin API's host, not the proxy's.
    assert.strictEqual(
      serviceUrl({ PULSAR_HTTP_URL: "http://ws-proxy:8080", PULSAR_ADMIN_URL: "http://broker-0:8080" }),
      "pulsar://broker-0:6650"
    )
    assert.strictEqual(
      serviceUrl({ PULSAR_HTTP_URL: "http://pulsar:8080", PULSAR_URL: "pulsar://other:16650" }),
      "pulsar://other:16650"
    )
    assert.isUndefined(serviceUrl({ PULSAR_TRANSPORT: "websocket" }))
    assert.deepStrictEqual(
      resolveSettings({ PULSAR_TRANSPORT: "http" }, {}).problems.map((p) => [p.source, p.problem.key]),
      [["PULSAR_TRANSPORT", "notChoice"]]
    )
  })

  it.effect("PULSAR_URL with PULSAR_TRANSPORT=websocket stops the gateway before it starts, naming both", () =>
    Effect.gen(function* () {
      const { values } = resolveSettings(
        { BROKER: "pulsar", PULSAR_TRANSPORT: "websocket", PULSAR_URL: "pulsar://127.0.0.1:6650" },
        {}
      )
      const error = yield* Effect.flip(
        Layer.build(layerConfiguredBroker).pipe(Effect.provideService(GatewaySettings, values), Effect.scoped)
      )
      assert.strictEqual(error._tag, "BrokerConfigError")
      assert.include(error.message, "PULSAR_URL (pulsar://127.0.0.1:6650)")
      assert.include(error.message, "PULSAR_TRANSPORT=websocket")
    })
  )

  it.live("a binary port that does not answer while the admin API does names PULSAR_TRANSPORT=websocket", () =>
    Effect.gen(function* () {
      const admin = yield* readyAdmin
      const error = yield* Effect.flip(
        makePulsarBinaryBroker({ serviceUrl: "pulsar://127.0.0.1:9", httpUrl: admin.url, connectTimeout: "5 seconds" })
          .ping
      )
      assert.strictEqual(error._tag, "BrokerUnavailable")
      assert.include(error.message, "broker unreachable at pulsar://127.0.0.1:9")
      assert.include(error.message, `the admin API at ${admin.url} answers`)
      assert.include(error.message, "set PULSAR_TRANSPORT=websocket")
      // Neither answers: no such advice.
      const neither = yield* Effect.flip(
        makePulsarBinaryBroker({
          serviceUrl: "pulsar://127.0.0.1:9",
          httpUrl: "http://127.0.0.1:9",
          connectTimeout: "5 seconds"
        }).ping
      )
      assert.notInclude(neither.message, "PULSAR_TRANSPORT")
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
