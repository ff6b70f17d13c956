/* parser/git2load.h: libgit2, loaded when first needed.
 *
 * Linking libgit2 would load its twenty libraries (Kerberos, TLS, SSH,
 * PCRE) into every run of attackkb: about 3 ms of dynamic linking, more
 * than a whole `show` should take, though only the commands that read or
 * write a repository use it. Its users (parser/gitrepo.c, export/vaultgit.c)
 * include this header instead of <git2.h> and call git2_load() first; the
 * functions listed here are then called through pointers of their own
 * declared types, so every call is still checked against libgit2's
 * prototypes. A function missing from the list fails to link. */
#ifndef PARSER_GIT2LOAD_H
#define PARSER_GIT2LOAD_H

#include <git2.h>

/* Every libgit2 function attackkb calls. */
#define GIT2_FUNCTIONS(X)                                                   \
	X(git_blob_create_from_buffer)                                      \
	X(git_blob_free)                                                    \
	X(git_blob_lookup)                                                  \
	X(git_blob_rawcontent)                                              \
	X(git_blob_rawsize)                                                 \
	X(git_commit_create)                                                \
	X(git_commit_free)                                                  \
	X(git_commit_tree)                                                  \
	X(git_error_last)                                                   \
	X(git_index_add)                                                    \
	X(git_index_free)                                                   \
	X(git_index_get_bypath)                                             \
	X(git_index_new)                                                    \
	X(git_index_read)                                                   \
	X(git_index_read_tree)                                              \
	X(git_index_remove)                                                 \
	X(git_index_write)                                                  \
	X(git_index_write_tree_to)                                          \
	X(git_object_free)                                                  \
	X(git_object_id)                                                    \
	X(git_object_lookup)                                                \
	X(git_object_peel)                                                  \
	X(git_oid_equal)                                                    \
	X(git_oid_fromstr)                                                  \
	X(git_oid_is_zero)                                                  \
	X(git_oid_tostr)                                                    \
	X(git_reference_dwim)                                               \
	X(git_reference_free)                                               \
	X(git_reference_peel)                                               \
	X(git_reference_resolve)                                            \
	X(git_reference_target)                                             \
	X(git_repository_free)                                              \
	X(git_repository_head)                                              \
	X(git_repository_index)                                             \
	X(git_repository_init)                                              \
	X(git_repository_is_shallow)                                        \
	X(git_repository_open_ext)                                          \
	X(git_revparse_single)                                              \
	X(git_signature_default)                                            \
	X(git_signature_free)                                               \
	X(git_signature_now)                                                \
	X(git_tag_foreach)                                                  \
	X(git_tree_entry_byindex)                                           \
	X(git_tree_entry_byname)                                            \
	X(git_tree_entry_id)                                                \
	X(git_tree_entry_name)                                              \
	X(git_tree_entry_type)                                              \
	X(git_tree_entrycount)                                              \
	X(git_tree_free)                                                    \
	X(git_tree_id)                                                      \
	X(git_tree_lookup)                                                  \
	X(git_libgit2_init)                                                 \
	X(git_libgit2_shutdown)

#define GIT2_DECLARE(fn) extern __typeof__(fn) *git2_##fn;
GIT2_FUNCTIONS(GIT2_DECLARE)
#undef GIT2_DECLARE

/* Load libgit2 (libgit2.so.LIBGIT2_SOVERSION, the version built against)
 * and initialise it, once per process; it is shut down at exit.
 * Thread-safe. 0, or KB_ERROR with a message naming the library. */
int git2_load(void);

#ifndef GIT2LOAD_IMPLEMENTATION
#define git_blob_create_from_buffer (*git2_git_blob_create_from_buffer)
#define git_blob_free (*git2_git_blob_free)
#define git_blob_lookup (*git2_git_blob_lookup)
#define git_blob_rawcontent (*git2_git_blob_rawcontent)
#define git_blob_rawsize (*git2_git_blob_rawsize)
#define git_commit_create (*git2_git_commit_create)
#define git_commit_free (*git2_git_commit_free)
#define git_commit_tree (*git2_git_commit_tree)
#define git_error_last (*git2_git_error_last)
#define git_index_add (*git2_git_index_add)
#define git_index_free (*git2_git_index_free)
#define git_index_get_bypath (*git2_git_index_get_bypath)
#define git_index_new (*git2_git_index_new)
#define git_index_read (*git2_git_index_read)
#define git_index_read_tree (*git2_git_index_read_tree)
#define git_index_remove (*git2_git_index_remove)
#define git_index_write (*git2_git_index_write)
#define git_index_write_tree_to (*git2_git_index_write_tree_to)
#define git_object_free (*git2_git_object_free)
#define git_object_id (*git2_git_object_id)
#define git_object_lookup (*git2_git_object_lookup)
#define git_object_peel (*git2_git_object_peel)
#define git_oid_equal (*git2_git_oid_equal)
#define git_oid_fromstr (*git2_git_oid_fromstr)
#define git_oid_is_zero (*git2_git_oid_is_zero)
#define git_oid_tostr (*git2_git_oid_tostr)
#define git_reference_dwim (*git2_git_reference_dwim)
#define git_reference_free (*git2_git_reference_free)
#define git_reference_peel (*git2_git_reference_peel)
#define git_reference_resolve (*git2_git_reference_resolve)
#define git_reference_target (*git2_git_reference_target)
#define git_repository_free (*git2_git_repository_free)
#define git_repository_head (*git2_git_repository_head)
#define git_repository_index (*git2_git_repository_index)
#define git_repository_init (*git2_git_repository_init)
#define git_repository_is_shallow (*git2_git_repository_is_shallow)
#define git_repository_open_ext (*git2_git_repository_open_ext)
#define git_revparse_single (*git2_git_revparse_single)
#define git_signature_default (*git2_git_signature_default)
#define git_signature_free (*git2_git_signature_free)
#define git_signature_now (*git2_git_signature_now)
#define git_tag_foreach (*git2_git_tag_foreach)
#define git_tree_entry_byindex (*git2_git_tree_entry_byindex)
#define git_tree_entry_byname (*git2_git_tree_entry_byname)
#define git_tree_entry_id (*git2_git_tree_entry_id)
#define git_tree_entry_name (*git2_git_tree_entry_name)
#define git_tree_entry_type (*git2_git_tree_entry_type)
#define git_tree_entrycount (*git2_git_tree_entrycount)
#define git_tree_free (*git2_git_tree_free)
#define git_tree_id (*git2_git_tree_id)
#define git_tree_lookup (*git2_git_tree_lookup)
#endif

#endif
