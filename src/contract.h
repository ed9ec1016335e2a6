/* contract: the pricing engine. It takes a contract's terms and per-period usage as
 * evaluated values and produces an invoice; it never sees syntax. */
#ifndef OUTLAY_CONTRACT_H
#define OUTLAY_CONTRACT_H
#include "dates.h"
#include "value.h"

typedef struct tier {
    value_t *upto;            /* upper bound of the tier (NULL: no bound) */
    value_t *rate;
    int below;                /* volume: a quantity equal to the bound is in the next tier */
} tier_t;

typedef enum { PRICE_FLAT, PRICE_GRADUATED, PRICE_VOLUME } price_kind;

/* The SKUs a clause applies to, by index, in increasing order; n == 0: the whole contract.
 * label names them on invoice lines (one SKU's name, or the names joined with +). */
typedef struct sku_set { size_t *idx; size_t n; char *label; } sku_set_t;

typedef struct sku_terms {
    char *sku;
    price_kind kind;
    int cumulative;           /* tiers count usage over the whole term */
    size_t ladder;            /* 1 + the index of the first SKU of a tier ladder several SKUs
                                 share (their combined usage walks it), 0: its own */
    value_t *start;           /* usage from outside the contract the ladder starts from, in
                                 each period (a list: one per period) or once for cumulative
                                 tiers; or NULL */
    value_t *escalate;        /* the SKU's own yearly escalator, or NULL: the contract's */
    value_t *rate;            /* PRICE_FLAT */
    tier_t *tiers;
    size_t ntiers;
    value_t *reserved;        /* reserved quantity per period, or NULL */
    value_t *overage;         /* rate above the reservation (NULL: the SKU's rate) */
    long windows_per_hour;    /* 0: the reservation covers the period; 1, 60, 3600: it is
                                 reserved in each hour, minute or second (use it or lose it) */
    size_t plan;              /* 1 + the index of the plan covering the SKU, 0: none */
    value_t *plan_rate;       /* the SKU's rate under that plan */
    /* A commitment in the SKU's usage: quantities per month in force by date (commit 500000
     * gpu_hour per month), or a share of its reservation (commit 80% of reserved gpu_hour).
     * What the usage leaves unused of it is billed at the SKU's rate. */
    struct commit_step *commits;
    size_t ncommits;
    value_t *commit_share;
    int commit_yearly;        /* measured over each contract year (trued up yearly) */
} sku_terms_t;

/* A spend-based commitment (a savings plan): so much money per hour, spent each hour on
 * the usage of its SKUs at their plan rates, largest percentage saving first. */
typedef struct plan { char *name; value_t *amount; } plan_t;

/* escalates: the amount follows the contract's escalator, (1 + e)^k in contract year k */
typedef struct commit_step { value_t *amount; date_t from, until; int has_from, has_until, escalates; } commit_step_t;
typedef struct discount { value_t *pct; sku_set_t on; value_t *above; } discount_t;
/* A cap on the SLA credits on a set of SKUs: a share of their net charges, or money per
 * month. */
typedef struct sla_cap { value_t *amount; sku_set_t on; } sla_cap_t;

/* Where money is rounded: each period's invoice total (the default), every line, nowhere. */
typedef enum { CONTRACT_ROUND_INVOICE, CONTRACT_ROUND_LINES, CONTRACT_ROUND_NONE } contract_rounding;

typedef struct contract {
    char *name;
    date_t start, end;        /* end is exclusive */
    sku_terms_t *skus;
    size_t nskus;
    commit_step_t *commits;
    size_t ncommits;
    int period_months;        /* billing periods of 1 (0 too), 3 or 12 calendar months */
    int weekly;               /* billing periods of weeks, Monday to Monday */
    value_t *trueup;          /* a commitment per contract year, trued up at each year's end, or NULL */
    int trueup_escalates;
    commit_step_t *fees;      /* fixed charges per month, billed whatever the usage */
    size_t nfees;
    discount_t *discounts;
    size_t ndiscounts;
    plan_t *plans;
    size_t nplans;
    value_t *escalate;        /* yearly rate, or NULL */
    value_t **sla_pcts;       /* one per SLA band; conditions are the caller's */
    sku_set_t *sla_on;        /* per band, the SKUs whose charges it credits (NULL: all bands on the whole contract) */
    size_t nsla;
    sla_cap_t *sla_caps;
    size_t ncaps;
    value_t *pool;            /* prepaid / promotional credit, or NULL */
    value_t *upfront;         /* a payment billed on upfront_on and amortised over the term, or NULL */
    /* A month of a per-month rate against a level (6 PB at USD/(GB*month)): month_hours,
     * or (month_calendar) each calendar month's own hours; neither given, a calendar
     * month for a storage-style rate (money per data per month) and the prelude's 730
     * hours for any other (engine.c). */
    value_t *month_hours;
    int month_calendar;
    date_t upfront_on;
    contract_rounding rounding;
    int commit_on_gross;      /* the minimum is measured against spend before discounts */
    int sla_on_invoice;       /* the SLA credit is a share of net + shortfall, not of net */
    value_t *quantum;         /* NULL: 0.01 of the currency */
    round_mode mode;
} contract_t;

