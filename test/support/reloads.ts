/**
 * Waiting on a watched file's re-read (`AccessControl.reloads`, the listener's
 * `certificateReloads`) instead of on time.
 */
import { Effect, PubSub } from "effect"
import type { FileReload } from "../../src/layers/WatchedFiles.ts"

/** The first reload after `change`, passing over those `passOver` says are not the outcome yet. */
export const reloadAfter = (
  reloads: PubSub.PubSub<FileReload>,
  change: () => void,
  passOver: (reload: FileReload) => boolean = () => false
): Effect.Effect<FileReload> =>
  Effect.scoped(
    Effect.gen(function* () {
      const subscription = yield* PubSub.subscribe(reloads)
      change()
      let reload = yield* PubSub.take(subscription)
      while (passOver(reload)) reload = yield* PubSub.take(subscription)
      return reload
    })
  )

/**
 * A JSON file read between the truncation and the last byte of a write in place. Such a write is
 * several events, and the watcher may re-read between them; it keeps the grants in force then and
 * takes the file at the event of the last byte. What a test checks is that outcome.
 */
export const isHalfWritten = (reload: FileReload): boolean =>
  reload._tag === "Kept" && reload.problem.startsWith("not valid JSON")

/** The warning a half-written read logs (see `isHalfWritten`). */
export const isHalfWrittenWarning = (message: string): boolean => message.includes(" refused: not valid JSON")
