import { describe, expect, it } from 'vitest';
import { NeomigError, type ErrorCode } from '../../src/errors.js';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes.js';
import { Output, colorEnabled, type ColorMode, type Io } from '../../src/cli/output.js';
import { REDACTED, redact, redactDeep } from '../../src/cli/redact.js';
import { errorJson, renderError } from '../../src/cli/render/error.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

function fakeIo(env: Record<string, string> = {}, tty = false): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: tty },
    stderr: { write: (s: string) => (err += s), isTTY: tty },
    env,
    cwd: '/tmp',
    out: () => out,
    err: () => err,
  };
}

describe('exitCodeFor: the exit-code contract', () => {
  it.each<[ErrorCode, number]>([
    ['MIGRATION_FAILED', 1],
    ['USAGE', 2],
    ['CONFIG', 2],
    ['MIGRATION_FILE', 2],
    ['VALIDATION', 3],
    ['LOCK', 4],
    ['CONNECTION', 5],
  ])('%s -> %i', (code, exit) => {
    expect(exitCodeFor(new NeomigError(code, 'x'))).toBe(exit);
  });

  it('exits 1 for anything unexpected', () => {
    expect(exitCodeFor(new TypeError('boom'))).toBe(EXIT.MIGRATION_FAILED);
    expect(exitCodeFor('a string')).toBe(1);
  });
});

