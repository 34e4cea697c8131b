/* cmd_serve.c: not written yet. */
extern int hl_stub_cmd_serve;
