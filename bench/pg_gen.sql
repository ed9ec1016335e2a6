-- FOCUS usage rows for the PostgreSQL benchmark, made inside the server.
--   psql -v rows=10000000 -v skus=20 -v hours=744 -f bench/pg_gen.sql
-- Row i is SKU i % skus in hour (i / skus) % hours of January 2027, so each of the
-- skus x hours groups gets rows / (skus x hours) rows; quantities and costs are exact
-- decimals (3 and 6 places) that vary from row to row.
DROP TABLE IF EXISTS focus;
CREATE UNLOGGED TABLE focus (
    "SkuId" text, "PricingQuantity" numeric, "PricingUnit" text,
    "ChargePeriodStart" timestamptz, "ChargePeriodEnd" timestamptz, "BillingCurrency" text,
    "BilledCost" numeric, "EffectiveCost" numeric, "ListCost" numeric,
    "ChargeCategory" text, "ServiceName" text, "ResourceId" text);
INSERT INTO focus
SELECT 'sku_' || (i % :skus),
       (i * 7919 % 100000) / 1000.0,
       'Hours',
       TIMESTAMPTZ '2027-01-01 00:00:00+00' + ((i / :skus) % :hours) * INTERVAL '1 hour',
       TIMESTAMPTZ '2027-01-01 01:00:00+00' + ((i / :skus) % :hours) * INTERVAL '1 hour',
       'USD',
       (i * 104729 % 10000000) / 1000000.0,
       (i * 104723 % 10000000) / 1000000.0,
       (i * 104717 % 10000000) / 1000000.0,
       'Usage', 'Compute', 'r-' || (i % 1000)
FROM generate_series(0::bigint, :rows - 1) AS i;
VACUUM ANALYZE focus;
