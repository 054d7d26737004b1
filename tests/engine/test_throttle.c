/*
 * The bandwidth limit's arithmetic (throttle.c): a token bucket refilled at
 * the rate, saving up at most a second's worth, written to in quanta.
 */
#include "unit.h"
#include "throttle.h"

static void test_unlimited(void)
{
    struct hs_rate r;

    hs_rate_set(&r, 0, 1000);
    CHECK(hs_rate_ready(&r, 1000));
    hs_rate_spend(&r, 1u << 30);
    CHECK(hs_rate_ready(&r, 1000));
    CHECK(hs_rate_quantum(&r) == (size_t)-1);
}

static void test_refill(void)
{
    struct hs_rate r;

    /* a new rate starts with one second's worth */
    hs_rate_set(&r, 1024, 5000);
    CHECK_INT(r.tokens, 1024);
    CHECK(hs_rate_ready(&r, 5000));
    CHECK_INT(hs_rate_quantum(&r), 256);
    hs_rate_spend(&r, 1024);
    CHECK(!hs_rate_ready(&r, 5000));
    CHECK_INT(hs_rate_delay_ms(&r), 1);           /* one byte's worth */
    hs_rate_spend(&r, 255);
    CHECK_INT(hs_rate_delay_ms(&r), 250);         /* 256 bytes at 1024/s */
    CHECK(!hs_rate_ready(&r, 5100));              /* 102 bytes back: still owing */
    CHECK_INT(r.tokens, -255 + 102);
    CHECK(!hs_rate_ready(&r, 5250));              /* 153 more: even */
    CHECK_INT(r.tokens, 0);
    CHECK(hs_rate_ready(&r, 5251));
    CHECK_INT(r.tokens, 1);
    /* more than a second idle saves up no more than the rate */
    CHECK(hs_rate_ready(&r, 60000));
    CHECK_INT(r.tokens, 1024);
    /* the clock going nowhere changes nothing */
    CHECK(hs_rate_ready(&r, 60000));
    CHECK_INT(r.tokens, 1024);
}

static void test_over_time(void)
{
    struct hs_rate r;
    uint64_t now = 0, sent = 0;

    /* ten seconds of writes as flush_out makes them: whenever ready, one quantum */
    hs_rate_set(&r, 4096, now);
    while (now <= 10000)
    {
        if (hs_rate_ready(&r, now))
        {
            hs_rate_spend(&r, hs_rate_quantum(&r));
            sent += hs_rate_quantum(&r);
        }
        else now += hs_rate_delay_ms(&r);
    }
    /* the first second's worth, then the rate: within a quantum or two */
    CHECK_MSG(sent >= 4096 * 11 - 1024 && sent <= 4096 * 11 + 1024, "sent %llu in 10 s at 4096/s", (unsigned long long)sent);
}

static void test_quantum(void)
{
    struct hs_rate r;

    hs_rate_set(&r, 1u << 20, 0);
    CHECK_INT(hs_rate_quantum(&r), 16384);
    hs_rate_set(&r, 64000, 0);
    CHECK_INT(hs_rate_quantum(&r), 8000);
    hs_rate_set(&r, 0xfffffffe, 0);
    CHECK(hs_rate_ready(&r, 0));
    CHECK(hs_rate_ready(&r, 1));
}

int main(void)
{
    test_unlimited();
    test_refill();
    test_over_time();
    test_quantum();
    return unit_report();
}
