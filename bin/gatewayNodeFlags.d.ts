export declare const semiSpaceFlag: string
export declare const gatewayNodeFlags: ReadonlyArray<string>
export declare const setsSemiSpace: (flags: ReadonlyArray<string>) => boolean
