let lastMs = Number.NaN;
let lastText = '';

/**
 * new Date(ms).toISOString(), remembered for the last instant asked. The engine decides a whole
 * batch at one instant, and formatting the date was a tenth of the cost of an allocation.
 */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastText = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastText;
}
