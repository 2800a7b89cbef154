/* lang.c - lexer, parser, completion and help of the RouterOS-style command language. */
#include "config.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"

#define M(x)	(1U << (x))
#define M_ALL	(M(MENU_ROOT) | M(MENU_INTERFACE) | M(MENU_SSTP_CLIENT))

const struct lang_verb lang_verbs[VERB__COUNT] = {
	{ "add", VERB_ADD, M(MENU_SSTP_CLIENT), LANG_VF_PROPS,
	    "add name=value ...", "create a new interface" },
	{ "set", VERB_SET, M(MENU_SSTP_CLIENT), LANG_VF_ITEMS | LANG_VF_PROPS,
	    "set ITEMS name=value ...", "change properties of interfaces" },
	{ "remove", VERB_REMOVE, M(MENU_SSTP_CLIENT), LANG_VF_ITEMS,
	    "remove ITEMS", "remove interfaces" },
	{ "enable", VERB_ENABLE, M(MENU_SSTP_CLIENT), LANG_VF_ITEMS,
	    "enable ITEMS", "set disabled=no" },
	{ "disable", VERB_DISABLE, M(MENU_SSTP_CLIENT), LANG_VF_ITEMS,
	    "disable ITEMS", "set disabled=yes" },
	{ "print", VERB_PRINT, M(MENU_SSTP_CLIENT), LANG_VF_READONLY,
	    "print [detail|terse|count-only|as-value|json] [show-sensitive] "
	    "[proplist=P,...] [where EXPR]", "show interfaces and their "
	    "properties" },
	{ "monitor", VERB_MONITOR, M(MENU_SSTP_CLIENT),
	    LANG_VF_READONLY | LANG_VF_STREAM | LANG_VF_ITEMS,
	    "monitor ITEMS [once] [as-value|json]",
	    "show the run-time state, refreshed every second" },
	{ "export", VERB_EXPORT, M_ALL, LANG_VF_READONLY,
	    "export [verbose] [terse] [show-sensitive]",
	    "print the configuration as a script" },
};

struct menu_def {
	const char	*name;
	int		 parent;
	const char	*path;
	const char	*help;
};

static const struct menu_def menus[MENU__COUNT] = {
	[MENU_ROOT] = { "", -1, "/", "the root menu" },
	[MENU_INTERFACE] = { "interface", MENU_ROOT, "/interface",
	    "interfaces" },
	[MENU_SSTP_CLIENT] = { "sstp-client", MENU_INTERFACE,
	    "/interface sstp-client", "SSTP client interfaces" },
};

/* Words of print, monitor and export; LANG_O_* or an O_* below. */
#define O_WHERE		0x10000
#define O_PROPLIST	0x20000
#define O_IGNORED	0x40000

struct opt_word {
	const char	*name;
	int		 opt;
	const char	*help;
};

static const struct opt_word print_opts[] = {
	{ "as-value", LANG_O_AS_VALUE, "one 'key=value;...' line per item" },
	{ "brief", O_IGNORED, "the default form" },
	{ "count-only", LANG_O_COUNT_ONLY, "only the number of items" },
	{ "detail", LANG_O_DETAIL, "every property" },
	{ "json", LANG_O_JSON, "a JSON array, for scripts" },
	{ "proplist", O_PROPLIST, "only these properties (proplist=a,b)" },
	{ "show-sensitive", LANG_O_SENSITIVE, "show passwords" },
	{ "terse", LANG_O_TERSE, "one line per item" },
	{ "where", O_WHERE, "only items matching an expression" },
	{ "without-paging", O_IGNORED, "accepted, nothing pages" },
	{ NULL, 0, NULL }
};

static const struct opt_word monitor_opts[] = {
	{ "as-value", LANG_O_AS_VALUE, "'key=value;...' (with once)" },
	{ "json", LANG_O_JSON, "a JSON object per item" },
	{ "once", LANG_O_ONCE, "print once and return" },
	{ "without-paging", O_IGNORED, "accepted, nothing pages" },
	{ NULL, 0, NULL }
};

static const struct opt_word export_opts[] = {
	{ "compact", O_IGNORED, "only values that differ from defaults "
	    "(the default)" },
	{ "hide-sensitive", O_IGNORED, "leave secrets out (the default)" },
	{ "show-sensitive", LANG_O_SENSITIVE, "include passwords" },
	{ "terse", LANG_O_TERSE, "the full menu path on every line" },
	{ "verbose", LANG_O_VERBOSE, "every value, defaults too" },
	{ NULL, 0, NULL }
};

static const struct opt_word *
verb_opts(const struct lang_verb *v)
{
	switch (v->id) {
	case VERB_PRINT:
		return print_opts;
	case VERB_MONITOR:
		return monitor_opts;
	case VERB_EXPORT:
		return export_opts;
	default:
		return NULL;
	}
}

const char *
lang_menu_path(int menu)
{
	if (menu < 0 || menu >= MENU__COUNT)
		return "/";
	return menus[menu].path;
}

/* --- lexer ------------------------------------------------------------ */

enum tok_type {
	T_EOL = 0,
	T_WORD,		/* bare word */
	T_STR,		/* "quoted" (text unescaped) */
	T_VALUE,	/* bare text right after = != ~ */
	T_EQ,
	T_NE,
	T_TILDE,
	T_LBRACK,
	T_RBRACK,
	T_LPAREN,
	T_RPAREN,
	T_NOT,
	T_AND,
	T_OR
};

struct tok {
	enum tok_type	 type;
	char		*text;
	int		 col;		/* 1-based */
	size_t		 off, end;	/* byte offsets in the line */
};

struct toks {
	struct tok	*v;
	size_t		 n, cap;
};

static void
toks_free(struct toks *t)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].text);
	free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

static struct tok *
toks_add(struct toks *t, enum tok_type type, size_t off, size_t end)
{
	struct tok	*k;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = realloc(t->v, t->cap * sizeof *t->v);
		if (t->v == NULL)
			abort();
	}
	k = &t->v[t->n++];
	k->type = type;
	k->text = NULL;
	k->col = (int)off + 1;
	k->off = off;
	k->end = end;
	return k;
}

