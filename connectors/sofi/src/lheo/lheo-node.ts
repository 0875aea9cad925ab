/**
 * A parsed LHEO element. Only one formation's subtree (plus the small document-level elements such as the
 * Intercarif `flux-intercarif` extras) is alive at a time: the parser hands each formation over when it closes.
 */
export interface LheoNode {
  /** Local name, without namespace prefix. */
  readonly name: string;
  /** One-based line where the start tag begins. */
  readonly line: number;
  readonly parent: LheoNode | null;
  /** One-based position among the parent's children of the same name (XPath `[n]`). */
  readonly index: number;
  /** Unprefixed attributes (LHEO uses `numero`, `info`, `ref`, `tag`, Intercarif `datecrea`/`datemaj`…). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: LheoNode[];
  /** Text content with CDATA sections and entities already resolved; untrimmed. Empty for container elements. */
  text: string;
}

// The integration keys carry their position even when first, so a path always says which formation/action/session
// it is about; other elements get `[n]` only from the second one on, which keeps paths short and readable.
const ALWAYS_INDEXED = new Set(['formation', 'action', 'session']);

export function pathSegment(name: string, index: number): string {
  return ALWAYS_INDEXED.has(name) || index > 1 ? `${name}[${index}]` : name;
}

/** XPath-like location of a node, e.g. `/lheo/offres/formation[3]/action[1]/session[2]/periode/debut`. */
export function pathOf(node: LheoNode): string {
  const segments: string[] = [];
  for (let current: LheoNode | null = node; current !== null; current = current.parent) {
    segments.push(pathSegment(current.name, current.index));
  }
  return `/${segments.reverse().join('/')}`;
}

export function childNamed(node: LheoNode | undefined, name: string): LheoNode | undefined {
  return node?.children.find((child) => child.name === name);
}

export function childrenNamed(node: LheoNode | undefined, name: string): LheoNode[] {
  return node === undefined ? [] : node.children.filter((child) => child.name === name);
}

/** The node at a relative path of child names (first match at each step). */
export function descendant(node: LheoNode | undefined, ...names: string[]): LheoNode | undefined {
  let current = node;
  for (const name of names) current = childNamed(current, name);
  return current;
}
