/* cli/progress.c: "\r what: 40% (10000/24771)" lines on a terminal. */
#include "cli/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, const char *what, bool quiet)
{
	p->what = what;
	p->start = now();
	p->tty = !quiet && isatty(STDERR_FILENO);
	p->shown = false;
}

void progress_update(void *arg, size_t done, size_t total)
{
	struct progress *p = arg;

	if (!p->tty || now() - p->start < 1.0)
		return;
	fprintf(stderr, "\r\033[K%s: %zu%% (%zu/%zu)", p->what,
		total ? done * 100 / total : 100, done, total);
	fflush(stderr);
	p->shown = true;
}

void progress_end(struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = false;
}