char *
lang_at(const char *msg, int column)
{
	char	*s;

	if (asprintf(&s, "%s (line 1 column %d)", msg, column) == -1)
		return NULL;
	return s;
}

int
lang_errf(char **cause, int column, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	va_end(ap);
	if (cause == NULL)
		free(msg);
	else if (column > 0 && msg != NULL) {
		*cause = lang_at(msg, column);
		free(msg);
	} else
		*cause = msg;
	return -1;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A quoted string starting at line[*pos] == '"'; the unescaped text. */
static char *
lex_string(const char *line, size_t len, size_t *pos, char **cause)
{
	char	*out;
	size_t	 i = *pos + 1, o = 0;
	int	 c, h, l;

	if ((out = malloc(len + 1)) == NULL)
		abort();
	while (i < len && line[i] != '"') {
		c = (unsigned char)line[i++];
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (i >= len)
			break;
		c = (unsigned char)line[i++];
		switch (c) {
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'a': out[o++] = '\a'; break;
		case '_': out[o++] = ' '; break;
		case '"': case '\\': case '$': case '?':
			out[o++] = (char)c;
			break;
		default:
			if (i < len && (h = hexval(c)) >= 0 &&
			    (l = hexval((unsigned char)line[i])) >= 0) {
				out[o++] = (char)(h * 16 + l);
				i++;
				break;
			}
			free(out);
			lang_errf(cause, (int)i - 1, "bad escape sequence");
			return NULL;
		}
	}
	if (i >= len) {
		free(out);
		lang_errf(cause, (int)*pos + 1, "unterminated string");
		return NULL;
	}
	out[o] = '\0';
	*pos = i + 1;
	return out;
}

static int
is_word_end(const char *line, size_t i, size_t len)
{
	int	c = (unsigned char)line[i];

	if (isspace(c) || strchr("\"=[]()~", c) != NULL)
		return 1;
	if (c == '!' && i + 1 < len && line[i + 1] == '=')
		return 1;
	return 0;
}

/*
 * Split line[0..len) into tokens.  After '=', '!=' and '~' comes a value: a
 * quoted string or bare text up to a space (or a closing bracket inside one).
 */
static int
lex(const char *line, size_t len, struct toks *t, char **cause)
{
	static const char		 singles[] = "=~[]()";
	static const enum tok_type	 single_type[] = { T_EQ, T_TILDE,
	    T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN };
	struct tok			*k;
	size_t				 i = 0, s;
	int				 depth = 0, want_value = 0;
	char				*str;
	const char			*c;

	memset(t, 0, sizeof *t);
	for (;;) {
		if (want_value) {
			want_value = 0;
			if (i < len && line[i] == '"')
				goto string;
			s = i;
			while (i < len && !isspace((unsigned char)line[i]) &&
			    !(depth > 0 && (line[i] == ']' || line[i] == ')')))
				i++;
			k = toks_add(t, T_VALUE, s, i);
			k->text = strndup(line + s, i - s);
			continue;
		}
		while (i < len && isspace((unsigned char)line[i]))
			i++;
		if (i >= len)
			break;
		s = i;
		switch (line[i]) {
		case '"':
		string:
			s = i;
			if ((str = lex_string(line, len, &i, cause)) == NULL)
				goto fail;
			k = toks_add(t, T_STR, s, i);
			k->text = str;
			continue;
		case '!':
			if (i + 1 < len && line[i + 1] == '=') {
				i += 2;
				toks_add(t, T_NE, s, i);
				want_value = 1;
			} else
				toks_add(t, T_NOT, s, ++i);
			continue;
		case '&':
		case '|':
			if (i + 1 < len && line[i + 1] == line[i]) {
				toks_add(t, line[i] == '&' ? T_AND : T_OR, s,
				    i + 2);
				i += 2;
				continue;
			}
			break;
		default:
			if ((c = strchr(singles, line[i])) == NULL)
				break;
			k = toks_add(t, single_type[c - singles], s, ++i);
			if (k->type == T_LBRACK || k->type == T_LPAREN)
				depth++;
			else if (k->type == T_RBRACK || k->type == T_RPAREN)
				depth--;
			else
				want_value = 1;	/* = and ~ */
			continue;
		}
		while (i < len && !is_word_end(line, i, len))
			i++;
		k = toks_add(t, T_WORD, s, i);
		k->text = strndup(line + s, i - s);
	}
	k = toks_add(t, T_EOL, len, len);
	return 0;
fail:
	toks_free(t);
	return -1;
}

/* --- matching ------------------------------------------------------------ */

/* Names for one word position: exact, else unique prefix. */
struct cands {
	const char	*name[64];
	int		 val[64];
	int		 n;
};

static void
cands_add(struct cands *c, const char *name, int val)
{
	if (c->n < 64) {
		c->name[c->n] = name;
		c->val[c->n] = val;
		c->n++;
	}
}

/*
 * Match 'word' in c: the index, -1 none, -2 ambiguous (with the candidates
 * written into 'amb').
 */
static int
cands_match(const struct cands *c, const char *word, char *amb, size_t size)
{
	size_t	len = strlen(word), off = 0;
	int	i, found = -1, n = 0;

	for (i = 0; i < c->n; i++) {
		if (strcmp(c->name[i], word) == 0)
			return i;
	}
	if (len == 0)
		return -1;
	if (amb != NULL && size > 0)
		amb[0] = '\0';
	for (i = 0; i < c->n; i++) {
		if (strncmp(c->name[i], word, len) != 0)
			continue;
		found = i;
		n++;
		if (amb != NULL && off < size)
			off += snprintf(amb + off, size - off, "%s%s",
			    off ? ", " : "", c->name[i]);
	}
	if (n > 1)
		return -2;
	return found;
}

/* Submenus and verbs of menu m, and "..". */
#define CV_MENU		0x100
#define CV_UP		0x200
static void
menu_cands(int m, struct cands *c)
{
	int	i;

	c->n = 0;
	for (i = 0; i < MENU__COUNT; i++) {
		if (menus[i].parent == m)
			cands_add(c, menus[i].name, CV_MENU | i);
	}
	for (i = 0; i < VERB__COUNT; i++) {
		if (lang_verbs[i].menus & M(m))
			cands_add(c, lang_verbs[i].name, i);
	}
	if (m != MENU_ROOT)
		cands_add(c, "..", CV_UP);
}

static void
prop_cands(struct cands *c, int with_running)
{
	int	i;

	c->n = 0;
	for (i = 0; i < P__COUNT; i++)
		cands_add(c, prop_table[i].name, i);
	if (with_running)
		cands_add(c, "running", LANG_KEY_RUNNING);
}

static void
opt_cands(const struct opt_word *o, struct cands *c)
{
	c->n = 0;
	for (; o != NULL && o->name != NULL; o++)
		cands_add(c, o->name, o->opt);
}

/* Resolve one word among c; errors name 'what'. */
static int
resolve(const struct cands *c, const char *word, int col, const char *what,
    char **cause)
{
	char	amb[512];
	int	i;

	i = cands_match(c, word, amb, sizeof amb);
	if (i == -2)
		return lang_errf(cause, col, "ambiguous %s: candidates %s", what,
		    amb);
	if (i < 0) {
		if (strcmp(what, "command") == 0)
			return lang_errf(cause, col, "bad command name %s", word);
		return lang_errf(cause, col, "no such %s: %s", what, word);
	}
	return c->val[i];
}

/* --- expressions ----------------------------------------------------- */

enum expr_op { E_TRUE, E_AND, E_OR, E_NOT, E_EQ, E_NE, E_RE, E_BOOL };

struct lang_expr {
	enum expr_op		 op;
	int			 key;
	char			*value;
	regex_t			 re;
	struct lang_expr	*l, *r;
};

static void
expr_free(struct lang_expr *e)
{
	if (e == NULL)
		return;
	expr_free(e->l);
	expr_free(e->r);
	if (e->op == E_RE)
		regfree(&e->re);
	free(e->value);
	free(e);
}

static struct lang_expr *
expr_new(enum expr_op op, struct lang_expr *l, struct lang_expr *r)
{
	struct lang_expr	*e;

	if ((e = calloc(1, sizeof *e)) == NULL)
		abort();
	e->op = op;
	e->l = l;
	e->r = r;
	return e;
}

int
lang_expr_eval(const struct lang_expr *e,
    const char *(*get)(void *arg, int key), void *arg)
{
	const char	*v;

	if (e == NULL)
		return 1;
	switch (e->op) {
	case E_TRUE:
		return 1;
	case E_AND:
		return lang_expr_eval(e->l, get, arg) &&
		    lang_expr_eval(e->r, get, arg);
	case E_OR:
		return lang_expr_eval(e->l, get, arg) ||
		    lang_expr_eval(e->r, get, arg);
	case E_NOT:
		return !lang_expr_eval(e->l, get, arg);
	case E_EQ:
		return strcmp(get(arg, e->key), e->value) == 0;
	case E_NE:
		return strcmp(get(arg, e->key), e->value) != 0;
	case E_RE:
		return regexec(&e->re, get(arg, e->key), 0, NULL, 0) == 0;
	case E_BOOL:
		v = get(arg, e->key);
		if (e->key == LANG_KEY_RUNNING ||
		    prop_table[e->key].type == PT_BOOL)
			return strcmp(v, "yes") == 0;
		return *v != '\0';
	}
	return 0;
}

#define LANG_MAX_DEPTH	64	/* nesting of ( and ! in an expression */

struct parser {
	struct toks	 t;
	size_t		 i;
	int		 depth;
	char		**cause;
};

#define TOK(p)		(&(p)->t.v[(p)->i])
#define TOKAT(p, k)	(&(p)->t.v[(p)->i + (k) < (p)->t.n ? (p)->i + (k) : \
			    (p)->t.n - 1])

