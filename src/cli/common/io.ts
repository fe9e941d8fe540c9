import { DomainError } from "../../domain/errors.js";
import { migrateDatabase, openFromEnvironment, type Database } from "../../store/db.js";

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Bad input: a message naming the field on standard error, exit status 2. Anything else is a bug: status 1. */
export async function runCommand(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof DomainError) {
      process.stderr.write(`yibao: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

export function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError(source, `is not valid JSON: ${(error as Error).message}`);
  }
}

/** Runs `work` on the database the environment names (migrated first), and closes it. */
export async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openFromEnvironment();
  try {
    await migrateDatabase(database);
    return await work(database);
  } finally {
    await database.close();
  }
}
