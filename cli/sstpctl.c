/* sstpctl.c - the RouterOS-style command-line interface to sstpcd. */
#include "config.h"

#include <sys/ioctl.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "conn.h"
#include "lang.h"

#ifndef RUNSTATEDIR
#define RUNSTATEDIR "/run"
#endif
#define DEFAULT_SOCKET	RUNSTATEDIR "/sstpcd.sock"
#define HISTORY_FILE	".sstpctl_history"
#define HISTORY_MAX	1000

/* Exit statuses scripts can trust. */
#define EXIT_OK		0
#define EXIT_CMD	1	/* a command failed */
#define EXIT_USAGE	2	/* usage or connection error */

static const char	*socket_path = DEFAULT_SOCKET;
static struct conn	*conn;
static int		 menu = MENU_ROOT;
static volatile sig_atomic_t interrupted;

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: sstpctl [-s PATH] [COMMAND ...]\n"
	    "\n"
	    "Manage sstpcd's SSTP client interfaces in RouterOS's language.\n"
	    "With a COMMAND, run it and exit; with a script on standard input,\n"
	    "run it line by line and stop at the first error; on a terminal,\n"
	    "start an interactive session (Tab completes, ? explains).\n"
	    "\n"
	    "  -s, --socket PATH   the daemon's socket (default %s)\n"
	    "  -h, --help          this text\n"
	    "  -V, --version       the version of sstpctl (and of sstpcd)\n"
	    "\n"
	    "Examples:\n"
	    "  sstpctl /interface sstp-client add connect-to=vpn.example.com "
	    "user=u password=p disabled=no\n"
	    "  sstpctl /interface sstp-client print\n"
	    "  sstpctl /interface sstp-client monitor 0 once\n"
	    "\n"
	    "Exit status: 0 success, 1 a command failed, 2 usage or connection "
	    "error.\nSee sstpctl(8) and sstpcd-language(5).\n", DEFAULT_SOCKET);
}

static void
sigint_cb(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
connect_daemon(int quiet)
{
	char	*cause;

	conn_close(conn);
	if ((conn = conn_open(socket_path, &cause)) == NULL) {
		if (!quiet)
			fprintf(stderr, "sstpctl: %s\n", cause);
		free(cause);
		return -1;
	}
	return 0;
}

/*
 * Join argv into one command line.  A single argument is the whole line as
 * written, quotes and all (sstpctl '/interface sstp-client print', as with
 * ssh).  Otherwise the shell ate the user's quotes, so a word with blanks or
 * special characters gets them back: key="value", key~"regex" or "word" (a
 * closing ']' of a [find ...] stays outside).
 */
static char *
join_args(int argc, char **argv)
{
	char		*line = NULL, *q, *part, *val;
	const char	*a, *op;
	size_t		 len = 0, klen, close;
	int		 i, depth = 0;

	if (argc == 1) {
		if ((line = strdup(argv[0])) == NULL)
			abort();
		return line;
	}
	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (strpbrk(a, " \t\"\\$?;") == NULL ||
		    (a[0] == '[' && a[strlen(a) - 1] == ']'))
			part = strdup(a);
		else {
			op = strpbrk(a, "=~");
			klen = op != NULL ? (size_t)(op - a) + 1 : 0;
			val = strdup(a + klen);
			close = 0;
			while (depth > 0 && close < strlen(val) &&
			    val[strlen(val) - 1 - close] == ']')
				close++;
			val[strlen(val) - close] = '\0';
			q = lang_quote(val, 1);
			if (asprintf(&part, "%.*s%s%.*s", (int)klen, a, q,
			    (int)close, "]]]]]]]]") == -1)
				part = NULL;
			free(val);
			free(q);
		}
		if (part == NULL)
			abort();
		for (a = argv[i]; *a != '\0'; a++)
			depth += *a == '[' ? 1 : *a == ']' ? -1 : 0;
		line = realloc(line, len + strlen(part) + 2);
		if (line == NULL)
			abort();
		len += (size_t)sprintf(line + len, "%s%s", i ? " " : "", part);
		free(part);
	}
	return line;
}

/* --- monitor ------------------------------------------------------- */

