'use strict';
const crypto = require('node:crypto');
const bcrypt = require('bcrypt');
const CryptoJS = require('crypto-js');

const KEY_BYTES = 32;
const PBKDF2_ITERATIONS = 210000;

function newKey() {
  return crypto.randomBytes(KEY_BYTES);
}

function seal(key, plaintext) {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function legacyOpen(key, blob) {
  const decipher = crypto.createDecipheriv('aes-128-ecb', key, null);
  return Buffer.concat([decipher.update(blob), decipher.final()]);
}

function deriveKey(password, salt) {
  return crypto.pbkdf2Sync(password, salt, PBKDF2_ITERATIONS, 32, 'sha512');
}

function quickKey(password, salt) {
  return crypto.scryptSync(password, salt, 32);
}

function expand(secret, salt) {
  return crypto.hkdfSync('sha256', secret, salt, 'session', 64);
}

async function storePassword(password) {
  return bcrypt.hash(password, 12);
}

function signCookie(secret, value) {
  return crypto.createHmac('sha256', secret).update(value).digest('base64url');
}

function checksum(file) {
  return crypto.createHash('sha1').update(file).digest('hex');
}

function browserCompat(text, passphrase) {
  return CryptoJS.AES.encrypt(text, passphrase).toString();
}

function csrfToken() {
  const token = Math.random().toString(36).slice(2);
  return token;
}

function jitter(ms) {
  return ms * (0.5 + Math.random());
}

module.exports = { newKey, seal, legacyOpen, deriveKey, quickKey, expand, storePassword, signCookie, checksum, browserCompat, csrfToken, jitter };
