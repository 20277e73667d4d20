import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { ServerResponse } from 'node:http';
import { MAP_STATES, STATE_NAMES } from '../map/model';
import { paletteCss } from '../map/palette';
import { packageFile } from '../package';

/**
 * The web view's files: plain HTML, CSS and JavaScript modules shipped in the package
 * (provider/web), read once when the service starts and served from memory at / and /ui/. No
 * build step, no CDN: the page works on a machine without any other network. The map colours
 * and state names come from the same module as the terminal and SVG maps' (/ui/palette.css,
 * /ui/states.js), generated here.
 *
 * The files hold no data, so they are served without a token; the page asks for one and sends
 * it on each API request in the Authorization header, never in a URL.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Only this origin's scripts, styles and API: no inline script, nothing from elsewhere.
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

export class WebAssets {
  private readonly files = new Map<string, { type: string; body: Buffer }>();

  constructor(folder = packageFile(join('provider', 'web'))) {
    for (const file of listFiles(folder)) {
      const type = TYPES[extname(file)];
      if (type === undefined) continue;
      const path = `/ui/${relative(folder, file).split(sep).join('/')}`;
      this.files.set(path, { type, body: readFileSync(file) });
    }
    const index = this.files.get('/ui/index.html');
    if (index !== undefined) this.files.set('/', index);
    this.files.set('/ui/palette.css', { type: TYPES['.css'], body: Buffer.from(paletteCss()) });
    const states = `export const STATES = ${JSON.stringify(MAP_STATES)};\nexport const STATE_NAMES = ${JSON.stringify(STATE_NAMES)};\n`;
    this.files.set('/ui/states.js', { type: TYPES['.js'], body: Buffer.from(states) });
  }

  /** Whether a GET of this path is a file of the web view. */
  has(path: string): boolean {
    return this.files.has(path);
  }

  send(path: string, method: string, response: ServerResponse): void {
    const file = this.files.get(path)!;
    response.writeHead(200, { ...HEADERS, 'content-type': file.type, 'content-length': file.body.length });
    response.end(method === 'HEAD' ? undefined : file.body);
  }
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
