// Where a request's time goes, read from the runnables' own Prometheus histograms: scraped before and after a load
// phase, the difference is that phase alone; quantiles are interpolated within buckets (as Prometheus's
// histogram_quantile does), so they are as fine as the buckets (LATENCY_BUCKETS in packages/bus).

type Buckets = Array<{ le: number; count: number }>;
export type Scrape = Map<string, Buckets>;

const SAMPLE = /^(passerelle_[a-z_]+)_bucket\{(.*)\} (\S+)$/;

/** Every histogram series of a runnable's /metrics, by `name{labels without le}`. */
export async function scrape(url: string, names: readonly string[]): Promise<Scrape> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const series: Scrape = new Map();
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const [, name, labels, value] = match as unknown as [string, string, string, string];
    if (!names.includes(name)) continue;
    const le = /le="([^"]+)"/.exec(labels)?.[1] as string;
    const id = `${name}{${labels.replace(/,?le="[^"]+"/, '')}}`;
    const buckets = series.get(id) ?? [];
    buckets.push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count: Number(value) });
    series.set(id, buckets);
  }
  return series;
}

function quantile(buckets: Buckets, q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  const rank = q * total;
  let previous = { le: 0, count: 0 };
  for (const bucket of buckets) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return previous.le;
      const share = bucket.count === previous.count ? 0 : (rank - previous.count) / (bucket.count - previous.count);
      return previous.le + (bucket.le - previous.le) * share;
    }
    previous = bucket;
  }
  return previous.le;
}

/** Per series observed between the two scrapes: count, p50 and p99 in milliseconds. */
export function spansBetween(
  before: Scrape,
  after: Scrape,
): Record<string, { count: number; p50Ms: number; p99Ms: number }> {
  const spans: Record<string, { count: number; p50Ms: number; p99Ms: number }> = {};
  for (const [id, buckets] of after) {
    const earlier = before.get(id) ?? [];
    const phase = buckets
      .map((bucket, index) => ({ le: bucket.le, count: bucket.count - (earlier[index]?.count ?? 0) }))
      .sort((a, b) => a.le - b.le);
    const count = phase.at(-1)?.count ?? 0;
    if (count === 0) continue;
    spans[id.replace('passerelle_', '')] = {
      count,
      p50Ms: Math.round(quantile(phase, 0.5) * 10_000) / 10,
      p99Ms: Math.round(quantile(phase, 0.99) * 10_000) / 10,
    };
  }
  return spans;
}
