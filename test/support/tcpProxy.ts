/**
 * A TCP proxy that can be frozen: while frozen it forwards nothing in either direction and
 * closes nothing, yet keeps every connection open and accepts new ones. That is what a process
 * talking to a broker stopped with SIGSTOP sees — the broker's kernel still completes handshakes
 * and takes bytes into its buffers, and nothing answers — without stopping a broker other tests
 * share. Thawed, it delivers what it held, in order, ends included.
 */
import { connect, createServer, type Socket } from "node:net"
import { Effect } from "effect"

export interface TcpProxy {
  /** The local port to connect to instead of the target's. */
  readonly port: number
  readonly freeze: () => void
  readonly thaw: () => void
}

/** Forwards 127.0.0.1:<port> to `host:targetPort` until the scope closes. */
export const startTcpProxy = (host: string, targetPort: number) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly proxy: TcpProxy; readonly close: () => void }, Error>((resume) => {
      let frozen = false
      let held: Array<() => void> = []
      const sockets = new Set<Socket>()
      const forward = (action: () => void) => {
        if (frozen) held.push(action)
        else action()
      }
      const track = (socket: Socket) => {
        sockets.add(socket)
        // A write to a socket its peer has already dropped is no failure of the proxy's.
        socket.on("error", () => {})
        socket.on("close", () => sockets.delete(socket))
      }
      /** Everything `from` says or does reaches `to`, unless frozen. */
      const pipe = (from: Socket, to: Socket) => {
        from.on("data", (chunk: Buffer) => forward(() => to.write(chunk)))
        from.on("end", () => forward(() => to.end()))
        from.on("error", () => forward(() => to.destroy()))
      }
      const server = createServer({ allowHalfOpen: true }, (downstream) => {
        const upstream = connect({ host, port: targetPort, allowHalfOpen: true })
        track(downstream)
        track(upstream)
        pipe(downstream, upstream)
        pipe(upstream, downstream)
      })
      server.once("error", (error) => resume(Effect.fail(error)))
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(
          Effect.succeed({
            proxy: {
              port,
              freeze: () => {
                frozen = true
              },
              thaw: () => {
                frozen = false
                const waiting = held
                held = []
                for (const action of waiting) action()
              }
            },
            close: () => {
              server.close()
              for (const socket of sockets) socket.destroy()
            }
          })
        )
      })
    }),
    ({ close }) => Effect.sync(close)
  ).pipe(Effect.map(({ proxy }) => proxy))
