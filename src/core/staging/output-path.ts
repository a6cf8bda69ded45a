/** What a TES output's `path` is on the host, checked against its `type`: one check for every sink. */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hostPathOf, type TesExtra, type TesOutput } from '../../model/tes-task.js';

/** The output's file or directory; throws naming `field` when it is missing or of another type. */
export async function statOutputPath(
  tes: TesExtra,
  output: TesOutput,
  field: string,
): Promise<Stats> {
  const info = await stat(hostPathOf(tes, output.path)).catch(() => {
    throw new Error(`${field}.path: ${output.path} does not exist`);
  });
  if (output.type === 'DIRECTORY' && !info.isDirectory()) {
    throw new Error(`${field}.path: ${output.path} is not a directory (type is DIRECTORY)`);
  }
  if (output.type === 'FILE' && info.isDirectory()) {
    throw new Error(`${field}.path: ${output.path} is a directory (type is FILE)`);
  }
  return info;
}
