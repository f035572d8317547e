/**
 * CPU time of a process (all its threads), read from `/proc/<pid>/stat`, and the share of one
 * core it used over a window of wall-clock time.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`, 100 on Linux nearly always). */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User plus system CPU seconds the process has used so far (its threads included). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  // After it: [0] state (field 3) … [11] utime (field 14), [12] stime (field 15).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) throw new Error(`unreadable /proc/${pid}/stat: ${stat}`);
  return ticks / TICKS_PER_SECOND;
}

/** A running measurement of one process's CPU; {@link CpuWindow.stop} gives cores used. */
export interface CpuWindow {
  /** Share of one core the process used since the window opened (1 = a whole core). */
  stop(): Promise<number>;
}

/** Opens a window on `pid`'s CPU time; resolution is one clock tick (10 ms) over the window. */
export async function openCpuWindow(pid: number): Promise<CpuWindow> {
  const cpu0 = await cpuSeconds(pid);
  const t0 = performance.now();
  return {
    async stop() {
      const cpu1 = await cpuSeconds(pid);
      return (cpu1 - cpu0) / ((performance.now() - t0) / 1000);
    },
  };
}