/* Send a request to end a stream: any line does. */
static int
send_stream_end(void)
{
	return write(conn_fd(conn), "\n", 1) == 1 ? 0 : -1;
}

struct screen {
	int		 tty;
	int		 lines;		/* lines of the block on screen */
	char		*pending;	/* the block being received */
	size_t		 len;
};

static void
screen_add(struct screen *s, const char *text)
{
	size_t	n = strlen(text);

	s->pending = realloc(s->pending, s->len + n + 2);
	if (s->pending == NULL)
		abort();
	memcpy(s->pending + s->len, text, n);
	s->len += n;
	s->pending[s->len++] = '\n';
	s->pending[s->len] = '\0';
}

/* Draw the pending block over the last one (terminal) or below it. */
static void
screen_flush(struct screen *s)
{
	struct winsize	 ws;
	const char	*p;
	unsigned int	 col;

	if (s->pending == NULL)
		return;
	if (s->tty) {
		/* Up over the last block (its lines as the terminal wrapped them). */
		if (s->lines > 0)
			printf("\033[%dA\r\033[J", s->lines);
		if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0)
			ws.ws_col = 80;
		s->lines = 1;
		for (p = s->pending, col = 0; *p != '\0'; p++) {
			if (*p == '\n' || ++col > ws.ws_col) {
				s->lines++;
				col = *p == '\n' ? 0 : 1;
			}
		}
		printf("%s-- [Q quit|Ctrl-C]\n", s->pending);
	} else
		printf("%s%s", s->lines++ ? "\n" : "", s->pending);
	if (fflush(stdout) != 0)
		interrupted = 1;	/* nobody reads: end the stream */
	free(s->pending);
	s->pending = NULL;
	s->len = 0;
}

/*
 * Follow a streaming monitor: redraw each block until q or Ctrl-C (or EOF
 * of the daemon), then end the stream.  0, 1 on a daemon error, -1 when the
 * connection broke.
 */
static int
run_stream(const char *line)
{
	struct termios	 saved, raw;
	struct screen	 s;
	struct pollfd	 pfd[2];
	const char	*l, *text;
	char		 tag[32], ch;
	int		 keys, ret = 0, ending = 0, r, nfd;

	memset(&s, 0, sizeof s);
	s.tty = isatty(STDOUT_FILENO);
	keys = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
	if (keys) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO | ISIG);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	interrupted = 0;
	if (conn_send(conn, line, tag, sizeof tag) != 0) {
		ret = -1;
		goto out;
	}
	for (;;) {
		if (interrupted && !ending) {
			if (send_stream_end() != 0) {
				ret = -1;
				break;
			}
			ending = 1;
		}
		r = conn_getline(conn, &l, 0);
		if (r == -1) {
			ret = -1;
			break;
		}
		if (r == 1) {
			switch (conn_classify(l, tag, &text)) {
			case CONN_BODY:
				screen_add(&s, text);
				break;
			case CONN_UPDATE:
				screen_flush(&s);
				break;
			case CONN_END:
				screen_flush(&s);
				goto out;
			case CONN_ERROR:
				printf("%s\n", text);
				ret = 1;
				goto out;
			default:
				break;
			}
			continue;
		}
		screen_flush(&s);
		pfd[0].fd = conn_fd(conn);
		pfd[0].events = POLLIN;
		nfd = 1;
		if (keys && !ending) {
			pfd[1].fd = STDIN_FILENO;
			pfd[1].events = POLLIN;
			nfd = 2;
		}
		if (poll(pfd, nfd, 100) <= 0)
			continue;
		if (nfd == 2 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			if (read(STDIN_FILENO, &ch, 1) != 1 || ch == 'q' ||
			    ch == 'Q' || ch == 3 || ch == 4)
				interrupted = 1;
		}
	}
out:
	if (keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	free(s.pending);
	return ret;
}

/* --- running commands ----------------------------------------------- */

/*
 * Run one line.  Returns EXIT_OK, EXIT_CMD (the message printed to 'errf',
 * prefixed by 'where'), or EXIT_USAGE when the daemon went away.
 */
