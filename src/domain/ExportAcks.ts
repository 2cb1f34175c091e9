/**
 * A client's acknowledgement on an export with `?ack=true`: `{"ack": n}`, where n counts the
 * frames the gateway has written on the connection (1, 2, …; error frames are not counted), and
 * acknowledges every frame up to n. Pure: the export dispatcher says how many frames it has written
 * and how far the client had acknowledged, and gets the new mark or why the ack is refused.
 */
import { Result } from "effect"
import { FrameRejected } from "./errors.ts"

const expected = `an export with ?ack=true takes {"ack": n}, n the number of the last frame received`

/**
 * The frame mark `text` acknowledges, or why it cannot be taken: not JSON, not `{"ack": n}`, n not
 * a positive integer, n beyond the frames written, or n lower than an earlier ack. An ack equal to
 * the last one changes nothing and is taken. `frame` is the 1-based number of the client's frame
 * on the connection, for the error frame.
 */
export const readAck = (
  text: string,
  frame: number,
  written: number,
  acked: number
): Result.Result<number, FrameRejected> => {
  const refuse = (message: string, path: string) => Result.fail(new FrameRejected({ message, path, frame }))
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return refuse(
      `frame ${frame} is not JSON (${error instanceof Error ? error.message : String(error)}); ${expected}`,
      ""
    )
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("ack" in parsed)) {
    return refuse(`frame ${frame} has no "ack"; ${expected}`, "")
  }
  const n = parsed.ack
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 1) {
    return refuse(`ack must be a positive integer (the number of a frame received), not ${JSON.stringify(n)}`, "ack")
  }
  if (n > written) {
    return refuse(`ack ${n} is beyond the ${written} frame(s) written on this connection`, "ack")
  }
  if (n < acked) {
    return refuse(`ack ${n} goes back: frames up to ${acked} are already acknowledged`, "ack")
  }
  return Result.succeed(n)
}
