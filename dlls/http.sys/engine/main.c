/*
 * The engine process: startup, and the main loop that ties the event loop,
 * the connections and the queues' rings together.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <openssl/err.h>
#include <openssl/crypto.h>

#include "engine.h"
#include "certs.h"
#include "tls.h"
#include "pkcs12.h"
#include "control.h"
#include "queue.h"
#include "conn.h"
#include "conntable.h"
#include "logon.h"
#include "cachectl.h"
#include "httperr.h"
#include "log.h"
#include "shmq.h"

#define DRIVER_WAIT_MS 30000   /* the driver must connect this soon after spawning us */

extern struct hs_timer hs_driver_timer;
extern const struct hs_control_handlers hs_engine_handlers;

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    (void)sig;
    got_signal = 1;
}

/* ------------------------------------------------------------------------ */
/* startup                                                                   */
/* ------------------------------------------------------------------------ */

static void driver_timeout(struct hs_timer *t)
{
    (void)t;
    ERR("the driver did not connect: exiting");
    got_signal = 1;
}

static void doorbell_event(struct hs_ev_handler *h, uint32_t events)
{
    struct hs_engine *eng = HS_CONTAINER(h, struct hs_engine, doorbell_ev);
    char buf[256];

    (void)events;
    while (read(eng->doorbell_fd, buf, sizeof(buf)) > 0) {}
}

/* The run directory holds the ready file and the doorbell: it must be ours
 * and closed to everybody else. */
static int prepare_rundir(const char *dir)
{
    struct stat st;

    if (mkdir(dir, 0700) && errno != EEXIST) return -1;
    if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != getuid()) return -1;
    if ((st.st_mode & 0777) != 0700 && chmod(dir, 0700)) return -1;
    return 0;
}

static int open_doorbell(struct hs_engine *eng)
{
    char path[600];

    snprintf(path, sizeof(path), "%s/doorbell", eng->rundir);
    unlink(path);
    if (mkfifo(path, 0600)) return -1;
    /* O_RDWR: there is always a writer, so the FIFO never reports EOF */
    if ((eng->doorbell_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) return -1;
    eng->doorbell_ev.fn = doorbell_event;
    return hs_ev_add(eng->loop, eng->doorbell_fd, EPOLLIN, &eng->doorbell_ev);
}

static void close_inherited_fds(void)
{
    /* winedevice's descriptors (its wineserver socket among them) must not
     * live on in the engine: they would keep Wine's objects alive. */
#ifdef SYS_close_range
    if (!syscall(SYS_close_range, 3, ~0u, 0)) return;
#endif
    for (int fd = 3; fd < 1024; fd++) close(fd);
}

/* Every connection is a descriptor: take all the kernel lets us have. */
static void raise_fd_limit(void)
{
    struct rlimit rl;

    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max)
    {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

/* EnableErrorLogging, ErrorLoggingDir (else its default), ErrorLogFileTruncateSize */
static void open_error_log(struct hs_engine *eng)
{
    const char *dir = eng->cfg.error_log_unix_dir[0] ? eng->cfg.error_log_unix_dir : eng->cfg.error_log_default_dir;

    if (!eng->cfg.enable_error_logging)
    {
        TRACE("EnableErrorLogging is 0: no HTTPERR log");
        return;
    }
    if (!dir[0])
    {
        TRACE("no error log directory given: no HTTPERR log");
        return;
    }
    eng->httperr = hs_httperr_open(dir, eng->cfg.error_log_file_truncate_size);
}

static void usage(void)
{
    fprintf(stderr, "usage: httpsys-engine --rundir DIR [--restarted PID] [--param Name:type=value]...\n");
}

static int poll_queues(struct hs_engine *eng)
{
    struct hs_list *cur, *next;
    int work = 0;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues)
        work += hs_queue_poll(eng, HS_CONTAINER(cur, struct hs_queue, link));
    return work;
}

static void set_idle(struct hs_engine *eng, int idle)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues)
        hs_queue_set_idle(HS_CONTAINER(cur, struct hs_queue, link), idle);
}

static int queues_have_work(struct hs_engine *eng)
{
    struct hs_list *cur, *next;

    HS_LIST_FOR_EACH_SAFE(cur, next, &eng->queues)
        if (hs_queue_has_work(HS_CONTAINER(cur, struct hs_queue, link))) return 1;
    return 0;
}

