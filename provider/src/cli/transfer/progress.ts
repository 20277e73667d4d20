/**
 * A progress bar for long imports, drawn on stderr when it is a terminal (never into a pipe or a
 * log, where it would be noise): one line, redrawn at most ten times a second, cleared at the end.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const WIDTH = 30;

export function progressBar(write: (text: string) => void, label: string, now: () => number = Date.now): Progress {
  let drawnAt = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      if (now() - drawnAt < 100 && done < total) return;
      drawnAt = now();
      drawn = true;
      const share = total === 0 ? 1 : done / total;
      const filled = Math.round(share * WIDTH);
      write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${Math.floor(share * 100)}% ${done}/${total} lines`);
    },
    done() {
      if (drawn) write('\r\x1b[K');
    },
  };
}

export const NO_PROGRESS: Progress = { update() {}, done() {} };
