import { PrinterColumn, ResourceDefinition } from './kube-crds';

/**
 * The Table a server returns for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
 * (what kubectl asks for in `kubectl get`): a Name column, then the CRD's printer columns,
 * cells computed the way the server's CRD table convertor does (dates as ages like "2m").
 */
type JsonObject = Record<string, unknown>;

const NAME_COLUMN = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** Evaluates the simple JSONPath printer columns use: `.a.b.c`. */
function jsonPathValue(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const key of path.replace(/^\./, '').split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as JsonObject)[key];
  }
  return current;
}

/** k8s.io/apimachinery duration.HumanDuration. */
function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

function cell(column: PrinterColumn, value: unknown, nowMs: number): unknown {
  if (value === undefined || value === null) return null;
  switch (column.type) {
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      const at = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(at) ? '<invalid>' : humanDuration(nowMs - at);
    }
    default:
      return typeof value === 'string' ? value : null;
  }
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(def: ResourceDefinition, objects: JsonObject[], resourceVersion: string, include: IncludeObject, nowMs = Date.now()): JsonObject {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: [
      NAME_COLUMN,
      ...def.printerColumns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    ],
    rows: objects.map((object) => {
      const row: JsonObject = {
        cells: [(object.metadata as JsonObject).name, ...def.printerColumns.map((c) => cell(c, jsonPathValue(object, c.jsonPath), nowMs))],
      };
      if (include === 'Object') row.object = object;
      if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata };
      return row;
    }),
  };
}

/** Whether the client asked for a Table (kubectl get) rather than the objects. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .map((part) => part.split(';').map((p) => p.trim()))
    .some((params) => params.includes('as=Table') && params.includes('g=meta.k8s.io') && params.includes('v=v1'));
}
