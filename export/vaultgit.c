/* export/vaultgit.c: commit what an export wrote, from HEAD, through an
 * in-memory index so that nothing the analyst staged is committed. */
#include "export/vaultgit.h"
#include "export/vaultnote.h"
#include "parser/git2load.h"
#include "kb/error.h"
#include "kb/strbuf.h"
#include "kb/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Translate a libgit2 failure into KB_ERROR with its message. */
static int git_fail(const char *what)
{
	const git_error *e = git_error_last();

	return kb_error_set(KB_ERROR, "git: %s: %s", what,
			    e && e->message ? e->message : "failed");
}

/* Open the repository whose top is exactly dir, or create it. */
static int open_repo(git_repository **out, const char *dir)
{
	int rc = git_repository_open_ext(out, dir,
					 GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);

	if (rc == GIT_ENOTFOUND)
		rc = git_repository_init(out, dir, 0);
	return rc < 0 ? git_fail(dir) : 0;
}

/* The new content of a note: its HEAD version (base, may be NULL) with
 * the generated parts spliced in, or the generated note alone. */
static char *note_text(size_t *len, const git_blob *base,
		       const vaultgit_change *c, const char *const *owned)
{
	char *text = NULL;

	if (base &&
	    vaultnote_splice(&text, len, git_blob_rawcontent(base),
			     (size_t)git_blob_rawsize(base), c->frontmatter,
			     c->body, owned) == 0)
		return text;
	kb_error_clear();
	text = vaultnote_render(c->frontmatter, c->body);
	*len = strlen(text);
	return text;
}

int vaultgit_commit(const char *dir, const vaultgit_change *changes, size_t n,
		    const char *const *owned, const char *title,
		    const char *detail, bool *committed, char hex[41])
{
	git_repository *repo = NULL;
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *tree = NULL;
	git_index *mem = NULL, *real = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	strbuf msg = STRBUF_INIT;
	size_t added = 0, changed = 0, removed = 0;
	bool touched = false; /* attackkb's own files changed */
	int rc, error = 0;

	*committed = false;
	hex[0] = '\0';
	if ((error = git2_load()) < 0)
		return error;
	if ((error = open_repo(&repo, dir)) < 0)
		goto done;
	rc = git_repository_head(&head, repo);
	if (rc == 0) {
		if (git_reference_peel((git_object **)&parent, head,
				       GIT_OBJECT_COMMIT) < 0 ||
		    git_commit_tree(&base, parent) < 0) {
			error = git_fail("HEAD");
			goto done;
		}
	} else if (rc != GIT_EUNBORNBRANCH && rc != GIT_ENOTFOUND) {
		error = git_fail("HEAD");
		goto done;
	}
	if (git_index_new(&mem) < 0 ||
	    (base && git_index_read_tree(mem, base) < 0)) {
		error = git_fail("index");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const vaultgit_change *c = &changes[i];
		const git_index_entry *old =
			git_index_get_bypath(mem, c->path, 0);
		git_blob *blob = NULL;
		git_index_entry e;
		git_oid id;
		char *text = NULL;
		size_t len;

		/* Counts are of the vault's files, not of attackkb's own. */
		bool own = strncmp(c->path, ".attackkb/", 10) == 0;

		if (c->remove) {
			if (old) {
				git_index_remove(mem, c->path, 0);
				removed += !own;
			}
			continue;
		}
		if (old && !c->data &&
		    git_blob_lookup(&blob, repo, &old->id) < 0) {
			error = git_fail(c->path);
			goto done;
		}
		if (c->data) {
			len = c->len;
		} else {
			text = note_text(&len, blob, c, owned);
		}
		git_blob_free(blob);
		rc = git_blob_create_from_buffer(&id, repo,
						 c->data ? c->data : text, len);
		free(text);
		if (rc < 0) {
			error = git_fail(c->path);
			goto done;
		}
		if (old && git_oid_equal(&old->id, &id))
			continue;
		memset(&e, 0, sizeof(e));
		e.mode = GIT_FILEMODE_BLOB;
		e.id = id;
		e.path = c->path;
		if (git_index_add(mem, &e) < 0) {
			error = git_fail(c->path);
			goto done;
		}
		if (own)
			touched = true;
		else if (old)
			changed++;
		else
			added++;
	}
	if (git_index_write_tree_to(&tree_id, mem, repo) < 0) {
		error = git_fail("tree");
		goto done;
	}
	if ((base && git_oid_equal(&tree_id, git_tree_id(base))) ||
	    (!base && added == 0 && !touched))
		goto done; /* nothing to commit */
	if (git_tree_lookup(&tree, repo, &tree_id) < 0) {
		error = git_fail("tree");
		goto done;
	}
	if (git_signature_default(&sig, repo) < 0 &&
	    git_signature_now(&sig, "attackkb", "attackkb@localhost") < 0) {
		error = git_fail("signature");
		goto done;
	}
	strbuf_printf(&msg, "%s\n\n%zu added, %zu changed, %zu removed\n",
		      title, added, changed, removed);
	if (detail && *detail)
		strbuf_printf(&msg, "%s\n", detail);
	if (git_commit_create(&commit_id, repo, "HEAD", sig, sig, NULL,
			      msg.ptr, tree, parent ? 1 : 0,
			      (const git_commit **)&parent) < 0) {
		error = git_fail("commit");
		goto done;
	}
	*committed = true;
	git_oid_tostr(hex, 41, &commit_id);
	/* The repository's index follows the commit for our paths only. */
	if (git_repository_index(&real, repo) < 0 ||
	    git_index_read(real, 0) < 0) {
		error = git_fail("index");
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const git_index_entry *e =
		    git_index_get_bypath(mem, changes[i].path, 0);

		if (e)
			rc = git_index_add(real, e);
		else if (git_index_get_bypath(real, changes[i].path, 0))
			rc = git_index_remove(real, changes[i].path, 0);
		else
			rc = 0;
		if (rc < 0) {
			error = git_fail(changes[i].path);
			goto done;
		}
	}
	if (git_index_write(real) < 0)
		error = git_fail("index");
done:
	strbuf_free(&msg);
	git_signature_free(sig);
	git_index_free(real);
	git_index_free(mem);
	git_tree_free(tree);
	git_tree_free(base);
	git_commit_free(parent);
	git_reference_free(head);
	git_repository_free(repo);
	return error;
}
