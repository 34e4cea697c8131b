/* json_in.c: not written yet. */
extern int hl_stub_json_in;
