/* engine_reserve: reservations and commitments. A reservation is paid in full whether
 * used or not, with usage above it at the overage rate — over the whole period, or hour
 * by hour when it is reserved per hour, minute or second (each window's unused part is
 * lost and billed on its own line; a reservation over the period notes the part used). A
 * commitment is a minimum spend per month: the shortfall below it is billed. A commitment in usage (so much of a SKU per month, or a
 * share of its reservation, which is then paid only as far as it is used or committed)
 * bills what the usage leaves unused of it at the SKU's rate, per period or per contract
 * year. */
#include "engine.h"
#include "diag.h"

/* The reservation's quantity in one hour, in the rate's terms: a level (4 vm) for the
 * hour, or a quantity per window (10 GB per minute) times the windows in an hour. */
static int hourly_cap(engine_t *en, size_t s, mpq_t out)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (!engine_month_is_pricing(en, engine_sku_rate(sk)))
        return engine_fail_at(en, FAULT_RESERVE, FAULT_OTHER, s, diag_format("%s is reserved hour by hour, but its rate per month does not count 730-hour months (a storage rate counts calendar months): "
                                                                            "give it a rate per hour, or write month = 730 hours", sk->sku));
    period_t window;
    mpq_init(window.hours);
    mpq_init(window.month_share);
    mpq_set_ui(window.hours, 1, (unsigned long)sk->windows_per_hour);
    int ok = engine_amount_for(en, s, FAULT_RESERVE, sk->reserved, engine_sku_rate(sk), &window, out);
    mpq_clear(window.hours);
    mpq_clear(window.month_share);
    if (ok) {
        mpq_t k;
        mpq_init(k);
        mpq_set_ui(k, (unsigned long)sk->windows_per_hour, 1);
        mpq_mul(out, out, k);
        mpq_clear(k);
    }
    return ok;
}

/* Splits the period's usage q into what the hourly reservation covers and the excess. */
static void apply_hourly(engine_t *en, const engine_period_t *ep, size_t s, const mpq_t q, const mpq_t cap,
                         mpq_t used, mpq_t over)
{
    const contract_hours_t *h = en->hours;
    mpq_set_ui(used, 0, 1);
    if (h && h->has[s]) {
        size_t from, to;
        engine_period_hours(en, ep->p, &from, &to);
        const mpq_t *u = h->q + s * h->nhours;
        for (size_t i = from; i < to; i++) mpq_add(used, used, mpq_cmp(u[i], cap) < 0 ? u[i] : cap);
    } else {
        /* usage given for the period runs evenly over its hours */
        mpq_mul(used, cap, ep->p->hours);
        if (mpq_cmp(q, used) < 0) mpq_set(used, q);
    }
    mpq_sub(over, q, used);
}

/* What usage leaves unused of a commitment in SKU s's usage: committed - used in the period
 * (unless trued up yearly), or over each contract year on the period holding its last day,
 * where a period across an anniversary counts toward each year by its days. The unused
 * part is billed at the SKU's rate, escalated as in the period, or (over a year) as in
 * that year. committed: the period's committed quantity, NULL for a yearly amount. */
static int usage_unused(engine_t *en, engine_period_t *ep, size_t s, const mpq_t committed, const mpq_t used,
                        const dim_t *qdim, const uterm_t *qdisp)
{
    const contract_t *c = en->c;
    const sku_terms_t *sk = &c->skus[s];
    sku_state_t *st = &en->st[s];
    const period_t *p = ep->p;
    mpq_t x, part;
    mpq_inits(x, part, NULL);
    int ok = 1;
    if (!sk->commit_yearly) {
        /* an hourly reservation shows its unused commitment each period, as without a share */
        mpq_sub(x, committed, used);
        if (mpq_sgn(x) < 0) mpq_set_ui(x, 0, 1);
        if (mpq_sgn(x) > 0 || sk->windows_per_hour) ok = engine_flat_line(en, ep, s, "unused_commitment", x, qdim, qdisp, sk->rate);
    }
    for (date_t d = p->start, year_end, to; ok && sk->commit_yearly && d < p->end; d = to) {
        long k = engine_contract_year(c, d, &year_end);
        to = year_end < p->end ? year_end : p->end;
        mpq_set_si(part, to - d, p->end - p->start);
        mpq_canonicalize(part);
        mpq_mul(x, used, part);
        mpq_add(st->year_used, st->year_used, x);
        if (committed) { mpq_mul(x, committed, part); mpq_add(st->year_committed, st->year_committed, x); }
        if (to < year_end) continue;
        if (!committed)
            ok = engine_year_minimum(en, sk->commits[0].amount, qdim, k, year_end, "a yearly commitment", st->year_committed) ||
                 engine_fail_at(en, FAULT_USAGE_COMMIT, FAULT_OTHER, s, NULL);
        mpq_sub(x, st->year_committed, st->year_used);
        if (ok && mpq_sgn(x) > 0) {
            engine_year_factor(engine_sku_escalator(c, s), k, part);
            ok = engine_flat_line_at(en, ep, s, "unused_commitment", x, qdim, qdisp, sk->rate, part);
        }
        mpq_set_ui(st->year_committed, 0, 1);
        mpq_set_ui(st->year_used, 0, 1);
    }
    mpq_clears(x, part, NULL);
    return ok;
}

