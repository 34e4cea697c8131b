/*
 * model.c: the names of the domain's enumerations and the counting
 * rules a record carries with it (which unit a ticket counts under,
 * which sector a response). Functions are named for the type they read.
 * Trap: role and channel names are stored in key listings and exports;
 * renaming one is a format change.
 */
#include <stddef.h>
#include <string.h>

#include "model.h"

const char *
ticket_count_unit(const struct ticket *t)
{
	return (t->handling_unit[0] != '\0' ? t->handling_unit : t->unit);
}

void
apikey_id_hex(const uint8_t hash[32], char out[KEY_ID_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < KEY_ID_LEN; i++) {
		out[2 * i] = hex[hash[i] >> 4];
		out[2 * i + 1] = hex[hash[i] & 15];
	}
	out[KEY_ID_HEX] = '\0';
}

const char *
ticket_survey(const struct ticket *t)
{
	return (t->survey[0] != '\0' ? t->survey : SURVEY_PROCEDURE);
}

const char *
channel_name(enum channel c)
{
	switch (c) {
	case CHANNEL_QR:
		return ("qr");
	case CHANNEL_KIOSK:
		return ("kiosk");
	case CHANNEL_WALKIN:
		return ("kiosk-walkin");
	default:
		return ("unknown");
	}
}

static const struct {
	enum role	 role;
	const char	*name;
} roles[] = {
	{ ROLE_COUNTER, "counter" },
	{ ROLE_VIEWER, "viewer" },
	{ ROLE_ADMIN, "admin" },
	{ ROLE_KIOSK, "kiosk" },
	{ ROLE_HEAD, "head" },
};

const char *
role_name(enum role r)
{
	size_t	 i;

	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == r)
			return (roles[i].name);
	return ("none");
}

int
role_parse(const char *s)
{
	size_t	 i;

	if (s == NULL)
		return (-1);
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(roles[i].name, s) == 0)
			return ((int)roles[i].role);
	return (-1);
}

const char *
response_agg_sector(const struct response *r)
{
	if (r->sector[0] == AGG_SURVEY_MARK)
		return (r->sector);
	return (r->channel == CHANNEL_WALKIN ? AGG_WALKIN : r->sector);
}

int
user_name_ok(const char *s, size_t len)
{
	size_t	 i;
	char	 c;

	if (len == 0 || len > USER_NAME_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-' || c == '@'))
			return (0);
	}
	return (1);
}

static const char *const followup_states[FOLLOWUP_STATES] = {
	"open", "answered", "closed"
};

const char *
followup_state_name(int s)
{
	return (s >= 0 && s < FOLLOWUP_STATES ? followup_states[s] : "?");
}

int
followup_state_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < FOLLOWUP_STATES; i++)
		if (strcmp(followup_states[i], s) == 0)
			return (i);
	return (-1);
}

const char *
followup_origin_name(int o)
{
	switch (o) {
	case FOLLOWUP_LOW_RATING:
		return ("low-rating");
	case FOLLOWUP_PHONE:
		return ("phone");
	case FOLLOWUP_KIOSK:
		return ("kiosk");
	}
	return ("?");
}

const char *
followup_kind_name(int k)
{
	return (k == FOLLOWUP_REQUEST ? "request" : "complaint");
}

const char *
followup_action_name(int a)
{
	switch (a) {
	case FOLLOWUP_EV_OPENED:
		return ("opened");
	case FOLLOWUP_EV_FILED:
		return ("filed");
	case FOLLOWUP_EV_REPLY:
		return ("reply");
	case FOLLOWUP_EV_CONTACT_DELETED:
		return ("contact-deleted");
	case FOLLOWUP_EV_OVERDUE:
		return ("overdue");
	}
	return ("?");
}
