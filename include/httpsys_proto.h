/*
 * The protocol between httpapi.dll, the http.sys driver and the engine.
 *
 * Three parts talk to each other:
 *   - httpapi.dll (PE, in every server process) opens request-queue handles on
 *     the driver's device and sends it IOCTLs;
 *   - the driver (PE, in winedevice.exe) relays every IRP to the engine over
 *     one authenticated loopback TCP connection (the "control channel") and
 *     completes it when the engine answers;
 *   - the engine (a Linux process) owns all HTTP state.
 * Request and response data also travel through one shared-memory segment per
 * request queue (the "fast path"), so that a server that finds work waiting
 * never enters wineserver or the driver.
 *
 * This header is compiled by MinGW (LLP64) and by the host gcc (LP64), so it
 * uses fixed-width types only: no long, no pointers, no Windows types.
 * Every layout change bumps HS_PROTO_VERSION.
 */
#ifndef HTTPSYS_PROTO_H
#define HTTPSYS_PROTO_H

#include <stdint.h>

#define HS_PROTO_VERSION 6

/* ------------------------------------------------------------------------ */
/* Installed layout                                                          */
/* ------------------------------------------------------------------------ */

/* Paths inside the prefix, as NT paths (the driver resolves them to Unix). */
#define HS_ENGINE_NT_PATH   L"\\??\\C:\\windows\\system32\\httpsys\\httpsys-engine"
#define HS_RUNDIR_NT_PATH   L"\\??\\C:\\windows\\system32\\httpsys\\run"
/* Written by the engine once it listens: "<port> <secret-hex> <pid>\n". */
#define HS_READY_FILE       "ready"
#define HS_SECRET_BYTES     32

/* Device names, as the driver creates them. */
#define HS_DEVICE_NAME      L"\\Device\\Http\\ReqQueue"
#define HS_DEVICE_DIR       L"\\Device\\Http"

/* ------------------------------------------------------------------------ */
/* IOCTLs from httpapi.dll to the driver (all METHOD_BUFFERED, FILE_ANY_ACCESS) */
/* ------------------------------------------------------------------------ */

#define HS_CTL_CODE(fn) ((0x22u << 16) | ((fn) << 2))  /* FILE_DEVICE_UNKNOWN, METHOD_BUFFERED */

#define HS_IOCTL_QUEUE_INFO      HS_CTL_CODE(0x900) /* out: hs_queue_info */
#define HS_IOCTL_ADD_URL         HS_CTL_CODE(0x901) /* in: hs_url_params + UTF-8 URL */
#define HS_IOCTL_REMOVE_URL      HS_CTL_CODE(0x902) /* in: hs_url_params + UTF-8 URL */
#define HS_IOCTL_RECEIVE_REQUEST HS_CTL_CODE(0x903) /* in: hs_receive_params; out: request image */
#define HS_IOCTL_RECEIVE_BODY    HS_CTL_CODE(0x904) /* in: hs_body_params; out: body bytes */
#define HS_IOCTL_SEND            HS_CTL_CODE(0x905) /* in: hs_wire_response; info: bytes sent */
#define HS_IOCTL_SERVICE_STATE   HS_CTL_CODE(0x906) /* out: text snapshot (UTF-8) */
#define HS_IOCTL_SET_QUEUE       HS_CTL_CODE(0x907) /* in: hs_queue_params (version of the API) */
#define HS_IOCTL_RELOAD_CONFIG   HS_CTL_CODE(0x908) /* the driver reads the store again; the engine
                                                       gets the records (as HS_IOCTL_APPLY_CONFIG) */
#define HS_IOCTL_APPLY_CONFIG    HS_CTL_CODE(0x909) /* driver -> engine only: in: config text */
#define HS_IOCTL_PKCS12          HS_CTL_CODE(0x90a) /* in: u32 password length, password (UTF-8), PFX;
                                                       out: hs_pkcs12_item records (certutil's reader for
                                                       what Wine's PFXImportCertStore cannot read) */

#define HS_IOCTL_REQUEST_PROPERTY HS_CTL_CODE(0x90b) /* in: hs_property_params; out: the property's
                                                       structure (info: its size, also with MORE_DATA) */

#define HS_IOCTL_CLIENT_CERT     HS_CTL_CODE(0x90c) /* in: hs_client_cert_params; out: the
                                                       HTTP_SSL_CLIENT_CERT_INFO (or, with
                                                       HTTP_RECEIVE_SECURE_CHANNEL_TOKEN, the
                                                       HTTP_REQUEST_CHANNEL_BIND_STATUS) and its data,
                                                       pointers built for user_address */
#define HS_IOCTL_WAIT_DISCONNECT HS_CTL_CODE(0x90d) /* in: u64 connection id; completes when the
                                                       connection closes */
#define HS_IOCTL_CANCEL_REQUEST  HS_CTL_CODE(0x90e) /* in: u64 request id; resets its connection */
#define HS_IOCTL_QUEUE_LIMITS    HS_CTL_CODE(0x90f) /* in: hs_queue_limits */

/* The kernel cache (HttpAddFragmentToCache, HttpReadFragmentFromCache,
 * HttpFlushResponseCache): each takes hs_cache_params and the UTF-8 name
 * (a fragment's URL, or the URL prefix to flush). */
#define HS_IOCTL_CACHE_ADD       HS_CTL_CODE(0x920) /* in: hs_cache_params, name, the fragment's bytes */
#define HS_IOCTL_CACHE_READ      HS_CTL_CODE(0x921) /* in: hs_cache_params, name; out: the bytes (info:
                                                       their count; with MORE_DATA the size needed) */
