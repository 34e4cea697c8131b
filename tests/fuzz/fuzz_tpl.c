#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "tpl.h"
#include "fuzz.h"

/*
 * fuzz_tpl.c: a template through tpl_load_mem() and tpl_render() against
 * a fixed context holding every kind of JSON value, markup to escape,
 * nesting, and an array to loop over. The template is named "t", so
 * {{>t}} is a partial of itself.
 * Trap: rendering is bounded by TPL_DEPTH_MAX and TPL_STEPS_MAX, not by
 * the input's size; the output cap keeps a run's memory small.
 */

#define FUZZ_TPL_OUT_MAX	(256u * 1024)

static json_t	*ctx;

static const char ctx_json[] =
	"{\"lang\": \"vi\","
	" \"title\": \"<b>Kh\\u1ea3o s\\u00e1t</b> & \\\"x\\\"\","
	" \"n\": 3, \"zero\": 0, \"pi\": 3.25, \"yes\": true, \"no\": false,"
	" \"nil\": null, \"empty\": \"\", \"raw\": \"<i>'\\u00a0'</i>\","
	" \"user\": {\"name\": \"Ng\\u01b0\\u1eddi d\\u00e2n\", \"unit\":"
	" {\"code\": \"UB-01\", \"id\": 7}},"
	" \"items\": [{\"id\": \"a\", \"label\": \"<A>\", \"on\": true},"
	" {\"id\": \"b\", \"label\": \"B&B\", \"on\": false}, \"plain\", 2,"
	" null, [1, [2, [3]]]],"
	" \"none\": [], \"obj\": {}}";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	json_error_t	 e;

	(void)argc;
	(void)argv;
	if ((ctx = json_loads(ctx_json, 0, &e)) == NULL)
		fuzz_fail(__FILE__, __LINE__, e.text);
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tplset	*ts;
	const struct tpl *t;
	struct buf	 out;
	char		 why[256];
	int		 rc;

	if ((ts = tpl_load_mem("t", (const char *)data, size, why,
	    sizeof(why))) == NULL) {
		FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
		return (0);
	}
	FUZZ_CHECK((t = tpl_get(ts, "t")) != NULL);
	buf_init(&out, FUZZ_TPL_OUT_MAX);
	rc = tpl_render(t, ctx, &out);
	FUZZ_CHECK(out.len <= FUZZ_TPL_OUT_MAX);
	FUZZ_CHECK(out.data == NULL || out.data[out.len] == '\0');
	/* No tag at all: the template is its own rendering. */
	if (rc == 0 && memmem(data, size, "{{", 2) == NULL)
		FUZZ_CHECK(out.len == size &&
		    (size == 0 || memcmp(out.data, data, size) == 0));
	buf_clear(&out);
	tpl_free(ts);
	return (0);
}