static int
is_value_tok(const struct tok *k)
{
	return k->type == T_VALUE || k->type == T_STR || k->type == T_WORD;
}

/* A value compared with key: canonical when the schema knows the type. */
static char *
expr_value(int key, const char *text)
{
	char	*out, *why;

	if (key == LANG_KEY_RUNNING) {
		if (prop_check(P_DISABLED, text, &out, &why) == 0)
			return out;
		free(why);
		return strdup(text);
	}
	if (prop_table[key].type != PT_STRING &&
	    prop_table[key].type != PT_NAME &&
	    prop_check(key, text, &out, &why) == 0)
		return out;
	if (prop_table[key].type != PT_STRING &&
	    prop_table[key].type != PT_NAME)
		free(why);
	return strdup(text);
}

static struct lang_expr *parse_or(struct parser *p);

static struct lang_expr *
parse_cond(struct parser *p)
{
	struct lang_expr	*e;
	struct tok		*k = TOK(p), *op, *v;
	struct cands		 c;
	char			 buf[256];
	int			 key, rc;

	if (p->depth >= LANG_MAX_DEPTH) {
		lang_errf(p->cause, k->col, "expression nested too deeply");
		return NULL;
	}
	if (k->type == T_NOT || (k->type == T_WORD &&
	    strcmp(k->text, "not") == 0)) {
		p->i++;
		p->depth++;
		e = parse_cond(p);
		p->depth--;
		if (e == NULL)
			return NULL;
		return expr_new(E_NOT, e, NULL);
	}
	if (k->type == T_LPAREN) {
		p->i++;
		p->depth++;
		e = parse_or(p);
		p->depth--;
		if (e == NULL)
			return NULL;
		if (TOK(p)->type != T_RPAREN) {
			expr_free(e);
			lang_errf(p->cause, TOK(p)->col, "expected ')'");
			return NULL;
		}
		p->i++;
		return e;
	}
	if (k->type != T_WORD) {
		lang_errf(p->cause, k->col, "expected property name");
		return NULL;
	}
	prop_cands(&c, 1);
	if ((key = resolve(&c, k->text, k->col, "property", p->cause)) < 0)
		return NULL;
	p->i++;
	op = TOK(p);
	if (op->type != T_EQ && op->type != T_NE && op->type != T_TILDE) {
		e = expr_new(E_BOOL, NULL, NULL);
		e->key = key;
		return e;
	}
	p->i++;
	v = TOK(p);
	if (!is_value_tok(v)) {
		lang_errf(p->cause, v->col, "expected value");
		return NULL;
	}
	p->i++;
	e = expr_new(op->type == T_EQ ? E_EQ : op->type == T_NE ? E_NE : E_RE,
	    NULL, NULL);
	e->key = key;
	if (e->op != E_RE) {
		e->value = expr_value(key, v->text);
		return e;
	}
	e->value = strdup(v->text);
	if ((rc = regcomp(&e->re, v->text, REG_EXTENDED | REG_NOSUB)) != 0) {
		regerror(rc, &e->re, buf, sizeof buf);
		e->op = E_EQ;
		expr_free(e);
		lang_errf(p->cause, v->col, "bad regular expression: %s", buf);
		return NULL;
	}
	return e;
}

