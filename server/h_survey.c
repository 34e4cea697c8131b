/* h_survey.c: not written yet. */
extern int hl_stub_h_survey;
