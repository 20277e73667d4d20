import { expect } from 'chai';
import { tracingPlan } from '../../provider/src/telemetry/settings';

/** Which OTEL_* settings turn tracing on, and what is said about the ones pulumi-ipam cannot honour. */
describe('tracing settings from the OTEL_* variables', () => {
  it('nothing set, an empty value, none or OTEL_SDK_DISABLED: no tracing', () => {
    expect(tracingPlan({})).to.equal(undefined);
    expect(tracingPlan({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).to.equal(undefined);
    expect(tracingPlan({ OTEL_SERVICE_NAME: 'ipam' })).to.equal(undefined);
    expect(tracingPlan({ OTEL_TRACES_EXPORTER: 'otlp,none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).to.equal(undefined);
    expect(tracingPlan({ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).to.equal(undefined);
  });

  it('an endpoint alone means OTLP over HTTP/protobuf; the traces protocol wins over the general one', () => {
    expect(tracingPlan({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).to.deep.equal({ exporters: [{ type: 'otlp', protocol: 'http/protobuf' }], warnings: [] });
    expect(tracingPlan({ OTEL_TRACES_EXPORTER: 'otlp, console', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).to.deep.equal({
      exporters: [{ type: 'otlp', protocol: 'http/json' }, { type: 'console' }],
      warnings: [],
    });
  });

  it('an exporter or protocol it does not have is said, and left out', () => {
    expect(tracingPlan({ OTEL_TRACES_EXPORTER: 'zipkin,otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).to.deep.equal({
      exporters: [],
      warnings: [
        'OTEL_TRACES_EXPORTER: "zipkin" is not an exporter pulumi-ipam has; use otlp (to a collector), console or none',
        'OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported by pulumi-ipam; use http/protobuf or http/json (a collector\'s OTLP/HTTP port, 4318)',
      ],
    });
  });
});
