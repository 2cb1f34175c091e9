/**
 * The consumer's local buffer both adapters share: messages in the order pushed, none handed out
 * while paused (not even to a `receive` that was already waiting), a permit returned per message
 * taken, and a close that fails every waiting `receive`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber } from "effect"
import { makeReceiveBuffer } from "../../src/layers/broker/ReceiveBuffer.ts"

class Closed {
  readonly _tag = "Closed"
}

describe("ReceiveBuffer", () => {
  it.effect(
    "a receive waiting when the consumer pauses gets nothing pushed while paused, and everything in order on resume",
    () =>
      Effect.gen(function* () {
        let taken = 0
        const buffer = yield* makeReceiveBuffer<string, Closed>(() => taken++)
        buffer.push("a")
        assert.strictEqual(yield* buffer.take, "a")
        const waiting = yield* Effect.forkChild(buffer.take, { startImmediately: true })
        buffer.pause()
        assert.isTrue(buffer.isPaused)
        buffer.push("b")
        buffer.push("c")
        yield* Effect.yieldNow
        assert.isUndefined(waiting.pollUnsafe(), "paused: the waiting receive is handed nothing")
        buffer.resume()
        assert.strictEqual(yield* Fiber.join(waiting), "b")
        assert.strictEqual(yield* buffer.take, "c")
        buffer.push("d")
        assert.strictEqual(yield* buffer.take, "d")
        assert.strictEqual(taken, 4, "one permit returned for every message taken")
      })
  )

  it.effect("messages buffered before a pause wait for the resume, ahead of those pushed while paused", () =>
    Effect.gen(function* () {
      const buffer = yield* makeReceiveBuffer<string, Closed>()
      buffer.push("a")
      buffer.pause()
      buffer.push("b")
      const waiting = yield* Effect.forkChild(buffer.take, { startImmediately: true })
      yield* Effect.yieldNow
      assert.isUndefined(waiting.pollUnsafe(), "paused: a buffered message is not handed out")
      buffer.resume()
      assert.strictEqual(yield* Fiber.join(waiting), "a")
      assert.strictEqual(yield* buffer.take, "b")
    })
  )

  it.effect("close fails a receive waiting on an empty buffer, one waiting while paused, and every later one", () =>
    Effect.gen(function* () {
      const buffer = yield* makeReceiveBuffer<string, Closed>()
      const empty = yield* Effect.forkChild(buffer.take, { startImmediately: true })
      buffer.pause()
      const paused = yield* Effect.forkChild(buffer.take, { startImmediately: true })
      buffer.push("held while paused")
      const failure = new Closed()
      buffer.close(failure)
      assert.deepStrictEqual(yield* Fiber.await(empty), Exit.fail(failure))
      assert.deepStrictEqual(yield* Fiber.await(paused), Exit.fail(failure))
      buffer.push("after close")
      assert.deepStrictEqual(yield* Effect.exit(buffer.take), Exit.fail(failure))
    })
  )

  it.effect("close discards what was buffered: a closed consumer hands out nothing more", () =>
    Effect.gen(function* () {
      const buffer = yield* makeReceiveBuffer<string, Closed>()
      buffer.push("a")
      buffer.push("b")
      const failure = new Closed()
      buffer.close(failure)
      assert.deepStrictEqual(yield* Effect.exit(buffer.take), Exit.fail(failure))
    })
  )
})
