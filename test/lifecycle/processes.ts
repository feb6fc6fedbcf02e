/**
 * Finds what a command left behind. A run is started with a unique marker in its environment; every
 * process it starts inherits it (Node children, Playwright workers, the Chromium browser process),
 * except Chromium's own helpers (zygote, renderers), which start with a clean environment but stay in
 * the browser's process group. So "ours" is: a process carrying the marker, or a member of a process
 * group that a marked process led. Linux only (/proc).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  command: string;
}

function readProc(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (rest[0] === 'Z') return undefined; // a zombie has no resources left; its parent will reap it
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    return { pid, ppid: Number(rest[1]), pgid: Number(rest[2]), command };
  } catch {
    return undefined; // gone while we looked
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** Processes carrying `marker` (an exact `NAME=value` environment entry) or in a group such a process leads, or in `knownGroups`. */
export function processesOf(marker: string, knownGroups: ReadonlySet<number> = new Set()): ProcessInfo[] {
  const infos = allPids()
    .map(readProc)
    .filter((p): p is ProcessInfo => p !== undefined && p.pid !== process.pid);
  const marked = new Set(infos.filter((p) => hasMarker(p.pid, marker)).map((p) => p.pid));
  const groups = new Set([...knownGroups, ...infos.filter((p) => marked.has(p.pid) && p.pgid === p.pid).map((p) => p.pid)]);
  return infos.filter((p) => marked.has(p.pid) || groups.has(p.pgid));
}

/** TCP ports in LISTEN state held by these processes (via their socket inodes and /proc/net/tcp{,6}). */
export function listeningPorts(pids: readonly number[]): number[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match?.[1]) inodes.add(match[1]);
      } catch {
        // closed while we looked
      }
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      // cols: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A = LISTEN
      if (!inodes.has(cols[9] ?? '')) continue;
      ports.add(parseInt((cols[1] ?? '').split(':')[1] ?? '0', 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** True when a server can listen on 127.0.0.1:port right now (nobody holds it). */
export async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Where a process of ours is: a readable line for an assertion message. */
export function describe(processes: readonly ProcessInfo[]): string {
  return processes.map((p) => `${p.pid} (pgid ${p.pgid}) ${p.command.slice(0, 120)}`).join('\n');
}
