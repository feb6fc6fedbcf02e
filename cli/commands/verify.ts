/** `verify`: checks a certification bundle's signature and every digest. */
import { readFileSync } from 'node:fs';
import { verifyBundle } from '../../certify/verify.js';
import { parseCommandArgs, PROGRAM, UsageError, type Command } from './command.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check a certification bundle: signature, every SHA-256, nothing added or missing',
  help: `Usage: ${PROGRAM} verify <bundle.zip> [--public-key <ed25519 public key PEM>]

Checks that manifest.sig is an Ed25519 signature of manifest.json, that every file the manifest lists is
in the bundle with its SHA-256 and size, that no file is unlisted, and that report/conformance.json agrees
with the manifest's verdict. Without --public-key the bundle's own public-key.pem is used, which proves
integrity only; --public-key pins the vendor's key, which proves who signed it.

Prints "ok …" or one line per problem.
Exit codes: 0 the bundle verifies; 1 it does not; 2 the bundle or key file cannot be read.`,
  async run(argv) {
    const { values, positionals } = parseCommandArgs('verify', argv, { 'public-key': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError(`verify: needs one bundle file (see ${PROGRAM} verify --help)`);
    const file = positionals[0] ?? '';
    let archive: Buffer;
    let publicKeyPem: string | undefined;
    try {
      archive = readFileSync(file);
      const keyFile = values['public-key'];
      publicKeyPem = typeof keyFile === 'string' ? readFileSync(keyFile, 'utf8') : undefined;
    } catch (error) {
      throw new UsageError(`verify: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = await verifyBundle(archive, publicKeyPem === undefined ? {} : { publicKeyPem });
    if (result.problems.length > 0) {
      for (const p of result.problems) process.stdout.write(`${file}: ${p}\n`);
      process.stderr.write(`verify: ${file} does NOT verify (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'})\n`);
      return 1;
    }
    const m = result.manifest;
    process.stdout.write(
      `ok ${file}: ${m?.target.name} ${m?.target.version}${m?.target.faultMode ? ` (fault ${m.target.faultMode})` : ''}, ` +
        `${m?.suite.name} ${m?.suite.version}, verdict ${m?.verdict}, ${m?.files.length} files, ` +
        `signed by key sha256 ${result.keyFingerprint}${publicKeyPem === undefined ? ' (the bundled key; pin it with --public-key)' : ' (pinned)'}\n`,
    );
    return 0;
  },
};