typedef struct period {
    date_t start, end;        /* end exclusive */
    int index;
    mpq_t hours;              /* hours in this period */
    mpq_t month_share;        /* the period in months: each calendar month's days in it / its days */
} period_t;

/* Which part of the terms or usage an error is about, so the caller can point at it. */
typedef enum { FAULT_NONE, FAULT_USAGE, FAULT_RATE, FAULT_RESERVE, FAULT_COMMIT, FAULT_FEE, FAULT_DISCOUNT,
               FAULT_POOL, FAULT_ROUND, FAULT_PLAN, FAULT_UPFRONT, FAULT_TRUEUP, FAULT_CAP,
               FAULT_USAGE_COMMIT /* index: the SKU */ } fault_kind;
/* Why: FAULT_UNFIT when a quantity's dimensions don't meet its rate's, so the caller can
 * say how usage meets a rate; FAULT_OTHER for everything else. */
typedef enum { FAULT_OTHER, FAULT_UNFIT } fault_code;
typedef struct fault { fault_kind kind; fault_code code; size_t index; } fault_t;

/* Usage hour by hour from the contract's start, fed by a workload evaluated over hours
 * or by a usage table: q[s * nhours + h] is SKU s's quantity in hour h, in base units of
 * dim[s] (a quantity such as gpu*hour or GB, not a level). Built once per price(). */
typedef struct contract_hours {
    size_t nskus, nhours;
    mpq_t *q;
    dim_t *dim;
    unsigned char *has;       /* per SKU: whether its usage is given hourly */
    unsigned char *level;     /* per SKU: whether it was a level (8 vm) run for each hour */
} contract_hours_t;
contract_hours_t *contract_hours_new(size_t nskus, size_t nhours);
void contract_hours_free(contract_hours_t *h);

void contract_free(contract_t *c);
void contract_set_free(sku_set_t *s);
/* Whether any of the terms is an approximate quantity. */
int contract_is_approx(const contract_t *c);
/* The machine words of all the contract's figures: its sums grow with them. */
size_t contract_words(const contract_t *c);

/* The billing periods (calendar months, cut at the start and end). A contract year k
 * starts on the k-th anniversary of the start date. */
int contract_periods(const contract_t *c, period_t **out, size_t *n, char **err);
void contract_periods_free(period_t *p, size_t n);

/* Prices usage[p * nskus + s] (NULL where a SKU is unused) for each period, with the SLA
 * bands that hold in each period in sla_hit[p * nsla + b]. Returns the invoice record. */
value_t *contract_price(const contract_t *c, units_t *u, const char *workload,
                        const period_t *periods, size_t nperiods,
                        value_t *const *usage, const int *sla_hit, char **err, fault_t *fault);
/* The same, where hours (or NULL) gives some SKUs' usage hour by hour instead. */
value_t *contract_price_hours(const contract_t *c, units_t *u, const char *workload,
                              const period_t *periods, size_t nperiods, value_t *const *usage,
                              const contract_hours_t *hours, const int *sla_hit, char **err, fault_t *fault);

/* A pricing's state before the SLA credit, per period: what the SLA bands, the credit pool
 * and the upfront payment do not change. A sweep or compare that changes only what the SLA
 * conditions read prices again from there. Its key is exact: every term the stages before
 * the SLA credit read, the periods and each period's usage, compared figure by figure. */
typedef struct contract_memo contract_memo_t;
/* contract_price_hours, starting from reuse where its key matches these terms, periods and
 * usage (and hours is NULL); with keep, a new memo of this pricing goes to *keep (NULL when
 * there are hours, or out of memory). The memo refers to c's figures: c outlives it. */
value_t *contract_price_memo(const contract_t *c, units_t *u, const char *workload,
                             const period_t *periods, size_t nperiods, value_t *const *usage,
                             const contract_hours_t *hours, const int *sla_hit, char **err, fault_t *fault,
                             const contract_memo_t *reuse, contract_memo_t **keep);
void contract_memo_free(contract_memo_t *m);
#endif
