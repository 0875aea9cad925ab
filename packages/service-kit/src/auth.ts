import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerTokenOf(header: string | undefined): string | undefined {
  return /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '')?.[1];
}

/** Constant-time check of `Authorization: Bearer <token>` (digests first, so lengths never show either). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = bearerTokenOf(header);
  return timingSafeEqual(digest(given ?? ''), digest(token)) && given !== undefined;
}
