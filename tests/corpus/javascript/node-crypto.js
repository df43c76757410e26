'use strict';
const crypto = require('node:crypto');
const { createHash, createHmac: hmac } = require('crypto');

const LEGACY_BITS = 1024;

function keys() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: LEGACY_BITS });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  crypto.generateKeyPair('ed25519', {}, (err, pub, priv) => {});
  const pq = crypto.generateKeyPairSync('ml-kem-768');
  return [rsa, ec, pq];
}

function use(data, key) {
  const md5 = createHash('md5').update(data).digest('hex');
  const sha = createHash('sha256').update(data).digest('hex');
  const mac = hmac('sha1', 'k').update(data).digest();
  const signer = crypto.createSign('RSA-SHA256');
  const ecdh = crypto.createECDH('secp384r1');
  const dh = crypto.getDiffieHellman('modp2');
  const enc = crypto.publicEncrypt(key, data);
  const des = crypto.createCipheriv('des-ede3-cbc', key, iv);
  const aes = crypto.createCipheriv('aes-256-gcm', key, iv);
  return [md5, sha, mac, signer, ecdh, dh, enc, des, aes];
}

module.exports = { keys, use };