#define HS_IOCTL_CACHE_FLUSH     HS_CTL_CODE(0x922) /* in: hs_cache_params, name; on a handle that is
                                                       not a queue (netsh http delete cache): every
                                                       queue's entries, all of them if no name */

struct hs_cache_params
{
    uint32_t policy;             /* ADD: HTTP_CACHE_POLICY_TYPE */
    uint32_t seconds;            /* ADD: SecondsToLive of HttpCachePolicyTimeToLive */
    uint32_t flags;              /* FLUSH: HTTP_FLUSH_RESPONSE_FLAG_RECURSIVE; READ: HS_CACHE_RANGE */
    uint32_t name_len;           /* bytes of UTF-8 that follow, no terminator */
    uint64_t offset, length;     /* READ with HS_CACHE_RANGE: the HTTP_BYTE_RANGE */
};
#define HS_CACHE_RANGE        0x1
#define HS_CACHE_TO_EOF       (~(uint64_t)0)     /* HTTP_BYTE_RANGE_TO_EOF */
#define HS_CACHE_FRAGMENT_MAX (16u << 20)        /* bytes of one fragment */

/* HttpServerQueueLengthProperty and HttpServer503VerbosityProperty */
struct hs_queue_limits
{
    uint32_t length;             /* requests waiting for a receive, at most (1 - 0x7fffffff; default 1000) */
    uint32_t verbosity;          /* HTTP_503_RESPONSE_VERBOSITY: 0 resets the connection, else a 503 */
};
#define HS_QUEUE_LENGTH_DEFAULT 1000

/* Named request queues (HttpCreateRequestQueue with a name).  The engine is
 * the one place that knows which names are taken, machine-wide. */
#define HS_IOCTL_QUEUE_NAME      HS_CTL_CODE(0x910) /* in: hs_queue_name + UTF-8 name */
#define HS_IOCTL_DEMAND_START    HS_CTL_CODE(0x911) /* completes when a request waits for a receive
                                                       (HttpWaitForDemandStart, controller only) */
#define HS_IOCTL_FIND_GROUP     HS_CTL_CODE(0x912) /* in: UTF-8 URL prefix; out: u64 HTTP_URL_GROUP_ID of
                                                       the group bound to this queue that registered it */
#define HS_IOCTL_DELEGATE       HS_CTL_CODE(0x913) /* on the source queue; in: hs_delegate + UTF-8 URL */
#define HS_QNAME_CREATE      0x1 /* the file's new queue takes the name (ERROR_ALREADY_EXISTS if taken) */
#define HS_QNAME_OPEN        0x2 /* a file with no queue yet joins the named one (ERROR_FILE_NOT_FOUND) */
#define HS_QNAME_CONTROLLER  0x4 /* with CREATE: this handle controls the queue and does no I/O */
#define HS_QNAME_DELEGATION  0x8 /* with OPEN: opened to delegate requests to the queue */
#define HS_QNAME_SD          0x10 /* with CREATE and a name: the name is followed by a u32 length and
                                     that many bytes of self-relative security descriptor, which the
                                     engine keeps with the name and returns as an OPEN's output (an
                                     OPEN whose output cannot hold it fails with
                                     ERROR_INSUFFICIENT_BUFFER and joins nothing); the opener's
                                     library checks its access against it */
struct hs_queue_name
{
    uint32_t flags;              /* HS_QNAME_* */
    uint32_t name_len;           /* bytes of UTF-8 that follow, no terminator (1..260) */
};
/* HttpDelegateRequestEx: the request leaves this queue for dst_queue_id (a
 * queue this process holds a handle to), with the context of the URL that
 * group (0: any group bound to dst) registered as url (url_len 0: the
 * group's first). */
struct hs_delegate
{
    uint64_t request_id;
    uint64_t dst_queue_id;       /* hs_queue_info.queue_id of the target queue */
    uint64_t group;              /* HTTP_URL_GROUP_ID, or 0 */
    uint32_t url_len;            /* bytes of UTF-8 that follow (DelegateRequestDelegateUrlProperty) */
    uint32_t reserved;
};
#define HS_QUEUE_NAME_MAX 260    /* MAX_PATH: HttpCreateRequestQueue's limit, in bytes of UTF-16 */
/* The largest security descriptor kept with a name: header, owner, group and
 * a DACL of the largest size an ACL can have (its AclSize is 16 bits). */
#define HS_QUEUE_SD_MIN 20
#define HS_QUEUE_SD_MAX (20 + 68 + 68 + 65535)

