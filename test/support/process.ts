/** Helpers for tests that start real processes. */
import { createServer } from "node:net"
import { Effect } from "effect"

/** A TCP port nothing listens on right now, for a process the test starts. */
export const freePort = Effect.promise(
  () =>
    new Promise<number>((resolve) => {
      const probe = createServer()
      probe.listen(0, "127.0.0.1", () => {
        const address = probe.address()
        probe.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
      })
    })
)
