import * as jose from 'jose';
import jwt from 'jsonwebtoken';
import { Client } from 'ssh2';

const ISSUER_ALG = 'ES256';
const ACCEPTED = ['ES256', 'EdDSA'];

export async function issue(claims: jose.JWTPayload, key: jose.KeyLike): Promise<string> {
  return new jose.SignJWT(claims).setProtectedHeader({ alg: ISSUER_ALG, kid: 'k1' }).sign(key);
}

export async function check(token: string, key: jose.KeyLike) {
  return jose.jwtVerify(token, key, { algorithms: ACCEPTED });
}

export function legacyToken(payload: object, secret: string): string {
  const options = { algorithm: 'HS512', expiresIn: '1h' } as const;
  return jwt.sign(payload, secret, options);
}

export async function encryptionKeys() {
  return jose.generateKeyPair('RSA-OAEP-256', { modulusLength: 3072 });
}

export function connectSwitch(host: string) {
  const conn = new Client();
  conn.connect({
    host,
    algorithms: {
      kex: ['diffie-hellman-group14-sha1', 'ecdh-sha2-nistp256'],
      cipher: ['aes128-ctr'],
      serverHostKey: ['ssh-rsa'],
    },
  });
  return conn;
}

export function describeAlg(alg: string): string {
  console.log('token algorithm', 'RS256');
  return alg === 'none' ? 'unsigned' : alg;
}
