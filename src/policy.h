/* policy: the one file-access policy for everything a program opens (imports, usage files,
 * anything later). A program may read regular files under its allowed roots only: its own
 * directory tree (the directory of the file given on the command line; the working
 * directory for standard input, `eval` and the REPL), the stdlib, OUTLAY_PATH entries and
 * --allow-path directories. A path is resolved with every symlink followed and checked
 * against the roots by its real path, so neither `..` nor a symlink inside a root leads
 * out of it. Devices, FIFOs, sockets and directories are refused, and so is a file larger
 * than the caller's limit. Files the user named on the command line are opened with
 * policy_open_user: no roots, but still never a directory or a socket.
 * Errors are malloc'd sentences naming the rule that refused the file. */
#ifndef OUTLAY_POLICY_H
#define OUTLAY_POLICY_H
#include <sys/stat.h>

typedef struct policy policy_t;

/* A file opened for reading. fd is blocking and close-on-exec; read it with read(2),
 * fdopen(fd, "rb") or gzdopen (which then own it: set fd to -1 before policy_file_close). */
typedef struct policy_file {
    int fd;
    char *path;             /* the path as resolved from the name, for diagnostics */
    char *real;             /* the real path (no symlinks, no `..`): a key for "same file" */
    struct stat st;         /* fstat after opening */
} policy_file_t;

typedef enum {
    POLICY_OK,
    POLICY_NOT_FOUND,       /* nothing by that name: a search may try its next place */
    POLICY_REFUSED          /* anything else (outside the roots, not a regular file, no
                             * permission, too large): a search stops and reports *why */
} policy_result;

policy_t *policy_new(void);
void policy_free(policy_t *p);
/* Lets the policy read under dir's tree (resolved to its real path now). 0 and *why when
 * dir cannot be resolved; a directory already allowed is not added twice. */
int policy_allow(policy_t *p, const char *dir, char **why);
/* 1 when real (a real path) lies under an allowed root. */
int policy_allows(const policy_t *p, const char *real);

/* Opens name for reading under the policy. A relative name resolves against base (a
 * directory; NULL or "" is the working directory). max_bytes > 0 limits the size. On
 * POLICY_OK *f is filled; otherwise *why says why (NULL for out of memory). */
policy_result policy_open(policy_t *p, const char *base, const char *name, long long max_bytes,
                          policy_file_t *f, char **why);
/* Opens a file the user named on the command line: any place, and a FIFO or device too
 * (the user chose it: `outlay run <(gen)` reads a pipe); never a directory or a socket.
 * There is no search, so a missing file is POLICY_REFUSED with *why saying so. p may be
 * NULL (then the file is not remembered as read). */
policy_result policy_open_user(policy_t *p, const char *name, long long max_bytes, policy_file_t *f, char **why);
void policy_file_close(policy_file_t *f);

/* 1 when a file with this device and inode was opened through p: an input that an output
 * (--out) must not replace. */
int policy_was_read(const policy_t *p, dev_t dev, ino_t ino);
/* Counts a file opened through another policy (or none) as read through p; 0 when out of
 * memory. */
int policy_remember(policy_t *p, const struct stat *st);
#endif
