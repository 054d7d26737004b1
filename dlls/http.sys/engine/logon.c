#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/eventfd.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <security/pam_appl.h>

#include "logon.h"
#include "auth.h"
#include "conn.h"
#include "conntable.h"
#include "log.h"

#define LOGON_WORKERS  4
#define LOGON_PENDING  16          /* checks running or queued for a worker */
#define LOGON_KEEP_MS  30000       /* how long a connection may reuse a success */
#define LOGON_SERVICE  "httpsys"   /* PAM falls back to "other" without a file of this name */
#define NAME_MAX_LEN   256

enum memo_state { MEMO_NONE, MEMO_CHECKING, MEMO_ROOM, MEMO_ANSWERED };

/* What a connection knows of its credentials: never the password itself. */
struct hs_logon_memo
{
    struct hs_conn *conn;
    struct hs_list room_link;      /* logon->room while MEMO_ROOM */
    enum memo_state state;
    uint8_t digest[SHA256_DIGEST_LENGTH];
    int32_t sec_status;
    uint64_t answered_ms;
};

struct job
{
    struct job *next;
    uint64_t conn_id;
    uint8_t digest[SHA256_DIGEST_LENGTH];
    char user[NAME_MAX_LEN];
    char rhost[INET6_ADDRSTRLEN];
    char *password;
    size_t password_len;
    int pam_rc;
};

struct hs_logon
{
    struct hs_engine *eng;
    char login[NAME_MAX_LEN];      /* the engine's own user's login name */
    char host[NAME_MAX_LEN];       /* the host name's first label: Wine's computer name */
    int efd;                       /* workers -> event loop: answers are in */
    struct hs_ev_handler ev;
    pthread_t threads[LOGON_WORKERS];
    int thread_count;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    struct job *todo, **todo_tail, *done;   /* under lock */
    int stopping;                            /* under lock */
    unsigned pending;              /* jobs handed out and not answered (event loop only) */
    struct hs_list room;           /* connections waiting for pending to drop */
};

static void free_job(struct job *j)
{
    if (j->password)
    {
        explicit_bzero(j->password, j->password_len);
        free(j->password);
    }
    explicit_bzero(j, sizeof(*j));
    free(j);
}

/* PAM asks: the password for prompts that hide the answer, the user name
 * for those that echo it; messages need no answer. */
static int converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    const struct job *j = data;
    struct pam_response *r;
    int i;

    if (n <= 0 || !(r = calloc((size_t)n, sizeof(*r)))) return PAM_BUF_ERR;
    for (i = 0; i < n; i++)
    {
        const char *answer = NULL;

        switch (msg[i]->msg_style)
        {
        case PAM_PROMPT_ECHO_OFF: answer = j->password; break;
        case PAM_PROMPT_ECHO_ON: answer = j->user; break;
        case PAM_ERROR_MSG:
        case PAM_TEXT_INFO: continue;
        default: break;
        }
        if (!answer || !(r[i].resp = strdup(answer)))
        {
            while (i >= 0)
            {
                if (r[i].resp)
                {
                    explicit_bzero(r[i].resp, strlen(r[i].resp));
                    free(r[i].resp);
                }
                i--;
            }
            free(r);
            return PAM_CONV_ERR;
        }
    }
    *resp = r;
    return PAM_SUCCESS;
}

