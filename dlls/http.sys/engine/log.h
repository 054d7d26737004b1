/*
 * Engine logging, in the spirit of Wine's debug channels.
 *
 * ERR and WARN always go to the engine log file (the service's event log:
 * run/engine.log, mode 0600); they go to stderr as well, and TRACE goes
 * there only, when WINEDEBUG enables the "httpsys" channel (+httpsys,
 * warn+httpsys, ...).  Nothing that is secret is ever passed to these.
 */
#ifndef HS_LOG_H
#define HS_LOG_H

#include <stdarg.h>

enum hs_log_level { HS_LOG_ERR, HS_LOG_WARN, HS_LOG_TRACE };

void hs_log_init(const char *winedebug, const char *logfile);
void hs_log_close(void);
int  hs_log_enabled(enum hs_log_level level);
void hs_log(enum hs_log_level level, const char *func, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define ERR(...)   hs_log(HS_LOG_ERR, __func__, __VA_ARGS__)
#define WARN(...)  hs_log(HS_LOG_WARN, __func__, __VA_ARGS__)
#define TRACE(...) do { if (hs_log_enabled(HS_LOG_TRACE)) hs_log(HS_LOG_TRACE, __func__, __VA_ARGS__); } while (0)

#endif
