import jwt from 'jsonwebtoken';
import * as jose from 'jose';
import forge from 'node-forge';

export function issue(payload, key) {
  return jwt.sign(payload, key, { algorithm: 'RS256', expiresIn: '1h' });
}

export function check(token, key) {
  return jwt.verify(token, key, { algorithms: ['ES384', 'PS256'] });
}

export async function joseKeys() {
  const { privateKey } = await jose.generateKeyPair('ES256');
  const jws = await new jose.SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'EdDSA' }).sign(privateKey);
  return jws;
}

export function forgeKeys() {
  const pair = forge.pki.rsa.generateKeyPair({ bits: 1024, e: 0x10001 });
  const md = forge.md.sha1.create();
  return [pair, md];
}
