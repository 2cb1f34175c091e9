/**
 * TLS on the gateway's own listener (GATEWAY_TLS_CERT_FILE, GATEWAY_TLS_KEY_FILE): the PEM
 * certificate (chain) and private key, checked to belong together, and re-read when either file
 * changes so that a renewed certificate is served to new connections without a restart
 * (`server.setSecureContext`); connections already open keep the one they started with.
 *
 * At start a pair that cannot be read or does not match stops the gateway (`TlsConfigError`,
 * exit 2). Later a bad pair is refused with one warning line and the old one kept: renewing
 * writes two files, and between the two writes the pair does not match for a moment.
 */
import { readFile } from "node:fs/promises"
import { createSecureContext } from "node:tls"
import { Effect, PubSub, Result, Schema, type Scope } from "effect"
import { type FileReload, watchFiles } from "./WatchedFiles.ts"

export class TlsConfigError extends Schema.TaggedError<TlsConfigError>()("TlsConfigError", {
  source: Schema.String,
  problem: Schema.String
}) {
  override get message() {
    return `bad ${this.source}: ${this.problem}`
  }
}

export interface TlsFiles {
  readonly certFile: string
  readonly keyFile: string
}

export interface TlsPair {
  readonly cert: Buffer
  readonly key: Buffer
}

/** The two files, both set or neither; one alone is a configuration error. */
export const tlsFilesOf = (settings: {
  readonly tlsCertFile: string | undefined
  readonly tlsKeyFile: string | undefined
}): Result.Result<TlsFiles | undefined, TlsConfigError> => {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile } = settings
  if (certFile !== undefined && keyFile !== undefined) return Result.succeed({ certFile, keyFile })
  if (certFile === undefined && keyFile === undefined) return Result.succeed(undefined)
  const [given, missing] =
    certFile === undefined
      ? ["GATEWAY_TLS_KEY_FILE", "GATEWAY_TLS_CERT_FILE"]
      : ["GATEWAY_TLS_CERT_FILE", "GATEWAY_TLS_KEY_FILE"]
  return Result.fail(
    new TlsConfigError({ source: given, problem: `it is set without ${missing}; set both for TLS, or neither` })
  )
}

const sourceOf = ({ certFile, keyFile }: TlsFiles) =>
  `GATEWAY_TLS_CERT_FILE ${certFile} with GATEWAY_TLS_KEY_FILE ${keyFile}`

/** OpenSSL's reasons, said for people; its own words follow in parentheses. */
const explain = (message: string): string =>
  message.includes("key values mismatch")
    ? `the key is not the certificate's (${message})`
    : message.includes("no start line")
      ? `a file is not PEM (${message})`
      : message

const readOne = (variable: string, file: string): Effect.Effect<Buffer, string> =>
  Effect.tryPromise({
    try: () => readFile(file),
    catch: (cause) => `${variable} ${file} cannot be read (${cause instanceof Error ? cause.message : String(cause)})`
  })

/** Both files read, and checked to be PEM that belong together. */
const readPair = (files: TlsFiles): Effect.Effect<TlsPair, string> =>
  Effect.gen(function* () {
    const cert = yield* readOne("GATEWAY_TLS_CERT_FILE", files.certFile)
    const key = yield* readOne("GATEWAY_TLS_KEY_FILE", files.keyFile)
    yield* Effect.try({
      try: () => createSecureContext({ cert, key }),
      catch: (cause) => explain(cause instanceof Error ? cause.message : String(cause))
    })
    return { cert, key }
  })

/** The pair at start. */
export const loadTlsPair = (files: TlsFiles): Effect.Effect<TlsPair, TlsConfigError> =>
  readPair(files).pipe(Effect.mapError((problem) => new TlsConfigError({ source: sourceOf(files), problem })))

const samePair = (a: TlsPair, b: TlsPair) => a.cert.equals(b.cert) && a.key.equals(b.key)

/**
 * Hands every new good pair to `apply` while the scope is open, starting from `first`. Each
 * re-read that changed something is published, applied or kept.
 */
export const watchTlsPair = (
  files: TlsFiles,
  first: TlsPair,
  apply: (pair: TlsPair) => void
): Effect.Effect<PubSub.PubSub<FileReload>, never, Scope.Scope> =>
  Effect.gen(function* () {
    const reloads = yield* PubSub.unbounded<FileReload>()
    const source = sourceOf(files)
    let current = first
    // The last problem warned about: the same one is not warned about again at every event.
    let refused: string | undefined
    const reload = Effect.gen(function* () {
      const read = yield* Effect.result(
        readPair(files).pipe(
          Effect.tap((pair) =>
            samePair(pair, current)
              ? Effect.void
              : Effect.try({
                  try: () => apply(pair),
                  catch: (cause) =>
                    `the server did not take it (${cause instanceof Error ? cause.message : String(cause)})`
                })
          )
        )
      )
      if (Result.isSuccess(read)) {
        refused = undefined
        if (samePair(read.success, current)) return
        current = read.success
        yield* Effect.logInfo(`${source} re-read: new connections get the new certificate`)
        yield* PubSub.publish(reloads, { _tag: "Applied" })
      } else {
        if (read.failure === refused) return
        refused = read.failure
        yield* Effect.logWarning(`${source} refused: ${read.failure}; the certificate in use stays`)
        yield* PubSub.publish(reloads, { _tag: "Kept", problem: read.failure })
      }
    })
    yield* watchFiles([files.certFile, files.keyFile], reload)
    return reloads
  })
