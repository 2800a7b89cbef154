/* lang.h - the RouterOS-style command language: menus, verbs, arguments, completion, help. */
#ifndef SSTP_LANG_H
#define SSTP_LANG_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"

/* The menu tree: / -> interface -> sstp-client. */
enum lang_menu {
	MENU_ROOT = 0,
	MENU_INTERFACE,
	MENU_SSTP_CLIENT,
	MENU__COUNT
};

enum lang_verb_id {
	VERB_ADD = 0,
	VERB_SET,
	VERB_REMOVE,
	VERB_ENABLE,
	VERB_DISABLE,
	VERB_PRINT,
	VERB_MONITOR,
	VERB_EXPORT,
	VERB__COUNT
};

#define LANG_VF_READONLY	0x01	/* allowed to the read-only group */
#define LANG_VF_STREAM		0x02	/* may stream (monitor without once) */
#define LANG_VF_ITEMS		0x04	/* takes items: 0,2 / name / [find ...] */
#define LANG_VF_PROPS		0x08	/* takes name=value properties */

struct lang_verb {
	const char	*name;
	enum lang_verb_id id;
	unsigned int	 menus;		/* 1 << MENU_* where it exists */
	int		 flags;		/* LANG_VF_* */
	const char	*usage;
	const char	*help;
};

extern const struct lang_verb lang_verbs[VERB__COUNT];

/* The menu's path ("/interface sstp-client"), and its prompt form. */
const char *lang_menu_path(int menu);

/* A parsed 'where' / 'find' expression, opaque. */
struct lang_expr;

/* Keys an expression may read besides the properties. */
#define LANG_KEY_RUNNING	P__COUNT

/*
 * Evaluate 'e' for one item; get() returns the value of property id (or
 * "yes"/"no" for LANG_KEY_RUNNING), never NULL.  NULL e is true.
 */
int	lang_expr_eval(const struct lang_expr *e,
	    const char *(*get)(void *arg, int key), void *arg);

/* One item reference: a number of the last print or a name. */
struct lang_item {
	long		 number;	/* -1 for a name */
	char		*name;
};

/* print / monitor / export options. */
#define LANG_O_DETAIL		0x0001
#define LANG_O_TERSE		0x0002
#define LANG_O_COUNT_ONLY	0x0004
#define LANG_O_AS_VALUE		0x0008
#define LANG_O_JSON		0x0010
#define LANG_O_SENSITIVE	0x0020	/* show-sensitive */
#define LANG_O_VERBOSE		0x0040
#define LANG_O_ONCE		0x0080

struct lang_cmd {
	int			 menu;		/* menu the verb runs in */
	int			 new_menu;	/* current menu after the line */
	const struct lang_verb	*verb;		/* NULL: navigation only */

	struct lang_item	*items;		/* numbers / names, in order */
	size_t			 nitems;
	int			 have_items;	/* items or find were given */
	struct lang_expr	*find;		/* [find ...]: items matching it */
	int			 items_col;	/* column of the items, for errors */

	struct lang_expr	*where;		/* print where ... */
	uint64_t		 proplist;	/* 0 = default set */
	int			 opts;		/* LANG_O_* */

	char			*val[P__COUNT];	/* add/set: canonical values */
	int			 given[P__COUNT];	/* set: 1 if named */
};

/*
 * Parse one command line in menu 'menu'.  Returns a command (free with
 * lang_cmd_free) or NULL with a malloc'ed message in *cause naming the bad
 * word's place: "expected end of command (line 1 column 40)".  An empty line
 * or a comment gives a command with verb NULL and new_menu == menu.
 */
struct lang_cmd *lang_parse(int menu, const char *line, char **cause);
void	lang_cmd_free(struct lang_cmd *cmd);

/* Format " (line 1 column N)" onto msg: returns a new malloc'ed string. */
char	*lang_at(const char *msg, int column);
/* A malloc'ed message in *cause, with its place when column > 0; -1. */
int	lang_errf(char **cause, int column, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/*
 * Completion of the word ending at 'len' in 'line' (the text before the
 * cursor), in menu 'menu'.  'names' (NULL-terminated, may be NULL) are the
 * item names to offer.  Returns a malloc'ed NULL-terminated array of
 * malloc'ed candidates (each the whole replacement word: "connect-to=",
 * "only-1.2", "pap,chap"), sorted, and in *start the offset where the word
 * being completed begins.  Never NULL (an empty array when nothing fits).
 */
char	**lang_complete(int menu, const char *line, size_t len,
	    const char *const *names, size_t *start);
void	lang_strv_free(char **v);

/*
 * Context help for '?' after 'line' (the text before the cursor): what may
 * come next and what it means.  Returns malloc'ed text ending in a newline.
 */
char	*lang_help(int menu, const char *line, size_t len);

/* Quote a value for the language if it needs it; malloc'ed. */
char	*lang_quote(const char *value, int always);

#endif
