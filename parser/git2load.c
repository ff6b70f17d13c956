/* parser/git2load.c: libgit2 loaded on first use (see git2load.h). */
#define GIT2LOAD_IMPLEMENTATION
#include "parser/git2load.h"
#include "kb/error.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define GIT2_DEFINE(fn) __typeof__(fn) *git2_##fn;
GIT2_FUNCTIONS(GIT2_DEFINE)
#undef GIT2_DEFINE

static const char library[] = "libgit2.so." LIBGIT2_SOVERSION;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static char failure[512]; /* dlerror()'s text, if loading failed */

static void shutdown_git2(void)
{
	git2_git_libgit2_shutdown();
}

static void load(void)
{
	void *lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);

	if (!lib) {
		snprintf(failure, sizeof(failure), "%s", dlerror());
		return;
	}
	/* POSIX's way to store dlsym's void * in a function pointer. */
#define GIT2_LOAD(fn)                                                        \
	if (!(*(void **)&git2_##fn = dlsym(lib, #fn))) {                     \
		snprintf(failure, sizeof(failure), "%s", dlerror());         \
		return;                                                      \
	}
	GIT2_FUNCTIONS(GIT2_LOAD)
#undef GIT2_LOAD
	git2_git_libgit2_init();
	atexit(shutdown_git2);
}

int git2_load(void)
{
	pthread_once(&once, load);
	if (*failure)
		return kb_error_set(KB_ERROR,
				    "cannot load %s (libgit2 %s, needed to "
				    "read or write git repositories): %s; "
				    "install it with: apt-get install "
				    "libgit2-%s",
				    library, LIBGIT2_VERSION, failure,
				    LIBGIT2_SOVERSION);
	return 0;
}
