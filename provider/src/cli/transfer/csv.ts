import { errors } from '../../errors';

/** One record of a CSV file: its fields, and the line of the file it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * RFC 4180 CSV, as spreadsheets and NetBox write it: fields separated by commas, quoted with
 * double quotes when they hold a comma, a quote (doubled) or a line break; CRLF or LF line ends;
 * a byte order mark at the start is dropped; blank lines are skipped. Each record keeps the
 * line it starts on, so a refusal can name it even after a quoted field spanned lines.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const opened = line;
        i += 1;
        for (;;) {
          if (i >= text.length) throw errors.INVALID_INPUT({ case: 'csv-open-quote', line: opened });
          const c = text[i];
          if (c === '"' && text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (c === '"') {
            i += 1;
            break;
          } else {
            if (c === '\n') line += 1;
            field += c;
            i += 1;
          }
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') throw errors.INVALID_INPUT({ case: 'csv-after-quote', line });
      } else {
        const end = nextDelimiter(text, i);
        field = text.slice(i, end);
        i = end;
      }
      fields.push(field);
      if (text[i] === ',') {
        i += 1;
        continue;
      }
      if (text[i] === '\r') i += 1;
      if (text[i] === '\n') i += 1;
      line += 1;
      break;
    }
    if (!(fields.length === 1 && fields[0].trim() === '')) records.push({ line: start, fields });
  }
  return records;
}

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */ || c === 10 /* \n */ || c === 13 /* \r */) return i;
  }
  return text.length;
}

/** A CSV field: quoted when it must be (a comma, a quote, a line break, or spaces at an end). */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
