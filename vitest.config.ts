import { configDefaults, defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Needs the secured broker: it runs in vitest.secure.config.ts's run, which `npm test` runs too.
    exclude: [...configDefaults.exclude, "test/broker/pulsarSecurity.test.ts"],
    globalSetup: ["test/support/pulsarGlobalSetup.ts"],
    reporters: ["verbose"],
    testTimeout: 60_000,
    hookTimeout: 240_000
  }
})
