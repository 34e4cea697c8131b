/* report.c: not written yet. */
extern int hl_stub_report;
