/* h_kiosk.c: not written yet: every route answers 404. */
#include "h.h"

void h_kiosk_static(struct req *r) { http_fail(r, 404, "not yet"); }
void h_survey_def(struct req *r) { http_fail(r, 404, "not yet"); }
void h_kiosk_enrol(struct req *r) { http_fail(r, 404, "not yet"); }
void h_kiosk_next(struct req *r) { http_fail(r, 404, "not yet"); }
void h_responses_post(struct req *r) { http_fail(r, 404, "not yet"); }
