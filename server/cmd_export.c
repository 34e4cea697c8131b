/* cmd_export.c: not written yet. */
extern int hl_stub_cmd_export;
