/**
 * The bundle's container: one zip file (jszip, already a dependency for the trace redaction). Reading
 * checks every entry's CRC, so a damaged archive is reported as such rather than as odd digests.
 */
import JSZip from 'jszip';
import type { BundleFile } from './manifest.js';

/** A fixed timestamp for every entry: the same files always make the same archive bytes. */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');

export async function writeArchive(files: readonly BundleFile[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const f of files) zip.file(f.path, f.bytes, { date: ENTRY_DATE, binary: true, createFolders: false });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}

/** Every file entry of the archive; throws when it is not a readable zip. */
export async function readArchive(bytes: Uint8Array): Promise<BundleFile[]> {
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: true });
  const out: BundleFile[] = [];
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    out.push({ path: entry.name, bytes: await entry.async('uint8array') });
  }
  return out;
}
