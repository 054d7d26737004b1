#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "logfile.h"

int hs_logfile_open(int dir_fd, const char *name, struct stat *st)
{
    int fd = openat(dir_fd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

    if (fd >= 0 && fstat(fd, st))
    {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int hs_logfile_write(int fd, const char *p, size_t n)
{
    while (n)
    {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}
