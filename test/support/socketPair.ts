/** A server-side `ws` socket and the client connected to it, on a port of their own, closed with the scope. */
import { createServer } from "node:http"
import { Effect } from "effect"
import WebSocket, { type ClientOptions, WebSocketServer } from "ws"

export const socketPair = (clientOptions: ClientOptions = {}) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly server: WebSocket; readonly client: WebSocket; readonly close: () => void }>(
      (resume) => {
        const http = createServer()
        const wss = new WebSocketServer({ server: http })
        http.listen(0, "127.0.0.1", () => {
          const address = http.address()
          const port = typeof address === "object" && address !== null ? address.port : 0
          const client = new WebSocket(`ws://127.0.0.1:${port}`, clientOptions)
          wss.once("connection", (server) => {
            const ready = () =>
              resume(
                Effect.succeed({
                  server,
                  client,
                  close: () => {
                    client.terminate()
                    server.terminate()
                    wss.close()
                    http.close()
                  }
                })
              )
            if (client.readyState === WebSocket.OPEN) ready()
            else client.once("open", ready)
          })
        })
      }
    ),
    (pair) => Effect.sync(pair.close)
  )
