/* engine_reserve: reservations and commitments. A reservation is paid in full whether
 * used or not, with usage above it at the overage rate — over the whole period, or hour
 * by hour when it is reserved per hour, minute or second (each window's unused part is
 * lost and billed on its own line, each hour at its contract year's escalated rate; a
 * reservation over the period notes the part used). A
 * commitment is a minimum spend per month: the shortfall below it is billed. A commitment in usage (so much of a SKU per month, or a
 * share of its reservation, which is then paid only as far as it is used or committed)
 * bills what the usage leaves unused of it at the SKU's rate, per period or per contract
 * year (a share of an hourly reservation: per period, each contract year's stretch of
 * the period's hours on its own at that year's rate). */
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

/* Splits the period's usage q into what the hourly reservation covers and the excess.
 * With hourly usage, also weighs the used, unused and excess quantities of each stretch of
 * hours by its escalation factor (w[0..2]: each hour billed at its contract year's rate)
 * and returns 1; usage given for the period runs evenly over its hours, every hour alike,
 * so the period's factor is exact (returns 0). With a committed share (`commit P of
 * reserved`), the shortfall below it is measured in each stretch of one contract year on
 * its own, as a cloud measures an hourly commitment in the hours it is in force: short is
 * the sum of the stretches' shortfalls, w[3] each weighted by its stretch's factor (a
 * period within one contract year is one stretch, its shortfall over the whole period). */
static int apply_hourly(engine_t *en, const engine_period_t *ep, size_t s, const mpq_t q, const mpq_t cap,
                        mpq_t used, mpq_t over, mpq_t *w, mpq_t short_)
{
    const contract_hours_t *h = en->hours;
    int hourly = h && h->has[s];
    mpq_set_ui(used, 0, 1);
    if (hourly) {
        /* the period's hours, those past the hourly usage idle */
        size_t from = (size_t)(ep->p->start - en->c->start) * 24, to = (size_t)(ep->p->end - en->c->start) * 24;
        const mpq_t *u = h->q + s * h->nhours;
        const value_t *share = en->c->skus[s].commit_share;
        mpq_t f, x[4];
        mpq_inits(f, x[0], x[1], x[2], x[3], NULL);
        for (size_t a = from, b; a < to; a = b) {
            long k;
            b = engine_year_hours(en, a, to, &k);
            mpq_set_ui(x[0], 0, 1);
            mpq_set_ui(x[2], 0, 1);
            for (size_t i = a; i < b && i < h->nhours; i++) {
                mpq_add(x[0], x[0], mpq_cmp(u[i], cap) < 0 ? u[i] : cap);
                mpq_add(x[2], x[2], u[i]);
            }
            mpq_set_ui(x[1], (unsigned long)(b - a), 1);
            mpq_mul(x[1], x[1], cap);
            mpq_set_ui(x[3], 0, 1);
            if (share) {
                mpq_mul(x[3], x[1], share->u.num.q);
                mpq_sub(x[3], x[3], x[0]);   /* shortfall below the share */
                if (mpq_sgn(x[3]) < 0) mpq_set_ui(x[3], 0, 1);
                mpq_add(short_, short_, x[3]);
            }
            mpq_sub(x[1], x[1], x[0]);   /* unused */
            mpq_sub(x[2], x[2], x[0]);   /* excess */
            mpq_add(used, used, x[0]);
            engine_year_factor(engine_sku_escalator(en->c, s), k, f);
            for (int j = 0; j < 4; j++) { mpq_mul(x[j], x[j], f); mpq_add(w[j], w[j], x[j]); }
        }
        mpq_clears(f, x[0], x[1], x[2], x[3], NULL);
    } else {
        mpq_mul(used, cap, ep->p->hours);
        if (mpq_cmp(q, used) < 0) mpq_set(used, q);
    }
    mpq_sub(over, q, used);
    return hourly;
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
 * what the reservation covered. short_ and w: an hourly reservation's shortfall measured
 * in each contract year's stretch of hours and weighted by its factors (apply_hourly), NULL
 * for a reservation over the period or usage given per period. */
static int share_unused(engine_t *en, engine_period_t *ep, size_t s, const mpq_t res, const mpq_t used,
                        mpq_srcptr short_, mpq_srcptr w, const dim_t *qdim, const uterm_t *qdisp)
{
    const sku_terms_t *sk = &en->c->skus[s];
    if (short_ && !sk->commit_yearly) return engine_flat_line_hours(en, ep, s, "unused_commitment", short_, w, qdim, qdisp, sk->rate);
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
    mpq_t res, x, used, w[4], short_;
    mpq_inits(res, x, used, w[0], w[1], w[2], w[3], short_, NULL);
    int ok = sk->windows_per_hour ? hourly_cap(en, s, res) : engine_amount_for(en, s, FAULT_RESERVE, sk->reserved, lr, ep->p, res);
    if (ok && ov->u.num.dim_id != lr->u.num.dim_id)
        ok = engine_fail_at(en, FAULT_RESERVE, FAULT_OTHER, s, diag_format("the overage rate of %s must be in the same units as its rate", sk->sku));
    if (ok && sk->windows_per_hour) {
        int hourly = apply_hourly(en, ep, s, q, res, used, x, w, short_);
        ok = engine_flat_line_hours(en, ep, s, "committed_use", used, hourly ? w[0] : NULL, qdim, qdisp, lr);
        mpq_mul(res, res, ep->p->hours);
        if (sk->commit_share) {
            ok = ok && share_unused(en, ep, s, res, used, hourly ? short_ : NULL, w[3], qdim, qdisp);
        } else {
            mpq_sub(res, res, used);
            ok = ok && engine_flat_line_hours(en, ep, s, "unused_commitment", res, hourly ? w[1] : NULL, qdim, qdisp, lr);
        }
        ok = ok && engine_flat_line_hours(en, ep, s, "on_demand", x, hourly ? w[2] : NULL, qdim, qdisp, ov);
    } else if (ok) {
        /* the reservation is paid in full (with a committed share, as far as it is used,
         * and what is unused of the share apart), and keeps the part of it the usage took
         * (`used`) for views that split it (FOCUS); usage above it at the overage rate, a
         * line even when there is none, which says the rate without the reservation */
        mpq_set(used, mpq_cmp(q, res) < 0 ? q : res);
        if (mpq_sgn(used) < 0) mpq_set_ui(used, 0, 1);
        ok = engine_flat_line(en, ep, s, "reserved", sk->commit_share ? used : res, qdim, qdisp, lr);
        if (ok && !lines_set_used(ep->lines, used)) ok = engine_fail(en, NULL);
        ok = ok && (!sk->commit_share || share_unused(en, ep, s, res, used, NULL, NULL, qdim, qdisp));
        mpq_sub(x, q, res);
        if (mpq_sgn(x) < 0) mpq_set_ui(x, 0, 1);
        ok = ok && engine_flat_line(en, ep, s, "overage", x, qdim, qdisp, ov);
    }
    mpq_clears(res, x, used, w[0], w[1], w[2], w[3], short_, NULL);
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
            ok = engine_line(en, ep, "commitment", "shortfall", x);
        }
    }
    mpq_clear(x);
    return ok;
}
