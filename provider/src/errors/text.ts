/**
 * Quoting user input inside messages. Characters that must never reach a terminal from user
 * input: controls (C0, DEL and C1, whose U+009B is the terminal's CSI), invisible formatting
 * (bidi overrides and isolates, zero-width spaces and joiners, the byte order mark), line and
 * paragraph separators, lone surrogates. Each can rewrite a terminal line or make one key look
 * like another.
 */
export const UNSAFE_CHARACTER = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_CHARACTERS = new RegExp(UNSAFE_CHARACTER.source, 'gu');

/** "U+202E": how a message names a character a person cannot see. */
export function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * A value a user gave, quoted for an error message: JSON, with every unsafe character escaped
 * as \uXXXX, so a refusal never carries a terminal escape or a bidi override to the screen.
 */
export function quote(value: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(value) ?? String(value);
  } catch {
    json = String(value); // a bigint or a cycle: JSON cannot write it
  }
  return escapeUnsafe(json);
}

/**
 * Text for a terminal: every unsafe character but the line feed written as \uXXXX (per UTF-16
 * unit, as JSON writes them, so JSON text stays the same JSON). For output built from stored
 * data, which may predate the input rules or come from another tool.
 */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (c) =>
    c === '\n' ? c : [...Array(c.length).keys()].map((i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

/** `"a", "b" and 3 more`: at most five items of a list a message names. */
export function listSome(items: string[]): string {
  return items.length <= 5 ? items.join(', ') : `${items.slice(0, 5).join(', ')} and ${items.length - 5} more`;
}

/** Why the label key "__proto__" is refused (a label, a required label, a selector's key); the HTTP schema says it in its own issue list. */
export const RESERVED_LABEL_KEY = 'this label key is reserved by JavaScript and would be lost; choose another key';
