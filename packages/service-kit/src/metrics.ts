import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface CounterMetric<L extends string> {
  inc(labels: Record<L, string>, value?: number): void;
}
export interface GaugeMetric<L extends string> {
  set(labels: Record<L, string>, value: number): void;
}
export interface HistogramMetric<L extends string> {
  observe(labels: Record<L, string>, seconds: number): void;
  /** The series of fixed labels, for hot paths: no label lookup per observation. */
  bind(labels: Record<L, string>): { observe(seconds: number): void };
}

/** One Prometheus registry per process (prom-client stays behind this class). */
export class Metrics {
  readonly #registry = new Registry();

  constructor({ defaultMetrics = true, prefix = 'passerelle_' }: { defaultMetrics?: boolean; prefix?: string } = {}) {
    this.prefix = prefix;
    if (defaultMetrics) collectDefaultMetrics({ register: this.#registry, prefix });
  }

  readonly prefix: string;

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): CounterMetric<L> {
    const metric = new Counter({ name: this.prefix + name, help, labelNames, registers: [this.#registry] });
    return { inc: (labels, value = 1) => metric.inc(labels, value) };
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): GaugeMetric<L> {
    const metric = new Gauge({ name: this.prefix + name, help, labelNames, registers: [this.#registry] });
    return { set: (labels, value) => metric.set(labels, value) };
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  ): HistogramMetric<L> {
    const metric = new Histogram({ name: this.prefix + name, help, labelNames, buckets, registers: [this.#registry] });
    return {
      observe: (labels, seconds) => metric.observe(labels, seconds),
      bind: (labels) => {
        const series = metric.labels(labels);
        return { observe: (seconds) => series.observe(seconds) };
      },
    };
  }

  /** The text exposition format, for GET /metrics. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.#registry.contentType, body: await this.#registry.metrics() };
  }

  /** Current value of a metric (tests and the admin endpoint). */
  async valueOf(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = this.#registry.getSingleMetric(this.prefix + name);
    if (!metric) return 0;
    const { values } = await metric.get();
    return values
      .filter((sample) => Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
      .reduce((sum, sample) => sum + sample.value, 0);
  }
}
