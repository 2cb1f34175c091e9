/**
 * A `GatewaySocket` without a network: each connection attempt and each frame the command sends
 * is handed to a script, which answers, refuses or drops the connection. Everything happens in
 * fibers, so a test can run the command's reconnects, resends and idle waits on the TestClock; each
 * attempt and frame is recorded with the TestClock's time it happened at.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll } from "@effect/vitest"
import { type Cause, Clock, Deferred, Effect, Exit, Layer, Queue } from "effect"
import {
  type Closed,
  type ConnectError,
  type GatewayConnection,
  GatewayNotListening,
  GatewaySocket
} from "../../src/programs/cli/GatewaySocket.ts"

export interface ScriptedConnection {
  /** 0 for the first connection that opened, 1 for the next, … */
  readonly index: number
  readonly url: string
  /** What the command sent on this connection, with the time it arrived. */
  readonly frames: Array<{ readonly text: string; readonly at: number }>
  /** Sends the command a frame (an answer, or an exported frame), as JSON. */
  readonly push: (value: unknown) => void
  /** The gateway ends the connection: 1006 is a connection lost without a close frame. */
  readonly drop: (code?: number, reason?: string) => void
  /** How the connection ended, once it has: who closed it, and with what code. */
  closedBy: { readonly side: "command" | "gateway"; readonly code: number } | undefined
}

export interface Script {
  /** Called for each attempt (1-based): a refusal, or undefined to open the connection. */
  readonly accept?: (attempt: number) => ConnectError | undefined
  readonly onOpen?: (connection: ScriptedConnection) => void
  /** Called with each frame the command sends, numbered from 1 on its connection. */
  readonly onFrame?: (connection: ScriptedConnection, n: number, text: string) => void
}

export interface ScriptedGateway {
  readonly layer: Layer.Layer<GatewaySocket>
  /** Every connection attempt, with the time it was made. */
  readonly attempts: Array<number>
  readonly connections: Array<ScriptedConnection>
}

/** A refusal as a gateway that is not running gives it. */
export const notListening = (url = "ws://127.0.0.1:1") => new GatewayNotListening({ url })

export const scriptedGateway = (script: Script): ScriptedGateway => {
  const attempts: Array<number> = []
  const connections: Array<ScriptedConnection> = []
  const connect = (url: string) =>
    Effect.gen(function* () {
      const clock = yield* Clock.Clock
      attempts.push(clock.currentTimeMillisUnsafe())
      const refusal = script.accept?.(attempts.length)
      if (refusal !== undefined) return yield* Effect.fail(refusal)
      const inbound = yield* Queue.unbounded<string, Cause.Done>()
      const closed = yield* Deferred.make<Closed>()
      const end = (side: "command" | "gateway", code: number, reason: string) => {
        if (scripted.closedBy !== undefined) return
        scripted.closedBy = { side, code }
        Queue.endUnsafe(inbound)
        Deferred.doneUnsafe(closed, Exit.succeed({ code, reason }))
      }
      const scripted: ScriptedConnection = {
        index: connections.length,
        url,
        frames: [],
        push: (value) => {
          if (scripted.closedBy === undefined) Queue.offerUnsafe(inbound, JSON.stringify(value))
        },
        drop: (code = 1006, reason = "") => end("gateway", code, reason),
        closedBy: undefined
      }
      connections.push(scripted)
      const connection: GatewayConnection = {
        send: (text) =>
          Effect.sync(() => {
            if (scripted.closedBy !== undefined) return
            scripted.frames.push({ text, at: clock.currentTimeMillisUnsafe() })
            script.onFrame?.(scripted, scripted.frames.length, text)
          }),
        receive: Queue.take(inbound),
        closed: Deferred.await(closed)
      }
      yield* Effect.addFinalizer(() => Effect.sync(() => end("command", 1000, "")))
      script.onOpen?.(scripted)
      return connection
    })
  return { layer: Layer.succeed(GatewaySocket, GatewaySocket.of({ connect })), attempts, connections }
}

/**
 * A stand-in for stderr that keeps what was written and can wait for a line: it is written to
 * synchronously, so a test that waits for "connection dropped" resumes only once the command has
 * gone on to its next wait.
 */
export const stderrCapture = () => {
  let text = ""
  const waiting: Array<{ readonly part: string; readonly deferred: Deferred.Deferred<void> }> = []
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      text += chunk
      for (const waiter of waiting.filter((waiter) => text.includes(waiter.part)))
        Deferred.doneUnsafe(waiter.deferred, Exit.void)
      return true
    }
  }
  return {
    stream: stream as unknown as NodeJS.WriteStream,
    text: () => text,
    /** Waits until what was written includes `part`. */
    said: (part: string) =>
      Effect.suspend(() => {
        if (text.includes(part)) return Effect.void
        const deferred = Deferred.makeUnsafe<void>()
        waiting.push({ part, deferred })
        return Deferred.await(deferred)
      })
  }
}

/**
 * Input files for a test file's runs, in a directory removed after them: `input(name, count)` is a
 * JSON Lines file of `count` frames whose document ids are f1, f2, …, which `idOf` reads back.
 */
export const jsonLinesInputs = (prefix: string) => {
  const directory = mkdtempSync(join(tmpdir(), prefix))
  afterAll(() => rmSync(directory, { recursive: true, force: true }))
  const input = (name: string, count: number) => {
    const path = join(directory, name)
    const frame = (i: number) => JSON.stringify({ metadata: { id: `f${i}`, root: "", collection: "c" }, triples: [] })
    writeFileSync(path, Array.from({ length: count }, (_, i) => frame(i + 1)).join("\n"))
    return path
  }
  return { directory, input }
}

/** The document id of a frame the command sent. */
export const idOf = (text: string) => (JSON.parse(text) as { metadata: { id: string } }).metadata.id
