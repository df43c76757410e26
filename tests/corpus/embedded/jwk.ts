// An inline JWK in TypeScript; 'kty' in this comment is not a key.
export const verifyKey = {
  kty: 'EC',
  crv: 'P-256',
  x: 'corpusOnlyX',
  y: 'corpusOnlyY',
};