static int pam_check(struct job *j)
{
    struct pam_conv conv = { converse, j };
    pam_handle_t *h = NULL;
    int rc;

    if ((rc = pam_start(LOGON_SERVICE, j->user, &conv, &h)) != PAM_SUCCESS) return rc;
    if (j->rhost[0]) pam_set_item(h, PAM_RHOST, j->rhost);
    rc = pam_authenticate(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
    /* a disabled or expired account cannot log on either, as on Windows */
    if (rc == PAM_SUCCESS) rc = pam_acct_mgmt(h, PAM_SILENT | PAM_DISALLOW_NULL_AUTHTOK);
    pam_end(h, rc);
    return rc;
}

static void *worker(void *arg)
{
    struct hs_logon *l = arg;
    uint64_t one = 1;

    for (;;)
    {
        struct job *j;

        pthread_mutex_lock(&l->lock);
        while (!l->todo && !l->stopping) pthread_cond_wait(&l->wake, &l->lock);
        if (!(j = l->todo))
        {
            pthread_mutex_unlock(&l->lock);
            return NULL;
        }
        if (!(l->todo = j->next)) l->todo_tail = &l->todo;
        pthread_mutex_unlock(&l->lock);

        j->pam_rc = pam_check(j);
        explicit_bzero(j->password, j->password_len);
        free(j->password);
        j->password = NULL;

        pthread_mutex_lock(&l->lock);
        j->next = l->done;
        l->done = j;
        pthread_mutex_unlock(&l->lock);
        while (write(l->efd, &one, sizeof(one)) < 0 && errno == EINTR) {}
    }
}

/* A waiting connection is parsed again: it asks anew. */
static void give_room(struct hs_logon *l)
{
    while (l->pending < LOGON_PENDING && !hs_list_empty(&l->room))
    {
        struct hs_logon_memo *m = HS_CONTAINER(l->room.next, struct hs_logon_memo, room_link);

        hs_list_remove(&m->room_link);
        m->state = MEMO_NONE;
        hs_conn_resume(m->conn);
    }
}

static void answers_in(struct hs_ev_handler *h, uint32_t events)
{
    struct hs_logon *l = HS_CONTAINER(h, struct hs_logon, ev);
    struct job *list;
    uint64_t n;

    while (read(l->efd, &n, sizeof(n)) < 0 && errno == EINTR) {}
    pthread_mutex_lock(&l->lock);
    list = l->done;
    l->done = NULL;
    pthread_mutex_unlock(&l->lock);
    while (list)
    {
        struct job *j = list;
        struct hs_conn *c = hs_conn_table_find(l->eng, j->conn_id);
        struct hs_logon_memo *m = c ? c->logon : NULL;

        list = j->next;
        l->pending--;
        /* a connection that closed meanwhile is gone from the table */
        if (m && m->state == MEMO_CHECKING && !CRYPTO_memcmp(m->digest, j->digest, sizeof(m->digest)))
        {
            m->state = MEMO_ANSWERED;
            m->sec_status = j->pam_rc == PAM_SUCCESS ? 0 : HS_SEC_E_LOGON_DENIED;
            m->answered_ms = hs_now_ms();
            TRACE("connection %llu: Basic logon of %s: %s", (unsigned long long)j->conn_id, j->user,
                  j->pam_rc == PAM_SUCCESS ? "success" : "denied");
            if (j->pam_rc != PAM_SUCCESS && j->pam_rc != PAM_AUTH_ERR)
                WARN("PAM service %s said %d for %s (see the system log)", LOGON_SERVICE, j->pam_rc, j->user);
            hs_conn_resume(c);
        }
        free_job(j);
    }
    give_room(l);
}

static struct hs_logon *logon_get(struct hs_engine *eng)
{
    struct hs_logon *l = eng->logon;
    struct passwd pw, *found = NULL;
    char pwbuf[4096], *dot;

    if (l) return l;
    if (!(l = calloc(1, sizeof(*l)))) return NULL;
    l->eng = eng;
    hs_list_init(&l->room);
    l->todo_tail = &l->todo;
    if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &found) || !found ||
        strlen(found->pw_name) >= sizeof(l->login))
        WARN("no login name for uid %u: Basic logons fail", (unsigned)geteuid());
    else
        strcpy(l->login, found->pw_name);
    if (gethostname(l->host, sizeof(l->host) - 1)) l->host[0] = 0;
    if ((dot = strchr(l->host, '.'))) *dot = 0;
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->wake, NULL);
    l->ev.fn = answers_in;
    if ((l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) < 0 || hs_ev_add(eng->loop, l->efd, EPOLLIN, &l->ev))
    {
        WARN("no event for logons: %s", strerror(errno));
        if (l->efd >= 0) close(l->efd);
        l->efd = -1;
    }
    eng->logon = l;
    return l;
}

void hs_logon_free(struct hs_engine *eng)
{
    struct hs_logon *l = eng->logon;
    int i;

    if (!l) return;
    pthread_mutex_lock(&l->lock);
    l->stopping = 1;
    pthread_cond_broadcast(&l->wake);
    pthread_mutex_unlock(&l->lock);
    for (i = 0; i < l->thread_count; i++) pthread_join(l->threads[i], NULL);
    while (l->todo)
    {
        struct job *j = l->todo;
        l->todo = j->next;
        free_job(j);
    }
    while (l->done)
    {
        struct job *j = l->done;
        l->done = j->next;
        free_job(j);
    }
    if (l->efd >= 0)
    {
        hs_ev_del(eng->loop, l->efd, &l->ev);
        close(l->efd);
    }
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->wake);
    free(l);
    eng->logon = NULL;
}