static int
at_expr_end(struct parser *p)
{
	enum tok_type	t = TOK(p)->type;

	return t == T_EOL || t == T_RBRACK || t == T_RPAREN || t == T_OR ||
	    (t == T_WORD && strcmp(TOK(p)->text, "or") == 0);
}

static struct lang_expr *
parse_and(struct parser *p)
{
	struct lang_expr	*l, *r;

	if ((l = parse_cond(p)) == NULL)
		return NULL;
	for (;;) {
		if (TOK(p)->type == T_AND || (TOK(p)->type == T_WORD &&
		    strcmp(TOK(p)->text, "and") == 0))
			p->i++;
		else if (at_expr_end(p))
			return l;
		/* Juxtaposed conditions ([find name=a disabled=no]) AND. */
		if ((r = parse_cond(p)) == NULL) {
			expr_free(l);
			return NULL;
		}
		l = expr_new(E_AND, l, r);
	}
}

static struct lang_expr *
parse_or(struct parser *p)
{
	struct lang_expr	*l, *r;

	if ((l = parse_and(p)) == NULL)
		return NULL;
	while (TOK(p)->type == T_OR || (TOK(p)->type == T_WORD &&
	    strcmp(TOK(p)->text, "or") == 0)) {
		p->i++;
		if ((r = parse_and(p)) == NULL) {
			expr_free(l);
			return NULL;
		}
		l = expr_new(E_OR, l, r);
	}
	return l;
}

/* --- commands ------------------------------------------------------------ */

void
lang_cmd_free(struct lang_cmd *cmd)
{
	size_t	i;

	if (cmd == NULL)
		return;
	for (i = 0; i < cmd->nitems; i++)
		free(cmd->items[i].name);
	free(cmd->items);
	expr_free(cmd->find);
	expr_free(cmd->where);
	for (i = 0; i < P__COUNT; i++)
		free(cmd->val[i]);
	free(cmd);
}

static int
add_items(struct lang_cmd *cmd, const struct tok *k, char **cause)
{
	const char	*s, *e;
	char		*end;
	long		 n;

	if (*k->text == '\0')
		return lang_errf(cause, k->col, "expected item");
	for (s = k->text; ; s = e + 1) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (e == s)
			return lang_errf(cause, k->col + (int)(s - k->text),
			    "expected item");
		cmd->items = realloc(cmd->items,
		    (cmd->nitems + 1) * sizeof *cmd->items);
		if (cmd->items == NULL)
			abort();
		n = strtol(s, &end, 10);
		if (isdigit((unsigned char)*s) && end == e) {
			cmd->items[cmd->nitems].number = n;
			cmd->items[cmd->nitems].name = NULL;
		} else {
			cmd->items[cmd->nitems].number = -1;
			cmd->items[cmd->nitems].name = strndup(s, e - s);
		}
		cmd->nitems++;
		if (*e == '\0')
			break;
	}
	cmd->have_items = 1;
	cmd->items_col = k->col;
	return 0;
}

/* "[find ...]" or "[find where ...]" at p->i. */
static int
parse_find(struct parser *p, struct lang_cmd *cmd)
{
	struct tok	*k;

	cmd->items_col = TOK(p)->col;
	p->i++;
	k = TOK(p);
	if (k->type != T_WORD || strncmp("find", k->text, strlen(k->text)) ||
	    strlen(k->text) < 1)
		return lang_errf(p->cause, k->col, "expected find");
	p->i++;
	if (TOK(p)->type == T_WORD && strcmp(TOK(p)->text, "where") == 0)
		p->i++;
	if (TOK(p)->type == T_RBRACK)
		cmd->find = expr_new(E_TRUE, NULL, NULL);
	else if ((cmd->find = parse_or(p)) == NULL)
		return -1;
	if (TOK(p)->type != T_RBRACK)
		return lang_errf(p->cause, TOK(p)->col, "expected ']'");
	p->i++;
	cmd->have_items = 1;
	return 0;
}

static int
parse_props(struct parser *p, struct lang_cmd *cmd)
{
	struct tok	*k, *v;
	struct cands	 c;
	char		*out, *why;
	int		 id;

	prop_cands(&c, 0);
	while ((k = TOK(p))->type != T_EOL) {
		if (k->type != T_WORD || TOKAT(p, 1)->type != T_EQ)
			return lang_errf(p->cause, k->col,
			    "expected end of command");
		if ((id = resolve(&c, k->text, k->col, "property",
		    p->cause)) < 0)
			return -1;
		v = TOKAT(p, 2);
		if (!is_value_tok(v))
			return lang_errf(p->cause, v->col, "expected value");
		p->i += 3;
		free(cmd->val[id]);
		cmd->val[id] = NULL;
		cmd->given[id] = 1;
		if (*v->text == '\0')
			continue;	/* empty: back to the default */
		if (prop_check(id, v->text, &out, &why) != 0) {
			lang_errf(p->cause, v->col, "%s", why ? why : "bad value");
			free(why);
			return -1;
		}
		cmd->val[id] = out;
	}
	return 0;
}

