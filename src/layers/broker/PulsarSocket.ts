/**
 * Opening one WebSocket to Pulsar's WebSocket API, with the broker's set-up refusals (an HTTP
 * status on the upgrade) turned into tagged errors, pings that keep the session from being closed
 * as idle, and a bounded close.
 */
import { Duration, Effect } from "effect"
import WebSocket from "ws"
import { BrokerUnavailable, TopicRefused } from "../../domain/BrokerErrors.ts"
import { keepAlive } from "../Keepalive.ts"
import type { BrokerConnectionOptions } from "./PulsarAccess.ts"

export interface OpenOptions {
  readonly url: string
  /** The base URL named in errors, without the topic path. */
  readonly brokerUrl: string
  readonly topic: string
  readonly connectTimeout: Duration.Input
  /**
   * How often the open session is pinged. Pulsar closes a WebSocket session that has been idle
   * for `webSocketSessionIdleTimeoutMillis` (300 s by default) — an export waiting for data, an
   * import between files — and a ping resets that timer. Zero sends none.
   */
  readonly pingInterval: Duration.Input
  /** Credentials and TLS options of this connection (`wss://`); none for an open broker. */
  readonly connection?: BrokerConnectionOptions
}

export const openSocket = (options: OpenOptions): Effect.Effect<WebSocket, BrokerUnavailable | TopicRefused> =>
  Effect.callback<WebSocket, BrokerUnavailable | TopicRefused>((resume) => {
    const socket = new WebSocket(options.url, {
      perMessageDeflate: false,
      maxPayload: 128 * 1024 * 1024,
      // Masking protects browsers' shared caches; between two servers it only costs a copy of
      // every payload. A zero mask is valid and leaves the bytes as they are.
      generateMask: (mask: Buffer) => void mask.fill(0),
      // The broker's frames are its own JSON; validating their UTF-8 again buys nothing.
      skipUTF8Validation: true,
      // The bearer token on the upgrade, as Pulsar's WebSocket service reads it; CA, client
      // certificate and host name checks for wss:// (ws passes these to tls.connect).
      ...(options.connection === undefined ? {} : { headers: options.connection.headers, ...options.connection.tls })
    })
    const settle = (effect: Effect.Effect<WebSocket, BrokerUnavailable | TopicRefused>) => {
      socket.removeAllListeners("open").removeAllListeners("error").removeAllListeners("unexpected-response")
      // A late error must not become an uncaught exception.
      socket.on("error", () => {})
      resume(effect)
    }
    socket.once("open", () => {
      keepAlive(socket, Duration.toMillis(Duration.fromInputUnsafe(options.pingInterval)))
      settle(Effect.succeed(socket))
    })
    socket.once("error", (error) =>
      settle(Effect.fail(new BrokerUnavailable({ url: options.brokerUrl, reason: error.message || String(error) })))
    )
    socket.once("unexpected-response", (_request, response) => {
      const chunks: Array<Buffer> = []
      response.on("data", (chunk: Buffer) => chunks.push(chunk))
      response.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8").trim()
        const status = response.statusCode ?? 0
        settle(
          Effect.fail(
            new TopicRefused({
              topic: options.topic,
              status,
              reason: credentialsAdvice(status, refusalReason(body, response.statusMessage))
            })
          )
        )
        socket.terminate()
      })
    })
    return Effect.sync(() => socket.terminate())
  }).pipe(
    Effect.timeoutOrElse({
      duration: options.connectTimeout,
      orElse: () =>
        Effect.fail(
          new BrokerUnavailable({
            url: options.brokerUrl,
            reason: `no answer within ${Duration.format(Duration.fromInputUnsafe(options.connectTimeout))}`
          })
        )
    })
  )

/**
 * Pulsar's WebSocket service answers 401 when no provider accepts the credentials and 403 when
 * the role they prove may not produce or consume on the topic: say which, and what to change.
 */
const credentialsAdvice = (status: number, reason: string): string =>
  status === 401
    ? `the broker refused the gateway's credentials (${reason}): check PULSAR_AUTH_TOKEN, PULSAR_AUTH_TOKEN_FILE or PULSAR_AUTH_OAUTH2_*`
    : status === 403
      ? `the gateway's role may not use this topic (${reason}): grant it produce and consume on the namespace ` +
        "(pulsar-admin namespaces grant-permission)"
      : reason

/**
 * Pulsar's refusals are a JSON `{"reason": …}` body or a Jetty HTML error page that embeds the
 * client's JSON error (`{"errorMsg": …}`); reduce either to the sentence that explains it.
 */
export const refusalReason = (body: string, statusMessage: string | undefined): string => {
  const text = decodeEntities(body.replace(/<[^>]*>/g, " "))
    .replace(/\s+/g, " ")
    .trim()
  const embedded = /"(?:errorMsg|reason)"\s*:\s*"([^"]*)"/.exec(text)?.[1]
  if (embedded !== undefined && embedded.length > 0) return embedded
  if (text.length > 0) return text.split(" HTTP ERROR ")[0]?.slice(0, 300) ?? text
  return statusMessage ?? "no reason given"
}

const entities: Record<string, string> = { "&quot;": '"', "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#39;": "'" }
const decodeEntities = (text: string): string => text.replace(/&(?:quot|amp|lt|gt|#39);/g, (e) => entities[e] ?? e)

/** Closes with 1000 and waits for the peer's close, at most `timeout`, then drops the connection. */
export const closeSocket = (socket: WebSocket, timeout: Duration.Input): Effect.Effect<void> =>
  Effect.callback<void>((resume) => {
    if (socket.readyState === WebSocket.CLOSED) return resume(Effect.void)
    socket.once("close", () => resume(Effect.void))
    if (socket.readyState === WebSocket.OPEN) socket.close(1000)
  }).pipe(Effect.timeoutOption(timeout), Effect.ensuring(Effect.sync(() => socket.terminate())), Effect.asVoid)
