/* cmd_verify.c: not written yet. */
extern int hl_stub_cmd_verify;
