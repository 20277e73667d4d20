import { IpamError, errors } from '../errors';
import { ERROR_CATALOGUE } from '../errors/catalogue';
import { Method, Route } from './route';

export interface Match {
  route: Route;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

/**
 * Finds the route of a request path. The path is split on "/" before percent-decoding, so an
 * owner key containing "/" (sent as %2F) stays one parameter. A path that matches no route is
 * ROUTE_NOT_FOUND; one that matches only under other methods is METHOD_NOT_ALLOWED, naming them.
 */
export class Router {
  private readonly compiled: { route: Route; segments: string[] }[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, segments: route.path.split('/').slice(1) }));
  }

  match(method: string, path: string): Match {
    const raw = path.split('/').slice(1);
    const candidates: Match[] = [];
    for (const { route, segments } of this.compiled) {
      const params = matchSegments(segments, raw);
      if (params !== undefined) candidates.push({ route, params });
    }
    if (candidates.length === 0) {
      throw errors.ROUTE_NOT_FOUND({ path });
    }
    const found = candidates.find((c) => c.route.method === method);
    if (found === undefined) {
      throw new MethodNotAllowed(method, path, candidates.map((c) => c.route.method));
    }
    return found;
  }
}

export class MethodNotAllowed extends IpamError {
  constructor(
    method: string,
    path: string,
    readonly allowed: Method[],
  ) {
    super('METHOD_NOT_ALLOWED', ERROR_CATALOGUE.METHOD_NOT_ALLOWED.message({ case: 'route', method, path, allowed }));
  }
}

function matchSegments(pattern: string[], raw: string[]): Record<string, string> | undefined {
  if (pattern.length !== raw.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    if (want.startsWith('{')) {
      if (raw[i] === '') return undefined;
      params[want.slice(1, -1)] = decodeSegment(raw[i], want.slice(1, -1));
    } else if (want !== raw[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.INVALID_INPUT({ case: 'percent-encoding', field, segment });
  }
}
