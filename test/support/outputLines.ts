/**
 * The lines of a file an export writes as it goes (JSON Lines, one frame a line): read while the
 * export may not have created it yet, so a missing file is no lines rather than an error.
 */
import { readFileSync } from "node:fs"

export const linesIn = (path: string): Array<string> => {
  try {
    return readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "")
  } catch {
    return []
  }
}
