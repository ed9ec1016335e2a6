/* policy: which files a program may read, and opening them so that what was checked is
 * what is read. Paths are built in allocated buffers (a name can never lose its tail to a
 * fixed buffer), checked by their real path against the allowed roots, stat'ed before
 * opening (a device or FIFO is never opened), opened with O_NOFOLLOW|O_NONBLOCK and
 * checked again with fstat (the file that was opened is the one that was checked). */
#include "policy.h"
#include "diag.h"
#include "strmap.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct policy {
    char **roots;           /* real paths */
    size_t nroots;
    strmap_t *read;         /* every file opened, by "dev:inode", for policy_was_read */
};

policy_t *policy_new(void) { return calloc(1, sizeof(policy_t)); }

void policy_free(policy_t *p)
{
    if (!p) return;
    for (size_t i = 0; i < p->nroots; i++) free(p->roots[i]);
    free(p->roots);
    strmap_free(p->read);
    free(p);
}

/* real lies under root: root itself, or root followed by '/' */
static int under(const char *root, const char *real)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/') return real[0] == '/';
    return !strncmp(root, real, n) && (real[n] == '\0' || real[n] == '/');
}

int policy_allows(const policy_t *p, const char *real)
{
    for (size_t i = 0; i < p->nroots; i++)
        if (under(p->roots[i], real)) return 1;
    return 0;
}

int policy_allow(policy_t *p, const char *dir, char **why)
{
    *why = NULL;
    char *real = realpath(dir, NULL);
    struct stat st;
    if (!real || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *why = real ? diag_format("%s is not a directory", dir) : diag_format("%s: %s", dir, strerror(errno));
        free(real);
        return 0;
    }
    for (size_t i = 0; i < p->nroots; i++)
        if (!strcmp(p->roots[i], real)) { free(real); return 1; }
    char **r = realloc(p->roots, (p->nroots + 1) * sizeof *r);
    if (!r) { free(real); return 0; }
    p->roots = r;
    p->roots[p->nroots++] = real;
    return 1;
}

/* What a file that is not a regular file is, for "... is a directory" */
static const char *kind_of(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a named pipe (FIFO)" : S_ISSOCK(m) ? "a socket" :
           S_ISCHR(m) || S_ISBLK(m) ? "a device" : "not a regular file";
}

static policy_result refuse(char **why, char *msg)
{
    *why = msg;
    return POLICY_REFUSED;
}

static policy_result size_checked(const struct stat *st, const char *path, long long max_bytes, char **why)
{
    if (max_bytes > 0 && S_ISREG(st->st_mode) && (long long)st->st_size > max_bytes)
        return refuse(why, diag_format("%s is larger than the limit of %lld bytes", path, max_bytes));
    return POLICY_OK;
}

/* A file's identity as a key: its device and inode */
static void file_key(char key[48], dev_t dev, ino_t ino)
{
    snprintf(key, 48, "%llx:%llx", (unsigned long long)dev, (unsigned long long)ino);
}

int policy_remember(policy_t *p, const struct stat *st)
{
    char key[48];
    if (!p) return 1;
    if (!p->read && !(p->read = strmap_new())) return 0;
    file_key(key, st->st_dev, st->st_ino);
    return strmap_put(p->read, key, p);
}

int policy_was_read(const policy_t *p, dev_t dev, ino_t ino)
{
    char key[48];
    file_key(key, dev, ino);
    return p->read && strmap_get(p->read, key);
}

/* The descriptor blocks from here on (it was opened non-blocking so that opening it could
 * not wait), the policy remembers the file, and f takes the names. */
static policy_result opened(policy_t *p, int fd, const struct stat *st, char *path, char *real, policy_file_t *f, char **why)
{
    if (!policy_remember(p, st)) {
        close(fd);
        free(path); free(real);
        *why = NULL;
        return POLICY_REFUSED;
    }
    int fl = S_ISREG(st->st_mode) ? 0 : fcntl(fd, F_GETFL);   /* O_NONBLOCK means nothing to a regular file */
    if (fl < 0 || (!S_ISREG(st->st_mode) && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)) {
        close(fd);
        policy_result r = refuse(why, diag_format("%s: %s", path, strerror(errno)));
        free(path); free(real);
        return r;
    }
    f->fd = fd;
    f->path = path;
    f->real = real;
    f->st = *st;
    return POLICY_OK;
}

