/** The resolved settings of a running gateway (see `src/domain/Settings.ts` for each one). */
import { Context } from "effect"
import type { SettingValues } from "../domain/Settings.ts"

export class GatewaySettings extends Context.Service<GatewaySettings, SettingValues>()("tg-gateway/GatewaySettings") {}
