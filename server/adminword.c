/*
 * adminword.c: the admin console's words (adminword.h).
 * Trap: the tables are the console's only: the JSON API, the CSV and the
 * commands keep the codes and the English reasons, which scripts read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adminword.h"
#include "fold.h"

struct aw {
	const char	*code;
	const char	*word;
};

static const struct aw kinds[] = {
	{ "province", "Tỉnh" },
	{ "city", "Thành phố" },
	{ "district", "Huyện" },
	{ "town", "Thị xã" },
	{ "commune", "Xã" },
	{ "ward", "Phường" },
	{ "special_zone", "Đặc khu" },
	{ "department", "Sở, ngành" },
	{ "agency", "Cơ quan" },
	{ "service_centre", "Trung tâm Phục vụ hành chính công" },
	{ "branch", "Chi nhánh" },
	{ "hospital", "Bệnh viện" },
	{ "health_station", "Trạm y tế" },
	{ "clinic", "Phòng khám" },
	{ "school", "Trường học" },
};

static const struct aw roles[] = {
	{ "admin", "Quản trị" },
	{ "viewer", "Xem báo cáo" },
	{ "head", "Lãnh đạo đơn vị" },
	{ "counter", "Cán bộ một cửa (cấp phiếu)" },
	{ "kiosk", "Ki-ốt" },
	{ "operator", "Vận hành (dòng lệnh)" },
};

static const struct aw actions[] = {
	{ "user.add", "Thêm người dùng" },
	{ "user.passwd", "Đặt mật khẩu mới" },
	{ "user.disable", "Khóa người dùng" },
	{ "user.totp.new", "Tạo khóa mã một lần" },
	{ "user.totp.on", "Bật mã một lần" },
	{ "user.totp.off", "Tắt mã một lần" },
	{ "user.totp.use", "Dùng mã một lần" },
	{ "key.add", "Tạo khóa truy cập" },
	{ "key.revoke", "Thu hồi khóa truy cập" },
	{ "kiosk.add", "Tạo mã ghi danh ki-ốt" },
	{ "kiosk.enrol", "Ki-ốt ghi danh" },
	{ "kiosk.revoke", "Thu hồi ki-ốt" },
	{ "unit.add", "Thêm đơn vị" },
	{ "unit.change", "Sửa đơn vị" },
	{ "unit.retire", "Giải thể đơn vị" },
	{ "unit.import", "Nhập danh sách đơn vị" },
	{ "procedure.add", "Thêm thủ tục" },
	{ "procedure.change", "Sửa thủ tục" },
	{ "procedure.withdraw", "Ngừng áp dụng thủ tục" },
	{ "procedure.import", "Nhập danh sách thủ tục" },
	{ "survey.publish", "Xuất bản khảo sát" },
	{ "target.change", "Đặt chỉ tiêu" },
};

static const struct aw fields[] = {
	{ "code", "Mã" },
	{ "parent", "Thuộc đơn vị" },
	{ "kind", "Loại" },
	{ "name_vi", "Tên tiếng Việt" },
	{ "name_en", "Tên tiếng Anh" },
	{ "name_km", "Tên tiếng Khmer" },
	{ "hotline", "Đường dây nóng" },
	{ "sector", "Lĩnh vực" },
	{ "period", "Kỳ" },
	{ "month", "Tháng" },
	{ "tree", "Cây đơn vị" },
	{ "name", "Tên" },
	{ "role", "Vai trò" },
	{ "unit", "Đơn vị" },
	{ "counter", "Quầy" },
	{ "disabled", "Đã khóa" },
	{ "changed", "Đổi lúc" },
	{ "created", "Tạo lúc" },
	{ "id", "Mã khóa" },
	{ "kiosk", "Ki-ốt" },
	{ "code_expires", "Mã ghi danh hết hạn" },
	{ "totp", "Xác thực hai bước" },
	{ "password", "Mật khẩu" },
	{ "password2", "Nhập lại mật khẩu" },
	{ "body", "Nội dung gửi" },
	{ "form", "Biểu mẫu" },
	{ "retired", "Giải thể từ ngày" },
	{ "successor", "Đơn vị kế thừa" },
	{ "withdrawn", "Bãi bỏ từ ngày" },
	{ "version", "Phiên bản" },
	{ "texts", "Các lời" },
	{ "target", "Chỉ tiêu (%)" },
	{ "year", "Năm" },
	{ "app", "Phiên bản ứng dụng" },
};

/* English phrases of the checks' reasons, longest first where one holds
 * another. */