describe('redact', () => {
  it('masks every occurrence of every secret', () => {
    expect(redact('pw=hunter2 and again hunter2', ['hunter2'])).toBe(`pw=${REDACTED} and again ${REDACTED}`);
  });

  it('masks the longer secret whole when one contains another', () => {
    expect(redact('abc abcdef', ['abc', 'abcdef'])).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('masks the JSON-escaped form of a secret with quotes or backslashes', () => {
    const secret = 'p"a\\ss';
    const json = JSON.stringify({ message: `bad ${secret}` });
    expect(redact(json, [secret])).not.toContain(JSON.stringify(secret).slice(1, -1));
  });

  it('masks the password part of a URI even when it is not a known secret', () => {
    expect(redact('cannot reach neo4j+s://admin:t0ps3cret@db.example.com:7687', [])).toBe(`cannot reach neo4j+s://admin:${REDACTED}@db.example.com:7687`);
  });

  it('ignores empty or missing secrets instead of masking everything', () => {
    expect(redact('plain text', ['', undefined as unknown as string])).toBe('plain text');
  });

  it('redactDeep walks objects, arrays, keys, errors and dates', () => {
    const err = new NeomigError('CONNECTION', 'auth failed for s3cr3t', { hint: 'check s3cr3t' });
    const out = redactDeep({ list: ['s3cr3t'], nested: { s3cr3t: 1, error: err, when: new Date(0) }, n: 3 }, ['s3cr3t']);
    expect(JSON.stringify(out)).not.toContain('s3cr3t');
    expect(out.n).toBe(3);
    expect(out.nested.when).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('colorEnabled', () => {
  const tty = { write: () => true, isTTY: true };
  const pipe = { write: () => true, isTTY: false };
  it.each<[string, typeof tty, Record<string, string>, ColorMode, boolean]>([
    ['a terminal', tty, {}, true, true],
    ['--color on a pipe', pipe, {}, 'always', true],
    ['--color with NO_COLOR=1', pipe, { NO_COLOR: '1' }, 'always', true],
    ['--no-color with FORCE_COLOR=1', tty, { FORCE_COLOR: '1' }, false, false],
    ['a pipe', pipe, {}, true, false],
    ['--no-color', tty, {}, false, false],
    ['NO_COLOR=1', tty, { NO_COLOR: '1' }, true, false],
    ['NO_COLOR empty (the spec says: ignore)', tty, { NO_COLOR: '' }, true, true],
    ['TERM=dumb', tty, { TERM: 'dumb' }, true, false],
    ['FORCE_COLOR=1 on a pipe', pipe, { FORCE_COLOR: '1' }, true, true],
    ['FORCE_COLOR=0 on a terminal', tty, { FORCE_COLOR: '0' }, true, true],
    ['FORCE_COLOR=1 with NO_COLOR=1', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, true, false],
  ])('%s', (_, stream, env, flag, expected) => {
    expect(colorEnabled(stream, env, flag)).toBe(expected);
  });
});

describe('Output', () => {
  it('prints results on stdout and logs on stderr, both redacted', () => {
    const io = fakeIo();
    const o = new Output(io, { json: false, color: true });
    o.addSecret('hunter2');
    o.print('result hunter2');
    o.log('log hunter2');
    expect(io.out()).toBe(`result ${REDACTED}\n`);
    expect(io.err()).toBe(`log ${REDACTED}\n`);
  });

  it('in --json mode prints nothing but the document on stdout', () => {
    const io = fakeIo();
    const o = new Output(io, { json: true, color: true });
    o.addSecret('hunter2');
    o.print('human text');
    o.log('a log line');
    o.document({ ok: true, command: 'up', note: 'hunter2', nested: [{ pw: 'xhunter2x' }] });
    const doc = JSON.parse(io.out());
    expect(doc).toEqual({ ok: true, command: 'up', note: REDACTED, nested: [{ pw: `x${REDACTED}x` }] });
    expect(io.err()).toBe('a log line\n');
  });

  it.each<[string, Record<string, string>, boolean, number | undefined, number]>([
    ['a pipe', {}, false, undefined, 80],
    ['a terminal', {}, true, 132, 132],
    ['COLUMNS on a pipe', { COLUMNS: '100' }, false, undefined, 100],
    ['COLUMNS on a terminal', { COLUMNS: '60' }, true, 132, 60],
  ])('fits tables to %s', (_, env, isTTY, columns, expected) => {
    const io: Io = { stdout: { write: () => true, isTTY, columns }, stderr: { write: () => true }, env, cwd: '/' };
    expect(new Output(io, { json: false, color: false }).columns).toBe(expected);
  });

  it('writes every duration in the JSON document in whole milliseconds', () => {
    const io = fakeIo();
    new Output(io, { json: true, color: false }).document({
      ok: true,
      applied: [{ version: '1.0.0', elapsedMs: 291.324756 }],
      migrations: [{ executionTimeMs: 12.5, checksum: 'abc' }],
      lock: { waitedMs: 0.4 },
      ratio: 0.5,
    });
    expect(JSON.parse(io.out())).toEqual({
      ok: true,
      applied: [{ version: '1.0.0', elapsedMs: 291 }],
      migrations: [{ executionTimeMs: 13, checksum: 'abc' }],
      lock: { waitedMs: 0 },
      ratio: 0.5,
    });
  });

  it('writes no color codes to a pipe, and colors to a terminal', () => {
    const pipe = fakeIo({}, false);
    new Output(pipe, { json: false, color: true }).print(new Output(pipe, { json: false, color: true }).paint.red('x'));
    expect(pipe.out()).not.toMatch(ANSI);
    const tty = fakeIo({}, true);
    const o = new Output(tty, { json: false, color: true });
    o.print(o.paint.red('x'));
    expect(tty.out()).toMatch(ANSI);
  });
});

describe('errors', () => {
  const located = new NeomigError('MIGRATION_FAILED', 'statement failed: Invalid input', {
    file: 'V1.2.0__books.up.cypher',
    version: '1.2.0',
    statement: 3,
    line: 12,
    neo4jCode: 'Neo.ClientError.Statement.SyntaxError',
    hint: 'Fix the statement and run neomig up again.',
  });

  it('shows people the message, the location, the Neo4j code and the hint', () => {
    const text = renderError(located, new Output(fakeIo(), { json: false, color: false }).paint);
    expect(text).toBe(
      [
        'error [MIGRATION_FAILED] statement failed: Invalid input',
        '  at     V1.2.0__books.up.cypher, statement 3 (line 12)',
        '  version 1.2.0',
        '  neo4j  Neo.ClientError.Statement.SyntaxError',
        '  hint   Fix the statement and run neomig up again.',
      ].join('\n'),
    );
  });

  it('gives machines the code, message and every detail', () => {
    expect(errorJson(located)).toEqual({
      code: 'MIGRATION_FAILED',
      message: 'statement failed: Invalid input',
      file: 'V1.2.0__books.up.cypher',
      version: '1.2.0',
      statement: 3,
      line: 12,
      neo4jCode: 'Neo.ClientError.Statement.SyntaxError',
      hint: 'Fix the statement and run neomig up again.',
    });
  });

  it('shows the file line Neo4j pointed at with a caret under the column', () => {
    const e = new NeomigError('MIGRATION_FAILED', 'V1.2.0__books.up.cypher: statement 3 (line 12) failed at line 14, column 5: Invalid input', {
      file: 'V1.2.0__books.up.cypher',
      statement: 3,
      line: 14,
      column: 5,
      excerpt: { text: '\tWHERE RETUR n', caret: 7 },
    });
    expect(renderError(e, new Output(fakeIo(), { json: false, color: false }).paint).split('\n').slice(1, 4)).toEqual([
      '  at     V1.2.0__books.up.cypher:14:5, statement 3',
      '  14 | \tWHERE RETUR n',
      '     | \t      ^',
    ]);
  });

  it('reports an unexpected error as such', () => {
    expect(errorJson(new TypeError('x is undefined'))).toEqual({ code: 'UNEXPECTED', message: 'x is undefined' });
    expect(renderError(new TypeError('x is undefined'), new Output(fakeIo(), { json: false, color: false }).paint)).toMatch(/^error unexpected: x is undefined\n.*NEOMIG_DEBUG=1/);
  });
});
