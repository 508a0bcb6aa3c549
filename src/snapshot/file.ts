/**
 * Writing and reading snapshot files as streams: gzip through node:zlib, one line at a time, with
 * backpressure, so memory does not grow with the graph. A snapshot is written to `<file>.partial` and
 * renamed when its trailer is written: a snapshot that did not finish never looks like one that did.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import type { SchemaItem } from '../core/schema.js';
import { NeomigError } from '../errors.js';
import {
  type SnapshotHeader, type SnapshotLine, type SnapshotManifest, type SnapshotTrailer, Tally, checkTrailer, damaged, parseHeader, parseLine,
} from './format.js';

const TRAILER_PREFIX = '{"end":';

export class SnapshotWriter {
  private readonly tally = new Tally();
  /** the file stream's end; rejects (as a NeomigError) when the file cannot be written */
  private readonly done: Promise<void>;

  private constructor(
    readonly file: string,
    private readonly partial: string,
    private readonly gzip: Gzip,
  ) {
    this.done = pipeline(gzip, createWriteStream(partial)).catch((e: unknown) => {
      throw unwritable(file, partial, e);
    });
    // a failure is reported by the next write or finish(); until then keep it from going unhandled
    this.done.catch(() => undefined);
  }

  static async open(file: string, header: SnapshotHeader): Promise<SnapshotWriter> {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (e) {
      throw unwritable(file, path.dirname(file), e);
    }
    const writer = new SnapshotWriter(file, `${file}.partial`, createGzip({ level: 4 }));
    await writer.chunk([JSON.stringify(header)]);
    return writer;
  }

  /** Writes elements (schema items, nodes, relationships); resolves when the stream can take more. */
  async write(lines: SnapshotLine[]): Promise<void> {
    const texts = lines.map((l) => {
      this.tally.classify(l);
      return JSON.stringify(l);
    });
    await this.chunk(texts);
  }

  private async chunk(texts: string[]): Promise<void> {
    if (texts.length === 0) return;
    for (const t of texts) this.tally.text(t);
    // a file that cannot be written (no such folder, no room, no permission) ends the pipeline: the
    // drain it would have given never comes, so wait for whichever happens first
    if (!this.gzip.write(texts.join('\n') + '\n')) {
      // the drain's own failure is the file's, which `done` reports with what to do
      await Promise.race([once(this.gzip, 'drain'), this.done]).catch(() => this.done);
    }
    if (this.gzip.destroyed) await this.done;
  }

  /** Writes the trailer and closes the file; returns the trailer. */
  async finish(): Promise<SnapshotTrailer> {
    const trailer = this.tally.trailer();
    this.gzip.end(`${TRAILER_PREFIX}${JSON.stringify(trailer)}}\n`);
    await this.done;
    renameSync(this.partial, this.file);
    return trailer;
  }

  /** Drops what was written (the snapshot failed). */
  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => undefined);
    // only a file of our own (`<file>.partial` may be a folder that stood in the way)
    if (existsSync(this.partial) && statSync(this.partial).isFile()) rmSync(this.partial, { force: true });
  }
}

/** A snapshot file (or its folder, `where`) that cannot be written: a configuration error, exit 2. */
function unwritable(file: string, where: string, e: unknown): NeomigError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EISDIR' ? 'it is a folder'
    : err.code === 'EACCES' || err.code === 'EPERM' || err.code === 'EROFS' ? 'no permission to write there'
      : err.code === 'EEXIST' || err.code === 'ENOTDIR' ? 'a file stands where a folder is needed' : err.message;
  return new NeomigError('CONFIG', `cannot write the snapshot ${file}: ${why} (${where}${err.code ? `, ${err.code}` : ''})`, {
    file,
    hint: 'Choose a file in a folder you can write to, with room for the snapshot: `--out <file>`, or `snapshot.dir` in the config (NEOMIG_SNAPSHOT_DIR).',
  }, { cause: e });
}

/** The lines of a snapshot file, decompressed as they are read; a damaged gzip stream is reported as such. */
async function* textLines(file: string): AsyncGenerator<string> {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new NeomigError('USAGE', `${file}: no such snapshot file`, { file, hint: 'Give the path `neomig snapshot` printed.' });
  }
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  let rest = '';
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || /unexpected end of file|incorrect header check|invalid/i.test((e as Error).message)) {
      const truncated = /unexpected end of file/i.test((e as Error).message);
      const problem = truncated ? 'is truncated (its compressed stream ends early)' : `is not a readable snapshot (gzip: ${(e as Error).message})`;
      throw damaged(file, problem);
    }
    throw e;
  } finally {
    source.destroy();
  }
  if (rest !== '') yield rest;
}

export interface Verified {
  manifest: SnapshotManifest;
  schema: SchemaItem[];
}

/**
 * Reads the whole file once: header, checksum over every line, counts against the trailer. Throws
 * (INTEGRITY, exit 3) for a file that is not a snapshot, cut short, or altered. Keeps only the schema.
 */
export async function verifySnapshot(file: string): Promise<Verified> {
  const tally = new Tally();
  const schema: SchemaItem[] = [];
  let header: SnapshotHeader | undefined;
  let trailer: SnapshotTrailer | undefined;
  let lineNo = 0;
  for await (const text of textLines(file)) {
    lineNo++;
    if (trailer) {
      if (text === '') continue;
      throw damaged(file, `has content after its trailer (line ${lineNo})`);
    }
    if (lineNo === 1) {
      header = parseHeader(file, text);
      tally.text(text);
    } else if (text.startsWith(TRAILER_PREFIX)) {
      trailer = (parseLine(file, text, lineNo) as { end: SnapshotTrailer }).end;
    } else {
      tally.text(text);
      if (text.startsWith('{"schema":')) schema.push((parseLine(file, text, lineNo) as { schema: SchemaItem }).schema);
    }
  }
  if (!header) throw damaged(file, 'is empty');
  checkTrailer(file, trailer, tally.trailer());
  return { manifest: { ...header, ...trailer! }, schema };
}

/** The elements of a verified snapshot, in file order (header and trailer left out). */
export async function* snapshotElements(file: string): AsyncGenerator<SnapshotLine> {
  let lineNo = 0;
  for await (const text of textLines(file)) {
    lineNo++;
    if (lineNo === 1 || text === '' || text.startsWith(TRAILER_PREFIX) || text.startsWith('{"schema":')) continue;
    yield parseLine(file, text, lineNo) as unknown as SnapshotLine;
  }
}
