/**
 * The export fast path as text in and text out, so that property tests can hold it against the
 * general path.
 */
import { compactTriplesRecordToFrame } from "../../src/domain/CompactTriples.ts"

/** The text as its UTF-8 carries it: a lone surrogate becomes U+FFFD. */
export const wellFormed = (text: string): string => Buffer.from(text, "utf8").toString("utf8")

/** The compact export path on the text's UTF-8 bytes. */
export const compactFrameText = (record: string): string | undefined =>
  compactTriplesRecordToFrame(Buffer.from(record, "utf8"))?.toString("utf8")
