import { configDefaults, defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // These need the secured broker: they run in vitest.secure.config.ts's run, which .ci/run starts after `npm test`.
    exclude: [...configDefaults.exclude, "test/broker/pulsarSecurity.test.ts", "test/broker/pulsarOAuth2.test.ts"],
    // The fault-injection suite's summary table (test/faults/) is printed by its own setup after the run.
    globalSetup: ["test/support/pulsarGlobalSetup.ts", "test/faults/summarySetup.ts"],
    reporters: ["verbose"],
    testTimeout: 60_000,
    hookTimeout: 240_000
  }
})
