/* web/main.c: main() of attackkb.cgi. Reads the CGI environment, lets
 * app_handle() build the response, writes it to stdout. */
#include "kb/strbuf.h"
#include "web/app.h"
#include "web/cgi.h"

#include <stdio.h>

int main(void)
{
	cgi_env env;
	strbuf out = STRBUF_INIT;
	int rc = 0;

	cgi_env_from_getenv(&env);
	app_handle(&out, &env);
	if (fwrite(out.ptr, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0)
		rc = 1;
	strbuf_free(&out);
	return rc;
}
