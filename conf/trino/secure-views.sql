-- Row-level security for Trino (SPEC §5): one view per mart in olist.secure, same name as the base table in
-- olist.marts. A user sees the rows of the states their access groups grant, resolved at query time through
-- dim_security_rls (user -> groups) ⋈ dim_rls_bridge (group -> states) ⋈ dim_sellers (seller -> state), so a
-- new manager is one seed row and the fact is never rebuilt. A user with no mapping sees no rows at all.
-- The views run as their owner (SECURITY DEFINER): analysts read them without any right on olist.marts.
--   fct_order_items     lines sold by a seller in the user's states
--   dim_sellers         sellers in the user's states
--   dim_customers       persons who bought from such a seller
--   dim_products, dim_date, meta_project_status   shared reference rows: every mapped user sees them all
--   dim_security_rls    the user's own rows; dim_rls_bridge: the user's groups
-- Rows whose seller is unknown (seller_sk = -1) have no state, so only the admin sees them (base tables).

CREATE OR REPLACE VIEW olist.secure.fct_order_items SECURITY DEFINER AS
SELECT f.*
FROM olist.marts.fct_order_items f
WHERE f.seller_sk IN (
  SELECT s.seller_sk
  FROM olist.marts.dim_sellers s
  JOIN olist.marts.dim_rls_bridge b ON b.seller_state_code = s.seller_state_code
  JOIN olist.marts.dim_security_rls u ON u.access_group = b.access_group
  WHERE u.user_email = lower(current_user));

CREATE OR REPLACE VIEW olist.secure.dim_sellers SECURITY DEFINER AS
SELECT s.*
FROM olist.marts.dim_sellers s
WHERE s.seller_state_code IN (
  SELECT b.seller_state_code
  FROM olist.marts.dim_rls_bridge b
  JOIN olist.marts.dim_security_rls u ON u.access_group = b.access_group
  WHERE u.user_email = lower(current_user));

CREATE OR REPLACE VIEW olist.secure.dim_customers SECURITY DEFINER AS
SELECT c.*
FROM olist.marts.dim_customers c
WHERE c.customer_sk IN (
  SELECT f.customer_sk
  FROM olist.marts.fct_order_items f
  JOIN olist.marts.dim_sellers s ON s.seller_sk = f.seller_sk
  JOIN olist.marts.dim_rls_bridge b ON b.seller_state_code = s.seller_state_code
  JOIN olist.marts.dim_security_rls u ON u.access_group = b.access_group
  WHERE u.user_email = lower(current_user));

CREATE OR REPLACE VIEW olist.secure.dim_products SECURITY DEFINER AS
SELECT p.*
FROM olist.marts.dim_products p
WHERE EXISTS (SELECT 1 FROM olist.marts.dim_security_rls u WHERE u.user_email = lower(current_user));

CREATE OR REPLACE VIEW olist.secure.dim_date SECURITY DEFINER AS
SELECT d.*
FROM olist.marts.dim_date d
WHERE EXISTS (SELECT 1 FROM olist.marts.dim_security_rls u WHERE u.user_email = lower(current_user));

CREATE OR REPLACE VIEW olist.secure.meta_project_status SECURITY DEFINER AS
SELECT m.*
FROM olist.marts.meta_project_status m
WHERE EXISTS (SELECT 1 FROM olist.marts.dim_security_rls u WHERE u.user_email = lower(current_user));

CREATE OR REPLACE VIEW olist.secure.dim_security_rls SECURITY DEFINER AS
SELECT u.*
FROM olist.marts.dim_security_rls u
WHERE u.user_email = lower(current_user);

CREATE OR REPLACE VIEW olist.secure.dim_rls_bridge SECURITY DEFINER AS
SELECT b.*
FROM olist.marts.dim_rls_bridge b
WHERE b.access_group IN (
  SELECT u.access_group FROM olist.marts.dim_security_rls u WHERE u.user_email = lower(current_user));
