/*
 * What the engine's log writers (W3C, HTTPERR) do alike with their files:
 * open one in their directory for appending, mode 0600, never through a
 * link, and write a whole line.
 */
#ifndef HS_LOGFILE_H
#define HS_LOGFILE_H

#include <stddef.h>
#include <sys/stat.h>

/* name in dir_fd, opened (made if missing) for appending; *st describes
 * it.  The descriptor, or -1 with errno set. */
int hs_logfile_open(int dir_fd, const char *name, struct stat *st);
/* All n bytes, or -1. */
int hs_logfile_write(int fd, const char *p, size_t n);

#endif
