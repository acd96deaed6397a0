import { z } from 'zod';
import { SLUG_PATTERN } from '../../domain/engagement-setup.js';

/** An engagement slug typed in a command (any case), lower-cased and held to the slug rule. */
export const slugToken = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.string().regex(SLUG_PATTERN));
