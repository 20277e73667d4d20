/**
 * What the standard OpenTelemetry variables ask of tracing
 * (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):
 *
 *   OTEL_SDK_DISABLED=true                  no tracing, whatever else is set
 *   OTEL_TRACES_EXPORTER                    otlp, console or none (a comma-separated list)
 *   OTEL_EXPORTER_OTLP_ENDPOINT,            where OTLP goes; either one alone turns tracing on
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT      (with the otlp exporter)
 *   OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL    http/protobuf (the default) or http/json
 *
 * Everything else (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER[_ARG],
 * OTEL_BSP_*, OTEL_EXPORTER_OTLP_HEADERS, ..._TIMEOUT) is read by the SDK and the exporter
 * themselves. With none of the variables above, tracing is off and the SDK is never loaded.
 * As the specification asks, a value that cannot be honoured is warned about and ignored.
 */
export type TraceExporter = { type: 'otlp'; protocol: 'http/protobuf' | 'http/json' } | { type: 'console' };

export interface TracingPlan {
  exporters: TraceExporter[];
  /** Values that were ignored, each said in a sentence an operator can act on. */
  warnings: string[];
}

/** The exporters the environment asks for; undefined when it asks for no tracing at all. */
export function tracingPlan(env: NodeJS.ProcessEnv): TracingPlan | undefined {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const endpoint = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const named = value(env, 'OTEL_TRACES_EXPORTER') ?? (endpoint === undefined ? undefined : 'otlp');
  if (named === undefined) return undefined;
  const warnings: string[] = [];
  const exporters: TraceExporter[] = [];
  for (const name of new Set(named.split(',').map((n) => n.trim().toLowerCase()))) {
    if (name === 'none') return undefined;
    if (name === 'console') exporters.push({ type: 'console' });
    else if (name === 'otlp') {
      const protocol = otlpProtocol(env, warnings);
      if (protocol !== undefined) exporters.push({ type: 'otlp', protocol });
    } else if (name !== '') {
      warnings.push(`OTEL_TRACES_EXPORTER: "${name}" is not an exporter pulumi-ipam has; use otlp (to a collector), console or none`);
    }
  }
  return exporters.length === 0 && warnings.length === 0 ? undefined : { exporters, warnings };
}

function otlpProtocol(env: NodeJS.ProcessEnv, warnings: string[]): 'http/protobuf' | 'http/json' | undefined {
  const variable = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') === undefined ? 'OTEL_EXPORTER_OTLP_PROTOCOL' : 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL';
  const protocol = value(env, variable) ?? 'http/protobuf';
  if (protocol === 'http/protobuf' || protocol === 'http/json') return protocol;
  warnings.push(`${variable}: "${protocol}" is not supported by pulumi-ipam; use http/protobuf or http/json (a collector's OTLP/HTTP port, 4318)`);
  return undefined;
}

/** A variable's value; set but empty counts as unset, as the specification says. */
function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}
