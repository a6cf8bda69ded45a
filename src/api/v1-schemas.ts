/**
 * The JSON schemas of the JobProxy v1 API's bodies, as the OpenAPI document (openapi-v1.ts)
 * publishes them: the Task a client submits, derived from the schema the server validates with
 * (src/model/v1-task-schema.ts), and every answer (v1-answer-schemas.ts). The few rules the validator checks after the
 * schema are listed in VALIDATOR_ONLY_RULES.
 */
import { withoutProblemAnnotations } from '../model/schema-problems.js';
import {
  TIME_UNITS,
  V1_COMMAND,
  V1_CONTAINER,
  V1_MOUNT_PAIR,
  V1_PORT_PAIR,
  V1_TASK,
} from '../model/v1-task-schema.js';
import {
  V1_DELETED_EVENT,
  V1_DETAIL,
  V1_ERROR,
  V1_OVERVIEW,
  V1_STATE,
  V1_STATE_ENTRY,
  V1_STATE_EVENT,
  V1_STATES,
  V1_SUBMIT_ANSWER,
  V1_SUBMIT_ANSWER_XML,
} from './v1-answer-schemas.js';

/** A JSON schema (JSON Schema 2020-12 / OpenAPI 3.1), as plain data. */
export type JsonSchema = { [key: string]: unknown };

/** `?wait=` as parseWait (events-routes.ts) reads it: a number, then ms or a time unit. */
export const WAIT_PATTERN = `^\\s*\\d+(?:\\.\\d+)?\\s*(?:[mM][sS]|${TIME_UNITS})?\\s*$`;

/**
 * A request schema as published: without the problem annotations, and every optional field of
 * an object shape may be `null` (the validator reads a null field as absent).
 */
export function publishRequestSchema(schema: unknown): JsonSchema {
  return admitNulls(withoutProblemAnnotations(schema)) as JsonSchema;
}

function admitNulls(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(admitNulls);
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, admitNulls(value)]),
  ) as JsonSchema;
  if (node.additionalProperties !== false || typeof node.properties !== 'object') return node;
  const required = (node.required ?? []) as string[];
  node.properties = Object.fromEntries(
    Object.entries(node.properties as JsonSchema).map(([key, value]) => [
      key,
      required.includes(key) ? value : { anyOf: [value, { type: 'null' }] },
    ]),
  );
  return node;
}

/** The request schemas: the Task and its parts, from the one source (model/v1-task-schema.ts). */
const REQUEST_SCHEMAS: Record<string, JsonSchema> = {
  Command: publishRequestSchema(V1_COMMAND),
  PortPair: publishRequestSchema(V1_PORT_PAIR),
  MountPair: publishRequestSchema(V1_MOUNT_PAIR),
  Container: publishRequestSchema(V1_CONTAINER),
  Task: publishRequestSchema(V1_TASK),
};

/** The answer schemas, from their one source (v1-answer-schemas.ts). */
const ANSWER_SCHEMAS: Record<string, JsonSchema> = {
  SubmitAnswer: V1_SUBMIT_ANSWER,
  SubmitAnswerXml: V1_SUBMIT_ANSWER_XML,
  State: V1_STATE,
  States: V1_STATES,
  StateEntry: V1_STATE_ENTRY,
  Detail: V1_DETAIL,
  Overview: V1_OVERVIEW,
  StateEvent: V1_STATE_EVENT,
  DeletedEvent: V1_DELETED_EVENT,
  Error: V1_ERROR,
};

/** Every named v1 schema: the OpenAPI document's components.schemas. */
export const V1_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  ...REQUEST_SCHEMAS,
  ...ANSWER_SCHEMAS,
};

/**
 * What the validator checks after the Task schema (JSON Schema cannot say it); the agreement
 * test holds the published schema to passing exactly these, each with an example.
 */
export const VALIDATOR_ONLY_RULES = [
  { rule: 'the first argv entry of a command list is not empty', example: { cmd: ['', 'x'] } },
  { rule: 'a one-element command list is a non-blank command line', example: { cmd: [' '] } },
  {
    rule: 'a memory or cputime string is at most 1e12 MiB or seconds',
    example: { memory: '9999999999999999T' },
  },
] as const;

/**
 * `schema` with every `#/components/schemas/…` reference replaced by the schema it names, for
 * validators that read one schema alone (the v1 schemas have no cycles).
 */
export function inlineRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(inlineRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const target = (schema as JsonSchema).$ref;
  if (typeof target === 'string') {
    const name = target.replace('#/components/schemas/', '');
    const named = V1_SCHEMAS[name];
    if (!named) throw new Error(`no v1 schema ${name}`);
    return inlineRefs(named);
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, inlineRefs(value)]));
}
