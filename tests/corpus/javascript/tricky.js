const { subtle } = globalThis.crypto;
const nodeCrypto = require('crypto');

async function run(algo, data) {
  const pair = await subtle.generateKey({ name: 'ECDH', namedCurve: 'P-521' }, false, ['deriveBits']);
  const dyn = nodeCrypto.createHash(algo);
  const fixed = nodeCrypto.createHash('sha512');
  const keyed = nodeCrypto
    .createHmac('md5', 'k')
    .update(data)
    .digest('hex');
  return [pair, dyn, fixed, keyed];
}

module.exports = { run };
