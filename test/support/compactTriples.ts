/**
 * The compact fast paths as text in and text out, so that property tests can hold them against
 * the general path.
 */
import { compactTriplesFrameToRecord, compactTriplesRecordToFrame } from "../../src/domain/CompactTriples.ts"

/** The text as its UTF-8 carries it: a lone surrogate becomes U+FFFD. */
export const wellFormed = (text: string): string => Buffer.from(text, "utf8").toString("utf8")

/** The compact export path on the text's UTF-8 bytes. */
export const compactFrameText = (record: string): string | undefined =>
  compactTriplesRecordToFrame(Buffer.from(record, "utf8"))?.toString("utf8")

/** The compact import path on the text's UTF-8 bytes. */
export const compactRecordText = (frame: string): string | undefined =>
  compactTriplesFrameToRecord(Buffer.from(frame, "utf8"))?.toString("utf8")