static int
run_line(const char *line, FILE *errf, const char *where)
{
	struct lang_cmd	*cmd;
	char		*cause = NULL, *body, *err;
	int		 r, stream;

	/* Check the words here first: the same parser as the daemon's. */
	if ((cmd = lang_parse(menu, line, &cause)) == NULL) {
		fprintf(errf, "%s%s\n", where, cause);
		free(cause);
		return EXIT_CMD;
	}
	if (cmd->verb == NULL && cmd->new_menu == menu) {
		lang_cmd_free(cmd);
		return EXIT_OK;		/* blank or comment */
	}
	stream = cmd->verb != NULL && (cmd->verb->flags & LANG_VF_STREAM) &&
	    !(cmd->opts & LANG_O_ONCE);
	if (stream) {
		r = run_stream(line);
		if (r == -1) {
			fprintf(errf, "%sconnection to sstpcd lost\n", where);
			lang_cmd_free(cmd);
			return EXIT_USAGE;
		}
		lang_cmd_free(cmd);
		return r == 1 ? EXIT_CMD : EXIT_OK;
	}
	r = conn_run(conn, line, &body, &err);
	if (r == 0) {
		fputs(body, stdout);
		fflush(stdout);
		if (cmd->verb == NULL)
			menu = cmd->new_menu;
	} else
		fprintf(errf, "%s%s\n", where, err);
	free(body);
	free(err);
	lang_cmd_free(cmd);
	return r == 0 ? EXIT_OK : r == 1 ? EXIT_CMD : EXIT_USAGE;
}

static int
run_script(FILE *f)
{
	char		*line = NULL, where[64];
	size_t		 cap = 0;
	ssize_t		 n;
	unsigned int	 lineno = 0;
	int		 ret = EXIT_OK;

	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		snprintf(where, sizeof where, "sstpctl: line %u: ", lineno);
		if ((ret = run_line(line, stderr, where)) != EXIT_OK)
			break;
	}
	free(line);
	return ret;
}

/* --- interactive ------------------------------------------------------ */

static char	**item_names;

/* Item names for completion, over a second connection (numbering stays). */
static void
fetch_names(void)
{
	struct conn	*c;
	char		*cause, *body, *err, *p, *e;
	size_t		 n = 0;

	lang_strv_free(item_names);
	item_names = calloc(1, sizeof *item_names);
	if ((c = conn_open(socket_path, &cause)) == NULL) {
		free(cause);
		return;
	}
	if (conn_run(c, "/interface sstp-client print as-value proplist=name",
	    &body, &err) == 0) {
		for (p = body; (p = strstr(p, "name=")) != NULL; p = e) {
			p += 5;
			e = p + strcspn(p, ";\n");
			item_names = realloc(item_names,
			    (n + 2) * sizeof *item_names);
			if (item_names == NULL)
				abort();
			item_names[n++] = strndup(p, (size_t)(e - p));
			item_names[n] = NULL;
		}
	}
	free(body);
	free(err);
	conn_close(c);
}

static char	**cands;
static size_t	  cand_i;

static char *
cand_gen(const char *text, int state)
{
	(void)text;
	if (state == 0)
		cand_i = 0;
	if (cands == NULL || cands[cand_i] == NULL)
		return NULL;
	return strdup(cands[cand_i++]);
}

static char **
complete_cb(const char *text, int start, int end)
{
	size_t	st, i;

	(void)text;
	(void)start;
	rl_attempted_completion_over = 1;
	rl_completion_append_character = ' ';
	lang_strv_free(cands);
	fetch_names();
	cands = lang_complete(menu, rl_line_buffer, (size_t)end,
	    (const char *const *)item_names, &st);
	for (i = 0; cands[i] != NULL; i++) {
		if (cands[i][0] != '\0' &&
		    cands[i][strlen(cands[i]) - 1] == '=')
			rl_completion_append_character = '\0';
	}
	return rl_completion_matches(text, cand_gen);
}

/* '?': help for the words before the cursor, then the line again. */
static int
help_key(int count, int key)
{
	char	*h;
	int	 i, quotes = 0;

	(void)count;
	for (i = 0; i < rl_point; i++) {
		if (rl_line_buffer[i] == '\\' && i + 1 < rl_point)
			i++;
		else if (rl_line_buffer[i] == '"')
			quotes++;
	}
	if (quotes % 2 == 1)
		return rl_insert(1, key);
	h = lang_help(menu, rl_line_buffer, (size_t)rl_point);
	printf("\n%s", h);
	free(h);
	rl_on_new_line();
	rl_redisplay();
	return 0;
}

