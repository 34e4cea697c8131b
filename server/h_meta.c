/* h_meta.c: not written yet. */
extern int hl_stub_h_meta;