/*
 * HTTP Server API 2.0 server sessions and URL groups.  A server session is
 * a file on the device that never becomes a queue (HttpCreateServerSession
 * opens it); these IOCTLs go to it and name its groups by the library's
 * group id.  A group's URLs are in the engine from HttpAddUrlToUrlGroup on,
 * bound to a queue or not: a request for an unbound group gets a 503.
 */
#define HS_IOCTL_GROUP_CREATE     HS_CTL_CODE(0x940) /* in: hs_group_params */
#define HS_IOCTL_GROUP_CLOSE      HS_CTL_CODE(0x941) /* in: hs_group_params */
#define HS_IOCTL_GROUP_ADD_URL    HS_CTL_CODE(0x942) /* in: hs_group_params, hs_url_params, UTF-8 URL */
#define HS_IOCTL_GROUP_REMOVE_URL HS_CTL_CODE(0x943) /* in: hs_group_params, hs_url_params, UTF-8 URL */
#define HS_IOCTL_GROUP_BIND       HS_CTL_CODE(0x944) /* in: hs_group_bind */
#define HS_IOCTL_SERVER_PROPERTY  HS_CTL_CODE(0x945) /* in: hs_server_property + data_len bytes */
#define HS_IOCTL_QUEUE_STATE      HS_CTL_CODE(0x946) /* on a v2 queue; in: u32 HTTP_ENABLED_STATE */

struct hs_group_params
{
    uint64_t group;              /* HTTP_URL_GROUP_ID */
};

struct hs_group_bind
{
    uint64_t group;
    uint64_t queue_id;           /* hs_queue_info.queue_id of a queue of the same process; 0 unbinds */
};

/* A property of the session (group 0) or of one of its groups.  A group's
 * property that is not present falls back to the session's. */
#define HS_SPROP_STATE      1    /* value: HTTP_ENABLED_STATE */
#define HS_SPROP_CONN_LIMIT 2    /* value: MaxConnections (groups only; 0xffffffff: none) */
#define HS_SPROP_BANDWIDTH  3    /* value: MaxBandwidth in bytes per second (1024 or more, 0xffffffff: none) */
#define HS_SPROP_LOGGING    4    /* data: hs_log_config and its strings (W3C only) */
#define HS_SPROP_AUTH       5    /* value: AuthSchemes (HTTP_AUTH_ENABLE_*) */
#define HS_SPROP_TIMEOUTS   6    /* data: hs_timeouts (HTTP_TIMEOUT_LIMIT_INFO) */

/* HTTP_TIMEOUT_LIMIT_INFO's values: seconds; 0 leaves a timer to the
 * session's setting or the service's default. */
struct hs_timeouts
{
    uint16_t entity_body, drain_entity_body, request_queue, idle_connection, header_wait;
    uint16_t reserved;
    uint32_t min_send_rate;      /* bytes per second; 0: the default (150), 0xffffffff: no timer */
};
struct hs_server_property
{
    uint64_t group;              /* 0: the session itself */
    uint32_t property;           /* HS_SPROP_* */
    uint32_t present;            /* HTTP_PROPERTY_FLAGS.Present; 0 takes the setting away */
    uint32_t value;
    uint32_t data_len;           /* bytes that follow */
};

/* HTTP_LOGGING_INFO as the engine applies it: W3C files in a directory the
 * library made and named as a Unix path.  software_len bytes of UTF-8
 * (0: the default name), then dir_len bytes of the directory, follow. */
struct hs_log_config
{
    uint32_t logging_flags;      /* HTTP_LOGGING_FLAG_* */
    uint32_t fields;             /* HTTP_LOG_FIELD_* */
    uint32_t rollover;           /* HTTP_LOGGING_ROLLOVER_TYPE */
    uint32_t rollover_size;      /* bytes, HttpLoggingRolloverSize only (0xffffffff: none) */
    uint32_t software_len;
    uint32_t dir_len;
};

struct hs_client_cert_params
{
    uint64_t connection_id;
    uint64_t user_address;
    uint32_t flags;              /* HTTP_RECEIVE_SECURE_CHANNEL_TOKEN 1, HTTP_RECEIVE_FULL_CHAIN 2 */
    uint32_t reserved;
};

#define HS_PROPERTY_ISB             0   /* HttpRequestPropertyIsb: ULONG */
#define HS_PROPERTY_TCP_INFO_V0     1   /* HttpRequestPropertyTcpInfoV0: TCP_INFO_v0 */
#define HS_PROPERTY_TCP_INFO_V1     3   /* HttpRequestPropertyTcpInfoV1: TCP_INFO_v1 */
#define HS_PROPERTY_SNI             4   /* HttpRequestPropertySni */
#define HS_PROPERTY_TCP_INFO_V2     10  /* HttpRequestPropertyTcpInfoV2: TCP_INFO_v2 */
#define HS_PROPERTY_TLS_CLIENT_HELLO 11 /* HttpRequestPropertyTlsClientHello: the bytes */
#define HS_PROPERTY_IDLE_TIMEOUT    12  /* HttpRequestPropertyTransportIdleConnectionTimeout (set) */
#define HS_PROPERTY_DSCP_TAG        13  /* HttpRequestPropertyDscpTag (set) */
#define HS_PROPERTY_TLS_CIPHER_INFO 14  /* HttpRequestPropertyTlsCipherInfo */
#define HS_PROPERTY_SET             0x80000000u  /* or'ed into property: HttpSetRequestProperty of
                                                    the value in `value`; no output */
