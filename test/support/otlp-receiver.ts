import { IncomingMessage, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A stand-in OpenTelemetry collector: a plain node:http server on 127.0.0.1 that accepts
 * OTLP/HTTP trace exports (POST /v1/traces) and keeps every body; the JSON ones
 * (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) also as spans, flattened, for a test to look at.
 */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client (the OTLP enum). */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  links: { traceId: string; spanId: string }[];
  /** The service.name of the resource that sent it. */
  service: string;
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the exports received, in order. */
  contentTypes: string[];
  rawBodies: Buffer[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const rawBodies: Buffer[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const type = request.headers['content-type'] ?? '';
      contentTypes.push(type);
      rawBodies.push(body);
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
      } else if (type.startsWith('application/json')) {
        spans.push(...flatten(JSON.parse(body.toString('utf8')) as ExportRequest));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else {
        // An empty ExportTraceServiceResponse: everything accepted.
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    rawBodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean };
type KeyValue = { key: string; value: AnyValue };
interface ExportRequest {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: {
      spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number; attributes?: KeyValue[]; links?: { traceId: string; spanId: string }[] }[];
    }[];
  }[];
}

function flatten(request: ExportRequest): ReceivedSpan[] {
  return request.resourceSpans.flatMap((rs) => {
    const service = String(attributes(rs.resource.attributes)['service.name']);
    return rs.scopeSpans.flatMap((ss) =>
      ss.spans.map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId ?? '',
        name: s.name,
        kind: s.kind,
        attributes: attributes(s.attributes ?? []),
        links: (s.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
        service,
      })),
    );
  });
}

function attributes(list: KeyValue[]): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const { key, value } of list) {
    result[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue ?? '';
  }
  return result;
}
