/**
 * A gateway in the test process, on a free port, over a broker the test chooses, and a small
 * WebSocket client that records everything the gateway says.
 */
import { ConfigProvider, Context, Effect, Exit, Layer, Scope } from "effect"
import WebSocket from "ws"
import { GatewayServer, layerServer } from "../../src/layers/GatewayLayer.ts"
import { Broker, type BrokerShape } from "../../src/services/Broker.ts"
import { layerGatewaySettings } from "../../src/services/GatewaySettings.ts"
import { Lifecycle, makeLifecycle } from "../../src/services/Lifecycle.ts"

export interface RunningGateway {
  readonly port: number
  readonly url: (path: string) => string
  /** Shuts the gateway down as SIGTERM would, and waits until it has. */
  readonly stop: Effect.Effect<void>
  readonly forced: () => ReadonlyArray<string>
}

/** The settings are read through `Config`, from `env` as the gateway's `ConfigProvider`. */
export const startGateway = (broker: BrokerShape, env: Readonly<Record<string, string>> = {}) =>
  Effect.gen(function* () {
    const lifecycle = yield* makeLifecycle
    const scope = yield* Scope.make()
    const layer = layerServer.pipe(
      Layer.provide(Layer.succeed(Broker, broker)),
      Layer.provide(Layer.succeed(Lifecycle, lifecycle)),
      Layer.provide(layerGatewaySettings)
    )
    const context = yield* Layer.buildWithScope(layer, scope).pipe(
      Effect.provideService(
        ConfigProvider.ConfigProvider,
        ConfigProvider.fromUnknown({ GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", ...env })
      ),
      Effect.catchTag("ConfigError", (error) => Effect.die(error))
    )
    const { port } = Context.get(context, GatewayServer)
    yield* Effect.addFinalizer(() => Scope.close(scope, Exit.void))
    return {
      port,
      url: (path: string) => `ws://127.0.0.1:${port}${path}`,
      stop: Scope.close(scope, Exit.void),
      forced: lifecycle.forced
    } satisfies RunningGateway
  })

export interface TestClient {
  readonly socket: WebSocket
  /** Every text frame received so far, parsed. */
  readonly received: Array<unknown>
  readonly send: (frame: unknown) => void
  /** Waits until `predicate` holds for what was received (or the socket closed). */
  readonly until: (predicate: (received: ReadonlyArray<unknown>) => boolean) => Effect.Effect<void>
  readonly closed: Effect.Effect<{ readonly code: number; readonly reason: string }>
  readonly close: (code?: number) => Effect.Effect<void>
}

export const connect = (url: string) =>
  Effect.acquireRelease(
    Effect.callback<TestClient, Error>((resume) => {
      const socket = new WebSocket(url, { perMessageDeflate: false })
      const received: Array<unknown> = []
      const listeners = new Set<() => void>()
      let closedWith: { code: number; reason: string } | undefined
      socket.on("message", (data) => {
        received.push(JSON.parse(data.toString()))
        for (const wake of listeners) wake()
      })
      socket.on("close", (code, reason) => {
        closedWith = { code, reason: reason.toString() }
        for (const wake of listeners) wake()
      })
      socket.on("error", () => {})
      const waitFor = (done: () => boolean) =>
        Effect.callback<void>((wake) => {
          const check = () => {
            if (done()) {
              listeners.delete(check)
              wake(Effect.void)
            }
          }
          listeners.add(check)
          check()
          return Effect.sync(() => listeners.delete(check))
        })
      socket.once("unexpected-response", (_req, res) => resume(Effect.fail(new Error(`HTTP ${res.statusCode}`))))
      socket.once("open", () =>
        resume(
          Effect.succeed({
            socket,
            received,
            send: (frame) => socket.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
            until: (predicate) => waitFor(() => predicate(received) || closedWith !== undefined),
            closed: Effect.map(
              waitFor(() => closedWith !== undefined),
              () => closedWith ?? { code: 0, reason: "" }
            ),
            close: (code = 1000) =>
              Effect.suspend(() => {
                if (socket.readyState === WebSocket.OPEN) socket.close(code)
                return waitFor(() => closedWith !== undefined)
              })
          })
        )
      )
    }),
    (client) => Effect.sync(() => client.socket.terminate())
  )

/** The HTTP status a refused upgrade answered with, and its JSON body. */
export const refusal = (url: string) =>
  Effect.callback<{ readonly status: number; readonly body: string }, Error>((resume) => {
    const socket = new WebSocket(url)
    socket.on("error", () => {})
    socket.once("open", () => {
      socket.terminate()
      resume(Effect.fail(new Error("the upgrade was accepted")))
    })
    socket.once("unexpected-response", (_req, res) => {
      let body = ""
      res.on("data", (chunk: Buffer) => (body += chunk.toString()))
      res.on("end", () => resume(Effect.succeed({ status: res.statusCode ?? 0, body })))
    })
  })