static const struct aw phrases[] = {
	{ "want YYYY-MM, YYYY-Qn, YYYY or YYYY-MM..YYYY-MM", "cần dạng "
	    "2026-11 (tháng), 2026-Q4 (quý), 2026 (năm) hoặc 2026-01..2026-06" },
	{ "want YYYY-MM", "cần dạng năm-tháng, ví dụ 2026-11" },
	{ "in the current tree its figures are under", "trong cây hiện hành "
	    "số liệu của đơn vị này tính vào" },
	{ "(ask for that unit, or tree=recorded)", "(xem đơn vị đó, hoặc "
	    "chọn cây như khi ghi nhận)" },
	{ "no such sector", "không có lĩnh vực này" },
	{ "was retired on", "đã giải thể từ" },
	{ "its successor is", "đơn vị kế thừa là" },
	{ "issue tickets and pair kiosks and counters for",
	    "hãy cấp phiếu, ghép ki-ốt và quầy cho" },
	{ "procedures are the whole province's: an admin of one unit may "
	    "not change them", "thủ tục dùng chung cho mọi đơn vị: quản trị "
	    "của một đơn vị không được sửa" },
	{ "procedures are the whole province's",
	    "thủ tục dùng chung cho mọi đơn vị" },
	{ "another admin turns your one-time codes off",
	    "một quản trị viên khác tắt mã một lần của bạn" },
	{ "missing or wrong X-CSRF-Token", "biểu mẫu đã cũ hoặc phiên đã "
	    "hết hạn: hãy tải lại trang rồi làm lại" },
	{ "this key is outside your units",
	    "khóa này ngoài các đơn vị bạn quản trị" },
	{ "this user is outside your units",
	    "người dùng này ngoài các đơn vị bạn quản trị" },
	{ "this unit is outside yours",
	    "đơn vị này ngoài các đơn vị bạn quản trị" },
	{ "no such procedure", "không có thủ tục này" },
	{ "no such survey", "không có khảo sát này" },
	{ "no such version", "không có phiên bản này" },
	{ "unknown or repeated field",
	    "trường không có trong biểu mẫu hoặc bị lặp" },
	{ "only A-Z, a-z, 0-9, '.', '_', '-'",
	    "chỉ gồm A-Z, a-z, 0-9, '.', '_', '-'" },
	{ "1 to 64 of a-z A-Z 0-9 . _ - @",
	    "1 đến 64 ký tự a-z A-Z 0-9 . _ - @" },
	{ "want counter, viewer, head or admin",
	    "chọn cán bộ một cửa, xem báo cáo, lãnh đạo đơn vị hoặc quản trị" },
	{ "the head of a unit needs one",
	    "lãnh đạo đơn vị cần có đơn vị" },
	{ "outside the units you may change",
	    "ngoài các đơn vị bạn được quản lý" },
	{ "outside the units this", "ngoài các đơn vị mà" },
	{ "a user outside your units", "người dùng ngoài đơn vị của bạn" },
	{ "control characters not allowed",
	    "không được có ký tự điều khiển" },
	{ "must not be empty", "không được để trống" },
	{ "must be a string", "phải là chữ" },
	{ "bytes of text", "byte chữ" },
	{ "not UTF-8 text", "không phải chữ UTF-8" },
	{ "is in a cycle of parents",
	    "nằm trong một vòng lặp đơn vị cha" },
	{ "the root unit stays the root",
	    "đơn vị gốc phải giữ là gốc" },
	{ "the two differ", "hai lần nhập khác nhau" },
	{ "a password has", "mật khẩu có" },
	{ "unknown field", "trường không có trong biểu mẫu" },
	{ "unknown sector", "lĩnh vực không có" },
	{ "unknown parent", "không có đơn vị cha" },
	{ "no unit", "không có đơn vị" },
	{ "no such user", "không có người dùng này" },
	{ "no such key", "không có khóa này" },
	{ "no such kiosk", "không có ki-ốt này" },
	{ "no such unit", "không có đơn vị này" },
	{ "cannot store the key", "không lưu được khóa" },
	{ "cannot store the user", "không lưu được người dùng" },
	{ "cannot store the change", "không lưu được thay đổi" },
	{ "required", "bắt buộc" },
	{ "repeated", "bị lặp" },
	{ "exists", "đã có" },
	{ "taken", "đã có người dùng" },
	{ "at most", "tối đa" },
	{ "bytes", "byte" },
	{ " to ", " đến " },
	{ "must be", "phải là" },
	{ "unit", "đơn vị" },
	{ "procedure", "thủ tục" },
};