struct hs_property_params
{
    uint64_t request_id;
    uint32_t property;           /* HTTP_REQUEST_PROPERTY, with HS_PROPERTY_SET for a set */
    uint32_t value;              /* a set's value (seconds, DSCP); 0 for a query */
};

/* HS_IOCTL_PKCS12 output: records one after another, each 4-byte aligned */
struct hs_pkcs12_item
{
    uint8_t  type;               /* HS_P12_* */
    uint8_t  reserved[3];
    uint32_t len;                /* bytes of data that follow */
};
#define HS_P12_KEY_PKCS8   'K'   /* the private key, PKCS#8 PrivateKeyInfo DER */
#define HS_P12_KEY_MSBLOB  'R'   /* the same RSA key as a CryptoAPI PRIVATEKEYBLOB */
#define HS_P12_CERT        'C'   /* the certificate that goes with the key (DER) */
#define HS_P12_CA          'A'   /* another certificate of the file (DER) */

#define HS_QINFO_CONTROLLER 0x1  /* the handle is a controller's: it does no I/O */
struct hs_queue_info
{
    uint64_t queue_id;
    uint32_t shm_size;
    uint32_t flags;              /* HS_QINFO_* */
    char     shm_path[256];      /* Unix path of the queue's shared memory */
    char     doorbell_path[256]; /* Unix path of the engine's doorbell FIFO */
};

struct hs_queue_params
{
    uint16_t api_major;          /* 1 for HttpCreateHttpHandle, 2 for HttpCreateRequestQueue */
    uint16_t api_minor;
    uint32_t flags;
};

struct hs_url_params
{
    uint64_t context;            /* HTTP_URL_CONTEXT delivered with each request */
    uint32_t flags;
    uint32_t url_len;            /* bytes of UTF-8 that follow, no terminator */
};

/* Layout of the HTTP_REQUEST image the engine builds for the caller. */
#define HS_IMAGE_V1 1            /* HTTP_REQUEST_V1 */
#define HS_IMAGE_V2 2            /* HTTP_REQUEST_V2 */

struct hs_receive_params
{
    uint64_t request_id;         /* HTTP_NULL_ID or an id returned with ERROR_MORE_DATA */
    uint64_t user_address;       /* where the caller's buffer lives: pointers are built for it */
    uint32_t flags;              /* HTTP_RECEIVE_REQUEST_FLAG_* */
    uint32_t image;              /* HS_IMAGE_V1 / HS_IMAGE_V2 */
};

struct hs_body_params
{
    uint64_t request_id;
    uint32_t flags;              /* HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_* */
    uint32_t reserved;
};
#define HS_BODY_FLAG_FILL_BUFFER 1   /* HTTP_RECEIVE_REQUEST_ENTITY_BODY_FLAG_FILL_BUFFER */

/* ------------------------------------------------------------------------ */
/* Control channel (driver <-> engine), loopback TCP, little-endian frames   */
/* ------------------------------------------------------------------------ */

enum hs_ctl_type
{
    HS_MSG_AUTH = 1,     /* D->E  first frame: hs_msg_auth; anything else closes the channel */
    HS_MSG_WELCOME,      /* E->D  hs_msg_welcome */
    HS_MSG_OPEN,         /* D->E  a file object was created on the device: file = its id */
    HS_MSG_CLOSE,        /* D->E  the file object is going away: cancel its operations */
    HS_MSG_IOCTL,        /* D->E  hs_msg_ioctl + input bytes; the engine answers with COMPLETE */
    HS_MSG_CANCEL,       /* D->E  the IRP of op was cancelled */
    HS_MSG_COMPLETE,     /* E->D  hs_msg_complete + output bytes */
    HS_MSG_SHUTDOWN,     /* D->E  net stop http: finish everything and exit */
    HS_MSG_BYE,          /* E->D  the engine has completed every operation and is exiting */
    HS_MSG_CONFIG,       /* D->E  the configuration records (text) read at driver start */
    HS_MSG_CERT_REQUEST, /* E->D  hs_msg_cert_request: an SSL binding's certificate is needed */
    HS_MSG_CERT_REPLY,   /* D->E  hs_msg_cert_reply + the material (HS_CERT_* layout) */
    HS_MSG_CHAIN_REQUEST,/* E->D  hs_msg_chain_request + certificates: verify a client's chain */
    HS_MSG_CHAIN_REPLY,  /* D->E  hs_msg_chain_reply */
};

/* The certificate an SSL binding names.  op: the engine's request id,
 * echoed in the reply. */
