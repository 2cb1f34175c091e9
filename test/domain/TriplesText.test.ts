import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TriplesFrame, triplesToRecord } from "../../src/domain/Triples.ts"
import { triplesRecordText } from "../../src/domain/TriplesText.ts"

describe("TriplesText", () => {
  it.effect.prop(
    "the triples record written in one pass is byte for byte JSON.stringify of the record",
    [TriplesFrame],
    ([frame]) =>
      Effect.sync(() => {
        assert.strictEqual(triplesRecordText(frame), JSON.stringify(triplesToRecord(frame)))
      }),
    { arbitrary: { runs: 300 } }
  )
})