static char *joined(const char *base, const char *name)
{
    if (name[0] == '/' || !base || !*base || !strcmp(base, ".")) return strdup(name);
    return diag_format("%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", name);
}

policy_result policy_open(policy_t *p, const char *base, const char *name, long long max_bytes,
                          policy_file_t *f, char **why)
{
    *why = NULL;
    f->fd = -1;
    char *path = joined(base, name);
    if (!path) return POLICY_REFUSED;
    char *real = realpath(path, NULL);
    if (!real) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) { free(path); return POLICY_NOT_FOUND; }
        policy_result r = refuse(why, err == EACCES ? diag_format("%s: permission denied", path)
                                                    : diag_format("%s: %s", path, strerror(err)));
        free(path);
        return r;
    }
    struct stat st;
    policy_result r = POLICY_OK;
    if (!policy_allows(p, real))
        r = refuse(why, diag_format("%s is outside the directories a program may read (its own directory tree, the stdlib, "
                                    "OUTLAY_PATH and --allow-path directories)%s%s", path, strcmp(real, path) ? ": it is " : "",
                                    strcmp(real, path) ? real : ""));
    else if (stat(real, &st) != 0)
        r = refuse(why, diag_format("%s: %s", path, errno == EACCES ? "permission denied" : strerror(errno)));
    else if (!S_ISREG(st.st_mode))
        r = refuse(why, diag_format("%s is %s; only regular files are read", path, kind_of(st.st_mode)));
    else r = size_checked(&st, path, max_bytes, why);
    int fd = -1;
    if (r == POLICY_OK && (fd = open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0)
        r = refuse(why, diag_format("%s: %s", path, errno == EACCES ? "permission denied" : strerror(errno)));
    struct stat ost;
    /* replaced between the check and the open: refuse rather than read something unchecked */
    if (r == POLICY_OK && (fstat(fd, &ost) != 0 || !S_ISREG(ost.st_mode) || ost.st_dev != st.st_dev || ost.st_ino != st.st_ino))
        r = refuse(why, diag_format("%s changed while it was being opened", path));
    if (r == POLICY_OK) r = size_checked(&ost, path, max_bytes, why);
    if (r != POLICY_OK) {
        if (fd >= 0) close(fd);
        free(path); free(real);
        return r;
    }
    return opened(p, fd, &ost, path, real, f, why);
}

policy_result policy_open_user(policy_t *p, const char *name, long long max_bytes, policy_file_t *f, char **why)
{
    *why = NULL;
    f->fd = -1;
    int fd = open(name, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return refuse(why, diag_format("%s: %s", name, err == EACCES ? "permission denied" :
                                       err == ENXIO ? "a socket; only regular files are read" : strerror(err)));
    }
    struct stat st;
    policy_result r = POLICY_OK;
    if (fstat(fd, &st) != 0) r = refuse(why, diag_format("%s: %s", name, strerror(errno)));
    else if (S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode)) r = refuse(why, diag_format("%s is %s", name, kind_of(st.st_mode)));
    else r = size_checked(&st, name, max_bytes, why);
    char *path = r == POLICY_OK ? strdup(name) : NULL;
    char *real = path ? realpath(name, NULL) : NULL;
    if (path && !real) real = strdup(name);   /* a pipe from <(...) has no path of its own */
    if (r == POLICY_OK && (!path || !real)) r = POLICY_REFUSED;
    if (r != POLICY_OK) { close(fd); free(path); free(real); return r; }
    return opened(p, fd, &st, path, real, f, why);
}

void policy_file_close(policy_file_t *f)
{
    if (f->fd >= 0) close(f->fd);
    free(f->path);
    free(f->real);
    f->fd = -1;
    f->path = f->real = NULL;
}
