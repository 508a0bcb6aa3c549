/**
 * The only place the CLI writes to the terminal. Results go to stdout (for people, or as exactly one
 * JSON document with --json); logs, progress and human error reports go to stderr. Every string is
 * passed through `redact` first, so no configured password can be printed.
 */
import kleur from 'kleur';
import { redact, redactDeep } from './redact.js';

export interface Stream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What the CLI touches of the process; tests pass their own. */
export interface Io {
  stdout: Stream;
  stderr: Stream;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
  gray(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const plain = (s: string) => s;
const PLAIN: Paint = { red: plain, green: plain, yellow: plain, cyan: plain, magenta: plain, gray: plain, bold: plain, dim: plain };

export function painter(enabled: boolean): Paint {
  if (!enabled) return PLAIN;
  return {
    red: (s) => kleur.red(s),
    green: (s) => kleur.green(s),
    yellow: (s) => kleur.yellow(s),
    cyan: (s) => kleur.cyan(s),
    magenta: (s) => kleur.magenta(s),
    gray: (s) => kleur.gray(s),
    bold: (s) => kleur.bold(s),
    dim: (s) => kleur.dim(s),
  };
}

/**
 * Whether to color: `true` (the default) colors a terminal only, never with NO_COLOR /
 * NODE_DISABLE_COLORS / TERM=dumb, and also a pipe with FORCE_COLOR; `false` (--no-color) never;
 * `'always'` (--color) even a pipe. The flags win over the environment.
 */
export type ColorMode = boolean | 'always';

export function colorEnabled(stream: Stream, env: Io['env'], mode: ColorMode): boolean {
  if (mode === false) return false;
  if (mode === 'always') return true;
  if ((env.NO_COLOR ?? '') !== '' || (env.NODE_DISABLE_COLORS ?? '') !== '' || env.TERM === 'dumb') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}

/** The color mode chosen by --color / --no-color (the last one given wins), else the default. */
export function colorModeOf(flag: boolean | undefined): ColorMode {
  return flag === undefined ? true : flag ? 'always' : false;
}

export interface OutputOptions {
  json: boolean;
  color: ColorMode;
}

/** Durations (`elapsedMs`, `executionTimeMs`, any `...Ms`) in whole milliseconds: timers measure
 *  fractions (291.324756) that no reader of a JSON document wants. */
function wholeMilliseconds(key: string, value: unknown): unknown {
  return typeof value === 'number' && key.endsWith('Ms') ? Math.round(value) : value;
}

export class Output {
  readonly json: boolean;
  /** colors for stdout */
  readonly paint: Paint;
  /** colors for stderr (a pipe on stdout does not uncolor the progress on a terminal's stderr) */
  readonly errPaint: Paint;
  private readonly secrets: string[] = [];

  constructor(
    readonly io: Io,
    options: OutputOptions,
  ) {
    this.json = options.json;
    const outColor = !options.json && colorEnabled(io.stdout, io.env, options.color);
    const errColor = colorEnabled(io.stderr, io.env, options.color);
    // kleur's switch is global; the painters above decide per stream.
    kleur.enabled = outColor || errColor;
    this.paint = painter(outColor);
    this.errPaint = painter(errColor);
  }

  /** Registers a value that must never be printed (the password). */
  addSecret(secret: string | undefined): void {
    if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }

  /** A result line for people on stdout; nothing in --json mode (the document carries the result). */
  print(text = ''): void {
    if (this.json) return;
    this.io.stdout.write(this.redact(text) + '\n');
  }

  /** A log or progress line on stderr, in both modes. */
  log(text = ''): void {
    this.io.stderr.write(this.redact(text) + '\n');
  }

  /** Raw stderr write (progress redraws); redacted like everything else. */
  writeErr(text: string): void {
    this.io.stderr.write(this.redact(text));
  }

  /** The single JSON document of a --json run. */
  document(doc: Record<string, unknown>): void {
    this.io.stdout.write(this.redact(JSON.stringify(redactDeep(doc, this.secrets), wholeMilliseconds, 2)) + '\n');
  }

  get stderrIsTTY(): boolean {
    return this.io.stderr.isTTY === true;
  }

  /** The width tables fit on stdout: COLUMNS when set, else the terminal's width, else 80 (a pipe, a CI log). */
  get columns(): number {
    const fromEnv = Number(this.io.env.COLUMNS);
    if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
    if (this.io.stdout.isTTY && this.io.stdout.columns) return this.io.stdout.columns;
    return 80;
  }
}
