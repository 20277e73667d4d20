/**
 * Every response a server test receives is checked against the service's OpenAPI document: the
 * operation its path and method name, the response of its status (or 4XX/5XX), the media type
 * and the JSON Schema documented there. A response the document does not describe, or describes
 * otherwise, fails the test that received it. What was checked is recorded, so a suite can tell
 * which operations it saw answer.
 */
import { openApiDocument } from '../../provider/src/server/openapi';
import { ROUTES } from '../../provider/src/server/routes';
import { schemaProblem } from '../support/json-schema';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

export const DOCUMENT = openApiDocument(ROUTES, '0.0.0') as Document;

/** "GET /v1/spaces/{space}/pools 200" for each response that was checked against its documented schema. */
export const CHECKED = new Set<string>();

const TEMPLATES = Object.keys(DOCUMENT.paths).map((template) => ({ template, segments: template.split('/') }));

/** The documented path template of a request path, if any ("/v1/spaces/{space}/pools" for "/v1/spaces/a/pools"). */
function templateOf(path: string): string | undefined {
  const segments = path.split('?')[0].split('/');
  const fits = (pattern: string[]) => pattern.length === segments.length && pattern.every((s, i) => (s.startsWith('{') ? segments[i] !== '' : s === segments[i]));
  // A literal segment beats a parameter: the template with the fewest parameters wins.
  const parameters = (t: { template: string }) => t.template.split('{').length;
  return TEMPLATES.filter((t) => fits(t.segments)).sort((a, b) => parameters(a) - parameters(b))[0]?.template;
}

/** Throws when the response is not what the document says the operation answers. */
export function checkDocumented(method: string, path: string, status: number, contentType: string | null, text: string, body: unknown): void {
  const template = templateOf(path);
  const operation = template === undefined ? undefined : DOCUMENT.paths[template][method.toLowerCase()];
  const where = `${method} ${path} answered ${status}`;
  const mediaType = (contentType ?? '').split(';')[0].trim();
  if (operation === undefined && status === 200 && (path === '/' || path.startsWith('/ui/'))) {
    // The web view's page and files: not API operations, so not in the API's document.
    CHECKED.add(`${method} (web view file) ${status}`);
    return;
  }
  if (operation === undefined) {
    // No such operation: the answer is a problem (404 ROUTE_NOT_FOUND, 405 METHOD_NOT_ALLOWED) or nothing (HEAD).
    if (text === '') return;
    const problem = schemaProblem(DOCUMENT.components.schemas.Problem, body, DOCUMENT);
    if (mediaType !== 'application/problem+json' || problem !== undefined) throw new Error(`${where}, not a documented problem: ${problem ?? mediaType}`);
    CHECKED.add(`${method} (no operation) ${status}`);
    return;
  }
  const documented = operation.responses[String(status)] ?? operation.responses[`${String(status)[0]}XX`];
  if (documented === undefined) throw new Error(`${where}: the document lists no such status for ${method} ${template} (it lists ${Object.keys(operation.responses).join(', ')})`);
  if (documented.content === undefined) {
    if (text !== '') throw new Error(`${where} with a body; the document says it has none`);
  } else {
    const media = documented.content[mediaType];
    if (media === undefined) throw new Error(`${where} as ${JSON.stringify(mediaType)}; the document says ${Object.keys(documented.content).join(' or ')}`);
    if (media.schema === undefined) throw new Error(`${where}: the document gives no schema for ${mediaType}`);
    const problem = schemaProblem(media.schema, mediaType.endsWith('json') ? body : text, DOCUMENT);
    if (problem !== undefined) throw new Error(`${where}, which does not match the documented response: ${problem}`);
  }
  CHECKED.add(`${method} ${template} ${status}`);
}
