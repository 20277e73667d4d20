/**
 * IPv6 text in the canonical form of RFC 5952 (lowercase, no leading zeros, the longest run of
 * two or more zero hextets as "::", the first such run on a tie), straight from the 128-bit
 * value. ip-num's collapse goes through a full text form and regular expressions, and was a
 * third of the time of an IPv6 allocation (each record and answer formats its addresses).
 */
export function formatIPv6(value: bigint): string {
  const hextets = new Array<number>(8);
  // Four 32-bit words: bigint shifts are the costly part, so as few of them as possible, by
  // shift amounts made once.
  for (let word = 0; word < 4; word++) {
    const bits = Number((value >> WORD_SHIFTS[word]) & 0xffff_ffffn);
    hextets[2 * word] = bits >>> 16;
    hextets[2 * word + 1] = bits & 0xffff;
  }
  let runStart = -1;
  let runLength = 0;
  for (let i = 0; i < 8; ) {
    if (hextets[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && hextets[j] === 0) j++;
    if (j - i > runLength) {
      runStart = i;
      runLength = j - i;
    }
    i = j;
  }
  if (runLength < 2) return joined(hextets, 0, 8);
  return `${joined(hextets, 0, runStart)}::${joined(hextets, runStart + runLength, 8)}`;
}

const WORD_SHIFTS = [96n, 64n, 32n, 0n];

/** hextets[from .. to - 1] in hex, joined by ":" (no intermediate arrays). */
function joined(hextets: number[], from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += i === from ? hex(hextets[i]) : `:${hex(hextets[i])}`;
  return text;
}

function hex(hextet: number): string {
  return hextet.toString(16);
}
