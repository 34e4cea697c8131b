#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/*
 * replay.c: a plain main for one fuzz target (FUZZ_NAME), built without
 * libFuzzer: runs LLVMFuzzerTestOneInput on every file of the target's
 * seed corpus and of its saved crashers, so both run in every make check
 * under the build's own compiler and sanitizers. Extra arguments are
 * more files or directories to run.
 * Trap: each input is copied to a buffer of exactly its size, as
 * libFuzzer does, so that an overread is caught by AddressSanitizer.
 */

#ifndef FUZZ_NAME
#error "FUZZ_NAME must name the target"
#endif

#define REPLAY_FILE_MAX		(1024 * 1024)

static int	 nrun;

/* Runs the file at path; -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	FILE		*f = NULL;
	uint8_t		*data = NULL, *exact = NULL;
	size_t		 len = 0, got;
	int		 rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		goto out;
	}
	if ((data = malloc(REPLAY_FILE_MAX + 1)) == NULL)
		goto out;
	while ((got = fread(data + len, 1, REPLAY_FILE_MAX + 1 - len,
	    f)) > 0)
		len += got;
	if (ferror(f) || len > REPLAY_FILE_MAX) {
		fprintf(stderr, "%s: unreadable or too big\n", path);
		goto out;
	}
	if ((exact = malloc(len > 0 ? len : 1)) == NULL)
		goto out;
	if (len > 0)
		memcpy(exact, data, len);
	LLVMFuzzerTestOneInput(exact, len);
	nrun++;
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	free(exact);
	free(data);
	return (rc);
}

static int
replay_cmp(const struct dirent **a, const struct dirent **b)
{
	return (strcmp((*a)->d_name, (*b)->d_name));
}

/* Runs every file of dir but dot files (.keep); -1 on an error. */
static int
replay_dir(const char *dir)
{
	struct dirent	**ents = NULL;
	char		  path[4096];
	int		  n, i, rc = 0;

	if ((n = scandir(dir, &ents, NULL, replay_cmp)) == -1) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			if (snprintf(path, sizeof(path), "%s/%s", dir,
			    ents[i]->d_name) >= (int)sizeof(path) ||
			    replay_file(path) == -1)
				rc = -1;
		}
		free(ents[i]);
	}
	free(ents);
	return (rc);
}

static int
replay_path(const char *path)
{
	struct stat	 st;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	return (S_ISDIR(st.st_mode) ? replay_dir(path) : replay_file(path));
}

int
main(int argc, char **argv)
{
	int	 i, failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	if (replay_path(HL_SRCDIR "/tests/fuzz/corpus/" FUZZ_NAME) == -1)
		failed++;
	if (replay_path(HL_SRCDIR "/tests/fuzz/regression/" FUZZ_NAME) == -1)
		failed++;
	for (i = 1; i < argc; i++)
		if (replay_path(argv[i]) == -1)
			failed++;
	/* An input that breaks the target aborts before this line. */
	printf("fuzz replay %s: %d inputs, %d passed, %d failed\n", FUZZ_NAME,
	    nrun, nrun, failed);
	return (failed == 0 && nrun > 0 ? 0 : 1);
}
