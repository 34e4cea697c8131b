#include <sys/mman.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xlsxread.h"
#include "fuzz.h"

/*
 * fuzz_xlsxread.c: untrusted bytes (a file handed to hailong dossiers
 * import) through the XLSX reader. The bytes go to a memory file read by
 * its /proc path, as a file on disk would be. Every row given holds
 * cells within its bounds, each NUL-terminated at its length and no
 * longer than XLSXREAD_TEXT_MAX; a failure says why.
 * Trap: the seeds are whole XLSX files (zip archives): a mutation rarely
 * keeps a zip valid, so the seeds carry most of the coverage.
 */

static int	 fd = -1;
static char	 path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fd = memfd_create("xlsx", 0)) == -1)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return (0);
}

static int
row(const struct xlsx_row *r, void *arg)
{
	size_t	 i;

	(void)arg;
	FUZZ_CHECK(r->row >= 1 && r->ncols >= 1 &&
	    r->ncols <= XLSXREAD_COLS_MAX);
	for (i = 0; i < r->ncols; i++) {
		FUZZ_CHECK(r->cells[i].s != NULL);
		FUZZ_CHECK(strlen(r->cells[i].s) == r->cells[i].len);
		FUZZ_CHECK(r->cells[i].len <= XLSXREAD_TEXT_MAX);
		FUZZ_CHECK(r->cells[i].kind != XK_EMPTY ||
		    r->cells[i].len == 0);
	}
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 why[XLSXREAD_WHY_MAX];

	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	if (xlsxread(path, row, NULL, why, sizeof(why)) == -1)
		FUZZ_CHECK(why[0] != '\0');
	return (0);
}
