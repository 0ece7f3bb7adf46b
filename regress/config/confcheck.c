/*
 * confcheck: the golden-file driver.  Parses argv[1]; on success prints
 * the canonical form on stdout and exits 0, otherwise the errors are on
 * stderr (log.c in debug mode) and it exits 1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "config.h"

int
main(int argc, char *argv[])
{
	struct config	*conf;

	if (argc != 2) {
		fprintf(stderr, "usage: confcheck file\n");
		return (2);
	}
	log_init(1, 0);
	if ((conf = parse_config(argv[1])) == NULL)
		return (1);
	config_print(stdout, conf);
	config_free(conf);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("stdout");
		return (2);
	}
	return (0);
}
