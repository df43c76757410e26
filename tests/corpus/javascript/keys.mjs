import { generateKeyPairSync, sign, verify, createPrivateKey, diffieHellman, publicEncrypt, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import https from 'node:https';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');

export function signRelease(artifact) {
  return sign(null, artifact, privateKey);
}

export function checkRelease(artifact, signature) {
  return verify(null, artifact, publicKey, signature);
}

export function signWithDeployKey(data) {
  const deployKey = createPrivateKey(readFileSync('/etc/deploy/key.pem'));
  return sign('sha256', data, deployKey);
}

export function agree(peerPublicKey) {
  const mine = generateKeyPairSync('x25519');
  return diffieHellman({ privateKey: mine.privateKey, publicKey: peerPublicKey });
}

export function wrapKey(recipientPem, dataKey) {
  return publicEncrypt({ key: recipientPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey);
}

export function apiServer(options) {
  const context = tls.createSecureContext({
    minVersion: 'TLSv1.2',
    ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
    ecdhCurve: 'X25519MLKEM768:X25519:P-256',
  });
  return https.createServer({ ...options, secureContext: context });
}

export function legacyAgent() {
  return new https.Agent({ secureProtocol: 'TLSv1_method' });
}
