/* cmd_kiosk.c: not written yet. */
extern int hl_stub_cmd_kiosk;
