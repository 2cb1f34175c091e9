/**
 * A scripted stand-in for the gateway's sockets, to test how the command line behaves when the
 * gateway acks some frames, refuses others or drops the connection. It records every frame.
 */
import { PassThrough } from "node:stream"
import { Effect } from "effect"
import { WebSocketServer, type WebSocket } from "ws"

export interface FakeConnection {
  readonly socket: WebSocket
  readonly url: string
  readonly frames: Array<string>
}

export interface FakeGateway {
  readonly url: string
  readonly connections: Array<FakeConnection>
}

/** `onFrame` is called with each frame (1-based number on its connection) and decides the answer. */
export const fakeGateway = (
  onFrame: (connection: FakeConnection, n: number, frame: string, index: number) => void,
  onConnection: (connection: FakeConnection, index: number) => void = () => {}
) =>
  Effect.acquireRelease(
    Effect.callback<{ readonly gateway: FakeGateway; readonly server: WebSocketServer }>((resume) => {
      const server = new WebSocketServer({ port: 0, host: "127.0.0.1" })
      const connections: Array<FakeConnection> = []
      server.on("connection", (socket, request) => {
        const connection = { socket, url: request.url ?? "", frames: [] as Array<string> }
        const index = connections.push(connection) - 1
        socket.on("message", (data) => {
          connection.frames.push(data.toString())
          onFrame(connection, connection.frames.length, data.toString(), index)
        })
        onConnection(connection, index)
      })
      server.on("listening", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ gateway: { url: `ws://127.0.0.1:${port}`, connections }, server }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        for (const client of server.clients) client.terminate()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ gateway }) => gateway))

/** A stand-in for stderr that keeps what was written. */
export const captureStream = () => {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean }
  stream.isTTY = false
  let text = ""
  stream.on("data", (chunk: Buffer) => (text += chunk.toString()))
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text }
}
