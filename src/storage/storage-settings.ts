/** What TES staging needs to know of storage: the schemes switched on, and how S3 is reached. */
import { TES_SCHEMES, type TesScheme } from '../model/tes-schemes.js';
import type { HttpSettings } from './http-guard.js';
import type { S3Settings } from './s3-settings.js';

export interface StorageSettings {
  /** The URL schemes switched on (config `tes.schemes`). */
  schemes: readonly TesScheme[];
  s3: S3Settings;
  /** Which addresses http(s) inputs may come from, and how large they may be. */
  http?: HttpSettings;
}

/** Every scheme on, S3 as the AWS SDK finds it. */
export const DEFAULT_STORAGE: StorageSettings = { schemes: TES_SCHEMES, s3: {} };