/* `commit P of reserved SKU`: P of the period's reservation res is committed; used is
 * what the reservation covered. */
static int share_unused(engine_t *en, engine_period_t *ep, size_t s, const mpq_t res, const mpq_t used,
                        const dim_t *qdim, const uterm_t *qdisp)
{
    mpq_t committed;
    mpq_init(committed);
    mpq_mul(committed, res, en->c->skus[s].commit_share->u.num.q);
    int ok = usage_unused(en, ep, s, committed, used, qdim, qdisp);
    mpq_clear(committed);
    return ok;
}

int engine_usage_commitment(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim, const uterm_t *qdisp)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (!sk->ncommits) return 1;
    if (sk->commit_yearly) return usage_unused(en, ep, s, NULL, q, qdim, qdisp);
    mpq_t committed;
    mpq_init(committed);
    size_t bad = 0;
    int ok = engine_dated_quantity(en, sk->commits, sk->ncommits, 1, qdim, "a commitment in usage", ep->p, committed, &bad) ?
             usage_unused(en, ep, s, committed, q, qdim, qdisp) : engine_fail_at(en, FAULT_USAGE_COMMIT, FAULT_OTHER, s, NULL);
    mpq_clear(committed);
    return ok;
}

int engine_reserve_charge(engine_t *en, engine_period_t *ep, size_t s, const mpq_t q, const dim_t *qdim,
                          const uterm_t *qdisp)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (!engine_tiers_check(en, s, qdim)) return 0;
    if (sk->kind != PRICE_FLAT)
        return engine_fail_at(en, FAULT_RESERVE, FAULT_OTHER, s, diag_format("a reservation needs a flat rate for %s", sk->sku));
    const value_t *lr = engine_sku_rate(sk);
    const value_t *ov = sk->overage ? sk->overage : sk->rate;
    mpq_t res, x, used;
    mpq_inits(res, x, used, NULL);
    int ok = sk->windows_per_hour ? hourly_cap(en, s, res) : engine_amount_for(en, s, FAULT_RESERVE, sk->reserved, lr, ep->p, res);
    if (ok && !dim_eq(&ov->u.num.dim, &lr->u.num.dim))
        ok = engine_fail_at(en, FAULT_RESERVE, FAULT_OTHER, s, diag_format("the overage rate of %s must be in the same units as its rate", sk->sku));
    if (ok && sk->windows_per_hour) {
        apply_hourly(en, ep, s, q, res, used, x);
        ok = engine_flat_line(en, ep, s, "committed_use", used, qdim, qdisp, lr);
        mpq_mul(res, res, ep->p->hours);
        if (sk->commit_share) {
            ok = ok && share_unused(en, ep, s, res, used, qdim, qdisp);
        } else {
            mpq_sub(res, res, used);
            ok = ok && engine_flat_line(en, ep, s, "unused_commitment", res, qdim, qdisp, lr);
        }
        ok = ok && engine_flat_line(en, ep, s, "on_demand", x, qdim, qdisp, ov);
    } else if (ok) {
        /* the reservation is paid in full (with a committed share, as far as it is used,
         * and what is unused of the share apart), and keeps the part of it the usage took
         * (`used`) for views that split it (FOCUS); usage above it at the overage rate, a
         * line even when there is none, which says the rate without the reservation */
        mpq_set(used, mpq_cmp(q, res) < 0 ? q : res);
        if (mpq_sgn(used) < 0) mpq_set_ui(used, 0, 1);
        ok = engine_flat_line(en, ep, s, "reserved", sk->commit_share ? used : res, qdim, qdisp, lr);
        if (ok && !value_record_set(ep->lines[ep->nlines - 1], "used", value_quantity(used, qdim, qdisp))) ok = engine_fail(en, NULL);
        ok = ok && (!sk->commit_share || share_unused(en, ep, s, res, used, qdim, qdisp));
        mpq_sub(x, q, res);
        if (mpq_sgn(x) < 0) mpq_set_ui(x, 0, 1);
        ok = ok && engine_flat_line(en, ep, s, "overage", x, qdim, qdisp, ov);
    }
    mpq_clears(res, x, used, NULL);
    return ok;
}

int engine_commitment(engine_t *en, engine_period_t *ep)
{
    const contract_t *c = en->c;
    if (!c->ncommits) return 1;
    mpq_t x;
    mpq_init(x);
    int ok = engine_dated_amount(en, c->commits, c->ncommits, 1, FAULT_COMMIT, "the commitment", ep->p, x);
    if (ok) {
        mpq_sub(x, x, c->commit_on_gross ? ep->t.charges : ep->t.net);
        if (mpq_sgn(x) > 0) {
            engine_round(en, x, 1);
            mpq_add(ep->t.shortfall, ep->t.shortfall, x);
            ok = engine_line(en, ep, "commitment", "shortfall", NULL, NULL, NULL, x);
        }
    }
    mpq_clear(x);
    return ok;
}
