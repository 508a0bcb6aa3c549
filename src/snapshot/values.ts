/**
 * Neo4j property values as JSON and back, losslessly: every property type Neo4j stores (integers past
 * 2^53, floats incl. NaN/±Infinity/-0, strings, booleans, byte arrays, the temporal types with offset or
 * zone id, durations, 2D/3D points) and lists of them. Property values are never maps, so any JSON
 * object in a snapshot is a tagged value: one key naming the type.
 *
 * Reads must come from a driver with lossless integers (see driver.ts): a plain JS number is a FLOAT.
 */
import neo4j, { type Integer } from 'neo4j-driver';

export type Encoded = string | number | boolean | null | Encoded[] | { [tag: string]: unknown };

const t = neo4j.types;
type Num = number | Integer | bigint;
const n = (v: Num): number => (neo4j.isInt(v) ? (v as Integer).toNumber() : Number(v));

/** A property value as read from Neo4j, as JSON. */
export function encodeValue(v: unknown): Encoded {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Object.is(v, -0)) return { f: String(Object.is(v, -0) ? '-0' : v) };
    return v;
  }
  if (typeof v === 'bigint') return { i: v.toString() };
  if (neo4j.isInt(v)) return { i: (v as Integer).toString() };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v instanceof Int8Array || v instanceof Uint8Array) return { b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (neo4j.isDateTime(v)) {
    const d = v as InstanceType<typeof t.DateTime>;
    const offset = d.timeZoneOffsetSeconds === undefined || d.timeZoneOffsetSeconds === null ? null : n(d.timeZoneOffsetSeconds);
    return { DT: [n(d.year), n(d.month), n(d.day), n(d.hour), n(d.minute), n(d.second), n(d.nanosecond), offset, d.timeZoneId ?? null] };
  }
  if (neo4j.isLocalDateTime(v)) {
    const d = v as InstanceType<typeof t.LocalDateTime>;
    return { LDT: [n(d.year), n(d.month), n(d.day), n(d.hour), n(d.minute), n(d.second), n(d.nanosecond)] };
  }
  if (neo4j.isDate(v)) {
    const d = v as InstanceType<typeof t.Date>;
    return { D: [n(d.year), n(d.month), n(d.day)] };
  }
  if (neo4j.isTime(v)) {
    const d = v as InstanceType<typeof t.Time>;
    return { T: [n(d.hour), n(d.minute), n(d.second), n(d.nanosecond), n(d.timeZoneOffsetSeconds)] };
  }
  if (neo4j.isLocalTime(v)) {
    const d = v as InstanceType<typeof t.LocalTime>;
    return { LT: [n(d.hour), n(d.minute), n(d.second), n(d.nanosecond)] };
  }
  if (neo4j.isDuration(v)) {
    const d = v as InstanceType<typeof t.Duration>;
    return { du: [String(d.months), String(d.days), String(d.seconds), String(d.nanoseconds)] };
  }
  if (neo4j.isPoint(v)) {
    const p = v as InstanceType<typeof t.Point>;
    return { p: p.z === undefined || p.z === null ? [n(p.srid), p.x, p.y] : [n(p.srid), p.x, p.y, p.z] };
  }
  throw new Error(`a property value of an unknown type: ${Object.prototype.toString.call(v)}`);
}

/** A property value from JSON, typed for the driver (integers as Integer, never as float). */
export function decodeValue(v: Encoded): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(decodeValue);
  const [tag, raw] = Object.entries(v)[0] ?? [];
  const a = raw as number[];
  switch (tag) {
    case 'i':
      return neo4j.int(raw as string);
    case 'f':
      return Number(raw);
    case 'b':
      return new Int8Array(Buffer.from(raw as string, 'base64'));
    case 'DT':
    {
      const offset = (a[7] ?? undefined) as number | undefined;
      const zone = (a[8] ?? undefined) as unknown as string | undefined;
      return new t.DateTime(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, offset, zone);
    }
    case 'LDT':
      return new t.LocalDateTime(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!);
    case 'D':
      return new t.Date(a[0]!, a[1]!, a[2]!);
    case 'T':
      return new t.Time(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!);
    case 'LT':
      return new t.LocalTime(a[0]!, a[1]!, a[2]!, a[3]!);
    case 'du': {
      const s = raw as string[];
      return new t.Duration(neo4j.int(s[0]!), neo4j.int(s[1]!), neo4j.int(s[2]!), neo4j.int(s[3]!));
    }
    case 'p':
      return a.length === 4 ? new t.Point(a[0]!, a[1]!, a[2]!, a[3]!) : new t.Point(a[0]!, a[1]!, a[2]!);
    default:
      throw new Error(`an unknown tagged value ${JSON.stringify(v).slice(0, 80)}`);
  }
}

/** Every property of a node or relationship, encoded. */
export function encodeProperties(props: Record<string, unknown>): Record<string, Encoded> {
  const out: Record<string, Encoded> = {};
  for (const [k, v] of Object.entries(props)) setOwn(out, k, encodeValue(v));
  return out;
}

export function decodeProperties(props: Record<string, Encoded>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) setOwn(out, k, decodeValue(v));
  return out;
}

/** `o[k] = v` for any property name: a property called `__proto__` is a property, not the prototype. */
function setOwn<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}
