import { randomUUID } from 'node:crypto';

/**
 * The scenario talks to Passerelle as its users do: JSON over HTTP with a bearer token. A refusal comes back as a
 * problem+json document, kept whole so a check can say which rule refused what.
 */

export interface Problem {
  status: number;
  type?: string;
  title?: string;
  detail?: string;
  rule?: string;
  [field: string]: unknown;
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(method: string, url: string, problem: Problem) {
    super(
      `${method} ${url} → ${problem.status} ${problem.rule ?? problem.title ?? ''}: ${problem.detail ?? ''}`.trim(),
    );
    this.problem = problem;
  }
}

export interface ApiResponse<T> {
  status: number;
  body: T;
  location: string | null;
}

export interface RetryPolicy {
  /** Keep retrying a call that got no answer or a 5xx for this long (a process restarting, a broker coming back). */
  forMs: number;
}

/**
 * A user of one API. With a retry policy, a call that got no answer or a 5xx is sent again — with the same
 * `Idempotency-Key` for writes, so the service can tell a retry from a new act and answer it once.
 */
export class Api {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #retry: RetryPolicy | undefined;

  constructor(baseUrl: string, token?: string, retry?: RetryPolicy) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.#token = token;
    this.#retry = retry;
  }

  withToken(token: string): Api {
    return new Api(this.baseUrl, token, this.#retry);
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path).then((response) => response.body);
  }

  /** POST/PATCH/DELETE; throws ApiError on a 4xx/5xx. */
  send<T>(method: 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, body?: unknown): Promise<ApiResponse<T>> {
    return this.call<T>(method, path, body);
  }

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<ApiResponse<T>> {
    const idempotencyKey = method === 'GET' ? undefined : randomUUID();
    const deadline = Date.now() + (this.#retry?.forMs ?? 0);
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#once<T>(method, path, body, contentType, idempotencyKey);
      } catch (error) {
        const transient = !(error instanceof ApiError) || error.problem.status >= 500;
        if (!this.#retry || !transient || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  async #once<T>(
    method: string,
    path: string,
    body: unknown,
    contentType: string,
    idempotencyKey: string | undefined,
  ): Promise<ApiResponse<T>> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    let payload: string | Buffer | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    }
    const response = await fetch(url, { method, headers, body: payload });
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type') ?? '';
    const text = bytes.toString('utf8');
    // A file that is not text (a PDF) stays bytes: decoding it as UTF-8 would change it.
    const binary = type !== '' && !/json|^text\/|xml/.test(type);
    const parsed = binary ? bytes : text.length > 0 && /json/.test(type) ? JSON.parse(text) : text;
    if (!response.ok) {
      const problem: Problem =
        typeof parsed === 'object' && parsed !== null
          ? { ...parsed, status: response.status }
          : { status: response.status, detail: String(parsed).slice(0, 500) };
      throw new ApiError(method, url, problem);
    }
    return { status: response.status, body: parsed as T, location: response.headers.get('location') };
  }
}

/** Path segment of a session key (it holds `|`). */
export const seg = (value: string) => encodeURIComponent(value);
