/**
 * Buffers whose memory goes back the moment their owner is done with them, instead of when a
 * garbage collection finds them dead.
 *
 * V8 frees a buffer's memory only once a collection finds the buffer unreachable, and it starts a
 * collection for such memory late. At full speed the gateway makes and drops 50–100 MB of frames
 * and records a second: 47–72 MiB of them waited for the collector at the peaks of one export, and
 * malloc's heap kept the size they had made it (docs/benchmarks.md, "Buffers given back when
 * done"). A buffer detached with `ArrayBuffer.prototype.transfer(0)` gives its memory back at once.
 *
 * Only a buffer that has its memory to itself can be released: one made by `ownedBytes` (Node's
 * `Buffer.allocUnsafe` hands out slices of a shared 64 KiB pool) that no other view shares. After
 * `release` every view of it reads as empty, so only the one code path that owns a buffer releases
 * it, once nothing will read it again.
 */

/** A buffer of `size` bytes with memory of its own, not a slice of Node's pool. Not zeroed. */
export const ownedBytes = (size: number): Buffer => Buffer.allocUnsafeSlow(size)

/** `ArrayBuffer.prototype.transfer` and `detached` (ES2024; Node 22 has them). */
interface Transferable {
  readonly detached: boolean
  transfer(newLength: number): ArrayBuffer
}

/**
 * Gives the memory of `bytes` back now when `bytes` spans a memory of its own (see above), and
 * does nothing otherwise: a view of part of a buffer, a slice of the pool, shared memory.
 */
export const release = (bytes: Uint8Array): void => {
  const memory = bytes.buffer
  if (!(memory instanceof ArrayBuffer) || bytes.byteOffset !== 0 || memory.byteLength !== bytes.byteLength) return
  const transferable = memory as unknown as Transferable
  if (!transferable.detached) transferable.transfer(0)
}
