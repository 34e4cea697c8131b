/*
 * fuzz.h: what every fuzz target defines. Built twice: with clang and
 * libFuzzer (make fuzz), and with the normal compiler against replay.c,
 * which feeds it the seed corpus and the saved crashers in make check.
 * Trap: a target must abort on a broken invariant, not just return, or
 * neither libFuzzer nor the replay sees it.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Called once before the first input; returns 0. */
int	 LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input, data[0..size) (not NUL-terminated); returns 0. */
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with file:line when e is false, in every build. */
#define FUZZ_CHECK(e) do {						\
	if (!(e))							\
		fuzz_fail(__FILE__, __LINE__, #e);			\
} while (0)

static inline void __attribute__((noreturn))
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

#endif