static const char *
aw_find(const struct aw *t, size_t n, const char *code)
{
	size_t	 i;

	if (code == NULL)
		return ("");
	for (i = 0; i < n; i++)
		if (strcmp(t[i].code, code) == 0)
			return (t[i].word);
	return (code);
}

const char *
adminword_kind(const char *kind)
{
	return (aw_find(kinds, sizeof(kinds) / sizeof(kinds[0]), kind));
}

json_t *
adminword_kinds(void)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "code",
		    kinds[i].code, "word", kinds[i].word));
	return (a);
}

const char *
adminword_kind_code(const char *typed)
{
	char	*t, *w;
	size_t	 i;
	int	 same;

	if (typed == NULL || (t = fold_text(typed, strlen(typed))) == NULL)
		return (typed);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if ((w = fold_text(kinds[i].word, strlen(kinds[i].word))) ==
		    NULL)
			continue;
		same = strcmp(t, w) == 0;
		free(w);
		if (same) {
			free(t);
			return (kinds[i].code);
		}
	}
	free(t);
	return (typed);
}

const char *
adminword_action(const char *action)
{
	return (aw_find(actions, sizeof(actions) / sizeof(actions[0]),
	    action));
}

json_t *
adminword_actions(void)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		json_array_append_new(a, json_pack("{s:s,s:s}", "code",
		    actions[i].code, "word", actions[i].word));
	return (a);
}

const char *
adminword_role(const char *role)
{
	return (aw_find(roles, sizeof(roles) / sizeof(roles[0]), role));
}

const char *
adminword_field(const char *field)
{
	return (aw_find(fields, sizeof(fields) / sizeof(fields[0]), field));
}

/* A value of a record as text; kinds and roles in words. */
static void
aw_text(const char *field, json_t *v, char *out, size_t outlen)
{
	const char	*s;
	char		*d;

	out[0] = '\0';
	if (v == NULL || json_is_null(v))
		return;
	if (json_is_string(v)) {
		s = json_string_value(v);
		if (strcmp(field, "kind") == 0)
			s = adminword_kind(s);
		else if (strcmp(field, "role") == 0)
			s = adminword_role(s);
		else if (strcmp(field, "totp") == 0)
			s = strcmp(s, "on") == 0 ? "bật" : strcmp(s, "new") == 0 ?
			    "đã tạo khóa, chưa xác nhận" : "tắt";
		/* A time (ISO 8601, in the province's zone) as the pages
		 * show times. */
		if (strlen(s) >= 16 && s[4] == '-' && s[7] == '-' &&
		    s[10] == 'T' && s[13] == ':')
			snprintf(out, outlen, "%.2s/%.2s/%.4s %.5s", s + 8, s + 5,
			    s, s + 11);
		else
			snprintf(out, outlen, "%s", s);
	} else if (json_is_true(v))
		snprintf(out, outlen, "có");
	else if (json_is_false(v))
		snprintf(out, outlen, "không");
	else if ((d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
		snprintf(out, outlen, "%s", d);
		free(d);
	}
}

static void
aw_change(json_t *list, const char *field, json_t *old, json_t *new)
{
	char	 a[600], b[600];

	aw_text(field, old, a, sizeof(a));
	aw_text(field, new, b, sizeof(b));
	if (strcmp(a, b) == 0)
		return;
	json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "field",
	    adminword_field(field), "old", a, "new", b));
}

/* The changes of one object (either may be NULL); first, what the
 * change was to (its code, its year) when both sides say the same. */
