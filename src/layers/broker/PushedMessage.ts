/**
 * A message as Pulsar's WebSocket API pushes it to a consumer: one JSON text frame,
 * `{"messageId":…,"payload":"<base64>","properties":{…},…}`, where the payload is nearly all of
 * the bytes. The payload stays as the base64 bytes it arrived in, inside the frame's buffer, and
 * is decoded when read (the gateway reads it once, to translate it); only the small rest of the
 * frame becomes JavaScript strings and objects.
 *
 * Why: a decoded payload, or the frame as one string, is a large object that waits in the
 * consumer's buffer long enough to be copied by young-generation collections and promoted, and
 * then only a full collection frees it. A buffer's bytes live outside the heap: what waits is a
 * small object pointing at them.
 */
import type WebSocket from "ws"
import type { MessageId, ReceivedMessage } from "../../services/Broker.ts"

interface PushedFields {
  readonly messageId?: string
  readonly payload?: string
  readonly properties?: Record<string, string>
  readonly redeliveryCount?: number
}

class PulsarMessage implements ReceivedMessage {
  readonly id: MessageId
  readonly properties: Readonly<Record<string, string>>
  readonly redeliveryCount: number
  /** The payload's base64 bytes, or its base64 text when the frame was read the long way. */
  readonly #encoded: Uint8Array | string

  constructor(id: MessageId, fields: PushedFields, encoded: Uint8Array | string) {
    this.id = id
    this.properties = fields.properties ?? {}
    this.redeliveryCount = fields.redeliveryCount ?? 0
    this.#encoded = encoded
  }

  get payload(): Uint8Array {
    const encoded = this.#encoded
    return Buffer.from(
      typeof encoded === "string"
        ? encoded
        : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString("latin1"),
      "base64"
    )
  }

  /** The payload's size in bytes, without decoding it. */
  get payloadBytes(): number {
    const encoded = this.#encoded
    if (typeof encoded === "string") return Buffer.byteLength(encoded, "base64")
    const padded = (from: number) => (encoded[encoded.length - from] === equalsSign ? 1 : 0)
    return ((encoded.length * 3) >>> 2) - padded(1) - padded(2)
  }
}

const payloadKey = Buffer.from('"payload":"')
const openBrace = 0x7b
const quote = 0x22
const equalsSign = 0x3d

/**
 * The message in a frame the broker pushed, or undefined when the frame is not one (another
 * answer, or not JSON).
 *
 * The short way finds `"payload":"` at the top level of the object — no `{` before it but the
 * object's own, so it is no property's name — and its closing quote (base64 has no quote and no
 * escape), and parses the frame without the payload's text. Anything else is read the long way,
 * as a whole.
 */
export const readPushedMessage = (raw: WebSocket.RawData): PulsarMessage | undefined => {
  const data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw)
  const key = data.indexOf(payloadKey)
  const start = key + payloadKey.length
  const end = key < 0 ? -1 : data.indexOf(quote, start)
  const nested = data.indexOf(openBrace, 1)
  if (key > 0 && end >= 0 && (nested < 0 || nested > key)) {
    const fields = parseFields(data.toString("utf8", 0, start) + data.toString("utf8", end))
    if (fields?.payload === "" && typeof fields.messageId === "string") {
      return new PulsarMessage(fields.messageId, fields, data.subarray(start, end))
    }
  }
  const fields = parseFields(data.toString("utf8"))
  if (typeof fields?.messageId !== "string" || typeof fields.payload !== "string") return undefined
  return new PulsarMessage(fields.messageId, fields, fields.payload)
}

const parseFields = (text: string): PushedFields | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === "object" && parsed !== null ? (parsed as PushedFields) : undefined
  } catch {
    return undefined
  }
}
