/*
 * notify.c: sd_notify() messages to systemd.
 * Trap: NOTIFY_SOCKET stays in the environment (unset_environment 0):
 * the watchdog pings and the stop are sent long after READY=1.
 */
#include <stdio.h>

#include <systemd/sd-daemon.h>

#include "notify.h"

void
notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
notify_reloading(void)
{
	sd_notify(0, "RELOADING=1");
}

void
notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}

void
notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

uint64_t
notify_watchdog_usec(void)
{
	uint64_t	 usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return (0);
	return (usec);
}
