/*
 * catswap.h: the catalogues a running server replaced (an admin's
 * change of units or procedures, SIGHUP), kept until no request that
 * began before the swap is left, then freed. Every request enters at
 * its start and leaves when it completes; a handler may then keep what
 * it read of the app's catalogue (the pointer, units, names) for the
 * whole request, however many swaps happen meanwhile.
 * Trap: "began before the swap" is by epoch: a catalogue retired when
 * the epoch became E may be held by any request of an epoch below E,
 * even one that read it after its own start.
 */
#ifndef CATSWAP_H
#define CATSWAP_H

#include <stdint.h>

#include "catalog.h"

#define CATSWAP_EPOCHS_MAX	64	/* epochs with requests in flight */

struct catswap;

struct catswap	*catswap_new(void);
/* Frees every catalogue still retired; no request may be in flight. */
void		 catswap_free(struct catswap *);
/* A request starts: its epoch, to give back to catswap_leave(). */
uint64_t	 catswap_enter(struct catswap *);
/* It completed: frees what nobody can hold any more. */
void		 catswap_leave(struct catswap *, uint64_t epoch);
/*
 * cat (and the JSON texts rendered from it, free()d with it, NULL is
 * fine) stopped being the one in use: a new epoch begins, and they are
 * freed once every request of an older epoch has left.
 */
void		 catswap_retire(struct catswap *, struct catalog *cat,
		    char *json0, char *json1, char *json2);
/*
 * The same for anything else swapped with the same rule (the surveys
 * and indicators in use, schema.c): fn(obj) frees it then.
 */
void		 catswap_retire_obj(struct catswap *, void *obj,
		    void (*fn)(void *));
/* Serialise the changes of the catalogue (load, check, swap). */
void		 catswap_change_begin(struct catswap *);
void		 catswap_change_end(struct catswap *);
/* How many retired catalogues wait (tests, metrics). */
unsigned	 catswap_waiting(struct catswap *);

#endif
