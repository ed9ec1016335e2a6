/* outfile: result files written so that nothing is damaged: regular files replaced
 * atomically, links followed, devices written in place, inputs never overwritten, and no
 * temporary file left behind by an interrupt. */
#include "outfile.h"
#include "diag.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary file being written, for the signal handler: set before the file exists
 * is possible, cleared after it is renamed or removed. */
static char *volatile temp_path;

static void remove_temp(int sig)
{
    char *p = temp_path;
    if (p) unlink(p);
    signal(sig, SIG_DFL);   /* then die of the signal, as if it had not been caught */
    raise(sig);
}

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
enum { NCAUGHT = sizeof caught / sizeof caught[0] };

static void guard(struct sigaction *old)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_temp;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < NCAUGHT; i++) sigaddset(&sa.sa_mask, caught[i]);
    for (int i = 0; i < NCAUGHT; i++) {
        sigaction(caught[i], NULL, &old[i]);
        if (old[i].sa_handler != SIG_IGN) sigaction(caught[i], &sa, NULL);   /* nohup stays nohup */
    }
}

static void unguard(const struct sigaction *old)
{
    for (int i = 0; i < NCAUGHT; i++) sigaction(caught[i], &old[i], NULL);
}

static int failed(char **why, const char *path, const char *reason)
{
    *why = diag_format("cannot write %s: %s", path, reason);
    return 0;
}

/* Writes an open stream, which this closes; reports the first error. */
static int write_stream(FILE *f, int sync, outfile_fn fn, void *ctx, const char *path, char **why)
{
    errno = 0;
    int ok = fn(f, ctx);
    int err = errno;
    if (ok && fflush(f) != 0) ok = 0, err = errno;
    if (ok && sync && fsync(fileno(f)) != 0) ok = 0, err = errno;
    if (fclose(f) != 0 && ok) ok = 0, err = errno;
    if (!ok) failed(why, path, err ? strerror(err) : "the result could not be written");
    return ok;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return !slash ? strdup(".") : slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* The mode a plain write would give the file: the replaced file's, or 0666 less the umask
 * (mkstemp makes its file private). */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

static int replace_atomically(const char *target, const struct stat *old, outfile_fn fn, void *ctx, const char *path, char **why)
{
    char *dir = dir_of(target);
    const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
    /* the temporary name is the file's own plus a suffix, unless that would be too long */
    char *tmp = !dir ? NULL : strlen(base) + 10 <= NAME_MAX ? diag_format("%s.tmpXXXXXX", target)
                                                             : diag_format("%s/outlay.tmpXXXXXX", dir);
    if (!tmp) { free(dir); return failed(why, path, "out of memory"); }
    struct sigaction saved[NCAUGHT];
    guard(saved);
    sigset_t block, prev;
    sigemptyset(&block);
    for (int i = 0; i < NCAUGHT; i++) sigaddset(&block, caught[i]);
    /* no signal between creating the file and recording it */
    sigprocmask(SIG_BLOCK, &block, &prev);
    int fd = mkstemp(tmp);
    if (fd >= 0) temp_path = tmp;
    int err = errno;
    sigprocmask(SIG_SETMASK, &prev, NULL);
    int ok = 0;
    if (fd < 0) failed(why, path, strerror(err));
    else {
        if (old) {
            if (fchown(fd, old->st_uid, old->st_gid) != 0) { /* not the owner: the file becomes ours */ }
            fchmod(fd, old->st_mode & 07777);
        } else fchmod(fd, new_file_mode());
        FILE *f = fdopen(fd, "w");
        if (!f) { close(fd); failed(why, path, strerror(errno)); }
        else ok = write_stream(f, 1, fn, ctx, path, why);
        if (ok && rename(tmp, target) != 0) ok = 0, failed(why, path, strerror(errno));
        if (!ok) unlink(tmp);
        sigprocmask(SIG_BLOCK, &block, &prev);
        temp_path = NULL;
        sigprocmask(SIG_SETMASK, &prev, NULL);
        /* the rename itself reaches the disk with the directory */
        int dfd = ok ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        if (dfd >= 0) { fsync(dfd); close(dfd); }
    }
    unguard(saved);
    free(tmp);
    free(dir);
    return ok;
}

int outfile_write(const char *path, const policy_t *inputs, outfile_fn fn, void *ctx, char **why)
{
    *why = NULL;
    if (!strcmp(path, "-")) {
        errno = 0;
        int ok = fn(stdout, ctx) && fflush(stdout) == 0;
        if (!ok) failed(why, "standard output", errno ? strerror(errno) : "the result could not be written");
        return ok;
    }
    struct stat lst, st;
    if (lstat(path, &lst) != 0) {
        if (errno != ENOENT) return failed(why, path, strerror(errno));
        return replace_atomically(path, NULL, fn, ctx, path, why);
    }
    /* a symlink is followed: its target is what gets written */
    char *target = S_ISLNK(lst.st_mode) ? realpath(path, NULL) : strdup(path);
    if (!target) return failed(why, path, S_ISLNK(lst.st_mode) && errno == ENOENT ? "it is a symlink to nothing" : strerror(errno));
    int ok;
    if (stat(target, &st) != 0) ok = failed(why, path, strerror(errno));
    else if (S_ISDIR(st.st_mode)) ok = failed(why, path, "it is a directory");
    else if (S_ISSOCK(st.st_mode)) ok = failed(why, path, "it is a socket");
    else if (inputs && policy_was_read(inputs, st.st_dev, st.st_ino))
        ok = failed(why, path, "it is a file this run read (the program or one of its inputs)");
    else if (S_ISREG(st.st_mode)) ok = replace_atomically(target, &st, fn, ctx, path, why);
    else {
        /* a device or FIFO: written where it is, as a shell redirection would */
        int fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (fd >= 0 && !f) close(fd);
        ok = f ? write_stream(f, 0, fn, ctx, path, why) : failed(why, path, strerror(errno));
    }
    free(target);
    return ok;
}
