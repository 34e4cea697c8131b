/*
 * catalog_priv.h: between catalog.c (the CSV files, the unit tree, the
 * lookups) and catalog_sectors.c (sectors.ini).
 */
#ifndef CATALOG_PRIV_H
#define CATALOG_PRIV_H

#include <stddef.h>

#include "catalog.h"

/* Loads path into c's sectors and overall; 0, or -1 with why. */
int	 catalog_sectors_load(struct catalog *, const char *path, char *why,
	    size_t whylen);

#endif
