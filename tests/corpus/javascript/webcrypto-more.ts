export async function wrapForServer(serverKey: CryptoKey, data: ArrayBuffer) {
  const aesKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aesKey, data);
  const wrapped = await crypto.subtle.wrapKey('raw', aesKey, serverKey, { name: 'RSA-OAEP' });
  return { ct, wrapped };
}

export async function passwordKey(password: ArrayBuffer, salt: Uint8Array) {
  const base = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt, iterations: 100000, hash: 'SHA-256' },
    base,
    { name: 'AES-CBC', length: 256 },
    false,
    ['encrypt'],
  );
}

export async function macKey() {
  return crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-512' }, false, ['sign']);
}

export async function agree(peer: CryptoKey, mine: CryptoKey) {
  return crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, mine, 256);
}
