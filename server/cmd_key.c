/* cmd_key.c: not written yet. */
extern int hl_stub_cmd_key;
