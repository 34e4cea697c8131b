/* cmd_ticket.c: not written yet. */
extern int hl_stub_cmd_ticket;
