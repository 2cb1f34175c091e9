/** A tracer that remembers the name of every span opened under it, in order. */
import { Tracer } from "effect"

export const recordingTracer = (): { readonly names: ReadonlyArray<string>; readonly tracer: Tracer.Tracer } => {
  const names: Array<string> = []
  const tracer = Tracer.make({
    span(options) {
      names.push(options.name)
      return new Tracer.NativeSpan(options)
    }
  })
  return { names, tracer }
}
