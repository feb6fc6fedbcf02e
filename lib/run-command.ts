import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout as text (kept whole: callers parse it). */
  stdout: string;
  /** Last lines of stderr, for error messages. */
  stderrTail: string[];
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called for each stderr line as it arrives (progress reporting). */
  onStderrLine?: (line: string) => void;
  /** How many stderr lines to keep for `stderrTail`. */
  tailLines?: number;
}

/** Runs a program to completion without a shell. Spawn failures (ENOENT…) resolve as code null. */
export function runCommand(command: string, args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const keep = options.tailLines ?? 20;
    const stderrTail: string[] = [];
    let stdout = '';
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
    });
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > keep) stderrTail.shift();
      options.onStderrLine?.(line);
    });
    let settled = false;
    child.on('error', (err) => {
      if (settled) return;
      settled = true;
      resolve({ code: null, signal: null, stdout, stderrTail: [...stderrTail, err.message] });
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      resolve({ code, signal, stdout, stderrTail });
    });
  });
}

/** The last meaningful stderr line, for a one-line error. */
export function lastLine(result: CommandResult): string {
  const lines = result.stderrTail.map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? `exit code ${String(result.code)}`;
}
