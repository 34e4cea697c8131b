/* h_report.c: not written yet: every route answers 404. */
#include "h.h"

void h_report_html(struct req *r) { http_fail(r, 404, "not yet"); }
void h_report_json(struct req *r) { http_fail(r, 404, "not yet"); }
void h_report_csv(struct req *r) { http_fail(r, 404, "not yet"); }
void h_report_xlsx(struct req *r) { http_fail(r, 404, "not yet"); }
void h_signin_show(struct req *r) { http_fail(r, 404, "not yet"); }
void h_signin_post(struct req *r) { http_fail(r, 404, "not yet"); }
void h_signout(struct req *r) { http_fail(r, 404, "not yet"); }
void h_signin_page(struct req *r, unsigned st) { http_fail(r, st, "sign in"); }
