/*
 * xlsx.c: opens libxlsxwriter at run time and resolves the functions of
 * struct xlsx.
 * Trap: a failed load is not retried (pthread_once); the reason is kept
 * for every later caller, since dlerror() belongs to the moment.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "xlsx.h"

#ifndef HL_XLSX_SONAME
#error "HL_XLSX_SONAME (the soname of libxlsxwriter) comes from configure"
#endif

#define XLSX_WHY_MAX	512

_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
    "dlsym() results are stored as function pointers");

static const struct xlsx_sym {
	const char	*name;
	size_t		 off;
} xlsx_syms[] = {
#define XLSX_SYM(f)	{ #f, offsetof(struct xlsx, f) },
	XLSX_FUNCS(XLSX_SYM)
#undef XLSX_SYM
};

static pthread_once_t	 xlsx_once = PTHREAD_ONCE_INIT;
static struct xlsx	 xlsx_api;
static const struct xlsx *xlsx_ok;
static char		 xlsx_why[XLSX_WHY_MAX];

static void
xlsx_open(void)
{
	void		*h, *p;
	const char	*e;
	size_t		 i;

	if ((h = dlopen(HL_XLSX_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		/* dlerror() names the library. */
		snprintf(xlsx_why, sizeof(xlsx_why), "%s", e != NULL ? e :
		    "cannot load " HL_XLSX_SONAME);
		return;
	}
	for (i = 0; i < sizeof(xlsx_syms) / sizeof(xlsx_syms[0]); i++) {
		if ((p = dlsym(h, xlsx_syms[i].name)) == NULL) {
			snprintf(xlsx_why, sizeof(xlsx_why), "%s has no %s",
			    HL_XLSX_SONAME, xlsx_syms[i].name);
			dlclose(h);
			return;
		}
		/* POSIX: a data pointer from dlsym() converts to a function
		 * pointer; store its bytes in the typed field. */
		memcpy((char *)&xlsx_api + xlsx_syms[i].off, &p, sizeof(p));
	}
	xlsx_ok = &xlsx_api;
}

const struct xlsx *
xlsx_load(char *why, size_t whylen)
{
	pthread_once(&xlsx_once, xlsx_open);
	if (xlsx_ok == NULL && why != NULL && whylen > 0)
		strlcpy(why, xlsx_why, whylen);
	return (xlsx_ok);
}