#define HS_CERT_FROM_STORE 0     /* hash + store: LocalMachine\<store> of the prefix */
#define HS_CERT_FROM_CCS   1     /* host: the central certificate store's <host>.pfx / _.<domain>.pfx */
struct hs_msg_cert_request
{
    uint32_t source;             /* HS_CERT_FROM_* */
    uint32_t hash_len;           /* 20: SHA-1 thumbprint */
    uint8_t  hash[32];
    uint16_t store[128];         /* UTF-16 store name, NUL-terminated; "" = MY */
    uint16_t host[256];          /* UTF-16 host name (CCS), NUL-terminated */
};

/* Reply: status (Win32), then on success the material in one of two forms:
 *   HS_CERT_DER:    u32 cert_len, cert DER; u32 chain_count, then per
 *                   certificate u32 len, DER (issuers from the prefix's
 *                   stores, root excluded); u32 key_len, key (PKCS#8 DER).
 *   HS_CERT_PKCS12: u32 pfx_len, the .pfx file; u32 password_len, password
 *                   (UTF-8, no NUL). */
/* The driver gets the material from httpapi.dll, loaded into winedevice.exe:
 *   DWORD WINAPI httpsys_cert_material(const struct hs_msg_cert_request *,
 *                                      BYTE *out, DWORD cap, DWORD *len)
 * exported by this ordinal only; it writes hs_msg_cert_reply + material. */
#define HS_CERT_EXPORT_ORDINAL 200
#define HS_CERT_DER    0
#define HS_CERT_PKCS12 1
struct hs_msg_cert_reply
{
    uint32_t status;
    uint32_t format;             /* HS_CERT_DER / HS_CERT_PKCS12 */
};
#define HS_CERT_MAX (1u << 20)

/* A client certificate's chain, verified the way http.sys does it: with
 * CertGetCertificateChain in the prefix (LocalMachine stores), under the
 * binding's DefaultCertCheckMode; the result is HTTP_SSL_CLIENT_CERT_INFO's
 * CertFlags (the chain's CERT_TRUST_* error status).  op: the engine's
 * request id, echoed in the reply.  The request is followed by count
 * certificates, each u32 length + DER, the client's own first, then the
 * intermediates it sent. */
#define HS_CHAIN_FETCH_URLS 0x1  /* DisableSslCertChainCacheOnlyUrlRetrieval: AIA and CRL URLs may be fetched */
struct hs_msg_chain_request
{
    uint32_t flags;              /* HS_CHAIN_* */
    uint32_t check_mode;         /* the binding's DefaultCertCheckMode (HTTP_CERT_CHECK_MODE_* bits) */
    uint32_t freshness_time;     /* DefaultRevocationFreshnessTime, seconds */
    uint32_t url_timeout;        /* DefaultRevocationUrlRetrievalTimeout, ms (0: the system's) */
    uint32_t count;              /* certificates that follow */
    uint32_t reserved;
};
struct hs_msg_chain_reply
{
    uint32_t status;             /* Win32 error of the verification itself */
    uint32_t cert_flags;         /* CERT_CHAIN_CONTEXT.TrustStatus.dwErrorStatus */
};
/* The driver calls, in httpapi.dll loaded into winedevice.exe, by ordinal only:
 *   DWORD WINAPI httpsys_verify_chain(const struct hs_msg_chain_request *,
 *                                     DWORD size, struct hs_msg_chain_reply *)
 * size: the request and its certificates. */
#define HS_CHAIN_EXPORT_ORDINAL 201
#define HS_CHAIN_MAX_CERTS 16

#define HS_MAX_FRAME (64u << 20)   /* frames above this are a protocol error */

struct hs_msg_header
{
    uint32_t length;     /* whole frame, header included */
    uint16_t type;       /* enum hs_ctl_type */
    uint16_t reserved;
    uint64_t op;         /* operation id (IOCTL/CANCEL/COMPLETE) */
    uint64_t file;       /* file object id (OPEN/CLOSE/IOCTL) */
};

struct hs_msg_auth
{
    uint32_t magic;      /* HS_AUTH_MAGIC */
    uint32_t version;    /* HS_PROTO_VERSION */
    uint8_t  secret[HS_SECRET_BYTES];
};
#define HS_AUTH_MAGIC 0x53485448u  /* "HTHS" */

struct hs_msg_welcome
{
    uint32_t version;
    uint32_t pid;
};

struct hs_msg_open
{
    uint32_t client_pid; /* Windows process id that opened the handle */
    uint32_t reserved;
};

struct hs_msg_ioctl
{
    uint32_t code;       /* HS_IOCTL_* */
    uint32_t out_size;   /* size of the caller's output buffer */
    uint32_t client_pid;
    uint32_t reserved;
};

struct hs_msg_complete
{
    uint32_t status;     /* NTSTATUS, see hs_status_from_win32 */
    uint32_t token_at;   /* non-zero: the data holds a request whose HTTP_REQUEST_AUTH_INFO.AccessToken
                          * is at this offset; the driver puts a token handle for the receiving
                          * process there (a successful Basic logon) */
    uint64_t information;/* IoStatus.Information (may exceed the output bytes, e.g. MORE_DATA) */
};

