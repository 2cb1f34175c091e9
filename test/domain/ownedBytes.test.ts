/**
 * Buffers given back when their owner is done with them (src/domain/OwnedBytes.ts): released only
 * when the buffer has its memory to itself, never a slice of Node's pool or part of a buffer.
 */
import { assert, describe, it } from "@effect/vitest"
import { ownedBytes, release } from "../../src/domain/OwnedBytes.ts"

describe("OwnedBytes", () => {
  it("a buffer of its own is released: its memory is detached and every view of it reads as empty", () => {
    const bytes = ownedBytes(100_000)
    bytes.fill(1)
    const view = bytes.subarray(10, 20)
    assert.strictEqual(bytes.buffer.byteLength, 100_000)
    release(bytes)
    assert.strictEqual(bytes.length, 0)
    assert.strictEqual(view.length, 0)
    assert.strictEqual(bytes.buffer.byteLength, 0)
    release(bytes)
  })

  it("small buffers are of their own too, not slices of Node's pool", () => {
    const bytes = ownedBytes(10)
    assert.strictEqual(bytes.byteOffset, 0)
    assert.strictEqual(bytes.buffer.byteLength, 10)
  })

  it("a slice of Node's pool, part of a buffer, or a typed array over shared memory is left as it is", () => {
    const pooled = Buffer.allocUnsafe(100).fill(7)
    const neighbour = Buffer.allocUnsafe(100).fill(8)
    assert.strictEqual(pooled.buffer, neighbour.buffer, "both slices of one pool")
    release(pooled)
    assert.deepStrictEqual([pooled.length, pooled[0], neighbour.length, neighbour[0]], [100, 7, 100, 8])

    const whole = ownedBytes(64).fill(3)
    release(whole.subarray(0, 32))
    release(whole.subarray(32))
    assert.deepStrictEqual([whole.length, whole[63]], [64, 3])

    const shared = new Uint8Array(new SharedArrayBuffer(16)).fill(5)
    release(shared)
    assert.deepStrictEqual([shared.length, shared[0]], [16, 5])
  })
})