static int name_is(const char *s, size_t len, const char *name)
{
    return *name && len == strlen(name) && !strncasecmp(s, name, len);
}

/* NAME, .\NAME or COMPUTERNAME\NAME: Wine's computer name is the host
 * name's first label, cut to 15 characters (NetBIOS), in capitals. */
static int user_matches(const struct hs_logon *l, const char *user, size_t len)
{
    const char *slash = memchr(user, '\\', len);
    char netbios[16];

    if (!slash) return name_is(user, len, l->login);
    if (!name_is(slash + 1, len - (size_t)(slash + 1 - user), l->login)) return 0;
    len = (size_t)(slash - user);
    if (len == 1 && user[0] == '.') return 1;
    memcpy(netbios, l->host, sizeof(netbios) - 1);
    netbios[sizeof(netbios) - 1] = 0;
    return name_is(user, len, l->host) || name_is(user, len, netbios);
}

static int start_worker(struct hs_logon *l)
{
    if (l->thread_count >= LOGON_WORKERS || l->thread_count >= (int)l->pending) return 0;
    /* without a new thread the ones there are take it in turn */
    if (pthread_create(&l->threads[l->thread_count], NULL, worker, l)) return l->thread_count ? 0 : -1;
    l->thread_count++;
    return 0;
}

int hs_logon_basic(struct hs_conn *c, const char *cred, size_t len, size_t colon, int32_t *sec_status)
{
    struct hs_logon *l = logon_get(c->eng);
    struct hs_logon_memo *m = c->logon;
    uint8_t digest[SHA256_DIGEST_LENGTH];
    struct job *j;

    *sec_status = HS_SEC_E_LOGON_DENIED;
    /* Windows refuses blank passwords to network logons */
    if (!l || l->efd < 0 || !user_matches(l, cred, colon) || colon + 1 >= len || memchr(cred, 0, len)) return 0;
    SHA256((const unsigned char *)cred, len, digest);
    if (m && m->state == MEMO_ANSWERED && !CRYPTO_memcmp(m->digest, digest, sizeof(digest)))
    {
        /* a failure answers the request that asked; each retry pays PAM's delay */
        if (m->sec_status) m->state = MEMO_NONE;
        if (m->sec_status || hs_now_ms() - m->answered_ms < LOGON_KEEP_MS)
        {
            *sec_status = m->sec_status;
            return 0;
        }
    }
    if (m && (m->state == MEMO_CHECKING || m->state == MEMO_ROOM)) return 1;
    if (!m)
    {
        if (!(m = calloc(1, sizeof(*m)))) return 0;
        m->conn = c;
        hs_list_init(&m->room_link);
        c->logon = m;
    }
    explicit_bzero(m->digest, sizeof(m->digest));
    if (l->pending >= LOGON_PENDING)
    {
        m->state = MEMO_ROOM;
        hs_list_add_tail(&l->room, &m->room_link);
        return 1;
    }
    if (!(j = calloc(1, sizeof(*j))) || !(j->password = malloc(len - colon)))
    {
        free(j);
        m->state = MEMO_NONE;
        return 0;
    }
    j->conn_id = c->id;
    memcpy(j->digest, digest, sizeof(digest));
    memcpy(j->user, l->login, sizeof(j->user));
    j->password_len = len - colon;
    memcpy(j->password, cred + colon + 1, len - colon - 1);
    j->password[len - colon - 1] = 0;
    hs_addr_text(&c->remote, j->rhost, sizeof(j->rhost));

    l->pending++;
    if (start_worker(l))
    {
        l->pending--;
        free_job(j);
        m->state = MEMO_NONE;
        WARN("no thread for a Basic logon: %s", strerror(errno));
        return 0;
    }
    pthread_mutex_lock(&l->lock);
    *l->todo_tail = j;
    l->todo_tail = &j->next;
    pthread_cond_signal(&l->wake);
    pthread_mutex_unlock(&l->lock);
    memcpy(m->digest, digest, sizeof(digest));
    m->state = MEMO_CHECKING;
    return 1;
}

int hs_logon_busy(const struct hs_conn *c)
{
    return c->logon && (c->logon->state == MEMO_CHECKING || c->logon->state == MEMO_ROOM);
}

void hs_logon_forget(struct hs_conn *c)
{
    struct hs_logon_memo *m = c->logon;

    if (!m) return;
    hs_list_remove(&m->room_link);
    explicit_bzero(m, sizeof(*m));
    free(m);
    c->logon = NULL;
    /* a check under way finishes on its own: its answer finds no connection */
}
