// crypto.generateKeyPairSync('rsa', { modulusLength: 512 }) in a comment
/* jwt.sign(payload, key, { algorithm: 'none' }) */
const help = "crypto.createHash('md5')";
const template = `crypto.createSign('RSA-SHA1')`;
const pattern = /createHash\('sha1'\)/g;
const ratio = a / b / c;
const sign = (x) => x.sign('RS256');
const myCrypto = { createHash: (n) => n };
myCrypto.createHash('md5');
function sign(payload, key, options) { return null; }
sign({}, 'k', { algorithm: 'RS256' });
if (false) { require('crypto').createHash('md5'); }