static void run(struct hs_engine *eng)
{
    while (!eng->done)
    {
        int wait = -1, events;

        if (got_signal) { hs_engine_shutdown(eng); break; }
        hs_conn_run_queue(eng);
        if (poll_queues(eng)) wait = 0;
        hs_conn_run_queue(eng);
        if (wait)
        {
            /* Servers ring the doorbell only when they see us idle: announce
             * it first, then look once more, then sleep. */
            set_idle(eng, 1);
            if (queues_have_work(eng) || !hs_list_empty(&eng->runq)) wait = 0;
        }
        if ((events = hs_evloop_run_once(eng->loop, wait)) < 0)
        {
            ERR("epoll failed: %s", strerror(errno));
            break;
        }
        hs_engine_after_events(eng, events);
        set_idle(eng, 0);
        hs_conn_reap_graveyard(eng);
    }
    hs_conn_reap_graveyard(eng);
}

/* The driver started us because the engine before us (pid) died: say so
 * in the log, and tell the servers that still map its queues' memory that
 * those queues are gone (a dead engine marks nothing closed itself). */
static void after_restart(int pid)
{
    char prefix[64];
    int swept;

    snprintf(prefix, sizeof(prefix), "httpsys-%d-", pid);
    swept = hs_shmq_sweep("/dev/shm", prefix);
    WARN("restarted after the previous engine (pid %d) exited; %d of its queues swept", pid, swept);
}

int main(int argc, char **argv)
{
    struct hs_engine eng;
    char path[600];
    int i, restarted = 0;

    close_inherited_fds();
    raise_fd_limit();
    hs_engine_tune_allocator();
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    umask(077);

    memset(&eng, 0, sizeof(eng));
    hs_config_defaults(&eng.cfg);
    for (i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--rundir") && i + 1 < argc)
            snprintf(eng.rundir, sizeof(eng.rundir), "%s", argv[++i]);
        else if (!strcmp(argv[i], "--param") && i + 1 < argc)
            i++;   /* applied below, once logging is up */
        else if (!strcmp(argv[i], "--restarted") && i + 1 < argc)
            restarted = atoi(argv[++i]);
        else { usage(); return 2; }
    }
    if (!eng.rundir[0]) { usage(); return 2; }
    if (prepare_rundir(eng.rundir))
    {
        fprintf(stderr, "httpsys-engine: run directory %s is not usable (must be ours, mode 0700)\n", eng.rundir);
        return 1;
    }
    snprintf(path, sizeof(path), "%s/engine.log", eng.rundir);
    hs_log_init(getenv("WINEDEBUG"), path);
    for (i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--param") && i + 1 < argc) hs_config_apply(&eng.cfg, argv[++i]);
        else if (!strcmp(argv[i], "--rundir") || !strcmp(argv[i], "--restarted")) i++;
    hs_config_finish(&eng.cfg);
    if (restarted > 0) after_restart(restarted);
    open_error_log(&eng);
    TRACE("engine %d starting with %s", (int)getpid(), OpenSSL_version(OPENSSL_VERSION));
    TRACE("MaxFieldLength %u MaxRequestBytes %u MaxConnections %u EnableKernelSSL %u",
          eng.cfg.max_field_length, eng.cfg.max_request_bytes, eng.cfg.max_connections, eng.cfg.enable_kernel_ssl);

    hs_engine_init_lists(&eng);
    if (hs_tls_init(&eng))
    {
        ERR("cannot set up TLS: %s", ERR_reason_error_string(ERR_get_error()));
        return 1;
    }
    if (!(eng.loop = hs_evloop_new()) || open_doorbell(&eng))
    {
        ERR("cannot set up the event loop: %s", strerror(errno));
        return 1;
    }
    if (!(eng.ctl = hs_control_start(&eng, eng.rundir, &hs_engine_handlers))) return 1;
    hs_driver_timer.fn = driver_timeout;
    hs_timer_arm(eng.loop, &hs_driver_timer, DRIVER_WAIT_MS);

    run(&eng);

    snprintf(path, sizeof(path), "%s/%s", eng.rundir, HS_READY_FILE);
    unlink(path);
    snprintf(path, sizeof(path), "%s/doorbell", eng.rundir);
    unlink(path);
    hs_control_flush(eng.ctl);
    hs_control_free(eng.ctl);
    hs_certs_forget_all(&eng);
    hs_tls_free(&eng);
    hs_pkcs12_cleanup();
    hs_records_free(&eng.records);
    hs_router_free(&eng.router);
    hs_logon_free(&eng);
    hs_conn_table_free(&eng);
    hs_cachectl_free(&eng);
    hs_httperr_free(eng.httperr);
    close(eng.doorbell_fd);
    hs_evloop_free(eng.loop);
    hs_log_close();
    return 0;
}
