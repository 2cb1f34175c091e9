/**
 * WebSocket pings on a timer, for the gateway's broker sessions and its clients' sockets.
 *
 * A connection that carries no data is closed as idle by whatever watches it: Pulsar's WebSocket
 * service closes a session idle for `webSocketSessionIdleTimeoutMillis` (300 s by default), and
 * proxies, load balancers and NAT tables in front of the gateway have idle timeouts of their own.
 * A ping frame counts as traffic for all of them — Pulsar's (Jetty's) idle timer is reset by it —
 * and it gives TCP something to retransmit, so that a peer that vanished without a word is
 * eventually noticed by the kernel (the socket errors and closes) even on a connection with
 * nothing else to send.
 *
 * A missing pong closes nothing. A client that stops reading cannot answer pings — the ping waits
 * behind the frames it has not read, or in a paused socket (`tg-gateway export | less` pauses its
 * socket for as long as the pager waits) — and such a client is alive. What it can hold is
 * bounded by backpressure, so the gateway keeps it rather than guess.
 */
import WebSocket from "ws"

/** Pings `socket` every `intervalMillis` while it is open; 0 (or less) sends none. */
export const keepAlive = (socket: WebSocket, intervalMillis: number): void => {
  if (!(intervalMillis > 0) || socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) {
    return
  }
  const timer = setInterval(() => {
    if (socket.readyState === WebSocket.OPEN) socket.ping()
  }, intervalMillis)
  // The socket, not its pings, decides how long the process lives.
  timer.unref()
  socket.once("close", () => clearInterval(timer))
}
