/* A JSON reader decoding in place; see json.h. */
#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	char *at;
	struct json_value *values;
	int used;
	int capacity;
	int depth;
	int *saw_nul;
};

/* Deeper than any request the server sends: a hostile line cannot exhaust the stack. */
#define MAX_DEPTH 16

static void skip_space(struct parser *p)
{
	while (*p->at == ' ' || *p->at == '\t' || *p->at == '\r' || *p->at == '\n')
		p->at++;
}

static int new_value(struct parser *p, enum json_type type)
{
	if (p->used >= p->capacity)
		return -1;
	struct json_value *v = &p->values[p->used];
	memset(v, 0, sizeof *v);
	v->type = type;
	v->first = -1;
	v->next = -1;
	return p->used++;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned n = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		n <<= 4;
		if (c >= '0' && c <= '9')
			n |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			n |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			n |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = n;
	return 0;
}

static char *put_utf8(char *out, unsigned code)
{
	if (code < 0x80) {
		*out++ = (char)code;
	} else if (code < 0x800) {
		*out++ = (char)(0xC0 | (code >> 6));
		*out++ = (char)(0x80 | (code & 0x3F));
	} else if (code < 0x10000) {
		*out++ = (char)(0xE0 | (code >> 12));
		*out++ = (char)(0x80 | ((code >> 6) & 0x3F));
		*out++ = (char)(0x80 | (code & 0x3F));
	} else {
		*out++ = (char)(0xF0 | (code >> 18));
		*out++ = (char)(0x80 | ((code >> 12) & 0x3F));
		*out++ = (char)(0x80 | ((code >> 6) & 0x3F));
		*out++ = (char)(0x80 | (code & 0x3F));
	}
	return out;
}

/* An escape after the backslash at `*in`: written to `*out`; both advanced. */
static int unescape(struct parser *p, char **in, char **out)
{
	char c = *(*in)++;
	const char *simple = "\"\"\\\\//b\bf\fn\nr\rt\t";
	for (const char *s = simple; *s; s += 2) {
		if (c == s[0]) {
			*(*out)++ = s[1];
			return 0;
		}
	}
	if (c != 'u')
		return -1;
	unsigned code;
	if (hex4(*in, &code) != 0)
		return -1;
	*in += 4;
	if (code >= 0xD800 && code <= 0xDBFF) {
		unsigned low;
		if ((*in)[0] != '\\' || (*in)[1] != 'u' || hex4(*in + 2, &low) != 0)
			return -1;
		if (low < 0xDC00 || low > 0xDFFF)
			return -1;
		*in += 6;
		code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
	} else if (code >= 0xDC00 && code <= 0xDFFF) {
		return -1;
	}
	if (code == 0) {
		*p->saw_nul = 1; // Read on, so the request's id can be answered: it is refused.
		return 0;
	}
	*out = put_utf8(*out, code);
	return 0;
}

/* A string starting at the opening quote: decoded in place, NUL-terminated. */
static const char *parse_string(struct parser *p)
{
	char *in = p->at + 1;
	char *out = in;
	const char *start = in;
	for (;;) {
		char c = *in;
		if (c == '\0' || (unsigned char)c < 0x20)
			return NULL;
		if (c == '"')
			break;
		if (c == '\\') {
			in++;
			if (unescape(p, &in, &out) != 0)
				return NULL;
			continue;
		}
		*out++ = *in++;
	}
	p->at = in + 1;
	*out = '\0'; /* Never past the closing quote: decoding only shortens. */
	return start;
}

static int parse_value(struct parser *p);

static int parse_members(struct parser *p, int parent, int object)
{
	char close = object ? '}' : ']';
	int last = -1;
	p->at++;
	skip_space(p);
	if (*p->at == close) {
		p->at++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		skip_space(p);
		if (object) {
			if (*p->at != '"' || !(key = parse_string(p)))
				return -1;
			skip_space(p);
			if (*p->at++ != ':')
				return -1;
		}
		int child = parse_value(p);
		if (child < 0)
			return -1;
		p->values[child].key = key;
		if (last < 0)
			p->values[parent].first = child;
		else
			p->values[last].next = child;
		last = child;
		p->values[parent].count++;
		skip_space(p);
		if (*p->at == ',') {
			p->at++;
			continue;
		}
		if (*p->at++ != close)
			return -1;
		return 0;
	}
}

static int parse_literal(struct parser *p, const char *word, enum json_type type, int boolean)
{
	size_t n = strlen(word);
	if (strncmp(p->at, word, n) != 0)
		return -1;
	p->at += n;
	int index = new_value(p, type);
	if (index >= 0)
		p->values[index].boolean = boolean;
	return index;
}

static int parse_value(struct parser *p)
{
	skip_space(p);
	char c = *p->at;
	if (c == '{' || c == '[') {
		if (++p->depth > MAX_DEPTH)
			return -1;
		int index = new_value(p, c == '{' ? JSON_OBJECT : JSON_ARRAY);
		if (index < 0 || parse_members(p, index, c == '{') != 0)
			return -1;
		p->depth--;
		return index;
	}
	if (c == '"') {
		int index = new_value(p, JSON_STRING);
		if (index < 0 || !(p->values[index].string = parse_string(p)))
			return -1;
		return index;
	}
	if (c == 't')
		return parse_literal(p, "true", JSON_BOOL, 1);
	if (c == 'f')
		return parse_literal(p, "false", JSON_BOOL, 0);
	if (c == 'n')
		return parse_literal(p, "null", JSON_NULL, 0);
	char *end;
	double number = strtod(p->at, &end);
	if (end == p->at)
		return -1;
	p->at = end;
	int index = new_value(p, JSON_NUMBER);
	if (index >= 0)
		p->values[index].number = number;
	return index;
}

int json_parse(char *text, struct json_value *values, int capacity, int *saw_nul)
{
	*saw_nul = 0;
	struct parser p = {.at = text, .values = values, .capacity = capacity, .saw_nul = saw_nul};
	int root = parse_value(&p);
	if (root < 0)
		return -1;
	skip_space(&p);
	return *p.at == '\0' ? root : -1;
}

const struct json_value *json_get(const struct json_value *values, int object, const char *key)
{
	if (object < 0 || values[object].type != JSON_OBJECT)
		return NULL;
	for (int i = values[object].first; i >= 0; i = values[i].next)
		if (strcmp(values[i].key, key) == 0)
			return &values[i];
	return NULL;
}

int json_quote(const char *text, char *out, size_t size)
{
	size_t n = 0;
#define PUT(ch)                                                                                    \
	do {                                                                                       \
		if (n + 1 >= size)                                                                 \
			return -1;                                                                 \
		out[n++] = (ch);                                                                   \
	} while (0)
	PUT('"');
	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		if (*s == '"' || *s == '\\') {
			PUT('\\');
			PUT((char)*s);
		} else if (*s < 0x20) {
			if (n + 7 >= size)
				return -1;
			n += (size_t)snprintf(out + n, size - n, "\\u%04x", *s);
		} else {
			PUT((char)*s);
		}
	}
	PUT('"');
#undef PUT
	out[n] = '\0';
	return (int)n;
}