static int
parse_proplist(struct parser *p, struct lang_cmd *cmd, const struct tok *v)
{
	struct cands	 c;
	const char	*s, *e;
	char		*w;
	int		 id;

	prop_cands(&c, 0);
	for (s = v->text; *s != '\0'; s = *e ? e + 1 : e) {
		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		w = strndup(s, e - s);
		id = resolve(&c, w, v->col + (int)(s - v->text), "property",
		    p->cause);
		free(w);
		if (id < 0)
			return -1;
		cmd->proplist |= 1ULL << id;
	}
	return 0;
}

static int
parse_opts(struct parser *p, struct lang_cmd *cmd)
{
	const struct opt_word	*o = verb_opts(cmd->verb);
	struct tok		*k;
	struct cands		 c;
	char			 amb[256];
	int			 i;

	opt_cands(o, &c);
	while ((k = TOK(p))->type != T_EOL) {
		if (k->type != T_WORD)
			return lang_errf(p->cause, k->col,
			    "expected end of command");
		i = cands_match(&c, k->text, amb, sizeof amb);
		if (i == -2)
			return lang_errf(p->cause, k->col,
			    "ambiguous argument: candidates %s", amb);
		if (i < 0)
			return lang_errf(p->cause, k->col,
			    "expected end of command");
		p->i++;
		if (c.val[i] == O_WHERE) {
			if ((cmd->where = parse_or(p)) == NULL)
				return -1;
			if (TOK(p)->type != T_EOL)
				return lang_errf(p->cause, TOK(p)->col,
				    "expected end of command");
			break;
		}
		if (c.val[i] == O_PROPLIST) {
			if (TOK(p)->type != T_EQ ||
			    !is_value_tok(TOKAT(p, 1)))
				return lang_errf(p->cause, TOK(p)->col,
				    "expected proplist=NAME,...");
			if (parse_proplist(p, cmd, TOKAT(p, 1)) != 0)
				return -1;
			p->i += 2;
			continue;
		}
		if (TOK(p)->type == T_EQ)
			return lang_errf(p->cause, TOK(p)->col,
			    "expected end of command");
		if (c.val[i] != O_IGNORED)
			cmd->opts |= c.val[i];
	}
	return 0;
}

/*
 * Walk the menu path at the start of the line.  Returns the index of the
 * first token after it, the menu in *m, and the verb (or NULL) in *verb.
 */
static int
parse_path(struct parser *p, int *m, const struct lang_verb **verb)
{
	struct tok	*k;
	struct cands	 c;
	char		*comp, *s, *e;
	int		 v, col;

	*verb = NULL;
	k = TOK(p);
	if (k->type == T_WORD && k->text[0] == '/') {
		*m = MENU_ROOT;
		for (s = k->text + 1; *s != '\0'; s = *e ? e + 1 : e) {
			e = strchr(s, '/');
			if (e == NULL)
				e = s + strlen(s);
			if (e == s)
				continue;
			comp = strndup(s, e - s);
			col = k->col + (int)(s - k->text);
			menu_cands(*m, &c);
			v = resolve(&c, comp, col, "command", p->cause);
			free(comp);
			if (v < 0)
				return -1;
			if (v == CV_UP)
				*m = menus[*m].parent;
			else if (v & CV_MENU)
				*m = v & ~CV_MENU;
			else if (*e != '\0')
				return lang_errf(p->cause, col,
				    "bad command name %s", lang_verbs[v].name);
			else {
				*verb = &lang_verbs[v];
				p->i++;
				return 0;
			}
		}
		p->i++;
	}
	while ((k = TOK(p))->type == T_WORD) {
		menu_cands(*m, &c);
		if ((v = resolve(&c, k->text, k->col, "command",
		    p->cause)) < 0)
			return -1;
		p->i++;
		if (v == CV_UP)
			*m = menus[*m].parent;
		else if (v & CV_MENU)
			*m = v & ~CV_MENU;
		else {
			*verb = &lang_verbs[v];
			return 0;
		}
	}
	return 0;
}

static int
skip_comment(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	return *line == '#' || *line == '\0';
}

struct lang_cmd *
lang_parse(int menu, const char *line, char **cause)
{
	struct parser	 p;
	struct lang_cmd	*cmd;
	struct tok	*k;
	int		 m = menu;

	if (cause != NULL)
		*cause = NULL;
	if ((cmd = calloc(1, sizeof *cmd)) == NULL)
		abort();
	cmd->menu = cmd->new_menu = menu;
	if (skip_comment(line))
		return cmd;
	memset(&p, 0, sizeof p);
	p.cause = cause;
	if (lex(line, strlen(line), &p.t, cause) != 0)
		goto fail;
	if (parse_path(&p, &m, &cmd->verb) != 0)
		goto fail;
	if (cmd->verb == NULL) {
		if (TOK(&p)->type != T_EOL) {
			lang_errf(cause, TOK(&p)->col, "expected command name");
			goto fail;
		}
		cmd->menu = cmd->new_menu = m;
		toks_free(&p.t);
		return cmd;
	}
	cmd->menu = m;
	if (cmd->verb->flags & LANG_VF_ITEMS) {
		k = TOK(&p);
		if (k->type == T_LBRACK) {
			if (parse_find(&p, cmd) != 0)
				goto fail;
		} else if (k->type == T_WORD && TOKAT(&p, 1)->type == T_EQ &&
		    strcmp(k->text, "numbers") == 0 &&
		    is_value_tok(TOKAT(&p, 2))) {
			if (add_items(cmd, TOKAT(&p, 2), cause) != 0)
				goto fail;
			p.i += 3;
		} else if ((k->type == T_WORD && TOKAT(&p, 1)->type != T_EQ) ||
		    k->type == T_STR) {
			if (add_items(cmd, k, cause) != 0)
				goto fail;
			p.i++;
		} else {
			lang_errf(cause, k->col, "expected item (a number of the "
			    "last print, a name or [find ...])");
			goto fail;
		}
	}
	if (cmd->verb->flags & LANG_VF_PROPS) {
		if (parse_props(&p, cmd) != 0)
			goto fail;
	} else if (verb_opts(cmd->verb) != NULL) {
		if (parse_opts(&p, cmd) != 0)
			goto fail;
	}
	if (TOK(&p)->type != T_EOL) {
		lang_errf(cause, TOK(&p)->col, "expected end of command");
		goto fail;
	}
	toks_free(&p.t);
	return cmd;
fail:
	toks_free(&p.t);
	lang_cmd_free(cmd);
	return NULL;
}

