import { describe, expect, it } from "vitest";
import { DEMO_PASSWORD, passwordProblem } from "../../src/domain/identity/passwords.js";

describe("password rules", () => {
  it("take a password of 8 characters or more that is neither the demo's nor contains the username", () => {
    expect(passwordProblem("correct horse", "clerk01")).toBeUndefined();
    expect(passwordProblem("八个汉字的密码啊", "clerk01")).toBeUndefined();
  });

  it("refuse fewer than 8 characters, counted as characters not UTF-16 units", () => {
    expect(passwordProblem("short12", "clerk01")).toBe("密码至少 8 位 / must have at least 8 characters");
    expect(passwordProblem("😀😀😀😀", "clerk01")).toBe("密码至少 8 位 / must have at least 8 characters");
  });

  it("refuse the demo's password in any case, unless for the demo's own accounts", () => {
    expect(DEMO_PASSWORD).toBe("Yibao@2022");
    for (const p of ["Yibao@2022", "yibao@2022", "YIBAO@2022"]) expect(passwordProblem(p, "clerk01")).toBe("不能使用演示系统的公开密码 / must not be the demo's published password");
    expect(passwordProblem("Yibao@2022", "clerk01", { allowDemoPassword: true })).toBeUndefined();
    expect(passwordProblem("Yibao@2022x", "clerk01")).toBeUndefined();
  });

  it("refuse a password containing the username, whatever the case", () => {
    for (const p of ["clerk01!2024", "My-CLERK01-pass", "Clerk01Clerk01"]) expect(passwordProblem(p, "clerk01")).toBe("不能包含用户名 / must not contain the username");
    // A two-letter name cannot exist (createUser asks for three), and would refuse too much.
    expect(passwordProblem("ab-secret-word", "ab")).toBeUndefined();
  });
});
