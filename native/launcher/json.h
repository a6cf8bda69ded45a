/*
 * A JSON reader for one IPC message at a time (Node's "json" serialization: one object per line).
 * Strings are decoded in place in the line, so nothing is allocated per string; the values of one
 * message live in a caller-given array. Only what the launcher reads: objects, arrays, strings,
 * numbers, true/false/null. A NUL in a string (\u0000) is left out and reported in `saw_nul`: no
 * path, argument or variable may hold one, so the request is refused, by its id.
 */
#ifndef JOBPROXY_JSON_H
#define JOBPROXY_JSON_H

#include <stddef.h>

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json_value {
	enum json_type type;
	const char *key; /* the member's name, when in an object */
	const char *string;
	double number;
	int boolean;
	int first;   /* index of the first child (arrays, objects), -1 if none */
	int next;    /* index of the next sibling, -1 if none */
	int count;   /* children */
};

/* Parses `text` (NUL-terminated, changed in place) into `values`: the root's index, or -1. */
int json_parse(char *text, struct json_value *values, int capacity, int *saw_nul);

/* The member `key` of object `object`, or NULL. */
const struct json_value *json_get(const struct json_value *values, int object, const char *key);

/* Writes `text` as a JSON string (quotes included) into `out` of `size`: the length, or -1. */
int json_quote(const char *text, char *out, size_t size);

#endif
