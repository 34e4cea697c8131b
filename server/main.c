/*
 * main.c: the command table, and the flag parsing the commands share.
 * Trap: errors of usage exit 2 on one line; errors of work exit 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const struct cmd *const cmds[] = {
	&cmd_serve, &cmd_key, &cmd_user, &cmd_kiosk, &cmd_ticket, &cmd_export,
	&cmd_verify, &cmd_backup, &cmd_status, &cmd_bench_tickets, &cmd_report,
	&cmd_devfill, &cmd_schema, &cmd_dossiers
};

static void
usage(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: hailong COMMAND [FLAGS]   (hailong COMMAND --help)"
	    "\n\nhailong measures citizens' satisfaction with public "
	    "services.\n\ncommands:\n");
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", cmds[i]->name, cmds[i]->summary);
}

void
cmd_usage_error(const struct cmd *c, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "hailong: %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see hailong %s --help)\n", c->name);
	exit(2);
}

void
cmd_flags(const struct cmd *c, int argc, char **argv,
    const struct flag *flags)
{
	const struct flag	*f;
	int			 i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(c->usage, stdout);
			exit(0);
		}
		if (strncmp(a, "--", 2) != 0 && strcmp(a, "-o") != 0)
			cmd_usage_error(c, "unexpected argument");
		for (f = flags; f->name != NULL; f++)
			if (strcmp(a + (a[1] == '-' ? 2 : 1), f->name) == 0)
				break;
		if (f->name == NULL)
			cmd_usage_error(c, "unknown flag %.40s", a);
		if (*f->value != NULL)
			cmd_usage_error(c, "%s given twice", a);
		if (i + 1 >= argc)
			cmd_usage_error(c, "%s needs a value", a);
		*f->value = argv[++i];
	}
}

void
cmd_config(const struct cmd *c, struct config *cfg, const char *file,
    const char *data, const char *listen, const char *base_url)
{
	char	 why[512];

	(void)c;
	config_defaults(cfg);
	if (file != NULL && config_load(cfg, file, why, sizeof(why)) == -1)
		fatal("%s", why);
	if ((data != NULL && config_set(cfg, "data", data, why,
	    sizeof(why)) == -1) ||
	    (listen != NULL && config_set(cfg, "listen", listen, why,
	    sizeof(why)) == -1) ||
	    (base_url != NULL && config_set(cfg, "base_url", base_url, why,
	    sizeof(why)) == -1))
		cmd_usage_error(c, "%s", why);
	log_set_level(cfg->log_level);
}

int
main(int argc, char **argv)
{
	size_t	 i;

	if (argc < 2) {
		usage(stderr);
		return (2);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return (0);
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i]->name) == 0)
			return (cmds[i]->run(argc - 1, argv + 1));
	fprintf(stderr, "hailong: unknown command %.40s (see hailong --help)\n",
	    argv[1]);
	return (2);
}
