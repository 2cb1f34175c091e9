/**
 * The least a WebSocket → Pulsar import relay can do in Node, as a yardstick for the gateway in
 * `bench/gateway.ts --relay`: no Effect, no services, no queue, no metrics, no shutdown — one raw
 * Pulsar producer socket per client connection (the same options as the gateway's adapter), and
 * `{"ack": n}` back to the client as soon as the broker confirms frame n. It handles only the
 * import benchmark's traffic and is not a gateway.
 *
 *   node bench/relay.ts PORT PULSAR_HTTP_URL TOPIC translate|forward
 *
 * `translate` turns each triples frame into its processor record with the gateway's codec
 * (`translateFrame`); `forward` publishes the client's bytes as they are, which is
 * the floor for any relay on this machine. Prints "relay listening" when ready.
 */
import { Result } from "effect"
import WebSocket, { WebSocketServer } from "ws"
import { translateFrame } from "../src/domain/Codec.ts"

const [port, httpUrl, topic, mode] = process.argv.slice(2)
if (
  port === undefined ||
  httpUrl === undefined ||
  topic === undefined ||
  (mode !== "translate" && mode !== "forward")
) {
  console.error("usage: node bench/relay.ts PORT PULSAR_HTTP_URL TOPIC translate|forward")
  process.exit(2)
}

const producerUrl = `${httpUrl.replace(/^http/, "ws")}/ws/v2/producer/${topic.replace("://", "/")}?batchingEnabled=false`

const payloadOf = (data: Buffer): Uint8Array => {
  if (mode === "forward") return data
  const record = translateFrame("triples", data.toString("utf8"))
  if (Result.isFailure(record)) throw new Error(record.failure.message)
  return record.success
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

const server = new WebSocketServer({ port: Number(port), host: "127.0.0.1", perMessageDeflate: false })
server.on("connection", (client) => {
  const pulsar = new WebSocket(producerUrl, {
    perMessageDeflate: false,
    generateMask: (mask: Buffer) => void mask.fill(0),
    skipUTF8Validation: true
  })
  const waiting: Array<Buffer> = []
  let next = 0
  const send = (data: Buffer) => pulsar.send(`{"payload":"${base64(payloadOf(data))}","context":"${++next}"}`)
  pulsar.once("open", () => waiting.splice(0).forEach(send))
  pulsar.on("message", (data) => {
    const answer = JSON.parse(data.toString()) as { result?: string; context?: string }
    if (answer.result !== "ok") throw new Error(`the broker answered ${data.toString()}`)
    client.send(`{"ack":${answer.context}}`)
  })
  client.on("message", (data: Buffer) => (pulsar.readyState === WebSocket.OPEN ? send(data) : waiting.push(data)))
  client.on("close", () => pulsar.close())
})
server.on("listening", () => console.log("relay listening"))
// An orderly exit, so that a `--cpu-prof` profile is written.
process.once("SIGTERM", () => process.exit(0))
