/** An Avro schema node as read from JSON. */
export type AvroNode = string | AvroNode[] | { [key: string]: unknown };

const NAMED = new Set(['record', 'enum', 'fixed']);

export const fullNameOf = (node: { name: string; namespace?: string }) =>
  node.name.includes('.') || !node.namespace ? node.name : `${node.namespace}.${node.name}`;

/**
 * Makes a schema self-contained: every reference to a named type of `named` is replaced by its definition at its
 * first use (later uses keep the name, as Avro requires). This is what gets registered: the registry and every
 * consumer then need no other schema to read the record.
 */
export function inlineNamedTypes(root: AvroNode, named: ReadonlyMap<string, AvroNode>): AvroNode {
  const defined = new Set<string>();
  const walk = (node: AvroNode): AvroNode => {
    if (typeof node === 'string') {
      const definition = named.get(node);
      return definition !== undefined && !defined.has(node) ? walk(structuredClone(definition)) : node;
    }
    if (Array.isArray(node)) return node.map(walk);
    const out: { [key: string]: unknown } = { ...node };
    const type = node.type;
    if (typeof type === 'string' && NAMED.has(type) && typeof node.name === 'string') {
      defined.add(fullNameOf(node as { name: string; namespace?: string }));
    }
    if (type === 'record') {
      out.fields = (node.fields as Array<{ [key: string]: unknown }>).map((field) => ({
        ...field,
        type: walk(field.type as AvroNode),
      }));
    } else if (type === 'array') out.items = walk(node.items as AvroNode);
    else if (type === 'map') out.values = walk(node.values as AvroNode);
    else if (typeof type !== 'string' || !NAMED.has(type)) out.type = walk(type as AvroNode);
    return out;
  };
  const start = named.get(typeof root === 'string' ? root : '');
  return walk(start ?? root);
}
