/** `--trust-recorded <version...>` and `--trust-reason <text>`, shared by down, up and dev. */
import { Option } from 'commander';
import { NeomigError } from '../errors.js';
import { isRepeatableKey } from '../core/repeatable.js';
import { parseVersion } from '../core/version.js';

export interface TrustCliOptions {
  trustRecorded?: string[];
  trustReason?: string;
}

export function trustOptions(): Option[] {
  return [
    new Option(
      '--trust-recorded <version...>',
      'run these versions\' recorded downs even if neither the local file nor neomig.sum vouches for them, '
        + 'after you reviewed them (written as an audit event)',
    ),
    new Option('--trust-reason <text>', 'why you trust them, for the audit event'),
  ];
}

/** The options as UpOptions/DownOptions take them; versions normalized, bad ones a usage error. */
export function trustOf(o: TrustCliOptions): { trustRecorded?: string[]; trustReason?: string } {
  if (!o.trustRecorded) return {};
  const trustRecorded = o.trustRecorded.map((raw) => {
    // a repeatable is named by its key (R__refresh_views)
    const v = isRepeatableKey(raw) ? raw : parseVersion(raw);
    if (v === null) {
      throw new NeomigError('USAGE', `--trust-recorded ${raw}: not a version`, {
        hint: 'Give the version whose recorded down you reviewed, e.g. 1.2.0.',
      });
    }
    return v;
  });
  return { trustRecorded, trustReason: o.trustReason };
}
