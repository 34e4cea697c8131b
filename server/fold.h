/*
 * fold.h: Vietnamese text folded for searching (fold.c).
 */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>

/*
 * Folds s[0..len) into out (len + 1 bytes); *other counts the characters
 * that are neither letters nor digits. Returns the folded length.
 */
size_t	 fold_into(const char *s, size_t len, char *out, size_t *other);
/* s[0..len) folded, the caller's to free. */
char	*fold_text(const char *s, size_t len);
/* 1 when the folded words w are words of the folded text t. */
int	 fold_has(const char *t, const char *w);

#endif
