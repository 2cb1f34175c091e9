/**
 * Reading the messages Pulsar's WebSocket API pushes: the payload kept as its base64 bytes and
 * decoded on read, the rest of the frame parsed as JSON, and every frame the short way cannot be
 * sure of read as a whole.
 */
import { assert, describe, it } from "@effect/vitest"
import { readPushedMessage } from "../../src/layers/broker/PushedMessage.ts"

const frame = (text: string) => Buffer.from(text, "utf8")
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")
const read = (text: string) => {
  const message = readPushedMessage(frame(text))
  if (message === undefined) throw new Error(`not read: ${text}`)
  return {
    id: message.id,
    payload: Buffer.from(message.payload).toString("utf8"),
    payloadBytes: message.payloadBytes,
    properties: message.properties,
    redeliveryCount: message.redeliveryCount
  }
}

describe("messages pushed by the WebSocket API", () => {
  it("a message as Pulsar writes it: id, payload, properties and redelivery count", () => {
    assert.deepStrictEqual(
      read(
        `{"messageId":"CAEQAA==","payload":"${base64("é€ 😀 triples")}","properties":{"k":"v é \\"q\\""},"publishTime":"2026-12-01T00:00:00Z","redeliveryCount":2}`
      ),
      { id: "CAEQAA==", payload: "é€ 😀 triples", payloadBytes: 18, properties: { k: 'v é "q"' }, redeliveryCount: 2 }
    )
  })

  it("the payload's size counts its padding out, for every length modulo three", () => {
    for (const text of ["", "a", "ab", "abc", "abcd"]) {
      assert.strictEqual(read(`{"messageId":"m","payload":"${base64(text)}"}`).payloadBytes, text.length)
    }
  })

  it("a property named payload, before or after the payload, is a property", () => {
    const expected = { id: "m", payload: "real", payloadBytes: 4, properties: { payload: "x" }, redeliveryCount: 0 }
    assert.deepStrictEqual(
      read(`{"messageId":"m","properties":{"payload":"x"},"payload":"${base64("real")}"}`),
      expected
    )
    assert.deepStrictEqual(
      read(`{"messageId":"m","payload":"${base64("real")}","properties":{"payload":"x"}}`),
      expected
    )
  })

  it("the key's text inside a string value is not the key", () => {
    const message = read(`{"messageId":"\\"payload\\":\\"","payload":"${base64("p")}"}`)
    assert.deepStrictEqual([message.id, message.payload], ['"payload":"', "p"])
  })

  it("other frames and broken ones are no message", () => {
    for (const text of [
      '{"result":"ok"}',
      '{"messageId":"m"}',
      '{"payload":"YQ=="}',
      "not json",
      '{"messageId":"m","payload":"YQ==',
      "[]"
    ]) {
      assert.isUndefined(readPushedMessage(frame(text)), text)
    }
  })

  it("a frame in fragments, as an ArrayBuffer or as a list of buffers, reads the same", () => {
    const text = `{"messageId":"m","payload":"${base64("fragments")}"}`
    const whole = frame(text)
    const fragments = [whole.subarray(0, 10), whole.subarray(10)]
    const arrayBuffer = whole.buffer.slice(whole.byteOffset, whole.byteOffset + whole.byteLength)
    for (const raw of [fragments, arrayBuffer]) {
      assert.strictEqual(Buffer.from(readPushedMessage(raw)!.payload).toString("utf8"), "fragments")
    }
  })
})
