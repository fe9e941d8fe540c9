import type { RateLimits } from "../../src/api/security.js";

/**
 * Tests sign in dozens of times a minute from 127.0.0.1 (every signedInApi, every HisSession): the per-address limits
 * would refuse them. test/api/security.test.ts builds its own server with small limits to show they hold.
 */
export const TEST_LIMITS: RateLimits = { signin: { max: 100_000, window_ms: 60_000 }, his_signin: { max: 100_000, window_ms: 60_000 } };
