export async function webKeys(): Promise<CryptoKeyPair[]> {
  const rsa = await crypto.subtle.generateKey(
    { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const ec = await window.crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign']);
  const ed = await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify']);
  const aes = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
  return [rsa, ec, ed] as CryptoKeyPair[];
}

export async function webUse(key: CryptoKey, data: ArrayBuffer) {
  const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: { name: 'SHA-256' } }, key, data);
  const bits = await crypto.subtle.deriveBits({ name: 'X25519', public: key }, key, 256);
  const ct = await crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, data);
  const digest = await crypto.subtle.digest('SHA-1', data);
  return [sig, bits, ct, digest];
}
