/**
 * The producer name `tg-gateway import` gives the broker for deduplication: the same for the same
 * import run again, different for anything that would make different frames.
 *
 * The broker drops a message whose sequence id is not above the last one it stored for the name,
 * and frame i of an import is sequence id i. So a name must stand for one exact sequence of
 * frames: it is a digest of the input's bytes and of everything that shapes the frames from them
 * (format, batch size, document id, collection) and of where they go (flow, kind, workspace). A
 * file changed by one byte is a new import under a new name; the same file imported again is
 * recognised, frame by frame, and not stored twice.
 */
import { createHash } from "node:crypto"
import { createReadStream } from "node:fs"
import { Effect } from "effect"
import type { SourceOptions } from "./frameSource.ts"
import type { GatewayTarget } from "./gatewayUrl.ts"

/** Pulsar's limit is generous; the gateway takes 1 to 128 of [A-Za-z0-9._-]. */
const digestLength = 32

const hashFile = (hash: ReturnType<typeof createHash>, path: string) =>
  Effect.callback<void, Error>((resume) => {
    const stream = createReadStream(path)
    stream.on("data", (chunk) => hash.update(chunk))
    stream.once("end", () => resume(Effect.void))
    stream.once("error", (error) => resume(Effect.fail(error)))
    return Effect.sync(() => stream.destroy())
  })

/**
 * `tg-import-` and a digest of the inputs and what shapes their frames; undefined for standard
 * input, which cannot be read twice (a name must then be given).
 */
export const producerNameOf = (
  target: GatewayTarget,
  sources: ReadonlyArray<SourceOptions>
): Effect.Effect<string | undefined, Error> =>
  Effect.gen(function* () {
    if (sources.some((source) => source.input === "-")) return undefined
    const hash = createHash("sha256")
    hash.update(JSON.stringify([target.flow, target.kind, target.workspace ?? ""]))
    for (const source of sources) {
      hash.update(JSON.stringify([source.format, source.batch, source.metadata]))
      yield* hashFile(hash, source.input)
      // Where one input ends: two files are not one file of their bytes together.
      hash.update("\u0000")
    }
    return `tg-import-${hash.digest("hex").slice(0, digestLength)}`
  })
