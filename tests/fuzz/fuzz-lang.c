/* fuzz-lang.c - arbitrary command lines to the parser, completion, help and views; an accepted add must export to a script that parses back to the same values. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "lang.h"
#include "views.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *
get(void *arg, int key)
{
	const struct iface_config	*c = arg;

	return key == LANG_KEY_RUNNING ? "yes" : cfg_get(c, key);
}

/* Export c, parse the script back, and compare every value. */
static void
roundtrip(const struct iface_config *c)
{
	const struct iface_config	*cs[1] = { c };
	struct evbuffer			*b = evbuffer_new();
	struct lang_cmd			*cmd;
	char				*text, *line, *save = NULL, *cause;
	int				 menu = MENU_ROOT, i, adds = 0;

	view_export(b, cs, 1, LANG_O_SENSITIVE);
	evbuffer_add(b, "", 1);
	text = strdup((const char *)evbuffer_pullup(b, -1));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if ((cmd = lang_parse(menu, line, &cause)) == NULL)
			abort();	/* an export that does not parse */
		menu = cmd->new_menu;
		if (cmd->verb != NULL && cmd->verb->id == VERB_ADD) {
			adds++;
			for (i = 0; i < P__COUNT; i++) {
				if (i == P_NAME && cfg_is_default(c, i))
					continue;
				if (strcmp(cmd->val[i] != NULL ? cmd->val[i] :
				    prop_table[i].def, cfg_get(c, i)) != 0)
					abort();	/* a value changed */
			}
		}
		lang_cmd_free(cmd);
	}
	if (adds != 1)
		abort();
	free(text);
	evbuffer_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iface_config	 cfg;
	struct view_item	 item;
	struct lang_cmd		*cmd;
	struct evbuffer		*b;
	char			*line, *cause, **v, *h;
	size_t			 len, start;
	int			 menu, i;

	if (size > 4096)
		return 0;
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	len = strlen(line);
	b = evbuffer_new();
	for (menu = 0; menu < MENU__COUNT; menu++) {
		v = lang_complete(menu, line, len, NULL, &start);
		if (start > len)
			abort();
		lang_strv_free(v);
		v = lang_complete(menu, line, len / 2, NULL, &start);
		lang_strv_free(v);
		free(lang_help(menu, line, len));
		if ((cmd = lang_parse(menu, line, &cause)) == NULL) {
			if (cause == NULL)
				abort();	/* an error without a message */
			free(cause);
			continue;
		}
		memset(&cfg, 0, sizeof cfg);
		for (i = 0; i < P__COUNT; i++) {
			if (cmd->val[i] != NULL)
				cfg_set(&cfg, i, cmd->val[i]);
		}
		lang_expr_eval(cmd->where, get, &cfg);
		lang_expr_eval(cmd->find, get, &cfg);
		item.index = 0;
		item.id = 1;
		item.cfg = &cfg;
		item.running = 1;
		view_print(b, &item, 1, cmd->opts, cmd->proplist);
		if (cmd->verb != NULL && cmd->verb->id == VERB_ADD)
			roundtrip(&cfg);
		evbuffer_drain(b, evbuffer_get_length(b));
		cfg_clear(&cfg);
		lang_cmd_free(cmd);
	}
	h = lang_quote(line, 0);
	free(h);
	evbuffer_free(b);
	free(line);
	return 0;
}
