import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * Authenticated encryption (AES-256-GCM) for secrets at rest, keyed from AMOS_ENCRYPTION_KEY.
 * The output is `v1.<iv>.<tag>.<ciphertext>` in base64url; tampering makes decrypt throw.
 */
export interface TokenCipher {
  /** Names the key without revealing it (see keyFingerprint); stored next to each ciphertext. */
  readonly fingerprint: string;
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
}

/**
 * HMAC-SHA256 keyed by the secret over a fixed label, truncated to 64 bits: equal for the
 * same key, and no plain hash of it (testing a guess at it is no easier than testing it
 * against the ciphertext it sits next to).
 */
export function keyFingerprint(secret: string): string {
  return createHmac('sha256', secret).update('amos-key-fingerprint').digest('hex').slice(0, 16);
}

export function createTokenCipher(secret: string): TokenCipher {
  const key = createHash('sha256').update(`amos-token-cipher:${secret}`).digest();
  return {
    fingerprint: keyFingerprint(secret),
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
      return `v1.${parts.join('.')}`;
    },
    decrypt(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined)
        throw new Error('unknown ciphertext format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
  };
}