/*
 * Completion status: the engine speaks Win32 error codes; IRPs need NTSTATUS.
 * NTSTATUS 0xC007xxxx (FACILITY_NTWIN32) maps back to Win32 error xxxx through
 * RtlNtStatusToDosError, so the caller sees exactly the code the engine chose.
 * MORE_DATA must be a warning so that the I/O manager still copies the output.
 */
static inline uint32_t hs_status_from_win32(uint32_t err)
{
    if (err == 0) return 0;                    /* STATUS_SUCCESS */
    if (err == 234) return 0x80000005u;        /* ERROR_MORE_DATA -> STATUS_BUFFER_OVERFLOW */
    if (err == 995) return 0xC0000120u;        /* ERROR_OPERATION_ABORTED -> STATUS_CANCELLED */
    if (err == 38) return 0xC0000011u;         /* ERROR_HANDLE_EOF -> STATUS_END_OF_FILE */
    return 0xC0070000u | (err & 0xffffu);
}

/* ------------------------------------------------------------------------ */
/* Wire formats: a request or a response as one self-contained blob        */
/* ------------------------------------------------------------------------ */

struct hs_str { uint32_t off, len; };  /* bytes from the start of the blob */

#define HS_KNOWN_REQUEST_HEADERS  41   /* HttpHeaderRequestMaximum */
#define HS_KNOWN_RESPONSE_HEADERS 30   /* HttpHeaderResponseMaximum */

/* hs_wire_request.flags */
#define HS_REQ_MORE_BODY   0x1   /* more entity body than is in this blob */
#define HS_REQ_SECURE      0x2   /* arrived over TLS */

/* A parsed request, as the engine hands it over.  All strings are followed by
 * a NUL byte in the blob (not counted in len).  The cooked URL is UTF-16LE. */
struct hs_wire_request
{
    uint32_t size;                 /* whole blob */
    uint32_t flags;                /* HS_REQ_* */
    uint64_t request_id;
    uint64_t connection_id;
    uint64_t url_context;
    uint64_t bytes_received;       /* request line + headers + body bytes so far */
    uint16_t verb;                 /* HTTP_VERB */
    uint8_t  version_major, version_minor;
    uint32_t known_present_lo;     /* bit i: known header i is present (0..31) */
    uint32_t known_present_hi;     /* bits for headers 32..40 */
    struct hs_str unknown_verb;    /* set when verb == HttpVerbUnknown */
    struct hs_str raw_url;
    struct hs_str cooked_url;      /* UTF-16LE, whole URL */
    uint32_t cooked_host_len;      /* bytes; host starts after "scheme://" */
    uint32_t cooked_host_off;      /* byte offset of host inside cooked_url */
    uint32_t cooked_path_off, cooked_path_len;   /* abs path, bytes inside cooked_url */
    uint32_t cooked_query_off, cooked_query_len; /* query incl. '?', 0 len if none */
    uint8_t  remote_addr[28];      /* SOCKADDR_IN / SOCKADDR_IN6 in Windows layout */
    uint8_t  local_addr[28];
    struct hs_str known[HS_KNOWN_REQUEST_HEADERS];
    uint32_t unknown_count;
    uint32_t unknown_off;          /* array of unknown_count pairs {name, value} of hs_str */
    struct hs_str body;            /* entity body bytes that came with the request */
    uint32_t ssl_off;              /* struct hs_wire_ssl (8-aligned) when HS_REQ_SECURE, else 0 */
    uint32_t auth;                 /* HS_AUTH_INFO(status, type): the V2 Auth request info; 0: none */
    int32_t  auth_sec_status;      /* its SecStatus */
    uint32_t reserved;
};

/* HTTP_REQUEST_AUTH_INFO's AuthStatus (HTTP_AUTH_STATUS) and AuthType
 * (HTTP_REQUEST_AUTH_TYPE), for a request to a URL group with
 * authentication enabled. */
#define HS_AUTH_PRESENT            0x1
#define HS_AUTH_INFO(status, type) (HS_AUTH_PRESENT | ((uint32_t)(status) << 8) | ((uint32_t)(type) << 16))
#define HS_AUTH_STATUS(auth)       (((auth) >> 8) & 0xff)
#define HS_AUTH_TYPE(auth)         (((auth) >> 16) & 0xff)

/* What HTTP_REQUEST.pSslInfo and the SslProtocol request info say. */
struct hs_wire_ssl
{
    uint16_t server_cert_key_size;     /* bits of the server certificate's public key */
    uint16_t connection_key_size;      /* bits of the symmetric key */
    uint32_t client_cert_negotiated;   /* SslClientCertNegotiated */
    struct hs_str issuer, subject;     /* the server certificate's names (CertNameToStr form) */
    struct hs_str client_cert;         /* DER of the client's certificate; len 0: none */
    uint32_t client_cert_flags;        /* HTTP_SSL_CLIENT_CERT_INFO.CertFlags */
    /* HTTP_SSL_PROTOCOL_INFO */
    uint32_t protocol;                 /* SP_PROT_TLS1_2_SERVER, SP_PROT_TLS1_3_SERVER */
    uint32_t cipher_type, cipher_strength, hash_type, hash_strength, key_exchange_type, key_exchange_strength;
    uint32_t reserved;
};
#define HS_RESP_HEADERS 1  /* HttpSendHttpResponse */
#define HS_RESP_ENTITY  2  /* HttpSendResponseEntityBody */

