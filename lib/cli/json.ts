/**
 * JSON text as iproute2 writes it (lib/json_writer.c): compact by default (`[{"ifindex":1,…}]`),
 * and with `-p` its own pretty layout (`[ {` … `    },{` … `} ]`, four spaces per level, array
 * items on one line). Values are the tree {@link JsonValue}: bigints print as integers (64-bit
 * counters), and `null` is what ip prints for its valueless keys (`"router":null`).
 *
 * The writer mirrors json_writer's state (depth and the pending separator) so that the pretty
 * output matches ip's byte for byte, which is what users diff and scripts parse.
 */

/**
 * A number printed with the digits given, as ip prints some (`"gc_timer":296.19` with two decimals
 * always, from its `%i.%.2i`): JSON.stringify of the value would print `296.2`.
 */
export class JsonNumberText {
  constructor(readonly text: string) {
    if (!/^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/.test(text)) throw new RangeError(`not a JSON number: ${text}`);
  }

  /** The number, for tests and text output. */
  toJSON(): number {
    return Number(this.text);
  }
}

/** A JSON value as the CLI prints it. Object keys keep their insertion order (ip's print order). */
export type JsonValue = string | number | bigint | boolean | null | JsonNumberText | JsonValue[] | JsonObject;

/** A JSON object of the CLI's output (an `ip -j` object). */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Escapes a string as json_writer's jsonw_puts does, plus the other control characters (valid JSON). */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '\b': out += '\\b'; break;
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      default: {
        const code = ch.codePointAt(0)!;
        out += code < 0x20 ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }
  return `${out}"`;
}

/** A number as ip prints it: integers as they are; NaN and infinities (never sent by the kernel) as null. */
function number(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  return Number.isFinite(n) ? String(n) : 'null';
}

/** json_writer's state machine: `depth` levels open, `sep` the separator owed before the next item. */
class Writer {
  private out = '';
  private depth = 0;
  private sep = '';

  constructor(private readonly pretty: boolean) {}

  private eol(): void {
    if (this.pretty) this.out += `\n${'    '.repeat(this.depth)}`;
  }

  private eor(): void {
    this.out += this.sep;
    this.sep = ',';
  }

  private begin(c: string): void {
    this.eor();
    this.out += c;
    this.depth++;
    this.sep = '';
  }

  private end(c: string): void {
    this.depth--;
    if (this.sep !== '') this.eol();
    this.out += c;
    this.sep = ',';
  }

  private name(key: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.out += `${quote(key)}:${this.pretty ? ' ' : ''}`;
  }

  value(v: JsonValue): void {
    if (v instanceof JsonNumberText) {
      this.eor();
      this.out += v.text;
    } else if (Array.isArray(v)) {
      this.begin('[');
      if (this.pretty) this.out += ' ';
      for (const item of v) this.value(item);
      if (this.pretty && this.sep !== '') this.out += ' ';
      this.sep = '';
      this.end(']');
    } else if (v !== null && typeof v === 'object') {
      this.begin('{');
      for (const key of Object.keys(v)) {
        this.name(key);
        this.value(v[key]!);
      }
      this.end('}');
    } else {
      this.eor();
      this.out += typeof v === 'string' ? quote(v) : v === null ? 'null' : typeof v === 'boolean' ? String(v) : number(v);
    }
  }

  text(): string {
    return this.out;
  }
}

/**
 * The JSON text of `value` as `ip -j` (compact) or `ip -j -p` (pretty) prints it, without the final
 * newline.
 */
export function formatJson(value: JsonValue, pretty = false): string {
  const w = new Writer(pretty);
  w.value(value);
  return w.text();
}
