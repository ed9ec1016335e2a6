/* The anchor for the summing benchmark: reads "Q P" lines (gen_items.py N plain) and sums
 * Q * P exactly with GMP rationals, as a plain C loop would. Prints the total to the cent
 * (half-even) and exactly, to check against Outlay's. */
#include <gmp.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    char line[128];
    mpq_t total, price;
    mpz_t num, den;
    mpq_inits(total, price, NULL);
    mpz_inits(num, den, NULL);
    while (fgets(line, sizeof line, stdin)) {
        unsigned long q;
        char p[64];
        if (sscanf(line, "%lu %63s", &q, p) != 2) continue;
        /* the decimal P as digits / 10^places */
        char *dot = strchr(p, '.');
        size_t places = dot ? strlen(dot + 1) : 0;
        if (dot) memmove(dot, dot + 1, places + 1);
        mpz_set_str(num, p, 10);
        mpz_ui_pow_ui(den, 10, places);
        mpz_mul_ui(num, num, q);
        mpq_set_num(price, num);
        mpq_set_den(price, den);
        mpq_canonicalize(price);
        mpq_add(total, total, price);
    }
    gmp_printf("%Qd\n", total);
    mpq_clears(total, price, NULL);
    mpz_clears(num, den, NULL);
    return 0;
}