struct hs_wire_response
{
    uint32_t size;                 /* whole blob */
    uint32_t kind;                 /* HS_RESP_* */
    uint64_t request_id;
    uint32_t flags;                /* HTTP_SEND_RESPONSE_FLAG_* */
    uint16_t status;               /* HS_RESP_HEADERS only */
    uint8_t  version_major, version_minor;
    struct hs_str reason;
    uint32_t known_present;        /* bit i: known response header i is present */
    uint32_t unknown_count;
    struct hs_str known[HS_KNOWN_RESPONSE_HEADERS];
    uint32_t unknown_off;          /* array of unknown_count pairs {name, value} */
    uint32_t frag_off;             /* struct hs_wire_frags (8-aligned); 0: no fragment chunks */
    struct hs_str body;            /* concatenated entity chunks (memory chunks) */
    uint32_t file_count;           /* file chunks the engine reads itself */
    uint32_t file_off;             /* array of file_count struct hs_wire_file (8-aligned) */
    uint32_t cache_policy;         /* HS_RESP_HEADERS: HTTP_CACHE_POLICY_TYPE of pCachePolicy */
    uint32_t cache_seconds;        /* its SecondsToLive */
    uint32_t log_off;              /* struct hs_wire_log (8-aligned), the caller's pLogData; 0: none */
    uint32_t reserved;
};

/* HTTP_LOG_FIELDS_DATA: what the application asks to be logged for the
 * response, its strings in UTF-8 (len 0: not given, the engine uses what it
 * knows of the request). */
struct hs_wire_log
{
    struct hs_str user_name, uri_stem, client_ip, server_name, service_name, server_ip;
    struct hs_str method, uri_query, host, user_agent, cookie, referrer;
    uint16_t server_port, protocol_status, sub_status, reserved;
    uint32_t win32_status;
};

/* A chunk of HttpDataChunkFromFileHandle that the engine sends straight
 * from the file (sendfile, or SSL_sendfile under kernel TLS) instead of
 * bytes copied into the blob.  The body is the memory bytes with the file
 * chunks inserted: a file's bytes go after body_pos bytes of body.body. */
#define HS_WIRE_MAX_FILES 1024     /* file chunks in one response; more are copied */
struct hs_wire_file
{
    uint64_t body_pos;             /* memory body bytes that come before it */
    uint64_t offset;               /* first byte in the file */
    uint64_t length;               /* bytes to send (the caller resolved "to the end") */
    uint64_t file_index;           /* the handle's file: the engine checks st_ino against it */
    struct hs_str path;            /* the file's Unix path (UTF-8, NUL-terminated) */
};

/* Chunks of HttpDataChunkFromFragmentCache(Ex): the engine inserts the
 * cached bytes.  A fragment goes after body_pos bytes of body.body and
 * after files_before file chunks (which orders it among file chunks at the
 * same position).  The table is a struct hs_wire_frags followed by count
 * struct hs_wire_frag. */
#define HS_WIRE_MAX_FRAGS 1024
struct hs_wire_frags
{
    uint32_t count;
    uint32_t reserved;
};
struct hs_wire_frag
{
    uint64_t body_pos;             /* memory body bytes that come before it */
    uint64_t offset;               /* first byte of the fragment */
    uint64_t length;               /* bytes, or HS_CACHE_TO_EOF */
    uint32_t files_before;         /* file chunks that come before it */
    uint32_t reserved;
    struct hs_str name;            /* the fragment's URL (UTF-8, NUL-terminated) */
};

/* ------------------------------------------------------------------------ */
/* Shared memory of one request queue                                        */
/* ------------------------------------------------------------------------ */

/*
 * Created by the engine (mode 0600) and mapped by every process that holds a
 * handle to the queue.  Both sides use __atomic builtins on the fields marked
 * "atomic".  The engine validates everything it reads from here: a program
 * that scribbles over the segment can only hurt its own queue.
 */
#define HS_SHM_MAGIC   0x4d485348u   /* "HSHM" */
#define HS_SHM_VERSION 4

