/** What a full subscriber queue does with one more message. */
export const backpressureStrategies = ["block", "drop_oldest", "drop_new"] as const
export type BackpressureStrategy = (typeof backpressureStrategies)[number]
