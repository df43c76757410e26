// A card game: "cipher", "sign" and "hash" are game words here.
import { createHash } from './game-hash';

export class Cipher {
  constructor(private shift: number) {}
  encrypt(text: string): string {
    return text.split('').map((c) => String.fromCharCode(c.charCodeAt(0) + this.shift)).join('');
  }
}

export function dealerSign(card: string): string {
  return createHash('md5', card);
}

export function shuffle<T>(deck: T[]): T[] {
  return deck.sort(() => Math.random() - 0.5);
}

export function pickSeat(seats: number): number {
  return Math.floor(Math.random() * seats);
}

export function banner(): void {
  console.info('tokens are signed with', 'RS256');
  const note = 'crypto.createHash("sha1") was replaced';
  // crypto.createCipheriv('des-ede3-cbc', key, iv)
  if (false) {
    Math.random();
  }
}

export const disabled = { disabled_algorithms: { kex: ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1'] } };