static char *
prompt_text(void)
{
	static char	 buf[512];
	struct passwd	*pw = getpwuid(getuid());
	const char	*path = lang_menu_path(menu);

	snprintf(buf, sizeof buf, "[%s@sstpcd] %s> ",
	    pw != NULL ? pw->pw_name : "user",
	    strcmp(path, "/") == 0 ? "" : path);
	if (strcmp(path, "/") == 0)
		snprintf(buf, sizeof buf, "[%s@sstpcd] > ",
		    pw != NULL ? pw->pw_name : "user");
	return buf;
}

/* Ctrl-C at the prompt drops the line being typed, as shells do. */
static int
signal_hook(void)
{
	if (interrupted) {
		interrupted = 0;
		printf("^C\n");
		rl_replace_line("", 0);
		rl_on_new_line();
		rl_redisplay();
	}
	return 0;
}

static int
interactive(void)
{
	char		*line, *hist = NULL, *p;
	const char	*home = getenv("HOME");
	int		 r;

	if (home != NULL && asprintf(&hist, "%s/%s", home, HISTORY_FILE) ==
	    -1)
		hist = NULL;
	rl_readline_name = "sstpctl";
	rl_catch_signals = 0;
	rl_signal_event_hook = signal_hook;
	rl_attempted_completion_function = complete_cb;
	rl_completer_word_break_characters = (char *)" \t[(=,~";
	rl_bind_key('?', help_key);
	using_history();
	stifle_history(HISTORY_MAX);
	if (hist != NULL)
		read_history(hist);
	printf("sstpctl %s connected to sstpcd %s; Tab completes, ? "
	    "explains, quit leaves.\n", PACKAGE_VERSION, conn_version(conn));
	while ((line = readline(prompt_text())) != NULL) {
		for (p = line; isspace((unsigned char)*p); p++)
			;
		/* Completion leaves a blank at the end; history need not. */
		while (*p != '\0' && isspace((unsigned char)p[strlen(p) - 1]))
			p[strlen(p) - 1] = '\0';
		if (*p != '\0') {
			add_history(p);
			if (hist != NULL && append_history(1, hist) != 0)
				write_history(hist);
		}
		if (strcmp(p, "quit") == 0 || strcmp(p, "exit") == 0 ||
		    strcmp(p, "/quit") == 0) {
			free(line);
			break;
		}
		r = run_line(line, stdout, "");
		if (r == EXIT_USAGE) {
			/* The daemon went away: try once to come back. */
			if (connect_daemon(0) != 0) {
				free(line);
				free(hist);
				return EXIT_USAGE;
			}
			if (menu != MENU_ROOT) {
				char *b, *e;

				if (conn_run(conn, lang_menu_path(menu), &b,
				    &e) != 0)
					menu = MENU_ROOT;
				free(b);
				free(e);
			}
			printf("reconnected to sstpcd\n");
		}
		free(line);
	}
	if (line == NULL)
		printf("\n");
	lang_strv_free(cands);
	lang_strv_free(item_names);
	free(hist);
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction	 sa;
	char			*line;
	int			 ch, ret, version = 0;

	while ((ch = getopt_long(argc, argv, "+s:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			socket_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			version = 1;
			break;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (version) {
		printf("sstpctl %s\n", PACKAGE_VERSION);
		if (connect_daemon(1) == 0)
			printf("sstpcd %s at %s\n", conn_version(conn),
			    socket_path);
		conn_close(conn);
		return EXIT_OK;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = sigint_cb;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (connect_daemon(0) != 0)
		return EXIT_USAGE;
	if (argc > 0) {
		line = join_args(argc, argv);
		ret = run_line(line, stderr, "sstpctl: ");
		free(line);
	} else if (isatty(STDIN_FILENO)) {
		ret = interactive();
	} else
		ret = run_script(stdin);
	conn_close(conn);
	return ret;
}
