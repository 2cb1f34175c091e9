/**
 * The waits of `tg-gateway import` and `tg-gateway export` between attempts to reconnect, in one
 * place so that both commands keep to the same schedule.
 */
import { Duration, Effect, Pull, Schedule } from "effect"
import type { Messages } from "../../i18n/messages.ts"
import { shown } from "./gatewayUrl.ts"

/**
 * The waits between attempts: 0.5 s, doubling, at most 10 s, `retries` of them. Used for
 * reconnecting after a dropped connection and for resending a frame nacked as retryable.
 */
export const backoff = (retries: number) =>
  Schedule.exponential("500 millis").pipe(
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.seconds(10)))),
    Schedule.upTo({ times: retries })
  )

/** Sleeps the next wait of a schedule driven by hand: false, at once, when its waits are spent. */
export const nextWait = (step: (input: unknown) => Pull.Pull<Duration.Duration, never, Duration.Duration>) =>
  step(undefined).pipe(
    Effect.as(true),
    Pull.catchDone(() => Effect.succeed(false))
  )

/** What is said before reconnection attempt `attempt` of `retries`: with several gateways, which one. */
export const reconnectingLine = (
  messages: Messages,
  attempt: number,
  retries: number,
  gateways: number,
  url: string
): string =>
  gateways > 1
    ? messages.t("import.reconnectingTo", { attempt, of: retries, url: shown(url) })
    : messages.t("import.reconnecting", { attempt, of: retries })
