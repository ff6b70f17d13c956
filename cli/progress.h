/* cli/progress.h: a progress line on stderr for work longer than a second,
 * only when stderr is a terminal. */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

struct progress {
	const char *what;   /* "ingest enterprise-attack-18.1.json.gz" */
	double start;       /* monotonic seconds at creation */
	bool tty;           /* stderr is a terminal and not quiet */
	bool shown;         /* a line is on screen and needs clearing */
};

void progress_init(struct progress *p, const char *what, bool quiet);
/* A progress callback: done of total. */
void progress_update(void *p, size_t done, size_t total);
/* Clear the line, if one was drawn. */
void progress_end(struct progress *p);

#endif
