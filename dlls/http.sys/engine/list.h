/* Intrusive doubly-linked lists, the way the engine keeps its objects. */
#ifndef HS_LIST_H
#define HS_LIST_H

#include <stddef.h>

struct hs_list { struct hs_list *next, *prev; };

#define HS_LIST_INIT(l) { &(l), &(l) }
#define HS_CONTAINER(ptr, type, field) ((type *)((char *)(ptr) - offsetof(type, field)))
#define HS_LIST_FOR_EACH(cur, head) \
    for ((cur) = (head)->next; (cur) != (head); (cur) = (cur)->next)
#define HS_LIST_FOR_EACH_SAFE(cur, nxt, head) \
    for ((cur) = (head)->next, (nxt) = (cur)->next; (cur) != (head); (cur) = (nxt), (nxt) = (cur)->next)

static inline void hs_list_init(struct hs_list *l) { l->next = l->prev = l; }
static inline int  hs_list_empty(const struct hs_list *l) { return l->next == l; }
static inline int  hs_list_linked(const struct hs_list *e) { return e->next && e->next != e; }

static inline void hs_list_add_tail(struct hs_list *head, struct hs_list *e)
{
    e->prev = head->prev;
    e->next = head;
    head->prev->next = e;
    head->prev = e;
}

static inline void hs_list_add_head(struct hs_list *head, struct hs_list *e)
{
    hs_list_add_tail(head->next, e);
}

static inline void hs_list_remove(struct hs_list *e)
{
    if (!e->next) return;
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}

static inline struct hs_list *hs_list_head(const struct hs_list *l)
{
    return hs_list_empty(l) ? NULL : l->next;
}

#endif
