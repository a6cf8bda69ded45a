/** The storage settings of TES staging, from the config keys `tes.schemes` and `tes.s3.*`. */
import type { Config } from '../config/config.js';
import { TES_SCHEMES, type TesScheme } from '../model/tes-schemes.js';
import type { S3Settings } from '../storage/s3-settings.js';
import type { StorageSettings } from '../storage/storage-settings.js';

export function storageFromConfig(config: Readonly<Config>): StorageSettings {
  const s3: S3Settings = {};
  if (config.tesS3Endpoint) s3.endpoint = config.tesS3Endpoint;
  if (config.tesS3Region) s3.region = config.tesS3Region;
  if (config.tesS3ForcePathStyle) s3.forcePathStyle = true;
  if (config.tesS3AccessKeyId) s3.accessKeyId = config.tesS3AccessKeyId;
  if (config.tesS3SecretAccessKey) s3.secretAccessKey = config.tesS3SecretAccessKey;
  // In TES_SCHEMES order, whatever order the operator wrote them in.
  const schemes = TES_SCHEMES.filter((s: TesScheme) => config.tesSchemes.includes(s));
  return { schemes, s3, http: { allow: config.tesHttpAllow, maxBytes: config.tesHttpMaxBytes } };
}