struct hs_shm_header
{
    uint32_t magic, version;
    uint32_t header_size;
    uint32_t slot_count;           /* entries in the request slot table */
    uint64_t slots_off;            /* struct hs_shm_slot[slot_count] */
    uint64_t req_ring_off, req_ring_size;
    uint64_t resp_ring_off, resp_ring_size;
    uint32_t closed;               /* atomic: the engine closed the queue */
    uint32_t engine_idle;          /* atomic: the engine sleeps; ring the doorbell */
    uint32_t image;                /* HS_IMAGE_* the queue's API version asks for */
    uint32_t handed_over;          /* atomic: requests given to receives waiting in the driver
                                    * that the server has not acted on yet (engine only) */
    /* request ring: engine produces, servers consume */
    uint64_t req_head;             /* atomic: next write position (engine only) */
    uint64_t req_tail;             /* atomic: oldest record still in use (engine only) */
    uint32_t req_ready;            /* atomic: records published and not yet claimed */
    uint32_t servers_looking;      /* atomic: server threads looking at the request ring now */
    /* response ring: servers produce, engine consumes */
    uint64_t resp_reserve;         /* atomic: next free position (servers, by CAS) */
    uint64_t resp_tail;            /* atomic: everything before is consumed (engine only) */
    uint64_t reserved2[4];
};

/* A record in either ring.  Records are 8-byte aligned and never wrap: a
 * record that does not fit before the end is preceded by a PAD record. */
struct hs_ring_record
{
    uint32_t state;                /* atomic: HS_REC_* */
    uint32_t size;                 /* whole record, header included: hs_ring_record_size() */
    uint32_t kind;                 /* HS_KIND_* */
    uint32_t result;               /* request ring: Win32 outcome written by the claimer */
    uint64_t request_id;
    uint32_t body_taken;           /* request ring: body bytes the claimer copied */
    uint32_t reserved;
    /* followed by a wire request or response */
};

#define HS_KIND_PAD      0
#define HS_KIND_REQUEST  1
#define HS_KIND_RESPONSE 2

/* request ring states */
#define HS_REC_FREE       0
#define HS_REC_PUBLISHED  1   /* engine -> any server may claim it */
#define HS_REC_CLAIMED    2   /* a server is copying it */
#define HS_REC_TAKEN      3   /* the server is done: result/body_taken say how it went */
#define HS_REC_WITHDRAWN  4   /* the engine took it back to complete a pending IRP */
/* response ring states */
#define HS_REC_RESERVED   5   /* a server is writing it */
#define HS_REC_COMMITTED  6   /* ready for the engine */
#define HS_REC_CONSUMED   7   /* the engine has processed it */

/* One entry per live request that a server may answer through the fast path.
 * The request id names its slot (id & 0xffff), so lookups need no search. */
struct hs_shm_slot
{
    uint64_t request_id;           /* atomic: live request in this slot, 0 if none */
    uint32_t app_state;            /* atomic: HS_SLOT_* bits set by servers, under the tag of
                                    * the request (HS_SLOT_TAG) */
    uint32_t engine_state;         /* atomic: HS_SLOT_DEAD etc. set by the engine */
};

#define HS_SLOT_BITS       16
#define HS_SLOT_COUNT      (1u << HS_SLOT_BITS)
#define HS_SLOT_OF(id)     ((uint32_t)((id) & (HS_SLOT_COUNT - 1)))

/* The engine reuses a slot as soon as its request ends, while a server
 * thread may still be finishing a call on the old request: app_state keeps
 * the request's tag above its bits, and every change checks it, so that
 * nothing meant for a request that ended lands on its successor. */
#define HS_SLOT_TAG_SHIFT  8
#define HS_SLOT_STATE_BITS ((1u << HS_SLOT_TAG_SHIFT) - 1)
#define HS_SLOT_TAG(id)    ((uint32_t)((id) >> HS_SLOT_BITS) << HS_SLOT_TAG_SHIFT)

/* Sets and clears bits of a slot's app_state while the slot still holds
 * request_id (engine and servers alike); nothing if it has moved on. */
static inline void hs_slot_update(uint32_t *app_state, uint64_t request_id, uint32_t set, uint32_t clear)
{
    uint32_t old = __atomic_load_n(app_state, __ATOMIC_ACQUIRE);

    while ((old & ~HS_SLOT_STATE_BITS) == HS_SLOT_TAG(request_id) &&
           !__atomic_compare_exchange_n(app_state, &old, (old | set) & ~clear, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {}
}

#define HS_SLOT_SENDING    0x1    /* a send is in progress (concurrent sends: ERROR_BAD_COMMAND) */
#define HS_SLOT_FINAL      0x2    /* the last send of the response has been queued */
#define HS_SLOT_HEADERS    0x4    /* HttpSendHttpResponse has been queued */
#define HS_SLOT_DEAD       0x1    /* engine_state: connection gone */

#define HS_SHM_REQ_RING_SIZE  (4u << 20)
#define HS_SHM_RESP_RING_SIZE (8u << 20)

static inline uint64_t hs_align8(uint64_t v) { return (v + 7) & ~(uint64_t)7; }

/* A ring record's whole size for a payload: a multiple of the header's 32
 * bytes, so that every record starts a header's length or more before the
 * ring's end (the sizes above are multiples of it too) and the PAD record
 * that fills up to the end never writes its header past it. */
static inline uint64_t hs_ring_record_size(uint64_t payload)
{
    return (sizeof(struct hs_ring_record) + payload + 31) & ~(uint64_t)31;
}

#endif /* HTTPSYS_PROTO_H */
