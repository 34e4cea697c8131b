/* h_ticket.c: not written yet. */
extern int hl_stub_h_ticket;
