/**
 * A Node HTTP server, and the WebSocket server its upgrades go to, listening on a free local port
 * while the scope is open: closing it drops every connection it still holds.
 */
import type { Server } from "node:http"
import { Effect } from "effect"
import type { WebSocketServer } from "ws"

/** The server's base URL, `http://127.0.0.1:<port>`. */
export const listenLocally = (server: Server, sockets: WebSocketServer) =>
  Effect.acquireRelease(
    Effect.callback<string>((resume) => {
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed(`http://127.0.0.1:${port}`))
      })
    }),
    () =>
      Effect.callback<void>((resume) => {
        for (const client of sockets.clients) client.terminate()
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )
