/*
 * notify.h: telling systemd how the server is (Type=notify, libsystemd's
 * sd_notify): ready once the store is open and the port bound, reloading
 * on SIGHUP, stopping, and alive (the watchdog, pinged from the writer's
 * loop). Without NOTIFY_SOCKET in the environment each call does nothing.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdint.h>

/* READY=1 with a STATUS= line for systemctl status. */
void	 notify_ready(const char *status);
void	 notify_reloading(void);
void	 notify_stopping(void);
void	 notify_watchdog(void);
/* The watchdog's interval for this process in µs; 0 when none is set. */
uint64_t notify_watchdog_usec(void);

#endif
