/* summary: terminal set-up and teardown for the UI (ncurses): keys from stdin or /dev/tty, colour
 * or monochrome (NO_COLOR), stderr held back, and the terminal restored on every exit path. */
#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui_priv.h"

static SCREEN *crt_screen;
static FILE *crt_in; /* /dev/tty when stdin carries the capture */
static int crt_saved_stderr = -1;
static FILE *crt_err_file; /* stderr while curses owns the terminal */
static bool crt_color;
static volatile sig_atomic_t crt_stop;

static struct sigaction crt_prev_int, crt_prev_term; /* the program's own stop handlers */

/* SIGINT/SIGTERM/SIGHUP: the loop sees the flag (poll is interrupted) and quits cleanly. The
 * program's own SIGINT/SIGTERM handler runs too: it breaks a read blocked inside libpcap (a
 * stream stalled mid-frame), which the capture then ends as a clean stop, not an error. */
static void crt_on_stop(int sig)
{
	crt_stop = 1;
	const struct sigaction *prev = sig == SIGINT    ? &crt_prev_int
	                               : sig == SIGTERM ? &crt_prev_term
	                                                : NULL;
	if (prev && !(prev->sa_flags & SA_SIGINFO) && prev->sa_handler != SIG_DFL &&
	    prev->sa_handler != SIG_IGN && prev->sa_handler != crt_on_stop)
		prev->sa_handler(sig);
}

/* A crash: give the terminal back before dying with the same signal (SA_RESETHAND). endwin is
 * not async-signal-safe, but the process is ending either way and a raw terminal is worse. */
static void crt_on_fatal(int sig)
{
	if (crt_screen)
		endwin();
	raise(sig);
}

static void crt_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = crt_on_stop;
	sigaction(SIGINT, &sa, &crt_prev_int);
	sigaction(SIGTERM, &sa, &crt_prev_term);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sa.sa_handler = crt_on_fatal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
}

static void crt_colors(bool no_color)
{
	crt_color = !no_color && has_colors();
	if (!crt_color)
		return;
	start_color();
	use_default_colors();
	init_pair(UI_C_DONE, COLOR_GREEN, -1);
	init_pair(UI_C_PROGRESS, COLOR_YELLOW, -1);
	init_pair(UI_C_STALL, COLOR_RED, -1);
	init_pair(UI_C_UNKNOWN, COLOR_MAGENTA, -1);
	init_pair(UI_C_TITLE, COLOR_BLACK, COLOR_WHITE);
	init_pair(UI_C_TITLE_FOCUS, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_C_SELECT, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_C_BAR, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_C_DIM, COLOR_BLUE, -1);
}

int crt_attr(enum ui_color c)
{
	/* Monochrome: the same distinctions with bold, reverse and underline. */
	static const int mono[UI_C__COUNT] = {
	    [UI_C_NORMAL] = A_NORMAL,       [UI_C_DONE] = A_NORMAL,
	    [UI_C_PROGRESS] = A_BOLD,       [UI_C_STALL] = A_BOLD | A_UNDERLINE,
	    [UI_C_UNKNOWN] = A_DIM,         [UI_C_TITLE] = A_UNDERLINE,
	    [UI_C_TITLE_FOCUS] = A_REVERSE, [UI_C_SELECT] = A_REVERSE,
	    [UI_C_BAR] = A_REVERSE,         [UI_C_DIM] = A_DIM,
	};
	if ((unsigned)c >= UI_C__COUNT)
		return A_NORMAL;
	if (!crt_color)
		return mono[c];
	if (c == UI_C_NORMAL)
		return A_NORMAL;
	int extra = (c == UI_C_STALL || c == UI_C_PROGRESS) ? A_BOLD : 0;
	return (int)COLOR_PAIR((int)c) | extra;
}

bool crt_has_color(void)
{
	return crt_color;
}

bool crt_interrupted(void)
{
	return crt_stop != 0;
}

bool ui_interrupted(void)
{
	return crt_stop != 0;
}

/* Messages written to stderr while curses draws would garble the screen: they go to a temporary
 * file and are copied to the real stderr after endwin. */
static void crt_hold_stderr(void)
{
	fflush(stderr);
	crt_err_file = tmpfile();
	if (!crt_err_file)
		return;
	crt_saved_stderr = dup(STDERR_FILENO);
	if (crt_saved_stderr < 0 || dup2(fileno(crt_err_file), STDERR_FILENO) < 0) {
		fclose(crt_err_file);
		crt_err_file = NULL;
	}
}

static void crt_release_stderr(void)
{
	if (!crt_err_file)
		return;
	fflush(stderr);
	dup2(crt_saved_stderr, STDERR_FILENO);
	close(crt_saved_stderr);
	crt_saved_stderr = -1;
	rewind(crt_err_file);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), crt_err_file)) > 0)
		if (fwrite(buf, 1, n, stderr) != n)
			break;
	fclose(crt_err_file);
	crt_err_file = NULL;
}

bool crt_init(bool tty_keys, bool no_color, char err[UI_ERR_MAX])
{
	crt_in = tty_keys ? fopen("/dev/tty", "r") : stdin;
	if (!crt_in) {
		snprintf(err, UI_ERR_MAX, "cannot open /dev/tty for the keyboard");
		return false;
	}
	crt_screen = newterm(NULL, stdout, crt_in);
	if (!crt_screen) {
		snprintf(err, UI_ERR_MAX, "cannot set up the terminal (TERM=%s)",
		         getenv("TERM") ? getenv("TERM") : "");
		if (crt_in != stdin)
			fclose(crt_in);
		crt_in = NULL;
		return false;
	}
	atexit(crt_done);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	crt_colors(no_color);
	crt_signals();
	crt_hold_stderr();
	return true;
}

int crt_key_fd(void)
{
	return crt_in ? fileno(crt_in) : -1;
}

void crt_done(void)
{
	if (!crt_screen)
		return;
	curs_set(1);
	endwin();
	fflush(stdout);
	delscreen(crt_screen);
	crt_screen = NULL;
	if (crt_in && crt_in != stdin)
		fclose(crt_in);
	crt_in = NULL;
	crt_release_stderr();
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
}
