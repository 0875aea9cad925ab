/**
 * domain.md §h.1: the France Travail identifier of a DE (N° DE) — an opaque string of 8 to 11 letters or digits,
 * upper-cased wherever it is kept or keyed. Personal data: a message about one never repeats it.
 */
export const DE_IDENTIFIER = /^[0-9A-Z]{8,11}$/;

/** As a person or a system sends it: letters in either case (upper-cased before use). */
export const DE_IDENTIFIER_INPUT = /^[0-9A-Za-z]{8,11}$/;

/** The identifier as kept: trimmed and upper-cased; undefined when it is not one. */
export function normalizeDeIdentifier(raw: string): string | undefined {
  const identifier = raw.trim().toUpperCase();
  return DE_IDENTIFIER.test(identifier) ? identifier : undefined;
}
