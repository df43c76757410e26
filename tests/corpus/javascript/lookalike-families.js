// Warehouse tools: words of cryptography, none of it is (one look-alike per family).
const os = require('os');

function createPrivateKey(shelf) {
  return `key-${shelf}`;
}

const locker = createPrivateKey('A7');

const till = { exchange: (amount, rate) => amount * rate };
const change = till.exchange(12, 1.08);

const nic = os.networkInterfaces().eth0 || [];
const mac = nic.length ? nic[0].mac : '00:00:00:00:00:00';

// crypto.pbkdf2Sync(password, salt, 600000, 32, 'sha256') lives in the login service
const shelfCode = (aisle) => `${aisle}`.padStart(4, '0');

if (false) {
  require('tls').connect({ host: 'legacy', minVersion: 'TLSv1' });
}

const docs = 'diffieHellman: call crypto.diffieHellman({ privateKey, publicKey }) on the server';

module.exports = { locker, change, mac, shelfCode, docs };
