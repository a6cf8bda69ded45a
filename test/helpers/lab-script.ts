/**
 * Runs one of the repo's lab scripts (scripts/<system>/start.sh …) from a test. Asynchronously:
 * the server under test runs in the test's own process, and a synchronous call would freeze it —
 * its timers, its framework's watches and its sockets — for as long as the script runs, which no
 * real outage does (and a keep-alive socket then races its idle timeout, seen as ECONNRESET).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `bash script`; on failure the error names the script and quotes the end of its stderr. */
export async function runLabScript(script: string, timeoutMs: number): Promise<void> {
  try {
    await run('bash', [script], { timeout: timeoutMs, encoding: 'utf8' });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '').slice(-2000);
    throw new Error(`${script} failed: ${(error as Error).message}\n${stderr}`, { cause: error });
  }
}