/* --- quoting ------------------------------------------------------------- */

char *
lang_quote(const char *value, int always)
{
	const unsigned char	*s;
	char			*out;
	size_t			 o = 0;
	int			 need = always || *value == '\0';

	for (s = (const unsigned char *)value; *s != '\0' && !need; s++) {
		if (!isalnum(*s) && strchr("-._,:/@+*", *s) == NULL)
			need = 1;
	}
	if (!need)
		return strdup(value);
	if ((out = malloc(strlen(value) * 3 + 3)) == NULL)
		return NULL;
	out[o++] = '"';
	for (s = (const unsigned char *)value; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$' || *s == '?') {
			out[o++] = '\\';
			out[o++] = (char)*s;
		} else if (*s < 0x20 || *s == 0x7f)
			o += sprintf(out + o, "\\%02X", *s);
		else
			out[o++] = (char)*s;
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

/* --- completion and help --------------------------------------------- */

enum ctx_kind {
	CX_NONE,	/* nothing fits */
	CX_NAV,		/* menus and verbs */
	CX_PATH,	/* a /path word */
	CX_ITEMS,	/* items after the verb */
	CX_PROPS,	/* name= of add/set */
	CX_VALUE,	/* the value of a property */
	CX_OPTS,	/* print/monitor/export words */
	CX_EXPR,	/* property names in where/find */
	CX_PROPLIST	/* a property name in proplist= */
};

struct ctx {
	enum ctx_kind		 kind;
	int			 menu;
	const struct lang_verb	*verb;
	int			 prop;		/* CX_VALUE */
	int			 find_start;	/* offer "where" */
	size_t			 start;		/* where the word begins */
	char			*word;		/* the partial word */
	char			*before;	/* CX_VALUE: set items before */
	int			 given[P__COUNT];
};

/* Where the partial word ending at len starts. */
static size_t
word_start(const char *line, size_t len)
{
	size_t	i = len;

	while (i > 0 && !isspace((unsigned char)line[i - 1]) &&
	    line[i - 1] != '[' && line[i - 1] != '(')
		i--;
	return i;
}

static void
analyse(int menu, const char *line, size_t len, struct ctx *cx)
{
	struct parser	 p;
	struct cands	 c;
	struct tok	*k;
	const char	*eq, *comma;
	char		*key;
	size_t		 ws, j;
	int		 m = menu, depth = 0, id, in_where = 0;

	memset(cx, 0, sizeof *cx);
	cx->menu = menu;
	ws = word_start(line, len);
	cx->start = ws;
	cx->word = strndup(line + ws, len - ws);
	memset(&p, 0, sizeof p);
	if (lex(line, ws, &p.t, NULL) != 0)
		return;
	if (p.t.n == 1 && cx->word[0] == '/') {
		cx->kind = CX_PATH;
		cx->menu = MENU_ROOT;
		goto out;
	}
	if (parse_path(&p, &m, &cx->verb) != 0)
		goto out;
	cx->menu = m;
	if (cx->verb == NULL) {
		cx->kind = CX_NAV;
		goto out;
	}
	/* Inside an unclosed [ ... or after 'where'? */
	for (j = p.i; j < p.t.n; j++) {
		k = &p.t.v[j];
		if (k->type == T_LBRACK)
			depth++;
		else if (k->type == T_RBRACK)
			depth--;
		else if (k->type == T_WORD && strcmp(k->text, "where") == 0 &&
		    depth == 0 && cx->verb->id == VERB_PRINT)
			in_where = 1;
		else if (k->type == T_WORD && j + 1 < p.t.n &&
		    p.t.v[j + 1].type == T_EQ && depth == 0) {
			prop_cands(&c, 0);
			if ((id = cands_match(&c, k->text, NULL, 0)) >= 0)
				cx->given[c.val[id]] = 1;
		}
	}
	if (depth > 0 || in_where) {
		cx->kind = CX_EXPR;
		k = &p.t.v[p.t.n - 2 < p.t.n ? p.t.n - 2 : 0];
		cx->find_start = depth > 0 && p.t.n >= 2 &&
		    k->type == T_WORD && strcmp(k->text, "find") == 0;
		if (p.t.n >= 2 && k->type == T_LBRACK) {
			cx->kind = CX_NONE;	/* "[fi" -> find */
			if (strncmp("find", cx->word, strlen(cx->word)) == 0) {
				cx->kind = CX_OPTS;
				cx->verb = NULL;
			}
			goto out;
		}
	} else if ((cx->verb->flags & LANG_VF_ITEMS) &&
	    p.i == p.t.n - 1) {
		cx->kind = CX_ITEMS;
		if ((comma = strrchr(cx->word, ',')) != NULL) {
			cx->start = ws + (comma - cx->word) + 1;
			goto cut;
		}
		goto out;
	} else if (cx->verb->flags & LANG_VF_PROPS)
		cx->kind = CX_PROPS;
	else if (verb_opts(cx->verb) != NULL)
		cx->kind = CX_OPTS;
	else {
		cx->kind = CX_NONE;
		goto out;
	}
	/* A value after name= (or name~ / name!= in expressions). */
	eq = strpbrk(cx->word, "=~");
	if (eq == NULL)
		goto out;
	key = strndup(cx->word, eq - cx->word);
	if (key[0] != '\0' && key[strlen(key) - 1] == '!')
		key[strlen(key) - 1] = '\0';
	prop_cands(&c, cx->kind == CX_EXPR);
	id = cands_match(&c, key, NULL, 0);
	if (cx->kind == CX_OPTS && strcmp(key, "proplist") == 0) {
		free(key);
		comma = strrchr(eq, ',');
		cx->kind = CX_PROPLIST;
		cx->start = ws + ((comma ? comma : eq) - cx->word) + 1;
		goto cut;
	}
	free(key);
	if (id < 0 || c.val[id] == LANG_KEY_RUNNING) {
		cx->kind = id >= 0 ? CX_VALUE : CX_NONE;
		cx->prop = id >= 0 ? LANG_KEY_RUNNING : -1;
		cx->start = ws + (eq - cx->word) + 1;
		goto cut;
	}
	cx->kind = CX_VALUE;
	cx->prop = c.val[id];
	cx->start = ws + (eq - cx->word) + 1;
	if (prop_table[cx->prop].type == PT_ENUM_SET &&
	    (comma = strrchr(eq, ',')) != NULL) {
		cx->before = strndup(eq + 1, comma - eq);
		cx->start = ws + (comma - cx->word) + 1;
	}
cut:
	key = strdup(line + cx->start);
	key[len - cx->start] = '\0';
	free(cx->word);
	cx->word = key;
out:
	toks_free(&p.t);
}

struct strv {
	char	**v;
	size_t	  n;
};

static void
strv_add(struct strv *sv, const char *word, const char *prefix,
    const char *suffix)
{
	if (strncmp(word, prefix, strlen(prefix)) != 0)
		return;
	sv->v = realloc(sv->v, (sv->n + 2) * sizeof *sv->v);
	if (sv->v == NULL)
		abort();
	if (asprintf(&sv->v[sv->n], "%s%s", word, suffix) == -1)
		abort();
	sv->n++;
	sv->v[sv->n] = NULL;
}

static int
strv_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
lang_strv_free(char **v)
{
	size_t	i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The words a value of property id may take (bool, enum...), or NULL. */
static const char *const *
value_words(int id)
{
	static const char *const yesno[] = { "yes", "no", NULL };

	if (id == LANG_KEY_RUNNING || prop_table[id].type == PT_BOOL)
		return yesno;
	switch (prop_table[id].type) {
	case PT_ENUM:
	case PT_ENUM_SET:
	case PT_INT_OR_WORD:
		return prop_table[id].words;
	case PT_PATH:
		return NULL;
	default:
		return NULL;
	}
}

static void
path_complete(const char *word, struct strv *sv)
{
	struct cands	 c;
	char		 pfx[256], *comp;
	const char	*s, *e;
	int		 m = MENU_ROOT, v, i;

	for (s = word + 1; (e = strchr(s, '/')) != NULL; s = e + 1) {
		comp = strndup(s, e - s);
		menu_cands(m, &c);
		v = cands_match(&c, comp, NULL, 0);
		free(comp);
		if (v < 0 || !(c.val[v] & CV_MENU))
			return;
		m = c.val[v] & ~CV_MENU;
	}
	snprintf(pfx, sizeof pfx, "%.*s", (int)(s - word), word);
	menu_cands(m, &c);
	for (i = 0; i < c.n; i++) {
		if (strcmp(c.name[i], "..") == 0 ||
		    strncmp(c.name[i], s, strlen(s)) != 0)
			continue;
		sv->v = realloc(sv->v, (sv->n + 2) * sizeof *sv->v);
		if (sv->v == NULL ||
		    asprintf(&sv->v[sv->n], "%s%s", pfx, c.name[i]) == -1)
			abort();
		sv->n++;
		sv->v[sv->n] = NULL;
	}
}

/* Whether 'word' is one of the comma-separated words of 'list' (NULL: no). */
static int
in_list(const char *list, const char *word)
{
	size_t	n = strlen(word);

	for (; list != NULL && *list != '\0'; list += strcspn(list, ",")) {
		if (*list == ',')
			list++;
		if (strncmp(list, word, n) == 0 &&
		    (list[n] == ',' || list[n] == '\0'))
			return 1;
	}
	return 0;
}

char **
lang_complete(int menu, const char *line, size_t len,
    const char *const *names, size_t *start)
{
	struct ctx			 cx;
	struct strv			 sv = { NULL, 0 };
	struct cands			 c;
	const struct opt_word		*o;
	const char *const		*w;
	int				 i;

	analyse(menu, line, len, &cx);
	*start = cx.start;
	switch (cx.kind) {
	case CX_NONE:
		break;
	case CX_PATH:
		path_complete(cx.word, &sv);
		break;
	case CX_NAV:
		menu_cands(cx.menu, &c);
		for (i = 0; i < c.n; i++)
			strv_add(&sv, c.name[i], cx.word, "");
		break;
	case CX_ITEMS:
		for (i = 0; names != NULL && names[i] != NULL; i++)
			strv_add(&sv, names[i], cx.word, "");
		if (cx.word[0] == '[' || cx.word[0] == '\0')
			strv_add(&sv, "[find", cx.word, "");
		break;
	case CX_PROPS:
		for (i = 0; i < P__COUNT; i++) {
			if (!cx.given[i])
				strv_add(&sv, prop_table[i].name, cx.word, "=");
		}
		break;
	case CX_VALUE:
		if (cx.prop == P_NAME) {
			for (i = 0; names != NULL && names[i] != NULL; i++)
				strv_add(&sv, names[i], cx.word, "");
		}
		if ((w = value_words(cx.prop)) == NULL)
			break;
		for (; *w != NULL; w++) {
			if (!in_list(cx.before, *w))
				strv_add(&sv, *w, cx.word, "");
		}
		break;
	case CX_OPTS:
		if (cx.verb == NULL) {
			strv_add(&sv, "find", cx.word, "");
			break;
		}
		for (o = verb_opts(cx.verb); o->name != NULL; o++) {
			if (o->opt == O_IGNORED)
				continue;
			strv_add(&sv, o->name, cx.word,
			    o->opt == O_PROPLIST ? "=" : "");
		}
		break;
	case CX_PROPLIST:
		for (i = 0; i < P__COUNT; i++)
			strv_add(&sv, prop_table[i].name, cx.word, "");
		break;
	case CX_EXPR:
		for (i = 0; i < P__COUNT; i++)
			strv_add(&sv, prop_table[i].name, cx.word, "");
		strv_add(&sv, "running", cx.word, "");
		if (cx.find_start)
			strv_add(&sv, "where", cx.word, "");
		break;
	}
	if (sv.v == NULL) {
		if ((sv.v = calloc(1, sizeof *sv.v)) == NULL)
			abort();
	}
	qsort(sv.v, sv.n, sizeof *sv.v, strv_cmp);
	free(cx.word);
	free(cx.before);
	return sv.v;
}

/* Text: the type and default of a property, for help. */
static void
prop_type_text(int id, char *buf, size_t size)
{
	const struct prop_def	*p = &prop_table[id];
	size_t			 off = 0;
	int			 i;

	switch (p->type) {
	case PT_STRING:
		off = snprintf(buf, size, "text");
		break;
	case PT_BOOL:
		off = snprintf(buf, size, "yes | no");
		break;
	case PT_INT:
		off = snprintf(buf, size, "integer %ld..%ld", p->min, p->max);
		break;
	case PT_INT_OR_WORD:
		off = snprintf(buf, size, "integer %ld..%ld | %s", p->min,
		    p->max, p->words[0]);
		break;
	case PT_ENUM:
	case PT_ENUM_SET:
		for (i = 0; p->words[i] != NULL; i++)
			off += snprintf(buf + off, size - off, "%s%s",
			    i ? (p->type == PT_ENUM ? " | " : ",") : "",
			    p->words[i]);
		if (p->type == PT_ENUM_SET)
			off += snprintf(buf + off, size - off,
			    " (any of them, comma separated)");
		break;
	case PT_HOST:
		off = snprintf(buf, size, "address or DNS name");
		break;
	case PT_PREFIX_LIST:
		off = snprintf(buf, size, "prefix[,prefix...]");
		break;
	case PT_PATH:
		off = snprintf(buf, size, "absolute path | none");
		break;
	case PT_NAME:
		off = snprintf(buf, size, "name, 1..15 of A-Z a-z 0-9 . _ -");
		break;
	}
	if (off < size)
		snprintf(buf + off, size - off, "; default %s",
		    *p->def ? p->def : "empty");
}

static void
help_line(char **out, size_t *off, const char *name, const char *text)
{
	size_t	need = strlen(name) + strlen(text) + 48;

	*out = realloc(*out, *off + need);
	if (*out == NULL)
		abort();
	*off += snprintf(*out + *off, need, "%-24s -- %s\n", name, text);
}

char *
lang_help(int menu, const char *line, size_t len)
{
	struct ctx		 cx;
	struct cands		 c;
	const struct opt_word	*o;
	char			*out = NULL, buf[256], name[96];
	size_t			 off = 0;
	int			 i;

	analyse(menu, line, len, &cx);
	switch (cx.kind) {
	case CX_NONE:
		break;
	case CX_PATH:
	case CX_NAV:
		menu_cands(cx.menu, &c);
		for (i = 0; i < c.n; i++) {
			if (strncmp(c.name[i], cx.kind == CX_PATH ?
			    cx.word + 1 : cx.word, strlen(cx.word)) != 0 &&
			    cx.kind == CX_NAV)
				continue;
			if (c.val[i] == CV_UP)
				help_line(&out, &off, "..", "up one menu");
			else if (c.val[i] & CV_MENU)
				help_line(&out, &off, c.name[i],
				    menus[c.val[i] & ~CV_MENU].help);
			else
				help_line(&out, &off, c.name[i],
				    lang_verbs[c.val[i]].help);
		}
		help_line(&out, &off, "/", "the root menu");
		break;
	case CX_ITEMS:
		snprintf(buf, sizeof buf, "usage: %s", cx.verb->usage);
		help_line(&out, &off, "ITEMS", "numbers of the last print "
		    "(0,2), names, or [find where EXPR]");
		help_line(&out, &off, cx.verb->name, buf);
		break;
	case CX_PROPS:
		for (i = 0; i < P__COUNT; i++) {
			if (strncmp(prop_table[i].name, cx.word,
			    strlen(cx.word)) != 0)
				continue;
			help_line(&out, &off, prop_table[i].name,
			    prop_table[i].help);
		}
		break;
	case CX_VALUE:
		if (cx.prop == LANG_KEY_RUNNING) {
			help_line(&out, &off, "running",
			    "yes | no: the tunnel is connected");
			break;
		}
		prop_type_text(cx.prop, buf, sizeof buf);
		help_line(&out, &off, prop_table[cx.prop].name,
		    prop_table[cx.prop].help);
		help_line(&out, &off, "", buf);
		break;
	case CX_OPTS:
		if (cx.verb == NULL) {
			help_line(&out, &off, "find", "items matching "
			    "an expression: [find where name~\"re\"]");
			break;
		}
		for (o = verb_opts(cx.verb); o->name != NULL; o++) {
			if (strncmp(o->name, cx.word, strlen(cx.word)) == 0)
				help_line(&out, &off, o->name, o->help);
		}
		break;
	case CX_PROPLIST:
	case CX_EXPR:
		for (i = 0; i < P__COUNT; i++) {
			if (strncmp(prop_table[i].name, cx.word,
			    strlen(cx.word)) == 0)
				help_line(&out, &off, prop_table[i].name,
				    prop_table[i].help);
		}
		if (cx.kind == CX_EXPR) {
			help_line(&out, &off, "running", "the tunnel is "
			    "connected");
			snprintf(name, sizeof name, "KEY=V KEY!=V KEY~RE");
			help_line(&out, &off, name, "compare; and, or, not, "
			    "( )");
		}
		break;
	}
	if (out == NULL)
		help_line(&out, &off, "", "nothing more is expected here");
	free(cx.word);
	free(cx.before);
	return out;
}
