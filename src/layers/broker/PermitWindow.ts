/**
 * How many messages a consumer lets the broker push ahead of `receive`, on either transport: its
 * window in messages (`receiverQueueSize`), shrunk to fit a budget of bytes once message sizes
 * are known. Without the budget a window of 1,000 messages of 36 KB let 36 MB arrive in one burst,
 * and 1,000 of the broker's 5 MB limit would be 5 GB.
 */

export interface PermitWindow {
  /** A message arrived carrying this many bytes: the window follows the mean size. */
  readonly observe: (bytes: number) => void
  /** `count` permits came back (messages taken by `receive`, or passed over): grant again. */
  readonly returned: (count: number) => void
  /** Stops granting; permits already given stay given. */
  readonly pause: () => void
  /** Grants up to the window, and from then on as permits come back. */
  readonly resume: () => void
}

/** Bytes of messages a consumer lets the broker push ahead of `receive`. */
export const receiveBudgetBytes = 8 * 1024 * 1024

/** Permits a consumer gives before it has seen a message's size. */
const firstGrant = 100

/**
 * `grant` sends the broker `count` more permits. A window starts paused, so that nothing is
 * granted before the consumer is subscribed: its first `resume` makes the first grant. Each grant
 * tops the window up in batches of at least half of it: fewer commands, and the pipe never runs dry.
 */
export const makePermitWindow = (window: number, grant: (count: number) => void): PermitWindow => {
  let paused = true
  // Permits given and not yet returned: messages the broker may still push, on their way, or
  // waiting in the consumer's buffer.
  let granted = 0
  // The mean size of the messages received so far, unknown before the first.
  let meanBytes: number | undefined
  const goal = () =>
    meanBytes === undefined
      ? Math.min(window, firstGrant)
      : Math.max(1, Math.min(window, Math.floor(receiveBudgetBytes / meanBytes)))
  const topUp = () => {
    if (paused) return
    const target = goal()
    const shortfall = target - granted
    if (shortfall > 0 && (shortfall * 2 >= target || granted === 0)) {
      granted += shortfall
      grant(shortfall)
    }
  }
  return {
    observe: (bytes) => {
      meanBytes = meanBytes === undefined ? bytes : meanBytes + (bytes - meanBytes) / 16
    },
    returned: (count) => {
      granted -= count
      topUp()
    },
    pause: () => {
      paused = true
    },
    resume: () => {
      paused = false
      topUp()
    }
  }
}
