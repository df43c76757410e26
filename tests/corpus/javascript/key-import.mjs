// Keys imported, not generated: WebCrypto importKey and node:crypto key objects.
import { webcrypto, createPublicKey, publicEncrypt } from 'node:crypto';

const { subtle } = webcrypto;

export async function importVerifier(spkiDer) {
  return subtle.importKey('spki', spkiDer, { name: 'ECDSA', namedCurve: 'P-384' }, false, ['verify']);
}

export async function importWrappingKey(spkiDer) {
  return subtle.importKey('spki', spkiDer, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['wrapKey']);
}

export function sealFor(pem, secret) {
  const recipient = createPublicKey({ key: pem, format: 'pem', type: 'pkcs1' });
  return publicEncrypt(recipient, secret);
}
