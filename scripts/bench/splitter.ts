import { splitStatements } from '../../src/core/splitter.js';
import { median } from './stats.js';

/** Splitting a 5,000-statement Cypher file, against a naive split(';') that is wrong but fast. */
export function splitterBench(): string {
  const text = Array.from({ length: 5000 }, (_, i) => `// step ${i}\nMATCH (a:A {s: 'x;y'})-->(b) WHERE b.\`odd;name\` = "q" /* ; */ SET b.n = ${i}`).join(';\n');
  const time = (f: () => unknown) => {
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      f();
      ts.push(performance.now() - t);
    }
    return median(ts);
  };
  const split = time(() => splitStatements(text));
  const naive = time(() => text.split(';'));
  return `split 5,000 statements (${(text.length / 1024).toFixed(0)} KiB): ${split.toFixed(1)} ms; naive split(';'): ${naive.toFixed(2)} ms; ratio ${(split / naive).toFixed(0)}×`;
}
