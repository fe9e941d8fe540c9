/**
 * What a password must not be (pure). Length alone lets through the two passwords a guesser tries first on a medical
 * insurance system: the demo's, published in the README, and the account's own name ("clerk01" → "clerk01!2024").
 */

export const MIN_PASSWORD_LENGTH = 8;

/** The demo accounts' password (README): known to everyone, so no real account may choose it. */
export const DEMO_PASSWORD = "Yibao@2022";

export interface PasswordRules {
  /** The demo's own accounts are created with the demo password; nothing else may use it. */
  allowDemoPassword?: boolean;
}

/** Why `password` is refused for the account `username`, in Chinese and English; undefined when it is acceptable. */
export function passwordProblem(password: string, username: string, rules: PasswordRules = {}): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `密码至少 ${MIN_PASSWORD_LENGTH} 位 / must have at least ${MIN_PASSWORD_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (!rules.allowDemoPassword && lower === DEMO_PASSWORD.toLowerCase()) {
    return "不能使用演示系统的公开密码 / must not be the demo's published password";
  }
  const name = username.trim().toLowerCase();
  // A name of one or two letters would refuse half the dictionary; usernames have at least three (createUser).
  if (name.length >= 3 && lower.includes(name)) return "不能包含用户名 / must not contain the username";
  return undefined;
}
