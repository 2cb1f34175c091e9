/**
 * The lines of a file an export writes as it goes (JSON Lines, one frame a line): read while the
 * export may not have created it yet, so a missing file is no lines rather than an error, and
 * while it may be in the middle of a line, so only lines already ended by their newline count.
 */
import { readFileSync } from "node:fs"

export const linesIn = (path: string): Array<string> => {
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch {
    return []
  }
  // Whatever follows the last newline is a line still being written.
  return text
    .slice(0, text.lastIndexOf("\n") + 1)
    .split("\n")
    .filter((line) => line !== "")
}
