/* h_counter.c: not written yet: every route answers 404. */
#include "h.h"

void h_counter_page(struct req *r) { http_fail(r, 404, "not yet"); }
void h_ticket_escpos(struct req *r) { http_fail(r, 404, "not yet"); }
