import avro from 'avsc';

/**
 * `timestamp-millis` ⇄ JavaScript Date. avsc 5.7 has no built-in logical types: without this class a timestamp
 * would decode as a bare number.
 */
export class TimestampMillis extends avro.types.LogicalType {
  override _fromValue(value: number): Date {
    return new Date(value);
  }

  override _toValue(value: unknown): number | undefined {
    if (value instanceof Date) return value.getTime();
    // Numbers are accepted too, so callers holding epoch millis need no conversion.
    return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  }

  override _resolve(type: avro.Type) {
    if (avro.Type.isType(type, 'long', 'logical:timestamp-millis')) return this._fromValue.bind(this);
    return undefined;
  }
}

export const logicalTypes = { 'timestamp-millis': TimestampMillis } as const;
