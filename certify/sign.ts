/**
 * Ed25519 signatures over the bundle's manifest, with node:crypto only. The signature covers the exact bytes
 * of manifest.json, which in turn lists the SHA-256 of every other file, so one signature covers the bundle.
 */
import { createPrivateKey, createPublicKey, sign, verify, createHash, type KeyObject } from 'node:crypto';

/** Reads a vendor's private key; only Ed25519 is accepted, so a bundle's algorithm is never ambiguous. */
export function loadSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`the signing key is not a PEM private key (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the signing key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`);
  return key;
}

/** Reads a public key (SPKI PEM); a private key is accepted too (its public half is used). */
export function loadPublicKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error(`not a PEM public key (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the public key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`);
  return key;
}

/** The public half (createPublicKey takes a private KeyObject, not a public one). */
function publicHalf(key: KeyObject): KeyObject {
  return key.type === 'public' ? key : createPublicKey(key);
}

export function publicKeyPem(key: KeyObject): string {
  return publicHalf(key).export({ type: 'spki', format: 'pem' }).toString();
}

/** SHA-256 of the key's DER (SPKI) form: what `verify` prints, so a key can be compared by eye. */
export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(publicHalf(key).export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Base64 Ed25519 signature (Ed25519 hashes internally: the algorithm argument is null). */
export function signBytes(bytes: Uint8Array, privateKey: KeyObject): string {
  return sign(null, bytes, privateKey).toString('base64');
}

export function verifyBytes(bytes: Uint8Array, signatureBase64: string, publicKey: KeyObject): boolean {
  const signature = Buffer.from(signatureBase64.trim(), 'base64');
  // Ed25519 signatures are 64 bytes; anything else (truncated, not base64) is simply invalid.
  if (signature.length !== 64) return false;
  try {
    return verify(null, bytes, publicKey, signature);
  } catch {
    return false;
  }
}
