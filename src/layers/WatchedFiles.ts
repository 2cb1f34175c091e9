/**
 * Files re-read when they change: GATEWAY_TOKENS_FILE and the listener's certificate and key.
 *
 * The directories are watched, not the files: an editor that saves by writing a new file and
 * renaming it over the old one, and Kubernetes, which updates a mounted secret by pointing the
 * `..data` symlink at a new directory, both replace the file rather than write to it, and a watch
 * on the file itself would stay on the old one. The directory of the path as given sees both; the
 * directory the path resolves to, when it is a symlink into somewhere else, sees a target written
 * in place. Any event in either directory is only a hint: the caller re-reads and compares, so a
 * busy directory costs re-reads, not reloads.
 */
import { type FSWatcher, realpathSync, watch } from "node:fs"
import { dirname, resolve } from "node:path"
import { Effect, Queue, type Scope } from "effect"

/** What became of one re-read of changed files. */
export type FileReload =
  | { readonly _tag: "Applied" }
  /** Refused; what was in force before stays in force. */
  | { readonly _tag: "Kept"; readonly problem: string }

const directoriesOf = (paths: ReadonlyArray<string>): ReadonlySet<string> => {
  const directories = new Set<string>()
  for (const path of paths) {
    directories.add(dirname(resolve(path)))
    try {
      directories.add(dirname(realpathSync(path)))
    } catch {
      // Missing for now (a swap under way, a file deleted): its given directory still sees it come back.
    }
  }
  return directories
}

/**
 * Runs `onChange` whenever something changes in the directories of `paths`, once at the start
 * (a change between the caller's first read and the watch is not missed), never two at a time,
 * and once more after a run when anything changed during it. The watch ends with the scope.
 */
export const watchFiles = (
  paths: ReadonlyArray<string>,
  onChange: Effect.Effect<void>
): Effect.Effect<void, never, Scope.Scope> =>
  Effect.gen(function* () {
    // One pending change stands for any number: a re-read sees them all.
    const changed = yield* Queue.sliding<void>(1)
    const watchers = new Map<string, FSWatcher>()
    const signal = () => {
      Queue.offerUnsafe(changed, undefined)
    }
    /** Watches the directories the paths are in now; a symlink swapped elsewhere moves them. */
    const rewatch = Effect.sync(() => {
      const wanted = directoriesOf(paths)
      for (const [directory, watcher] of watchers) {
        if (!wanted.has(directory)) {
          watcher.close()
          watchers.delete(directory)
        }
      }
      for (const directory of wanted) {
        if (watchers.has(directory)) continue
        try {
          const watcher = watch(directory, { persistent: false }, signal)
          // A directory removed (an old secret version) ends its watch; the next re-read moves on.
          watcher.on("error", () => {
            watcher.close()
            if (watchers.get(directory) === watcher) watchers.delete(directory)
            signal()
          })
          watchers.set(directory, watcher)
        } catch {
          // Gone since it was resolved: the re-read that follows reports the file missing.
        }
      }
    })
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const watcher of watchers.values()) watcher.close()
        watchers.clear()
      })
    )
    yield* rewatch
    signal()
    yield* Queue.take(changed).pipe(
      Effect.andThen(onChange),
      Effect.andThen(rewatch),
      Effect.forever,
      Effect.forkScoped
    )
  })