static void
aw_object(json_t *list, json_t *before, json_t *after)
{
	static const char *const ident[] = { "code", "year" };
	const char	*k;
	json_t		*v;
	char		 a[600], b[600];
	size_t		 i;

	for (i = 0; i < sizeof(ident) / sizeof(ident[0]) &&
	    json_is_object(before) && json_is_object(after); i++) {
		aw_text(ident[i], json_object_get(before, ident[i]), a,
		    sizeof(a));
		aw_text(ident[i], json_object_get(after, ident[i]), b,
		    sizeof(b));
		if (a[0] != '\0' && strcmp(a, b) == 0)
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,"
			    "s:b}", "field", adminword_field(ident[i]), "old",
			    a, "new", b, "same", 1));
	}
	if (json_is_object(after))
		json_object_foreach(after, k, v)
			aw_change(list, k, json_object_get(before, k), v);
	if (json_is_object(before))
		json_object_foreach(before, k, v)
			if (json_object_get(after, k) == NULL)
				aw_change(list, k, v, NULL);
}

json_t *
adminword_changes(json_t *before, json_t *after)
{
	json_t	*list = json_array(), *v;
	size_t	 i;

	if (json_is_array(before) || json_is_array(after)) {
		if (json_is_array(before))
			json_array_foreach(before, i, v)
				aw_object(list, v, NULL);
		if (json_is_array(after))
			json_array_foreach(after, i, v)
				aw_object(list, NULL, v);
	} else if (json_is_object(before) || json_is_object(after))
		aw_object(list, json_is_object(before) ? before : NULL,
		    json_is_object(after) ? after : NULL);
	else if (before != NULL || after != NULL)
		aw_change(list, "value", before, after);
	return (list);
}

/* A text cut short ends on a whole character: drops a last sequence
 * that its bytes do not complete. */
static void
aw_utf8_cut(char *s)
{
	size_t		 n = strlen(s), i = n, need;
	unsigned char	 c;

	while (i > 0 && ((unsigned char)s[i - 1] & 0xc0) == 0x80 && n - i < 3)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)s[i - 1];
	if (c < 0x80)
		return;
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	if (n - (i - 1) < need)
		s[i - 1] = '\0';
}

void
adminword_reason(const char *en, char *out, size_t outlen)
{
	const char	*p = en, *colon;
	char		 field[64];
	size_t		 n = 0, i, len, np = sizeof(phrases) / sizeof(phrases[0]);
	int		 hit;

	if (outlen == 0)
		return;
	out[0] = '\0';
	/* A whole catalogue's check names its file and line: not the
	 * page's business. */
	if ((colon = strstr(en, ".csv:")) != NULL && strcspn(en, " ") >
	    (size_t)(colon - en) && (p = strstr(colon + 5, ": ")) != NULL &&
	    strspn(colon + 5, "0123456789") == (size_t)(p - colon - 5))
		en = p + 2;
	p = en;
	/* "field: rest": the field in words. */
	if ((colon = strstr(en, ": ")) != NULL && (size_t)(colon - en) <
	    sizeof(field) && memchr(en, ' ', (size_t)(colon - en)) == NULL) {
		memcpy(field, en, (size_t)(colon - en));
		field[colon - en] = '\0';
		n = (size_t)snprintf(out, outlen, "%s: ", adminword_field(field));
		if (n >= outlen) {
			aw_utf8_cut(out);
			return;
		}
		p = colon + 2;
	}
	while (*p != '\0' && n + 1 < outlen) {
		hit = 0;
		for (i = 0; i < np; i++) {
			len = strlen(phrases[i].code);
			if (strncmp(p, phrases[i].code, len) != 0)
				continue;
			/* Whole words only, but for the " to " glue. */
			if (p[len] != '\0' && p[len] != ' ' && p[len] != ',' &&
			    p[len] != ')' && p[len] != ';' && p[len] != ':' &&
			    phrases[i].code[len - 1] != ' ')
				continue;
			if (p != en && p[-1] != ' ' && p[-1] != '(' &&
			    phrases[i].code[0] != ' ')
				continue;
			n += (size_t)snprintf(out + n, outlen - n, "%s",
			    phrases[i].word);
			p += len;
			hit = 1;
			break;
		}
		if (!hit)
			out[n++] = *p++;
		if (n >= outlen)
			n = outlen - 1;
		out[n] = '\0';
	}
	aw_utf8_cut(out);
}
