/**
 * `neomig ... | head -1`: the reader closes the pipe before neomig has written everything. The real
 * bin/neomig must then exit quietly with its own exit code, never with an EPIPE stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BIN, ensureBuilt } from '../support/cli.js';

vi.setConfig({ testTimeout: 30_000 });
const cwd = mkdtempSync(path.join(os.tmpdir(), 'neomig-pipe-'));
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Runs bin/neomig with the reading end of `closed` shut before neomig writes a byte. */
function withClosedPipe(args: string[], closed: 'stdout' | 'stderr'): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child[closed].destroy();
    const open = closed === 'stdout' ? child.stderr : child.stdout;
    let text = '';
    open.on('data', (d: Buffer) => (text += d.toString()));
    child.on('close', (code) => resolve({ code, stdout: closed === 'stdout' ? '' : text, stderr: closed === 'stderr' ? '' : text }));
  });
}

describe('output to a closed pipe', () => {
  it.each(['up --help', '--help', '--version'])('neomig %s | head -1 exits 0 with nothing on stderr', async (line) => {
    const r = await withClosedPipe(line.split(' '), 'stdout');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('a usage error whose stderr reader is gone still exits 2, not 1 from a crash', async () => {
    const r = await withClosedPipe([], 'stderr');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
